"""End to end in headless Chromium: a member opens the served board, moves a card with the
keyboard, and the move is in the file under their name and on the screen in its new column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest

from kanban_tui.storage.store import Store
from tests.web.chromium import Chromium, chromium_path
from tests.web.conftest import Served, board_processes, wait_until
from tests.web.png import ink, read_png

pytestmark = pytest.mark.slow

FIND_TERMINAL = """function () {
  // textual-serve keeps its terminal in a closure: find it on the heap by its shape.
  const found = this.find(o => { try { return !!(o.fitAddon && o.terminal.buffer) } catch (e) {
    return false } });
  window.squadboardTerminal = found && found.terminal;
  return !!found;
}"""
SCREEN_TEXT = """(() => {
  const t = window.squadboardTerminal, lines = [];
  for (let y = 0; y < t.rows; y++) lines.push(t.buffer.active.getLine(y).translateToString(true));
  const box = document.querySelector('.xterm-screen').getBoundingClientRect();
  return {lines, cell: [box.width / t.cols, box.height / t.rows], origin: [box.left, box.top]};
})()"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (`apt-get install chromium`; .ci/run does it)")
    opened = Chromium(executable, tmp_path / "chromium-profile")
    yield opened
    opened.close()


def _open_board(browser: Chromium, url: str) -> None:
    browser.call("Page.navigate", url=url)
    browser.wait_for(
        "the board's first bytes",
        lambda: browser.evaluate(
            "!!document.body && document.body.classList.contains('-first-byte')"
        ),
    )
    heap = browser.call("Runtime.evaluate", expression="Object.prototype")["result"]["objectId"]
    objects = browser.call("Runtime.queryObjects", prototypeObjectId=heap)["objects"]["objectId"]
    found = browser.call(
        "Runtime.callFunctionOn",
        objectId=objects,
        functionDeclaration=FIND_TERMINAL,
        returnByValue=True,
    )
    assert found["result"]["value"], "no terminal in the page"


class Screen(TypedDict):
    """The terminal as the page has it: text lines, cell size and origin in CSS pixels."""

    lines: list[str]
    cell: tuple[float, float]
    origin: tuple[float, float]


def _screen(browser: Chromium) -> Screen:
    screen: Screen = browser.evaluate(SCREEN_TEXT)
    return screen


def _find(lines: list[str], text: str) -> tuple[int, int]:
    """(row, column) of `text` on the screen."""
    for row, line in enumerate(lines):
        if text in line:
            return row, line.index(text)
    raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(lines))


def _column_of(lines: list[str], x: int) -> str:
    """The board column whose header is above screen column `x`."""
    header = next(line for line in lines if "Backlog" in line and "Done" in line)
    starts = sorted((header.index(name), name) for name in ("Backlog", "Ready", "Doing", "Done"))
    return [name for start, name in starts if start <= x + 2][-1]


def _page_text(browser: Chromium) -> str:
    text: str = browser.evaluate("document.body ? document.body.innerText : ''")
    return text


def _card_on_screen(browser: Chromium, column: str) -> bool:
    lines = _screen(browser)["lines"]
    if not any("GRW-1" in line for line in lines):
        return False
    return _column_of(lines, _find(lines, "GRW-1")[1]) == column


def test_a_member_moves_a_card_in_a_real_browser(
    browser: Chromium, served: Served, board: Path, tmp_path: Path
) -> None:
    address, owner_link = served.address, served.owner_link
    with Store(board, actor="Ana Costa") as store:
        _, ben = store.invite_member("Ben Okafor")

    # Without a link, and with a wrong one, the page says so and shows nothing of the board.
    for url in (f"{address}/", f"{address}/?token=guess"):
        browser.call("Page.navigate", url=url)
        browser.wait_for("the refusal", lambda: "private" in _page_text(browser))
        assert "Write onboarding" not in _page_text(browser)

    _open_board(browser, f"{address}/?token={ben}")
    browser.wait_for("the card in Backlog", lambda: _card_on_screen(browser, "Backlog"))
    before = _screen(browser)
    lines_before = before["lines"]
    assert "Ben Okafor" in lines_before[0], "the header names who is acting"
    old_row, old_x = _find(lines_before, "GRW-1")

    browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
    browser.press("L", "KeyL", 76, shift=True)
    browser.wait_for("the card in Ready", lambda: _card_on_screen(browser, "Ready"))

    # The board draws a move first and writes it a moment later, so the file may lag the screen.
    def column_in_file() -> str:
        with Store(board, actor="Ana Costa", create=False) as store:
            card = store.card("GRW-1")
            return next(c.name for c in store.board(None).columns if c.id == card.column_id)

    wait_until(lambda: column_in_file() == "Ready", "the move to reach the file")
    with Store(board, actor="Ana Costa", create=False) as store:
        moved = store.events(card="GRW-1")[-1]
        assert (moved.kind, moved.actor) == ("card.moved", "Ben Okafor")

    # The screenshot shows the card where the terminal's text says it is, and not where it was.
    after = _screen(browser)
    lines_after = after["lines"]
    new_row, new_x = _find(lines_after, "GRW-1")
    assert lines_after[old_row][old_x : old_x + 5].strip() == ""
    shot = tmp_path / "board-after-move.png"
    shot.write_bytes(browser.screenshot())
    image = read_png(shot)
    width, height = after["cell"]
    left, top = after["origin"]
    new_ink, old_ink = (
        ink(image, (left + x * width, top + row * height, 5 * width, height))
        for row, x in ((new_row, new_x), (old_row, old_x))
    )
    assert new_ink > 40, f"no text drawn where the card is ({new_ink} pixels)"
    assert old_ink == 0, f"something is still drawn where the card was ({old_ink} pixels)"

    # Revoking Ben's link closes his open session, and the link no longer opens the board.
    [session] = board_processes(board)
    with Store(board, actor="Ana Costa") as store:
        store.revoke_member("Ben Okafor")
    browser.wait_for(
        "the session to close",
        lambda: browser.evaluate("document.body.classList.contains('-closed')"),
        timeout=10,
    )
    wait_until(lambda: session not in board_processes(board), "the revoked session's board to end")
    browser.call("Page.navigate", url=f"{address}/?token={ben}")
    browser.wait_for("the refusal", lambda: "revoked" in _page_text(browser))

    # Leaving the page (as closing its tab does) ends the session's board process.
    _open_board(browser, owner_link)
    browser.wait_for("the owner's board", lambda: _card_on_screen(browser, "Ready"))
    assert len(board_processes(board)) == 1
    browser.call("Page.navigate", url="about:blank")
    wait_until(lambda: not board_processes(board), "the board of a closed page to end")
