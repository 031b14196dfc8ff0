"""Text written into Markdown by a fixer or a command, escaped so that it reads back as itself."""
from __future__ import annotations

import re

# What inline Markdown (GFM) could read as markup in a title, a link's text, a header value or a table
# cell: escapes, code, emphasis, links, HTML and autolinks, table pipes, entities, strikethrough, a
# heading's closing #s. A backslash before any ASCII punctuation is that character (CommonMark 2.4).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")


def literal(text: str) -> str:
    """`text` on one line, written so that Markdown shows exactly it (whitespace runs become one space)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))
