"""``reunify dedupe`` on a large synthetic registry, beside Splink's dedupe of the same data.

The registry is synthetic people (names drawn from the FEBRL name lists, so common names
are common) of whom ``DUPLICATES`` are registered a second time with the slips a second
hospital makes: a typo in a name, a nickname, given and family swapped, a missing or
mistyped date of birth, a missing phone. Each side runs in a process of its own, so its peak
memory is its own: ours opens the database the registry was imported into and runs what
``reunify dedupe --train`` runs; Splink (DuckDB) gets the same rows as a table and a usual
configuration. Both are scored against the known pairs: precision, recall, F1.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DUPLICATES = 0.05  # share of the registry registered twice
SLIPS = {
    "family_typo": 0.30, "given_typo": 0.20, "nickname": 0.10, "swap": 0.05,
    "drop_birth": 0.10, "swap_day_month": 0.05, "drop_phone": 0.30, "phone_digit": 0.05,
    "drop_city": 0.10, "drop_sex": 0.05,
}  # fmt: skip
Row = dict[str, str]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return rng.choice((word[:i] + letter + word[i + 1 :], word[:i] + word[i + 1 :],
                       word[:i] + letter + word[i:]))  # fmt: skip


def second_record(row: Row, record_id: str, rng: random.Random, nick: dict[str, list[str]]) -> Row:
    """The same person as a second hospital registers them."""
    dup = dict(row, record_id=record_id)
    given, family = dup["given_name"], dup["family_name"]
    if rng.random() < SLIPS["nickname"] and given.lower() in nick:
        given = rng.choice(nick[given.lower()]).title()
    if rng.random() < SLIPS["given_typo"]:
        given = _typo(given, rng)
    if rng.random() < SLIPS["family_typo"]:
        family = _typo(family, rng)
    if rng.random() < SLIPS["swap"]:
        given, family = family, given
    dup["given_name"], dup["family_name"] = given, family
    roll = rng.random()
    if roll < SLIPS["drop_birth"]:
        dup["date_of_birth"] = ""
    elif roll < SLIPS["drop_birth"] + SLIPS["swap_day_month"]:
        year, month, day = dup["date_of_birth"].split("-")
        if int(day) <= 12:
            dup["date_of_birth"] = f"{year}-{day}-{month}"
    phone = dup["phone"]
    if phone and rng.random() < SLIPS["drop_phone"]:
        phone = ""
    elif phone and rng.random() < SLIPS["phone_digit"]:
        j = rng.randint(3, len(phone) - 1)
        phone = phone[:j] + str((int(phone[j]) + 1) % 10) + phone[j + 1 :]
    dup["phone"] = phone
    if rng.random() < SLIPS["drop_city"]:
        dup["city"] = ""
    if rng.random() < SLIPS["drop_sex"]:
        dup["sex"] = ""
    return dup


def registry(
    size: int,
    rng: random.Random,
    people: Callable[[int, random.Random], list[Row]],
    nick: dict[str, list[str]],
) -> tuple[list[Row], set[tuple[str, str]]]:
    """``size`` rows of which ``DUPLICATES`` are second records; the true pairs."""
    seconds = int(size * DUPLICATES)
    rows = people(size - seconds, rng)
    truth: set[tuple[str, str]] = set()
    for i, original in enumerate(rng.sample(rows, seconds)):
        dup = second_record(original, f"D{i}", rng, nick)
        rows.append(dup)
        truth.add((min(original["record_id"], dup["record_id"]),
                   max(original["record_id"], dup["record_id"])))  # fmt: skip
    rng.shuffle(rows)
    return rows, truth


def scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / max(1, len(predicted))
    recall = tp / max(1, len(truth))
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"pairs": len(predicted), "precision": precision, "recall": recall, "f1": f1}


def _peak_mb() -> float:
    """This process's peak resident memory. ``ru_maxrss`` would start from the parent's
    peak (Linux keeps it across fork and exec); ``VmHWM`` starts afresh with the program."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreePeak:
    """The peak of the summed resident memory of this process and its descendants (the
    pair builder and scoring workers), sampled every 0.2 s while in use."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        root = os.getpid()
        while True:
            self.peak_mb = max(self.peak_mb, _tree_rss_kb(root) / 1024)
            if self._stop.wait(0.2):
                return


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:  # gone meanwhile
            continue
        pid = int(entry.name)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[pid] = next((int(ln.split()[1]) for ln in status.splitlines()
                         if ln.startswith("VmRSS:")), 0)  # fmt: skip
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


# --- ours, in a process of its own ------------------------------------------------------


def _ours(url: str) -> dict[str, Any]:
    from sqlalchemy import select

    from reunify.linkage import dedupe
    from reunify.store import Database
    from reunify.store import tables as t
    from reunify.store.match_tables import MatchDecision

    db = Database(url)
    started = time.perf_counter()
    with TreePeak() as tree, db.session() as session:
        trained, _, summary = dedupe.train_and_run(session, actor="bench")
    seconds = time.perf_counter() - started
    trained_s = trained.seconds
    training = {"model": trained.params.version, "pairs": trained.sessions}
    with db.session() as session:
        names = dict(session.execute(select(t.Identifier.person_id, t.Identifier.value)).all())
        decisions = [
            (names[a], names[b], band, p)
            for a, b, band, p in session.execute(
                select(MatchDecision.person_id, MatchDecision.other_id, MatchDecision.band,
                       MatchDecision.probability)
            )
        ]  # fmt: skip
    db.dispose()
    return {"seconds": seconds, "train_s": trained_s, "training": training,
            "candidate_pairs": summary.pairs, "peak_rss_mb": _peak_mb(),
            "tree_peak_rss_mb": tree.peak_mb, "decisions": decisions}  # fmt: skip


def ours(url: str, truth: set[tuple[str, str]]) -> dict[str, Any]:
    """``reunify dedupe --train`` on the imported registry, measured in a fresh process."""
    got = _in_process("ours", url)
    decisions = got.pop("decisions")
    for label, chosen in (
        ("confident", lambda band, p: band == "confident"),
        ("p>=0.5", lambda band, p: p >= 0.5),
        ("proposed", lambda band, p: True),
    ):
        picked = {(min(a, b), max(a, b)) for a, b, band, p in decisions if chosen(band, p)}
        got[label] = scores(picked, truth)
    return got


# --- Splink, in a process of its own ----------------------------------------------------


def _splink(path: str) -> dict[str, Any]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None})
    frame = frame.rename(columns={"record_id": "unique_id"})
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"), block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"), block_on("phone"),
        ],
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"), cl.ExactMatch("phone"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode"),
        ],
    )  # fmt: skip
    started = time.perf_counter()
    api = DuckDBAPI()
    linker = Linker(api.register(frame, table_name="registry"), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth", "postcode")
    )
    trained_s = time.perf_counter() - started
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    pairs = [
        (min(a, b), max(a, b), float(p))
        for a, b, p in zip(pred["unique_id_l"], pred["unique_id_r"], pred["match_probability"],
                           strict=True)
    ]  # fmt: skip
    return {"seconds": seconds, "train_s": trained_s, "peak_rss_mb": _peak_mb(),
            "pairs": pairs}  # fmt: skip


def splink(rows: list[Row], truth: set[tuple[str, str]], folder: Path) -> dict[str, Any]:
    path = folder / "registry.csv"
    with path.open("w", newline="") as handle:
        columns = ["record_id", "given_name", "family_name", "sex", "date_of_birth", "phone",
                   "city", "postcode"]  # fmt: skip
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    got = _in_process("splink", str(path))
    pairs = got.pop("pairs")
    for threshold in (0.5, 0.99):
        got[f"p>={threshold}"] = scores({(a, b) for a, b, p in pairs if p >= threshold}, truth)
    return got


def _in_process(which: str, arg: str) -> dict[str, Any]:
    """Run one side in a fresh interpreter (this file as a script), so that its peak memory
    is its own; it writes its result as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        subprocess.run([sys.executable, __file__, which, arg, str(out)], check=True)
        result: dict[str, Any] = json.loads(out.read_text())
    return result


if __name__ == "__main__":
    side, argument, result_path = sys.argv[1:4]
    found = _ours(argument) if side == "ours" else _splink(argument)
    Path(result_path).write_text(json.dumps(found))
