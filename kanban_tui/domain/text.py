"""Validation of the text users type: titles, names and reasons must be clean, printable text."""

from __future__ import annotations

import re
import unicodedata

from kanban_tui.domain.errors import InvalidInput

TITLE_MAX = 200
NAME_MAX = 60
REASON_MAX = 300
DESCRIPTION_MAX = 20_000

# Bidirectional overrides and isolates can make text display differently from what it says.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")

NAMED_COLOURS = (
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "orange",
    "purple",
    "pink",
    "teal",
    "grey",
)
"""Colour names a value tag may use besides `#rrggbb`; the UI maps them to its theme."""


def _unsafe_character(text: str, allow_newlines: bool) -> str | None:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            return char
    return None


def _clean(text: str, what: str, max_length: int, *, allow_newlines: bool = False) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"{what} must not be empty")
    if len(cleaned) > max_length:
        raise InvalidInput(f"{what} is {len(cleaned)} characters long; the most is {max_length}")
    bad = _unsafe_character(cleaned, allow_newlines)
    if bad is not None:
        raise InvalidInput(f"{what} must not contain control characters (found U+{ord(bad):04X})")
    return cleaned


def clean_title(title: str) -> str:
    """A card title: 1-200 characters after trimming, no control characters."""
    return _clean(title, "card title", TITLE_MAX)


def clean_name(name: str, what: str = "name") -> str:
    """A squad, column, tag or member name: 1-60 printable characters."""
    return _clean(name, what, NAME_MAX)


def clean_reason(reason: str, what: str = "reason") -> str:
    """A block or override reason: 1-300 printable characters."""
    return _clean(reason, what, REASON_MAX)


def clean_sentence(text: str, what: str) -> str:
    """A one-line text such as a squad mission or a tag description (may be empty)."""
    if not text.strip():
        return ""
    return _clean(text, what, REASON_MAX)


def clean_description(text: str) -> str:
    """A card description in Markdown: newlines and tabs allowed, other control characters not."""
    if not text.strip():
        return ""
    return _clean(text, "description", DESCRIPTION_MAX, allow_newlines=True)


def clean_colour(colour: str) -> str:
    """A value tag colour: one of NAMED_COLOURS or `#rrggbb`."""
    value = colour.strip().lower()
    if value in NAMED_COLOURS or _HEX_COLOUR.match(value):
        return value
    raise InvalidInput(
        f"colour '{colour}' is not one of {', '.join(NAMED_COLOURS)} or a #rrggbb value"
    )


def clean_prefix(prefix: str) -> str:
    """A squad's card-key prefix: 2-6 capital letters or digits, starting with a letter."""
    value = prefix.strip().upper()
    if not _PREFIX.match(value):
        raise InvalidInput(
            f"prefix '{prefix}' must be 2-6 letters or digits starting with a letter, e.g. GRW"
        )
    return value


def prefix_from_name(name: str) -> str:
    """Suggest a card-key prefix from a squad name ("Growth squad" -> "GRO")."""
    letters = [c for c in unicodedata.normalize("NFKD", name.upper()) if "A" <= c <= "Z"]
    return ("".join(letters[:3]) or "SQ").ljust(2, "X")


def printable(text: str, *, multiline: bool = False) -> str:
    """Text safe to put on a terminal: control and bidi characters become U+FFFD.

    Stored text is already validated, but a board file shared by others, or merged from a copy,
    may hold anything; nothing read from it reaches the terminal unescaped.
    """
    if _unsafe_character(text, multiline) is None:
        return text
    return "".join(
        "\ufffd"
        if (unicodedata.category(c) == "Cc" and not (multiline and c in "\n\t"))
        or c in _BIDI_CONTROLS
        else c
        for c in text
    )
