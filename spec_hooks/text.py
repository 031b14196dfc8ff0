"""Small text helpers every layer may use."""
from __future__ import annotations


def shorten(message: str, limit: int = 300) -> str:
    """A message that quotes user input, no longer than `limit` characters."""
    return message if len(message) <= limit else message[: limit - 3] + "..."


def did_you_mean(given: str, known: list[str]) -> str:
    """`: did you mean 'X'?` for the known word closest to a mistyped one, or nothing."""
    import difflib  # only when something is mistyped: a hook's start-up does not pay for it

    close = difflib.get_close_matches(given, known, n=1, cutoff=0.75)
    if not close:
        lowered = {word.lower(): word for word in known}
        close = [lowered[given.lower()]] if given.lower() in lowered else []
    return f": did you mean {close[0]!r}?" if close else ""
