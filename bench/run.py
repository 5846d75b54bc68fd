"""Run squadboard's benchmarks and print the results as Markdown (`make bench`).

    python -m bench.run                 # the full run recorded in docs/benchmarks.md
    python -m bench.run --quick         # a small, fast smoke run of the same steps

Every figure is the median of repeated runs, each on a fresh board file unless noted. Board files
go to a temporary directory, except the big demo board, which is kept in bench/results/ (ignored
by git) so it can be inspected afterwards.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import writers
from kanban_tui.storage.connection import BUSY_TIMEOUT_MS, sqlite_version
from kanban_tui.storage.store import Store

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Result:
    """One benchmark: its samples, and how to read them."""

    name: str
    unit: str
    samples: list[float]
    note: str = ""
    higher_is_better: bool = False
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass(frozen=True)
class Settings:
    cards: int
    repeats: int
    demo_repeats: int
    workers: int
    operations: int
    single_ops: int


FULL = Settings(
    cards=100_000, repeats=5, demo_repeats=3, workers=8, operations=250, single_ops=1_000
)
QUICK = Settings(cards=5_000, repeats=3, demo_repeats=2, workers=8, operations=100, single_ops=300)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _remove_board(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


# -- machine ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPUs (nproc)": str(usable),
        "CPU model": cpu,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite_version(),
    }


# -- writes ----------------------------------------------------------------------------------


def single_process_writes(settings: Settings, scratch: Path) -> list[Result]:
    """Adds, moves, and the mixed workload of the contended run, in this one process."""
    adds: list[float] = []
    moves: list[float] = []
    mixed: list[float] = []
    mixed_ops = settings.workers * settings.operations
    for run in range(settings.repeats):
        path = scratch / f"single-{run}.db"
        writers.new_board(path)
        with Store(path, actor="Bench") as store:
            start = time.perf_counter()
            keys = writers.add_cards(store, settings.single_ops, "Bench")
            adds.append(settings.single_ops / (time.perf_counter() - start))
            start = time.perf_counter()
            events = writers.move_cards(store, keys, settings.single_ops)
            moves.append(events / (time.perf_counter() - start))
        _remove_board(path)
        writers.new_board(path)
        with Store(path, actor="Bench") as store:
            start = time.perf_counter()
            events = writers.mixed(store, random.Random(run), mixed_ops, "Bench")
            mixed.append(events / (time.perf_counter() - start))
        _remove_board(path)
    return [
        Result(
            "Single process: add card",
            "events/s",
            adds,
            f"{settings.single_ops} `add_card` calls, one transaction (and event) each",
            higher_is_better=True,
        ),
        Result(
            "Single process: move card",
            "events/s",
            moves,
            f"{settings.single_ops} `move_card` calls between columns without a WIP limit",
            higher_is_better=True,
        ),
        Result(
            "Single process: mixed adds and moves",
            "events/s",
            mixed,
            f"the contended run's workload ({mixed_ops} operations, 30% adds) in one process",
            higher_is_better=True,
        ),
    ]


def contended_writes(settings: Settings, scratch: Path) -> list[Result]:
    """`workers` spawned processes run the mixed workload on one file, started together."""
    context = multiprocessing.get_context("spawn")
    rates: list[float] = []
    waited: list[float] = []
    mean_wait_ms: list[float] = []
    longest_wait_ms: list[float] = []
    busy: list[float] = []
    for run in range(settings.repeats):
        path = scratch / f"contended-{run}.db"
        writers.new_board(path)
        barrier = context.Barrier(settings.workers)
        queue: Any = context.Queue()
        processes = [
            context.Process(
                target=writers.worker,
                args=(str(path), f"Writer {n}", run * 100 + n, settings.operations, barrier, queue),
            )
            for n in range(1, settings.workers + 1)
        ]
        for process in processes:
            process.start()
        reports = [queue.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
            if process.exitcode != 0:
                raise RuntimeError(f"a writer failed (exit code {process.exitcode})")
        events = sum(r["events"] for r in reports)
        with Store(path, actor="Bench") as store:
            committed = len(store.events(kinds=["card.created", "card.moved"]))
        if committed != events:
            raise RuntimeError(f"writers reported {events} events but the file has {committed}")
        span = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
        transactions = sum(r["locks"]["transactions"] for r in reports)
        rates.append(events / span)
        waited.append(100 * sum(r["locks"]["waited"] for r in reports) / transactions)
        mean_wait_ms.append(1000 * sum(r["locks"]["wait_s"] for r in reports) / transactions)
        longest_wait_ms.append(1000 * max(r["locks"]["longest_wait_s"] for r in reports))
        busy.append(sum(r["locks"]["busy"] for r in reports))
        _remove_board(path)
    label = f"{settings.workers} processes"
    return [
        Result(
            f"{label}, one file: total committed",
            "events/s",
            rates,
            f"{settings.workers} x {settings.operations} operations; from the first writer's "
            "start to the last one's finish",
            higher_is_better=True,
        ),
        Result(
            f"{label}: transactions that waited for the write lock",
            "%",
            waited,
            f"`BEGIN IMMEDIATE` took over {writers.WAITED_S * 1000:g} ms",
        ),
        Result(
            f"{label}: mean wait for the write lock",
            "ms",
            mean_wait_ms,
            "time in `BEGIN IMMEDIATE`, per transaction",
        ),
        Result(
            f"{label}: longest wait for the write lock",
            "ms",
            longest_wait_ms,
            "the slowest `BEGIN IMMEDIATE` of the run",
        ),
        Result(
            f"{label}: busy timeouts (whole-transaction retries)",
            "count",
            busy,
            f"SQLITE_BUSY after the {BUSY_TIMEOUT_MS / 1000:g} s busy timeout",
        ),
    ]


# -- the big board ---------------------------------------------------------------------------


def cli_command() -> list[str]:
    """The installed `squadboard` script next to this Python, else `python -m kanban_tui`."""
    script = Path(sys.executable).with_name("squadboard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kanban_tui"]


def _cli_env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQUADBOARD_")}
    env["XDG_DATA_HOME"] = str(scratch / "xdg-data")  # never touch the user's own board
    return env


def run_cli(args: Sequence[str], scratch: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*cli_command(), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_cli_env(scratch),
    )
    return time.perf_counter() - start


def demo_build(settings: Settings, board: Path, scratch: Path) -> Result:
    """`squadboard demo --cards N` on a fresh file, the whole process timed."""
    samples = []
    for _ in range(settings.demo_repeats):
        _remove_board(board)
        samples.append(
            run_cli(
                ["--db", str(board), "--user", "Bench", "demo", "--cards", str(settings.cards)],
                scratch,
            )
        )
    with Store(board, actor="Bench", create=False) as store:
        events = len(store.events())
    return Result(
        f"`squadboard demo --cards {settings.cards}`",
        "s",
        samples,
        f"whole process, fresh file each run; {events} events",
        extra={"events": events},
    )


def card_list(settings: Settings, board: Path, scratch: Path) -> list[Result]:
    """`card list` on the big board: the whole CLI process, and `Store.cards()` in process."""
    base = ["--db", str(board), "--user", "Bench"]
    startup = [run_cli([*base, "--version"], scratch) for _ in range(settings.repeats)]
    table = [run_cli([*base, "card", "list"], scratch) for _ in range(settings.repeats)]
    as_json = [run_cli([*base, "card", "list", "--json"], scratch) for _ in range(settings.repeats)]
    in_process: list[float] = []
    with Store(board, actor="Bench", create=False) as store:
        listed = len(store.cards())
        for _ in range(settings.repeats):
            in_process.append(_timed(store.cards))
    return [
        Result("CLI start-up: `squadboard --version`", "s", startup, "a floor for every command"),
        Result(
            f"`squadboard card list` ({settings.cards} cards)",
            "s",
            table,
            f"whole process, the table ({listed} cards listed) written to a pipe",
        ),
        Result(
            f"`squadboard card list --json` ({settings.cards} cards)",
            "s",
            as_json,
            "whole process",
        ),
        Result(
            f"`Store.cards()` ({settings.cards} cards)",
            "s",
            in_process,
            f"in process, warm page cache; {listed} cards returned",
        ),
    ]


def flow(settings: Settings, board: Path, scratch: Path) -> list[Result]:
    """`stats` and `forecast` on the big board (whole processes), and the flow screen's data."""
    from kanban_tui.app.screens.flow import compute_flow, compute_scatter  # the screen's worker
    from kanban_tui.domain.clock import system_clock

    base = ["--db", str(board), "--user", "Bench"]
    stats = [run_cli([*base, "stats", "--json"], scratch) for _ in range(settings.repeats)]
    human = [run_cli([*base, "stats"], scratch) for _ in range(settings.repeats)]
    forecast = [
        run_cli([*base, "forecast", "--items", "20", "--seed", "1", "--json"], scratch)
        for _ in range(settings.repeats)
    ]
    first: list[float] = []
    screen: list[float] = []
    with Store(board, actor="Bench", create=False) as store:
        for _ in range(settings.repeats):
            start = time.perf_counter()
            compute_scatter(store, system_clock(), None, 90)
            first.append(time.perf_counter() - start)
            compute_flow(store, system_clock(), None, 90, 1)
            screen.append(time.perf_counter() - start)
    return [
        Result(
            f"`squadboard stats --json` ({settings.cards} cards)",
            "s",
            stats,
            "whole process, default period (90 days)",
        ),
        Result(
            f"`squadboard stats` ({settings.cards} cards)",
            "s",
            human,
            "whole process, default period (90 days), the tables written to a pipe",
        ),
        Result(
            f"`squadboard forecast --items 20` ({settings.cards} cards)",
            "s",
            forecast,
            "whole process, 10,000 trials",
        ),
        Result(
            f"Flow screen's first chart: scatter data ({settings.cards} cards)",
            "s",
            first,
            "in process, what the screen's worker computes before it posts the scatter",
        ),
        Result(
            f"Flow screen data: everything ({settings.cards} cards)",
            "s",
            screen,
            "in process, the scatter, then the report and forecast",
        ),
    ]


# -- report ----------------------------------------------------------------------------------


def _figure(value: float, unit: str) -> str:
    if unit == "count":
        return f"{value:g}"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "events/s":
        return f"{value:,.0f} events/s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 1000 else f"{value / 1000:.2f} s"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def markdown(info: dict[str, str], settings: Settings, results: list[Result]) -> str:
    lines = ["| Machine | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        "",
        "| Benchmark | Median | Range (min - max) | Runs | Notes |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        spread = f"{_figure(min(r.samples), r.unit)} - {_figure(max(r.samples), r.unit)}"
        lines.append(
            f"| {r.name} | {_figure(r.median, r.unit)} | {spread} | {len(r.samples)} | {r.note} |"
        )
    by_name = {r.name: r for r in results}
    single = by_name.get("Single process: mixed adds and moves")
    contended = next((r for r in results if r.name.endswith("one file: total committed")), None)
    if single and contended:
        lines += [
            "",
            f"Contended / single-process write rate (same workload): "
            f"{contended.median / single.median:.2f}x",
        ]
    lines += ["", f"Settings: {json.dumps(settings.__dict__)}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--cards", type=int, help="cards on the big demo board")
    parser.add_argument("--repeats", type=int, help="runs per benchmark (the demo build: fewer)")
    parser.add_argument("--demo-repeats", type=int, help="runs of the demo build")
    parser.add_argument(
        "--only",
        choices=("writes", "contended", "demo", "list", "flow"),
        action="append",
        help="run only these steps ('list' and 'flow' reuse the demo board in bench/results/)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw samples to this file")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else FULL
    settings = Settings(
        cards=args.cards or base.cards,
        repeats=args.repeats or base.repeats,
        demo_repeats=args.demo_repeats or base.demo_repeats,
        workers=base.workers,
        operations=base.operations,
        single_ops=base.single_ops,
    )
    steps = set(args.only or ("writes", "contended", "demo", "list", "flow"))
    RESULTS_DIR.mkdir(exist_ok=True)
    board = RESULTS_DIR / f"demo-{settings.cards}.db"
    results: list[Result] = []
    scratch = Path(tempfile.mkdtemp(prefix="squadboard-bench-"))
    try:
        if "writes" in steps:
            _say("single-process writes ...")
            results += single_process_writes(settings, scratch)
        if "contended" in steps:
            _say(f"{settings.workers}-process contended writes ...")
            results += contended_writes(settings, scratch)
        if "demo" in steps:
            _say(f"demo build, {settings.cards} cards x {settings.demo_repeats} ...")
            results.append(demo_build(settings, board, scratch))
        if steps & {"list", "flow"} and not board.exists():
            _say(f"building the {settings.cards}-card demo board ...")
            run_cli(
                ["--db", str(board), "--user", "Bench", "demo", "--cards", str(settings.cards)],
                scratch,
            )
        if "list" in steps:
            _say("card list ...")
            results += card_list(settings, board, scratch)
        if "flow" in steps:
            _say("stats, forecast and the flow screen's data ...")
            results += flow(settings, board, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(markdown(machine(), settings, results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "settings": settings.__dict__}
                | {"results": [r.__dict__ | {"median": r.median} for r in results]},
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
