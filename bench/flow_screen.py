"""The flow screen in a real terminal: from the `f` key to its first chart, and to every figure.

    python -m bench.flow_screen                  # the 100,000-card demo board in bench/results/
    python -m bench.flow_screen --board FILE --runs 3

`squadboard open` runs in a detached tmux pane (160x48) on a copy of the board, as in
bench/tui.py, and everything is timed from outside by reading the pane: once the board shows
its columns, `f` is sent; **first chart** is when the scatter's 50% line label is on the pane,
**everything** when the WIP tile shows its figure (the report's message draws the tiles and the
other charts together). `escape` goes back to the board between runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.run import RESULTS_DIR, cli_command
from bench.tui import PAINT_POLL_S, Tmux, bench_env, wait_for

SCATTER_LABEL = " 50% "
"""The scatter's label of its 50th percentile line; nothing else on the screen shows it."""


def on_board(screen: list[str]) -> bool:
    return any("Backlog" in line and "Done" in line for line in screen)


def flow_shown(screen: list[str]) -> bool:
    return any("Cycle time by finish date" in line for line in screen)


def scatter_drawn(screen: list[str]) -> bool:
    return any(SCATTER_LABEL in line and "┈" in line for line in screen)


def tiles_drawn(screen: list[str]) -> bool:
    return any("cards in flight" in line for line in screen)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", type=Path, default=RESULTS_DIR / "demo-100000.db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="squadboard-bench-flow-"))
    copy = scratch / "board.db"
    shutil.copyfile(args.board, copy)
    tmux = Tmux(bench_env(scratch))
    first: list[float] = []
    everything: list[float] = []
    try:
        tmux.start()
        tmux.spawn([*cli_command(), "--db", str(copy), "open"])
        wait_for(tmux, on_board, time.perf_counter(), 0.05, "the board")
        for run in range(1, args.runs + 1):
            time.sleep(1.0)
            start = time.perf_counter()
            tmux.send("f")
            first.append(wait_for(tmux, scatter_drawn, start, PAINT_POLL_S, "the scatter"))
            everything.append(wait_for(tmux, tiles_drawn, start, 0.02, "the tiles"))
            print(
                f"run {run}: first chart {first[-1]:.2f} s, everything {everything[-1]:.2f} s",
                file=sys.stderr,
            )
            tmux.send("Escape")
            wait_for(tmux, lambda s: not flow_shown(s), time.perf_counter(), 0.05, "the board")
        tmux.send("q")
    finally:
        tmux.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print("| Flow screen, key to | Median | Range (min - max) | Runs |")
    print("|---|---|---|---|")
    for name, values in (("first chart (scatter)", first), ("every figure", everything)):
        low, high = min(values), max(values)
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} s | {low:.2f} - {high:.2f} s | {len(values)} |")


if __name__ == "__main__":
    main()
