"""A document's header, as GitHub renders it, in one of the forms teams write one (`HEADER_FORMS`):

- `bold-list`: a bullet list of `**Key:** value` (or `**Key**: value`) items: our templates';
- `list`: a bullet list of `Key: value` items, bold keys or plain (`* Status: Draft`);
- `paragraph`: one paragraph of `**Key:** value`, `**Key** value` or `Key: value` lines;
- `front-matter`: YAML front matter's top-level keys (a list value reads as its items joined by ", ").

The header block stands first in the file (after front matter), or right after the title, the first
heading of any level (ATX or setext): a list further down the body is never taken for a header.
The header is read from the top of the file only: a prefix is parsed, and a longer one only when the
header could still go on past it, so a header costs the same in a 50 MB file as in a small one.
Positions are character offsets into the whole text; `Source.position` turns them into line:col.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from spec_hooks.config import DEFAULT_FORMS, HEADER_FORMS, LENIENT
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
    offset: int  # where the header block starts
    fields: tuple[Field, ...]
    form: str = "bold-list"  # the form it was read in (HEADER_FORMS): the fixers write new items in it

    def get(self, key: str) -> Field | None:
        return next((field for field in self.fields if field.key == key), None)

    def keys(self) -> list[str]:
        return [field.key for field in self.fields if field.key is not None]


_LISTS = frozenset({"bold-list", "list"})


def extract_header(text: str, forms: frozenset[str] = DEFAULT_FORMS) -> Header | None:
    """The header in one of `forms`, None when the top of the file holds none."""
    if "front-matter" in forms and (matter := front_matter(text)) is not None:
        return _front_matter_header(text, matter)
    if not forms - {"front-matter"}:
        return None  # nothing else to read: the Markdown is not parsed
    size = _FIRST_PREFIX
    while True:
        prefix = _prefix(text, size)
        found = _header(text, prefix, forms)
        if isinstance(found, Header) and len(prefix) < len(text) and _may_need_definitions(text, prefix, found):
            return _header_of_whole(text, forms)
        if found is not _UNDECIDED:
            return found  # type: ignore[return-value]
        if len(prefix) == len(text) or size >= _LAST_PREFIX:
            return None
        size *= 8


_UNDECIDED = object()


def other_form(text: str, forms: frozenset[str]) -> tuple[str, int] | None:
    """The form, not one of `forms`, in which the top of `text` holds the most `Key: value` items, and
    where that header starts; None when no other form reads one (what SH104 suggests)."""
    best: tuple[int, str, int] | None = None
    for form in HEADER_FORMS:
        if form in forms:
            continue
        header = extract_header(text, frozenset({form}))
        keyed = sum(field.key is not None for field in header.fields) if header is not None else 0
        if header is not None and keyed and (best is None or keyed > best[0]):
            best = (keyed, form, header.offset)
    return None if best is None else (best[1], best[2])


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


def header_of_tokens(text: str, tokens: list[dict[str, Any]], env: dict[str, Any],
                     forms: frozenset[str] = DEFAULT_FORMS) -> Header | None:
    """The header of a text whose block tokens are already parsed (a whole-document parse)."""
    if "front-matter" in forms and (matter := front_matter(text)) is not None:
        return _front_matter_header(text, matter, tokens, env)
    return _header_of(text, tokens, env, True, forms)  # type: ignore[return-value]


def _header_of_whole(text: str, forms: frozenset[str]) -> Header | None:
    tokens, env = parse_tokens(text)
    header = header_of_tokens(text, tokens, env, forms)
    release(env)
    return header


def _header(text: str, prefix: str, forms: frozenset[str]) -> Header | None | object:
    """The header, None when there is none, or _UNDECIDED when the prefix ends before that is known."""
    tokens, env = parse_tokens(prefix)
    header = _header_of(text, tokens, env, len(prefix) == len(text), forms)
    release(env)
    return header


def _header_of(text: str, tokens: list[dict[str, Any]], env: dict[str, Any], whole: bool,
               forms: frozenset[str]) -> Header | None | object:
    """The header in `forms`: the forms a type names first (read where they stand), then the default."""
    strict = forms - DEFAULT_FORMS if LENIENT in forms else forms
    found = _strict_header_of(text, tokens, env, whole, strict) if strict else None
    if found is None and LENIENT in forms:
        return _lenient_header_of(text, tokens, env, whole)
    return found


def _strict_header_of(text: str, tokens: list[dict[str, Any]], env: dict[str, Any], whole: bool,
                      forms: frozenset[str]) -> Header | None | object:
    """The header block: the file's first block, or the one right after the title (its first heading).
    HTML comments above (`<!-- markdownlint-disable -->`) show nothing and are passed over."""
    blocks = [(index, token) for index, token in enumerate(tokens) if token["type"] != "blank_line"
              and not (token["type"] == "block_html" and token["raw"].lstrip().startswith("<!--"))]
    title = blocks[0][1] if blocks and blocks[0][1]["type"] == "heading" else None
    position = 1 if title is not None else 0
    if title is not None and position < len(blocks) and blocks[position][1]["type"] == "thematic_break":
        position += 1  # `# Title` underlined by a rule (`----` after an ATX heading)
    if position >= len(blocks) or not whole and blocks[position][0] >= blocks[-1][0]:
        return None if whole else _UNDECIDED  # the prefix may have cut this block short
    block = blocks[position][1]
    fields = _block_fields(text, block, env, forms)
    if fields is None or title is None and not all(field.key is not None for field in fields):
        return None  # with no title, only a block wholly of `Key: value` items is a header
    return _built(title, block, fields, _form_of(block, forms), env)


def _built(title: dict[str, Any] | None, block: dict[str, Any], fields: tuple[Field, ...], form: str,
           env: dict[str, Any]) -> Header:
    """The header of a title token (None: the header stands first) and its block's fields."""
    offset = _where(block)
    if title is None:
        start = offset or 0
        return Header("", start, start, fields, form)
    title_offset = _where(title) or 0
    return Header(plain_text(_inline(title, env)).strip(), title_offset,
                  offset if offset is not None else title_offset, fields, form)


def _lenient_header_of(text: str, tokens: list[dict[str, Any]], env: dict[str, Any], whole: bool
                       ) -> Header | None | object:
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
            return _built(title, token, tuple(_field(text, item, env) for item in token["children"]), "bold-list", env)
    return None if whole else _UNDECIDED


def _block_fields(text: str, block: dict[str, Any], env: dict[str, Any], forms: frozenset[str]
                  ) -> tuple[Field, ...] | None:
    """The fields of a block in one of `forms`; None when the block is in none of them."""
    if block["type"] == "list" and not block["attrs"].get("ordered") and forms & _LISTS:
        plain = "list" in forms
        return tuple(_field(text, item, env, plain) for item in block["children"])
    if block["type"] == "paragraph" and "paragraph" in forms:
        fields = _paragraph_fields(text, block, env)
        return fields if fields and all(field.key is not None for field in fields) else None
    return None


def _form_of(block: dict[str, Any], forms: frozenset[str]) -> str:
    if block["type"] == "paragraph":
        return "paragraph"
    return "list" if "list" in forms else "bold-list"


def _where(token: dict[str, Any], extra: int = 0) -> int | None:
    state, start = token.get("_at", (None, 0))
    return None if state is None else state.original(start + extra)


def _inline(token: dict[str, Any], env: dict[str, Any]) -> list[dict[str, Any]]:
    return _inline_text(token.get("text", "").strip(" \r\n\t\f"), env)


def _inline_text(text: str, env: dict[str, Any]) -> list[dict[str, Any]]:
    env[QUIET] = True
    try:
        children: list[dict[str, Any]] = _markdown().inline(text, env)
    finally:
        del env[QUIET]
    return children


def _field(text: str, item: dict[str, Any], env: dict[str, Any], plain_keys: bool = False) -> Field:
    """One list item's field."""
    first = item["children"][0] if item["children"] else None
    if first is None or "text" not in first:
        offset = _where(item) or 0
        return Field(None, "", offset, offset, exact=False)
    raw = first["text"]
    lead = len(raw) - len(raw.lstrip(" \r\n\t\f"))
    start = _where(first, lead)
    end = _where(first, len(raw.rstrip(" \r\n\t\f")))
    fallback = _where(item) or 0
    return _keyed(text, start, end, _inline(first, env), fallback, plain_keys, colonless=False)


def _paragraph_fields(text: str, paragraph: dict[str, Any], env: dict[str, Any]) -> tuple[Field, ...]:
    """One field a keyed line of the paragraph (`**Owner** [Name](…)`, `**Status:** Draft`, `Status: Draft`);
    a line without a key goes on with the field above (`[Roslyn](…) |`). A trailing `|`, written between
    fields on one line or at the end of each, is no part of a value."""
    written = paragraph.get("text", "")
    spans: list[list[int]] = []  # [start, end] in the paragraph's text, one a field
    at = 0
    for line in written.split("\n"):
        stripped = line.strip(" \t\r\f")
        lead = at + len(line) - len(line.lstrip(" \t\r\f"))
        if stripped and (not spans or _item_key(_inline_text(stripped, env), True, True)[0] is not None):
            spans.append([lead, lead + len(stripped)])
        elif stripped:
            spans[-1][1] = lead + len(stripped)
        at += len(line) + 1
    fields = []
    for first, last in spans:
        start, end = _where(paragraph, first), _where(paragraph, last)
        fallback = start if start is not None else _where(paragraph) or 0
        field = _keyed(text, start, end, _inline_text(written[first:last], env), fallback, True, colonless=True)
        fields.append(replace(field, value=field.value.rstrip(" \t|")) if field.value.endswith("|") else field)
    return tuple(fields)


def _keyed(text: str, start: int | None, end: int | None, inline: list[dict[str, Any]], fallback: int,
           plain_keys: bool, colonless: bool) -> Field:
    """The field of an item's (or a line's) text, `text[start:end]` when placed, whose inline tokens are
    `inline`: its key by the item's markup (bold, or plain with `plain_keys`), its value where it stands."""
    key, style = _item_key(inline, plain_keys, colonless)
    plain = _LINE_BREAK.sub(" ", plain_text(inline).strip())
    # A trailing backslash is the item's hard-break marker only when the item's text ends with one (not
    # when it shows one, as an escaped `\\` or a link's text does).
    written = text[start:end] if start is not None and end is not None else None
    marker = written is None or (written.endswith("\\") and not written.endswith("\\\\"))
    value = clean_value(_shown_value(inline, plain, style), 0, marker)[0] if key else plain
    if start is None or end is None:
        return Field(key, value, fallback, fallback, exact=False)
    key_offset = start + 2 if style != "plain" and text.startswith(("**", "__"), start) else start
    if key is None:
        return Field(None, plain, start, start, exact=False)
    value_offset = _value_position(text, start, end, value, style)
    if value_offset is None:  # markup in the value (`[SE-0001](…)`, `**Implemented**`): found where it starts
        first_line = _value_position(text, start, end, value.split(" ", 1)[0], style) if " " in value else None
        after_key = _after_key(text, start, end, style)
        at = first_line if first_line is not None else after_key if after_key is not None else start
        return Field(key, value, key_offset, at, exact=False)
    return Field(key, value, key_offset, value_offset)


def _shown_value(inline: list[dict[str, Any]], plain: str, style: str) -> str:
    """The value's shown text: what follows the key's colon (`**Key** value`: what follows the key's token)."""
    if style == "colonless":
        return _LINE_BREAK.sub(" ", plain_text(inline[1:]).strip())
    return plain.split(":", 1)[1].strip() if ":" in plain else ""


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


_KEY_END = {
    "bold": re.compile(r"(?:\*\*|__)[ \t]*:|:[ \t]*(?:\*\*|__)"),
    "plain": re.compile(r":"),
    "colonless": re.compile(r"\*\*|__"),
}


def _after_key(text: str, start: int, end: int, style: str) -> int | None:
    """Where the item text[start:end] goes on after the key's markup (`:**`, `**:`, a plain key's `:`, a
    colonless key's closing `**`) and any blanks."""
    key_end = _KEY_END[style].search(text, start + 2 if style == "colonless" else start, end)
    if key_end is None:
        return None
    at = key_end.end()
    while at < end and text[at] in " \t":
        at += 1
    return at


def _value_position(text: str, start: int, end: int, value: str, style: str = "bold") -> int | None:
    """Where `value` stands in the item text[start:end]: right after the key's markup and any blanks (a
    code span's backticks skipped). None unless the characters there are exactly it."""
    at = _after_key(text, start, end, style)
    if at is None:
        return None
    ticks = len(text[at:end]) - len(text[at:end].lstrip("`"))
    if ticks and text.startswith(value, at + ticks) and value:
        at += ticks
    if text[at : at + len(value)] != value or at + len(value) > end:
        return None
    if not value and text[at:end].strip(" \t\\\r\n"):
        return None  # something follows the key that the value does not account for
    return at


# A plain key: a few words before a colon that ends the first text (`Author(s):`, `Review Manager:`),
# not a URL's scheme (`https://`) nor a sentence (`Note that: ...` is let through only when short).
PLAIN_KEY = re.compile(r"[ \t]*([A-Za-z][^:\n*_`\[\]<>]{0,48}?)[ \t]*:(?=[ \t]|$)")


def _item_key(inline: list[dict[str, Any]], plain_keys: bool = False, colonless: bool = False
              ) -> tuple[str | None, str]:
    """(key, style) of `**Key:** value` or `**Key**: value` as GitHub renders it (style "bold"); with
    `plain_keys`, also `Key: value` ("plain"); with `colonless`, also `**Key** value` ("colonless").
    (None, "") for anything else."""
    if not inline:
        return None, ""
    if inline[0]["type"] == "strong":
        key = plain_text(inline[0]["children"]).strip()
        if key.endswith(":"):
            key = key[:-1].strip()
        elif len(inline) > 1 and inline[1]["type"] == "text" and inline[1]["raw"].startswith(":"):
            pass
        elif colonless and len(inline) > 1 and inline[1]["type"] == "text" and inline[1]["raw"][:1] in " \t":
            return " ".join(key.split()) or None, "colonless"
        else:
            return None, ""
        return " ".join(key.split()) or None, "bold"
    if plain_keys and inline[0]["type"] == "text" and (match := PLAIN_KEY.match(inline[0]["raw"])):
        return " ".join(match.group(1).split()), "plain"
    return None, ""


# Front matter -------------------------------------------------------------------------------------------

_FRONT_MATTER_AT_MOST = 1 << 16  # characters: a front matter past this is not read as a header


def front_matter(text: str) -> tuple[int, int] | None:
    """(start, end) of the YAML between the opening `---` line and the closing `---` or `...` line, as
    GitHub shows front matter; None when the file opens with none."""
    start = 4 if text.startswith("---\n") else 5 if text.startswith("---\r\n") else -1
    if start < 0:
        return None
    at = start
    while at <= len(text) and at < _FRONT_MATTER_AT_MOST:
        end = text.find("\n", at)
        line = text[at : end if end >= 0 else len(text)].rstrip("\r")
        if line.rstrip() in ("---", "..."):
            return start, at
        if end < 0:
            return None
        at = end + 1
    return None


def _front_matter_header(text: str, matter: tuple[int, int], tokens: list[dict[str, Any]] | None = None,
                         env: dict[str, Any] | None = None) -> Header:
    """The front matter's top-level keys as fields (exact where the value is a plain or quoted scalar on
    its key's line); the title is the first heading when it is the first block after the front matter."""
    start, end = matter
    own = tokens is None or env is None
    if own:  # no whole parse given: the title, if any, stands in the lines after the front matter
        tokens, env = parse_tokens(_prefix(text, end + 4 * _FIRST_PREFIX))
    assert tokens is not None and env is not None
    title = _first_heading(tokens)
    title_text = plain_text(_inline(title, env)).strip() if title is not None else ""
    title_offset = (_where(title) or 0) if title is not None else 0
    if own:
        release(env)
    return Header(title_text, title_offset, start, _yaml_fields(text, start, end), "front-matter")


def _first_heading(tokens: list[dict[str, Any]]) -> dict[str, Any] | None:
    first = next((token for token in tokens if token["type"] != "blank_line"), None)
    return first if first is not None and first["type"] == "heading" else None


def _yaml_fields(text: str, start: int, end: int) -> tuple[Field, ...]:
    import yaml

    try:
        root = yaml.compose(text[start:end], Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        reason = getattr(exc, "problem", None) or "invalid YAML"
        mark = getattr(exc, "problem_mark", None)
        at = start + (mark.index if mark is not None else 0)
        return (Field(None, f"front matter: {reason}", at, at, exact=False),)
    if not isinstance(root, yaml.MappingNode):
        return () if root is None else (Field(None, "front matter: not a mapping of keys", start, start, False),)
    return tuple(_yaml_field(text, start, key, value) for key, value in root.value)


def _yaml_field(text: str, start: int, key: Any, value: Any) -> Field:
    import yaml

    key_offset = start + key.start_mark.index
    if not isinstance(key, yaml.ScalarNode):
        return Field(None, "", key_offset, key_offset, exact=False)
    value_offset = start + value.start_mark.index
    if isinstance(value, yaml.ScalarNode):
        if value.tag.endswith(":null") and value.value in ("", "~", "null", "Null", "NULL"):
            shown = ""
        else:
            shown = value.value
        at = value_offset + (1 if value.style in ("'", '"') else 0)
        exact = value.style in (None, "", "'", '"') and text[at : at + len(shown)] == shown and "\n" not in shown
        return Field(str(key.value), shown, key_offset, at if exact else value_offset, exact)
    if isinstance(value, yaml.SequenceNode):
        items = [item.value for item in value.value if isinstance(item, yaml.ScalarNode)]
        return Field(str(key.value), ", ".join(items), key_offset, value_offset, exact=False)
    return Field(str(key.value), "", key_offset, value_offset, exact=False)


# The cache's form of a header (plain tuples, for marshal) -------------------------------------------

_FIELD_TYPES = (str, bool, str, int, int, bool)


def reading_of(forms: frozenset[str]) -> str:
    return ",".join(sorted(forms))


def header_payload(header: Header | None, forms: frozenset[str]) -> tuple[Any, ...]:
    """The header as kept, with the forms it was read in: `()` for none."""
    if header is None:
        return (reading_of(forms),)
    fields = tuple((field.key or "", field.key is not None, field.value, field.key_offset, field.value_offset,
                    field.exact) for field in header.fields)
    return (header.title, header.title_offset, header.offset, fields, header.form, reading_of(forms))


def header_reading(payload: tuple[Any, ...]) -> str:
    """The forms a kept header was read in."""
    return str(payload[-1])


def header_from_payload(payload: tuple[Any, ...]) -> Header | None:
    if len(payload) == 1:
        return None
    title, title_offset, offset, fields, form, _ = payload
    return Header(title, title_offset, offset, tuple(
        Field(key if has_key else None, value, key_offset, value_offset, exact)
        for key, has_key, value, key_offset, value_offset, exact in fields), form)


def valid_header_payload(payload: Any) -> bool:
    if type(payload) is tuple and len(payload) == 1:
        return type(payload[0]) is str
    return (type(payload) is tuple and tuple(map(type, payload)) == (str, int, int, tuple, str, str)
            and payload[4] in HEADER_FORMS and all(type(field) is tuple and tuple(map(type, field)) == _FIELD_TYPES for field in payload[3]))
