"""``reunify bench``: the benchmarks in ``benchmarks/``, from a source checkout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py``; the benchmarks are not part of the installed package."""
    path = BENCHMARKS / f"{name}.py"
    if not path.is_file():
        raise click.ClickException(f"{path} not found: run this from a source checkout")
    spec = importlib.util.spec_from_file_location(f"reunify_benchmarks.{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@click.group()
def bench() -> None:
    """Measure throughput and latency on this machine."""


@bench.command("hl7")
@click.option(
    "--db",
    "db",
    default="sqlite",
    show_default=True,
    help="'sqlite' (a temporary file) or a PostgreSQL URL where databases may be created.",
)
@click.option("--messages", default=4000, show_default=True, help="Messages per run.")
@click.option("--senders", default="1,8", show_default=True, help="Concurrent senders per run.")
@click.option(
    "--apply",
    "apply_mode",
    type=click.Choice(["inline", "deferred"]),
    default="deferred",
    show_default=True,
    help="How the server applies messages (see `reunify mllp --help`).",
)
@click.option(
    "--window",
    default=1,
    show_default=True,
    help="Frames in flight per sender: 1 waits for every ACK; more is pipelined MLLP.",
)
@click.option(
    "--kill-test",
    is_flag=True,
    help="Instead: kill -9 the server --kills times during a --kill-messages stream, then "
    "check that every acknowledged message is stored once and applied once.",
)
@click.option("--kills", default=20, show_default=True)
@click.option("--kill-messages", default=10_000, show_default=True)
def hl7(
    db: str,
    messages: int,
    senders: str,
    apply_mode: str,
    window: int,
    kill_test: bool,
    kills: int,
    kill_messages: int,
) -> None:
    """HL7 v2 over MLLP into durable storage: messages/s, ACK latency p50/p99, applied/s."""
    module = load_benchmark("bench_hl7")
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    if kill_test:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"{kills} x kill -9", total=kill_messages)
            result = module.kill_test(
                db, messages=kill_messages, kills=kills, apply=apply_mode,
                tick=lambda: progress.advance(task),
            )  # fmt: skip
        Console().print(result.summary())
        if not result.ok:
            raise SystemExit(1)
        return
    counts = tuple(int(n) for n in senders.split(","))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def on_start(label: str, total: int) -> None:
            progress.reset(task, total=total, description=label)

        results = module.run(
            db, messages=messages, senders=counts, apply=apply_mode, window=window,
            tick=lambda: progress.advance(task), on_start=on_start,
        )  # fmt: skip
    table = Table("backend", "apply", "senders", "window", "messages", "msg/s", "ACK p50 ms",
                  "ACK p99 ms", "not AA", "applied/s", "catch-up/s", "load avg",
                  title="HL7 v2 over MLLP (window 1: each sender waits for every ACK)")  # fmt: skip
    for r in results:
        table.add_row(
            r.backend, r.apply, str(r.senders), str(r.window), str(r.messages),
            f"{r.per_second:.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", str(r.not_aa),
            f"{r.applied_per_second:.0f}", f"{r.catch_up_per_second:.0f}",
            f"{r.load[0]:.1f} -> {r.load[1]:.1f}",
        )  # fmt: skip
    Console().print(table)
