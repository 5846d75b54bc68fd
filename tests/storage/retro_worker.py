"""One worker process of the retro concurrency test: notes, then more votes than allowed."""

from __future__ import annotations

import json
import random
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from kanban_tui.domain.errors import Refused
from kanban_tui.storage.store import Store

NOTES_EACH = 5
VOTES_TRIED = 6


def run(path: str, actor: str, retro: int, seed: int, out: str, barrier: Barrier) -> None:
    """Wait for the others, then add notes and vote; always write what happened as JSON."""
    result: dict[str, Any] = {"notes": 0, "votes": 0, "refused": 0, "crash": None}
    try:
        barrier.wait(timeout=120)
        rng = random.Random(seed)
        with Store(path, actor=actor) as store:
            for n in range(NOTES_EACH):
                store.add_retro_note(retro, rng.choice(["Start", "Stop"]), f"{actor} note {n}")
                result["notes"] += 1
            for _ in range(VOTES_TRIED):
                try:
                    store.vote(retro, rng.randint(1, 3))
                    result["votes"] += 1
                except Refused:
                    result["refused"] += 1
    except BaseException:
        result["crash"] = traceback.format_exc()
    finally:
        Path(out).write_text(json.dumps(result), encoding="utf-8")
