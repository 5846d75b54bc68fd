"""What users may type as titles, names and reasons, and what reaches the terminal."""

from __future__ import annotations

import pytest

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.text import (
    clean_colour,
    clean_description,
    clean_prefix,
    clean_title,
    prefix_from_name,
    printable,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Write onboarding email  ", "Write onboarding email"),
        ("x", "x"),
        ("A" * 200, "A" * 200),
        ("Café ✓ 日本", "Café ✓ 日本"),
        ("[bold]not markup[/]", "[bold]not markup[/]"),
    ],
)
def test_good_titles_are_trimmed(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "A" * 201,
        "evil\x1b[31m",
        "two\nlines",
        "bell\x07",
        "tab\tbed",
        "rtl\u202eoverride",
    ],
)
def test_bad_titles_are_refused_with_one_line(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_title(raw)
    assert "\n" not in str(refused.value)


def test_descriptions_keep_newlines_but_not_escapes() -> None:
    assert clean_description("# Plan\n\n- a\n\t- b") == "# Plan\n\n- a\n\t- b"
    with pytest.raises(InvalidInput):
        clean_description("hello \x1b]8;;http://x\x07link")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a\x1b[2Jb", "a\ufffd[2Jb"),
        ("x\u202ey", "x\ufffdy"),
        ("a\nb", "a\ufffdb"),
    ],
)
def test_printable_replaces_control_characters(raw: str, expected: str) -> None:
    assert printable(raw) == expected


def test_printable_keeps_newlines_in_multiline_text() -> None:
    assert printable("a\nb\x00", multiline=True) == "a\nb\ufffd"


@pytest.mark.parametrize(
    ("raw", "ok"), [("green", True), ("#12abEF", True), ("chartreuse-ish", False), ("#12ab", False)]
)
def test_colours(raw: str, ok: bool) -> None:
    if ok:
        assert clean_colour(raw) == raw.lower()
    else:
        with pytest.raises(InvalidInput):
            clean_colour(raw)


@pytest.mark.parametrize(
    ("raw", "ok"), [("GRW", True), ("grw", True), ("G", False), ("1AB", False), ("TOOLONGX", False)]
)
def test_prefixes(raw: str, ok: bool) -> None:
    if ok:
        assert clean_prefix(raw) == raw.upper()
    else:
        with pytest.raises(InvalidInput):
            clean_prefix(raw)


@pytest.mark.parametrize(
    ("name", "prefix"), [("Growth squad", "GRO"), ("Équipe rétention", "EQU"), ("42", "SQ")]
)
def test_prefix_from_name(name: str, prefix: str) -> None:
    assert prefix_from_name(name) == prefix
