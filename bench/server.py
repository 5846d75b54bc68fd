"""The same board on a PostgreSQL server beside the board file: write rates and `stats`.

    python -m bench.server [--cards N] [--repeats R]

A throwaway PostgreSQL cluster starts on 127.0.0.1 with its durability on (fsync and
synchronous commit, as a real server runs), in a temporary folder; the file keeps its own settings
(WAL, `synchronous = FULL`). Both backends get the same work through the public Store API and
the same `squadboard` command: adds and moves in one process, the mixed workload from several
processes at once, and `stats --json` over one demo board pushed to the server. Medians of
`--repeats` runs; results go to stdout as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import writers
from bench.run import machine, run_cli
from kanban_tui.storage.store import Store
from tests.postgres_cluster import Cluster, server_binaries

SINGLE_OPERATIONS = 300
WORKERS = 4
WORKER_OPERATIONS = 150

Location = Path | str
Fresh = Callable[[str], Location]
"""A new, empty board location for a label: a file, or a database on the server."""


def single_process(fresh: Fresh, repeats: int) -> tuple[list[float], list[float]]:
    """Events per second of `add_card` and of `move_card`, one transaction each."""
    adds, moves = [], []
    for run in range(repeats):
        location = fresh(f"single{run}")
        writers.new_board(location)
        with Store(location, actor="Bench") as store:
            start = time.perf_counter()
            keys = writers.add_cards(store, SINGLE_OPERATIONS, "Bench")
            adds.append(SINGLE_OPERATIONS / (time.perf_counter() - start))
            start = time.perf_counter()
            events = writers.move_cards(store, keys, SINGLE_OPERATIONS)
            moves.append(events / (time.perf_counter() - start))
    return adds, moves


def contended(fresh: Fresh, repeats: int) -> list[float]:
    """Events per second committed by `WORKERS` processes running the mixed workload at once."""
    context = multiprocessing.get_context("spawn")
    rates = []
    for run in range(repeats):
        location = fresh(f"contended{run}")
        writers.new_board(location)
        barrier = context.Barrier(WORKERS)
        queue: Any = context.Queue()
        processes = [
            context.Process(
                target=writers.worker,
                args=(
                    str(location),
                    f"Writer {n}",
                    run * 100 + n,
                    WORKER_OPERATIONS,
                    barrier,
                    queue,
                ),
            )
            for n in range(1, WORKERS + 1)
        ]
        for process in processes:
            process.start()
        reports = [queue.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
        span = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
        rates.append(sum(r["events"] for r in reports) / span)
    return rates


def stats_seconds(location: Location, scratch: Path, repeats: int) -> list[float]:
    return [run_cli(["--db", str(location), "stats", "--json"], scratch) for _ in range(repeats)]


def _row(name: str, unit: str, file: list[float], server: list[float]) -> str:
    f, s = statistics.median(file), statistics.median(server)
    return f"| {name} | {f:,.1f} {unit} | {s:,.1f} {unit} | {s / f:.2f} |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000, help="cards on the demo board")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement")
    args = parser.parse_args(argv)
    binaries = server_binaries()
    if binaries is None:
        raise SystemExit("no PostgreSQL server installed (initdb not found)")
    scratch = Path(tempfile.mkdtemp(prefix="squadboard-bench-server-"))
    cluster = Cluster(binaries, durable=True)
    cluster.start()
    try:
        backends: dict[str, Fresh] = {
            "file": lambda label: scratch / f"{label}.db",
            "server": lambda _label: cluster.new_database(),
        }
        single = {name: single_process(fresh, args.repeats) for name, fresh in backends.items()}
        many = {name: contended(fresh, args.repeats) for name, fresh in backends.items()}
        demo = scratch / "demo.db"
        run_cli(["--db", str(demo), "demo", "--cards", str(args.cards)], scratch)
        on_server = cluster.new_database()
        push = run_cli(["push", str(demo), on_server], scratch)
        stats = {
            "file": stats_seconds(demo, scratch, args.repeats),
            "server": stats_seconds(on_server, scratch, args.repeats),
        }
    finally:
        cluster.remove()
        shutil.rmtree(scratch, ignore_errors=True)
    info = machine()
    print(f"Machine: {info['CPUs (nproc)']} x {info['CPU model']}; Python {info['Python']}")
    print(f"Medians of {args.repeats} runs; the last column is server / file.\n")
    print("| Measure | File | Server | Ratio |")
    print("|---|---|---|---|")
    print(_row("1 process: add card", "events/s", single["file"][0], single["server"][0]))
    print(_row("1 process: move card", "events/s", single["file"][1], single["server"][1]))
    print(_row(f"{WORKERS} processes: mixed", "events/s", many["file"], many["server"]))
    print(_row(f"`stats --json`, {args.cards:,} cards", "s", stats["file"], stats["server"]))
    print(f"\n`push` of the {args.cards:,}-card demo to an empty database: {push:.1f} s")


if __name__ == "__main__":
    main()
