"""Which questions a `--deck` / `--tag` filter names, and what to say when it names none.

Tags match whatever their case ("Putin" finds questions tagged "putin"); a deck is a
slug and matches exactly. An unknown name is refused with the closest known one, so
a typo never silently gives an empty session.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from quiz.core.model import Library

__all__ = ["library_tags", "tag_key", "unknown_deck", "unknown_tag"]

LISTED = 30
"""Names listed in a message at most; more are summarised as "...". """


def tag_key(tag: str) -> str:
    """The form tags are compared in: case does not matter."""
    return tag.strip().casefold()


def library_tags(library: Library) -> list[str]:
    """Every tag of the library, once per spelling-insensitive key, sorted."""
    seen: dict[str, str] = {}
    for question in library.questions:
        for tag in question.tags:
            seen.setdefault(tag_key(tag), tag)
    return sorted(seen.values(), key=tag_key)


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (", ..." if len(names) > LISTED else "")


def _suggestion(word: str, names: Iterable[str], key: bool) -> str:
    options = list(names)
    lookup = {tag_key(name) if key else name: name for name in options}
    close = get_close_matches(tag_key(word) if key else word, list(lookup), n=1, cutoff=0.6)
    return f" (did you mean '{lookup[close[0]]}'?)" if close else ""


def unknown_tag(tag: str, library: Library) -> str | None:
    """Why `tag` selects nothing ("no tag 'putn' (did you mean 'putin'?)"), or None."""
    tags = library_tags(library)
    if tag_key(tag) in {tag_key(known) for known in tags}:
        return None
    if not tags:
        return f"no tag '{tag}': no question has a tag"
    return f"no tag '{tag}'{_suggestion(tag, tags, True)}; tags are: {_listing(tags)}"


def unknown_deck(deck: str, library: Library) -> str | None:
    """Why `deck` selects nothing, with the closest deck name, or None."""
    decks = sorted(bank.deck for bank in library.banks)
    if deck in decks:
        return None
    return f"no deck '{deck}'{_suggestion(deck, decks, False)}; decks are: {_listing(decks)}"
