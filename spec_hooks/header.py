"""Extracting a document's header: the first bullet list of `**Key:** value` items under the H1.

Only the header region (from the top to the first thematic break or H2, or to the end of the first
list after the H1) is looked at. A region in the templates' canonical shape is read by a strict line
grammar; anything else goes through mistune, so odd Markdown is judged by a real CommonMark parser.
Positions are character offsets into the whole text; `Source.position` turns them into line:col.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from spec_hooks.source import BOM


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


Line = tuple[int, str]  # (offset of the line's first character, the line without its line ending)

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_HEADING_2_TO_6 = re.compile(r" {0,3}#{2,6}(?:[ \t]|$)")
_ATX_H1 = re.compile(r" {0,3}#(?:[ \t]+(?P<title>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r" {0,3}=+[ \t]*$")
_BULLET = re.compile(r"(?P<indent> {0,3})(?P<bullet>[-*+])(?:(?P<space>[ \t]+)(?P<content>.*))?$")
_RAW_ITEM = re.compile(r"\*\*(?P<key>.*?)(?P<c1>:?)\*\*(?P<c2>:?)[ \t]*(?P<value>.*)$")
_CANON = re.compile(
    r"\ufeff?# (?P<title>\S[^\r\n]*?)[ \t]*\r?\n(?:[ \t]*\r?\n)*(?P<items>(?:[-*] \*\*[^\r\n]*(?:\r?\n|\Z))+)"
)
_CANON_ITEM = re.compile(
    r"(?P<bullet>[-*]) \*\*(?P<key>[A-Za-z0-9][A-Za-z0-9 ()/._-]*?)(?P<c1>:?)\*\*(?P<c2>:?)[ \t]*(?P<value>.*)"
)


_LINE_END = re.compile(r"\r\n?|\n")


def lines(text: str, start: int = 0) -> Iterator[Line]:
    """The lines of `text` from `start`, without their endings (`\n`, `\r\n` or a lone `\r`, as in
    CommonMark), lazily (files may be huge)."""
    end_of_text = len(text)
    pos = start
    search = _LINE_END.search
    while pos < end_of_text:
        ending = search(text, pos)
        if ending is None:
            yield pos, text[pos:]
            return
        yield pos, text[pos : ending.start()]
        pos = ending.end()


def extract_header(text: str) -> Header | None:
    canonical = _canonical_header(text)
    if canonical is not None:
        return canonical
    region = header_region(text)
    return _mistune_header(text, region) if region else None


def header_region(text: str) -> list[Line]:
    """The lines that can hold the header; empty when the document cannot have one."""
    source_lines = lines(text, 1 if text.startswith(BOM) else 0)
    region: list[Line] = []
    fence = ""
    seen_h1 = in_list = previous_blank = False
    for offset, line in source_lines:
        if not region and not fence and line.rstrip() == "---":
            if not _skip_front_matter(source_lines):
                return []
            continue
        code = bool(fence)
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = ""
        elif match := _FENCE.match(line):
            fence, code = match.group(1), True
        elif _BREAK.match(line) or _HEADING_2_TO_6.match(line):
            break
        elif in_list and previous_blank and line.strip() and not line.startswith("  ") and not _BULLET.match(line):
            break  # the first list after the H1 has ended: nothing below can change the header
        if not code:
            seen_h1 = seen_h1 or bool(_ATX_H1.match(line)) or (bool(_SETEXT_H1.match(line)) and not previous_blank)
            in_list = in_list or (seen_h1 and bool(_BULLET.match(line)))
        previous_blank = not line.strip()
        region.append((offset, line))
    return region if seen_h1 else []


def _skip_front_matter(source_lines: Iterator[Line]) -> bool:
    return any(line.rstrip() in ("---", "...") for _, line in source_lines)


def _canonical_header(text: str) -> Header | None:
    """The templates' exact shape, matched at the top of the file without a Markdown parser.

    mistune costs ~200 us a header; nearly every real header is in this shape.
    """
    match = _CANON.match(text)
    if not match or match.group("title").endswith("#") or not _list_ends_cleanly(text, match.end()):
        return None
    fields = []
    bullet = text[match.start("items")]
    for offset, line in lines(text[: match.end("items")], match.start("items")):
        item = _CANON_ITEM.fullmatch(line)
        if not item or item.group("bullet") != bullet or item.group("c1") == item.group("c2"):
            return None
        fields.append(_field_from_match(offset, item))
    return Header(match.group("title"), match.start("title"), match.start("items"), tuple(fields))


def _list_ends_cleanly(text: str, end: int) -> bool:
    """After the items: the end, a thematic break or heading, or blank lines and an unindented non-item."""
    following = lines(text, end)
    first = next(following, None)
    if first is None or _BREAK.match(first[1]) or first[1].startswith("#"):
        return True
    if first[1].strip():
        return False
    for _, line in following:
        if line.strip():
            return not line[0].isspace() and not _BULLET.match(line)
    return True


def _field_from_match(line_offset: int, match: re.Match[str]) -> Field:
    value, value_start = clean_value(match.group("value"), match.start("value"))
    return Field(match.group("key").strip(), value, line_offset + match.start("key"), line_offset + value_start)


def item_on_line(line: str) -> tuple[str, str] | None:
    """The key and value of a `- **Key:** value` line, read the way a header's items are; None otherwise."""
    bullet = _BULLET.match(line)
    item = _RAW_ITEM.match(line, bullet.start("content")) if bullet and bullet.group("content") else None
    if item is None or item.group("c1") == item.group("c2"):
        return None
    return item.group("key").strip(), clean_value(item.group("value"), 0)[0]


def clean_value(value: str, start: int) -> tuple[str, int]:
    """Drop hard-break spaces or backslash and a code span's backticks; return the value and where it starts."""
    value = value.rstrip(" \t")
    if value.endswith("\\") and not value.endswith("\\\\"):
        value = value[:-1].rstrip(" \t")
    ticks = len(value) - len(value.lstrip("`"))
    if ticks and len(value) > 2 * ticks and len(value) - len(value.rstrip("`")) == ticks:
        return value[ticks:-ticks], start + ticks  # one code span, opened and closed by equal backtick runs
    return value, start


def _mistune_header(text: str, region: list[Line]) -> Header | None:
    from spec_hooks.markdown import parse_blocks, plain_text  # only odd headers pay for the parser and its helpers

    region_start = region[0][0]
    region_end = region[-1][0] + len(region[-1][1])
    tokens = parse_blocks(text[region_start:region_end])
    title_token, header_list = _title_and_list(tokens)
    if header_list is None:
        return None
    items = header_list["children"]
    title_offset, item_lines = _locate_items(region, header_list["bullet"], len(items))
    located = len(item_lines) == len(items)
    ends = [offset for offset, _ in item_lines[1:]] + [region_end]
    fields = []
    for index, item in enumerate(items):
        if located:
            fields.append(_field_from_item(text, item, item_lines[index], ends[index]))
        else:  # the source and the parser disagree on where items start: no position can be trusted
            anchor = item_lines[min(index, len(item_lines) - 1)] if item_lines else region[0]
            fields.append(replace(_field_from_item(text, item, anchor, anchor[0]), exact=False))
    return Header(plain_text(title_token.get("children", [])).strip(), title_offset,
                  item_lines[0][0] if item_lines else region_start, tuple(fields))


def _title_and_list(tokens: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    title: dict[str, Any] | None = None
    for token in tokens:
        kind = token["type"]
        if kind == "heading" and token["attrs"]["level"] == 1 and title is None:
            title = token
        elif kind == "heading" or kind == "thematic_break":
            break
        elif kind == "list" and title is not None and not token["attrs"].get("ordered"):
            return title, token
    return title or {}, None


def _locate_items(region: list[Line], bullet: str, count: int) -> tuple[int, list[Line]]:
    """Find the title's offset and the first line of each of the list's `count` items.

    mistune's tokens carry no positions, so the source is scanned with the same CommonMark rule
    mistune applies: an item starts at a bullet indented less than the previous item's content.
    """
    title_offset = region[0][0]
    items: list[Line] = []
    content_indent = 0
    fence = ""
    seen_h1 = False
    for index, (offset, line) in enumerate(region):
        if fence:
            fence = "" if line.lstrip(" ").startswith(fence) else fence
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
            continue
        if not seen_h1:
            if h1 := _ATX_H1.match(line):
                seen_h1, title_offset = True, offset + (h1.start("title") if h1.group("title") else 0)
            elif index + 1 < len(region) and line.strip() and _SETEXT_H1.match(region[index + 1][1]):
                seen_h1, title_offset = True, offset + len(line) - len(line.lstrip())
            continue
        match = _BULLET.match(line)
        if match and match.group("bullet") == bullet and (not items or len(match.group("indent")) < content_indent):
            items.append((offset, line))
            content_indent = match.end("bullet") + len(match.group("space") or " ")
            if len(items) == count:
                break
    return title_offset, items


def _field_from_item(text: str, item: dict[str, Any], line: Line, end: int) -> Field:
    """A field from mistune's reading of an item that starts at `line` and ends before `end`."""
    from spec_hooks.markdown import plain_text

    offset, first_line = line
    bullet = _BULLET.match(first_line)
    content_start = offset + (bullet.start("content") if bullet and bullet.group("content") is not None else 0)
    inline = item["children"][0].get("children", []) if item["children"] else []
    key = _item_key(inline)
    raw = _RAW_ITEM.match(first_line, content_start - offset)
    if key is not None and raw and raw.group("key").strip() == key:
        return _field_from_match(offset, raw)
    plain = plain_text(inline).strip()
    if key is None:
        return Field(None, plain, content_start, content_start, exact=False)
    value = clean_value(plain.split(":", 1)[1].strip() if ":" in plain else "", 0)[0]
    value_offset = _value_position(text, content_start, end, value)
    if value_offset is None:
        return Field(key, value, content_start, content_start, exact=False)
    return Field(key, value, content_start, value_offset)


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
    """`**Key:** value` or `**Key**: value` as mistune reads it; None for anything else."""
    from spec_hooks.markdown import plain_text

    if not inline or inline[0]["type"] != "strong":
        return None
    key = plain_text(inline[0]["children"]).strip()
    if key.endswith(":"):
        key = key[:-1].strip()
    elif not (len(inline) > 1 and inline[1]["type"] == "text" and inline[1]["raw"].startswith(":")):
        return None
    return key or None
