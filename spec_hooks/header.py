"""A document's header: the first bullet list of `**Key:** value` items under the H1, as GitHub renders it.

The header is read from the top of the file only: a prefix is parsed, and a longer one only when the
header list could still go on past it, so a header costs the same in a 50 MB file as in a small one.
Positions are character offsets into the whole text; `Source.position` turns them into line:col.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spec_hooks.markdown import QUIET, _markdown, parse_tokens, plain_text, release

_FIRST_PREFIX = 1024  # characters; nearly every header ends well before
_LAST_PREFIX = 1 << 18  # a header that has not ended by then is not a header


@dataclass(frozen=True)
class Field:
    """One header item. `key` is None when the item is not `**Key:** value` (`value` is then its text).

    `exact`: the value's characters stand in the text exactly at `value_offset` (an empty value: right
    after the key's markup). Only then may a fixer rewrite it; an odd item whose value could not be
    placed points its findings at the item's first character.
    """

    key: str | None
    value: str
    key_offset: int
    value_offset: int
    exact: bool = True


@dataclass(frozen=True)
class Header:
    title: str
    title_offset: int
    offset: int  # where the header list starts
    fields: tuple[Field, ...]

    def get(self, key: str) -> Field | None:
        return next((field for field in self.fields if field.key == key), None)

    def keys(self) -> list[str]:
        return [field.key for field in self.fields if field.key is not None]


def extract_header(text: str) -> Header | None:
    size = _FIRST_PREFIX
    while True:
        prefix = _prefix(text, size)
        found = _header(text, prefix)
        if isinstance(found, Header) and len(prefix) < len(text) and _may_need_definitions(text, prefix, found):
            return _header_of_whole(text)
        if found is not _UNDECIDED:
            return found  # type: ignore[return-value]
        if len(prefix) == len(text) or size >= _LAST_PREFIX:
            return None
        size *= 8


_UNDECIDED = object()


def _may_need_definitions(text: str, prefix: str, header: Header) -> bool:
    """Whether a bracket in the header could be a reference link defined below the prefix (`[Zap]`
    with `[Zap]: https://…` at the end of the file renders as the link text `Zap`)."""
    return prefix.find("[", header.title_offset) >= 0 and text.find("]:", len(prefix) - 1) >= 0


def _prefix(text: str, size: int) -> str:
    """`text` up to the end of the line holding character `size`."""
    if size >= len(text):
        return text
    end = text.find("\n", size)
    return text if end < 0 else text[: end + 1]


def header_of_tokens(text: str, tokens: list[dict[str, Any]], env: dict[str, Any]) -> Header | None:
    """The header of a text whose block tokens are already parsed (a whole-document parse)."""
    return _header_of(text, tokens, env, whole=True)  # type: ignore[return-value]


def _header_of_whole(text: str) -> Header | None:
    tokens, env = parse_tokens(text)
    header = header_of_tokens(text, tokens, env)
    release(env)
    return header


def _header(text: str, prefix: str) -> Header | None | object:
    """The header, None when there is none, or _UNDECIDED when the prefix ends before that is known."""
    tokens, env = parse_tokens(prefix)
    header = _header_of(text, tokens, env, whole=len(prefix) == len(text))
    release(env)
    return header


def _header_of(text: str, tokens: list[dict[str, Any]], env: dict[str, Any], whole: bool) -> Header | None | object:
    title: dict[str, Any] | None = None
    last = max((index for index, token in enumerate(tokens) if token["type"] != "blank_line"), default=-1)
    for index, token in enumerate(tokens):
        kind = token["type"]
        if not whole and index >= last:
            return _UNDECIDED  # the prefix may have cut this block short
        if kind == "heading" and token["attrs"]["level"] == 1 and title is None:
            title = token
        elif kind in ("heading", "thematic_break"):
            return None
        elif kind == "list" and title is not None and not token["attrs"].get("ordered"):
            return _from_tokens(text, title, token, env)
    return None if whole else _UNDECIDED


def _from_tokens(text: str, title: dict[str, Any], header_list: dict[str, Any], env: dict[str, Any]) -> Header:
    title_children = _inline(title, env)
    title_offset = _where(title) or 0
    fields = tuple(_field(text, item, env) for item in header_list["children"])
    list_offset = _where(header_list)
    return Header(plain_text(title_children).strip(), title_offset,
                  list_offset if list_offset is not None else title_offset, fields)


def _where(token: dict[str, Any], extra: int = 0) -> int | None:
    state, start = token.get("_at", (None, 0))
    return None if state is None else state.original(start + extra)


def _inline(token: dict[str, Any], env: dict[str, Any]) -> list[dict[str, Any]]:
    env[QUIET] = True
    try:
        children: list[dict[str, Any]] = _markdown().inline(token.get("text", "").strip(" \r\n\t\f"), env)
    finally:
        del env[QUIET]
    return children


def _field(text: str, item: dict[str, Any], env: dict[str, Any]) -> Field:
    first = item["children"][0] if item["children"] else None
    if first is None or "text" not in first:
        offset = _where(item) or 0
        return Field(None, "", offset, offset, exact=False)
    raw = first["text"]
    lead = len(raw) - len(raw.lstrip(" \r\n\t\f"))
    start = _where(first, lead)
    end = _where(first, len(raw.rstrip(" \r\n\t\f")))
    inline = _inline(first, env)
    key = _item_key(inline)
    plain = _LINE_BREAK.sub(" ", plain_text(inline).strip())
    # A trailing backslash is the item's hard-break marker only when the item's text ends with one (not
    # when it shows one, as an escaped `\\` or a link's text does).
    written = text[start:end] if start is not None and end is not None else None
    marker = written is None or (written.endswith("\\") and not written.endswith("\\\\"))
    value = clean_value(plain.split(":", 1)[1].strip() if ":" in plain else "", 0, marker)[0] if key else plain
    if start is None or end is None:
        anchor = _where(item) or 0
        return Field(key, value, anchor, anchor, exact=False)
    key_offset = start + 2 if text.startswith(("**", "__"), start) else start
    if key is None:
        return Field(None, plain, start, start, exact=False)
    value_offset = _value_position(text, start, end, value)
    if value_offset is None:
        first_line = _value_position(text, start, end, value.split(" ", 1)[0]) if " " in value else None
        return Field(key, value, key_offset, start if first_line is None else first_line, exact=False)
    return Field(key, value, key_offset, value_offset)


_LINE_BREAK = re.compile(r"[ \t]*\n\s*")


def clean_value(value: str, start: int, backslash_marker: bool = True) -> tuple[str, int]:
    """Drop hard-break spaces or backslash and a code span's backticks; return the value and where it starts."""
    value = value.rstrip(" \t")
    if backslash_marker and value.endswith("\\") and not value.endswith("\\\\"):
        value = value[:-1].rstrip(" \t")
    ticks = len(value) - len(value.lstrip("`"))
    if ticks and len(value) > 2 * ticks and len(value) - len(value.rstrip("`")) == ticks:
        return value[ticks:-ticks], start + ticks  # one code span, opened and closed by equal backtick runs
    return value, start


_KEY_END = re.compile(r"(?:\*\*|__)[ \t]*:|:[ \t]*(?:\*\*|__)")


def _value_position(text: str, start: int, end: int, value: str) -> int | None:
    """Where `value` stands in the item text[start:end]: right after the key's closing `:**` or `**:`
    and any blanks (a code span's backticks skipped). None unless the characters there are exactly it."""
    key_end = _KEY_END.search(text, start, end)
    if key_end is None:
        return None
    at = key_end.end()
    while at < end and text[at] in " \t":
        at += 1
    ticks = len(text[at:end]) - len(text[at:end].lstrip("`"))
    if ticks and text.startswith(value, at + ticks) and value:
        at += ticks
    if text[at : at + len(value)] != value or at + len(value) > end:
        return None
    if not value and text[at:end].strip(" \t\\\r\n"):
        return None  # something follows the key that the value does not account for
    return at


def _item_key(inline: list[dict[str, Any]]) -> str | None:
    """`**Key:** value` or `**Key**: value` as GitHub renders it; None for anything else."""
    if not inline or inline[0]["type"] != "strong":
        return None
    key = plain_text(inline[0]["children"]).strip()
    if key.endswith(":"):
        key = key[:-1].strip()
    elif not (len(inline) > 1 and inline[1]["type"] == "text" and inline[1]["raw"].startswith(":")):
        return None
    return " ".join(key.split()) or None


# The cache's form of a header (plain tuples, for marshal) -------------------------------------------

_FIELD_TYPES = (str, bool, str, int, int, bool)


def header_payload(header: Header | None) -> tuple[Any, ...]:
    if header is None:
        return ()
    fields = tuple((field.key or "", field.key is not None, field.value, field.key_offset, field.value_offset,
                    field.exact) for field in header.fields)
    return (header.title, header.title_offset, header.offset, fields)


def header_from_payload(payload: tuple[Any, ...]) -> Header | None:
    if not payload:
        return None
    title, title_offset, offset, fields = payload
    return Header(title, title_offset, offset, tuple(
        Field(key if has_key else None, value, key_offset, value_offset, exact)
        for key, has_key, value, key_offset, value_offset, exact in fields))


def valid_header_payload(payload: Any) -> bool:
    if payload == ():
        return True
    return (type(payload) is tuple and tuple(map(type, payload)) == (str, int, int, tuple)
            and all(type(field) is tuple and tuple(map(type, field)) == _FIELD_TYPES for field in payload[3]))
