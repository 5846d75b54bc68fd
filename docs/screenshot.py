"""Save the README's screenshot: the demo board, drawn by the app itself (`make screenshot`)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kanban_tui.app import create_app
from kanban_tui.storage.demo import build_demo_history
from kanban_tui.storage.store import Store

WHEN = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
OUTPUT = Path(__file__).parent / "board.svg"


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "demo.db", actor="Ana Costa", clock=lambda: WHEN)
        store.append_history(
            build_demo_history(name="Growth squad", cards=120, seed=7, now=WHEN, actor="Ana Costa")
        )
        app = create_app(store, clock=lambda: WHEN, poll_seconds=None)
        async with app.run_test(size=(150, 42)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("right", "right", "down")
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(str(OUTPUT.name), str(OUTPUT.parent))
    print(f"saved {OUTPUT}")


if __name__ == "__main__":
    asyncio.run(main())
