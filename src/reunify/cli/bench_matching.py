"""``reunify bench matching``: accuracy on FEBRL and synthetic inquiries, latency of one
inquiry through the index, import time (``benchmarks/bench_matching.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from reunify.cli.bench import load_benchmark


@click.command("matching")
@click.option(
    "--db", "dbs", default="sqlite", show_default=True,
    help="Comma-separated: 'sqlite' (a temporary file) and/or PostgreSQL URLs.",
)  # fmt: skip
@click.option(
    "--people", default="100000", show_default=True, help="Registry sizes, e.g. 100000,1000000."
)
@click.option(
    "--queries", default=1000, show_default=True, help="Synthetic inquiries per registry."
)
@click.option("--no-febrl", is_flag=True, help="Skip the FEBRL accuracy runs.")
@click.option(
    "--dedupe",
    "dedupe_sizes",
    default="",
    help="Registry sizes for `reunify dedupe` beside Splink's dedupe, e.g. 1000000.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Write the JSON results here."
)
def matching(
    dbs: str, people: str, queries: int, no_febrl: bool, dedupe_sizes: str, out: Path | None
) -> None:
    """Matching accuracy (FEBRL, synthetic), latency p50/p95/p99, import and dedupe time."""
    module = load_benchmark("bench_matching")
    console = Console(stderr=True)
    results = module.run(
        dbs.split(","), [int(n) for n in people.split(",") if n], queries=queries,
        febrl=not no_febrl, dedupe_sizes=tuple(int(n) for n in dedupe_sizes.split(",") if n),
        say=lambda line: console.print(line, markup=False, highlight=False),
    )  # fmt: skip
    if out is not None:
        out.write_text(json.dumps(results, indent=2))
    table = Table("registry", "backend", "import s", "top1", "top5", "wrong confident",
                  "p50 ms", "p95 ms", "p99 ms", "cpu p95 ms", title="One inquiry")  # fmt: skip
    for r in results["registries"]:
        table.add_row(
            str(r["people"]), r["backend"], f"{r.get('import_s', 0):.0f}", f"{r['top1']:.3f}",
            f"{r.get('top5', 0):.3f}", f"{r.get('wrong_person_confident_rate', 0):.4f}",
            f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}",
            f"{r.get('cpu_p95_ms', 0):.1f}",
        )  # fmt: skip
    if results["registries"]:
        Console().print(table)
    for name in ("febrl4", "splink_febrl4", "febrl3", "splink_febrl3"):
        if name in results:
            Console().print(f"{name}: {json.dumps(results[name])}", markup=False)
    for run in results.get("dedupe", []):
        Console().print(f"dedupe: {json.dumps(run)}", markup=False)
        Console().print(_dedupe_table(run))


def _dedupe_table(run: dict[str, Any]) -> Table:
    """``reunify dedupe`` beside Splink on the same registry, side by side."""
    title = f"Dedupe of {run['people']} people ({run['true_pairs']} true pairs)"
    table = Table("", "seconds", "peak MB", "pairs", "precision", "recall", "F1", title=title)
    ours, splink = run["reunify"], run.get("splink", {})
    rows = [(f"Reunify, {k}", ours, ours[k]) for k in ("confident", "p>=0.5")]
    rows += [(f"Splink, {k}", splink, splink[k]) for k in ("p>=0.5", "p>=0.99") if k in splink]
    for label, side, found in rows:
        peak = side.get("tree_peak_rss_mb") or side.get("peak_rss_mb", 0)
        table.add_row(
            label, f"{side['seconds']:.1f}", f"{peak:.0f}", str(found["pairs"]),
            f"{found['precision']:.3f}", f"{found['recall']:.3f}", f"{found['f1']:.3f}",
        )  # fmt: skip
    return table
