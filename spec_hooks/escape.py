"""Text written into Markdown (or its YAML front matter) by a fixer or a command, escaped so that it reads
back as itself."""
from __future__ import annotations

import re

# What inline Markdown (GFM) could read as markup in a title, a link's text, a header value or a table
# cell: escapes, code, emphasis, links, HTML and autolinks, table pipes, entities, strikethrough, a
# heading's closing #s. A backslash before any ASCII punctuation is that character (CommonMark 2.4).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")


def literal(text: str) -> str:
    """`text` on one line, written so that Markdown shows exactly it (whitespace runs become one space)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


_YAML_SPECIAL = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: | #|[\x00-\x1f]")


def yaml_scalar(value: str, quote: str = "") -> str:
    """`value` written into a YAML scalar opened by `quote` (`"`, `'`, or none: plain when it reads back
    as itself, else double-quoted)."""
    import json

    if quote == '"':
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if quote == "'":
        return value.replace("'", "''")
    plain = value and value == value.strip() and not _YAML_SPECIAL.search(value)
    return value if plain else json.dumps(value, ensure_ascii=False)
