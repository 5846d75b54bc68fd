"""The merge laws, checked by Hypothesis over random diverged histories of three copies.

Three copies of one board take random changes in a random interleaving, with skewed clocks and
random merges between them along the way. Then merging is idempotent, commutative and
associative (every order of merging gives byte-equal projections), no card is shown twice, and
rebuilding from the events gives the incremental state, also for changes made after a merge.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kanban_tui.domain.errors import SquadboardError
from kanban_tui.storage.store import Store
from tests.conftest import START, FakeClock
from tests.storage.helpers import dump_projections, settle
from tests.storage.test_fold_laws import Operation, operations

MERGE_EXAMPLES = int(os.environ.get("SQUADBOARD_MERGE_EXAMPLES", "500"))
"""Random histories per run, split over two shards so two test workers share them; `make soak`
raises it."""
SHARDS = 2
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None
"""Copies live in memory where there is a tmpfs: hundreds of boards, each fsynced per change."""
ACTORS = ("Ana", "Ben", "Chloé")

Step = tuple[int, Operation, int, int]
"""(copy, change, minutes since its last change, copy to merge in first: 0-2, else none)."""


contested = st.one_of(
    st.builds(
        lambda n, title: lambda s, k: s.edit_card(f"GRW-{n}", title=title),
        st.integers(1, 4),
        st.sampled_from(["Ana's title", "Ben's title", "Chloé's title"]),
    ),
    st.builds(
        lambda n, column: lambda s, k: s.move_card(f"GRW-{n}", column, override_reason="merge"),
        st.integers(1, 4),
        st.sampled_from(["Backlog", "Ready", "Doing", "Review", "Done"]),
    ),
)
"""Changes to the four cards every copy starts with, so copies often edit the same field."""


@pytest.fixture(scope="module")
def base_board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The board all three copies start from: the default columns, two tags, four cards."""
    path = tmp_path_factory.mktemp("merge-laws") / "base.db"
    with Store(path, actor="Setup", clock=FakeClock()) as store:
        store.add_squad("Growth squad", prefix="GRW", members=list(ACTORS))
        store.add_tag(None, "Trial conversion")
        store.add_tag(None, "Onboarding")
        for title, column in [("a", "Backlog"), ("b", "Ready"), ("c", "Doing"), ("d", "Review")]:
            store.add_card(None, title, column=column)
    settle(path)
    return path


def _merged(folder: Path, name: str, into: Path, *others: Path) -> Path:
    """A copy of `into` with `others` merged into it, in that order."""
    target = folder / f"{name}.db"
    shutil.copy(into, target)
    with Store(target, actor="Merger", clock=FakeClock()) as store:
        for other in others:
            store.merge(other)
    settle(target)
    return target


def _state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with Store(path, actor="Reader", clock=FakeClock()) as store:
        return dump_projections(store)


def _diverge(
    base: Path, folder: Path, steps: list[Step], skews: list[int], start_day: int
) -> list[Path]:
    paths = [folder / f"{actor}.db" for actor in ACTORS]
    start = START + timedelta(days=start_day)
    clocks = [FakeClock(start + timedelta(seconds=skew)) for skew in skews]
    for path in paths:
        shutil.copy(base, path)
    stores = [Store(p, actor=a, clock=c) for p, a, c in zip(paths, ACTORS, clocks, strict=True)]
    keys = [[f"GRW-{n}" for n in range(1, 5)] for _ in ACTORS]
    try:
        for copy, change, gap, merge_from in steps:
            clocks[copy].advance(minutes=gap)
            if merge_from < len(ACTORS) and merge_from != copy:
                stores[copy].merge(paths[merge_from])
            with contextlib.suppress(SquadboardError):  # refusals are part of the game
                change(stores[copy], keys[copy])
    finally:
        for store in stores:
            store.close()
    for path in paths:
        settle(path)
    return paths


@pytest.mark.parametrize("shard", range(SHARDS))
@settings(
    max_examples=MERGE_EXAMPLES // SHARDS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.tuples(st.booleans(), operations, contested).map(lambda t: t[2] if t[0] else t[1]),
            st.integers(0, 240),
            st.integers(0, 8),
        ),
        min_size=1,
        max_size=15,
    ),
    skews=st.lists(st.integers(-900, 900), min_size=3, max_size=3),
    order=st.permutations([0, 1, 2]),
)
def test_merging_diverged_copies_is_idempotent_commutative_and_associative(
    shard: int, base_board: Path, steps: list[Step], skews: list[int], order: list[int]
) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        folder = Path(scratch)
        a, b, c = _diverge(base_board, folder, steps, skews, start_day=shard)

        ab, ba = _merged(folder, "ab", a, b), _merged(folder, "ba", b, a)
        assert _state(ab) == _state(ba), "commutative"

        ab_c = _merged(folder, "ab_c", ab, c)
        a_bc = _merged(folder, "a_bc", a, _merged(folder, "bc", b, c))
        first, second, third = (a, b, c)[order[0]], (a, b, c)[order[1]], (a, b, c)[order[2]]
        any_order = _merged(folder, "any", first, second, third)
        everything = _state(ab_c)
        event(f"concurrent edits found: {min(len(everything['card_conflicts']), 3)}")
        assert _state(a_bc) == everything, "associative"
        assert _state(any_order) == everything, "any order"

        with Store(ab_c, actor="Ana", clock=FakeClock(START + timedelta(days=30))) as store:
            assert store.merge(b).added == 0, "idempotent"
            assert store.merge(a_bc).added == 0
            assert dump_projections(store) == everything

            cards = everything["cards"]
            assert len({row[0] for row in cards}) == len(cards), "a card shown twice (uid)"
            assert len({row[1] for row in cards}) == len(cards), "a card shown twice (key)"

            # Events apply in (hlc, id) order: equal stamps from two copies are decided by id.
            stamps = {e.id: (e.hlc, e.id) for e in store.events()}
            for _card, _field, kept, lost in everything["card_conflicts"]:
                assert stamps[str(kept)] > stamps[str(lost)], "the later change wins"

            store.rebuild_projections()
            assert dump_projections(store) == everything, "rebuild == merged"
            with contextlib.suppress(SquadboardError):
                store.edit_card("GRW-1", title="after the merge")
            incremental = dump_projections(store)
            store.rebuild_projections()
            assert dump_projections(store) == incremental, "rebuild == incremental"
            assert store.integrity_check() == ["ok"]
