"""Links and heading anchors read out of Markdown with exact positions, without a full parse.

Parsing every file with mistune costs ~4 s over a 5,000-spec repository, so links are found by a
scanner that looks only where a link can start (`](`, `][`, a definition line, `<a`, `<img`) after
masking what cannot hold links: fenced and indented code, code spans and HTML comments. Headings
with inline markup are reduced to text by mistune; plain ones (nearly all) by a regex.
"""
from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any


@dataclass(frozen=True)
class Link:
    kind: str  # "inline", "image", "definition", "html", "reference"
    target: str  # the destination, backslash escapes and entities resolved
    offset: int  # where the link starts: its `[`, `!` or `<`
    target_start: int  # the destination's span in the text, for rewriting it
    target_end: int
    label: str = ""  # for "definition" and "reference"


@dataclass(frozen=True)
class Problem:
    """Text that was meant as a link but is not one (CommonMark renders it literally)."""

    offset: int
    message: str


@dataclass
class LinkScan:
    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)  # normalised labels of the definitions
    ignored_lines: set[int] = field(default_factory=set)  # offsets of line starts silenced by a comment


IGNORE_DIRECTIVE = "spec-hooks: ignore-link"

class LinePattern:
    """A pattern for whole lines, searched from a literal newline: a `^` under re.M makes the regex
    engine try every position (10x slower over 20 MB of Markdown)."""

    def __init__(self, body: str) -> None:
        self.first = re.compile("\ufeff?" + body)
        self.rest = re.compile("\n" + body)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        first = self.first.match(text)
        return chain((first,), self.rest.finditer(text)) if first else self.rest.finditer(text)


_FENCE = LinePattern(r"[ \t]*(`{3,}|~{3,})([^\n]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BRACKETS = re.compile(r"\][(\[]")
_DEFINITION_END = re.compile(r"\]:")
_HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""\b(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\r?\n|$)")
_ESCAPABLE = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_ATX = LinePattern(r" {0,3}(#{1,6})(?:[ \t]+([^\n]*))?(?=\n|\Z)")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_UNDERLINE = LinePattern(r"( {0,3}(?:=+|-+)[ \t]*)(?=\r?\n|\r?\Z)")
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-*+>#|]|\d{1,9}[.)]|`{3}|~{3})")
_MARKUP = re.compile(r"[*_`\[\]<>\\]|!\[|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


class MarkdownFile:
    """One file's text, with its link scan and anchors computed once, when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._masked: Masked | None = None
        self._scan: LinkScan | None = None
        self._anchors: Anchors | None = None

    @property
    def masked(self) -> Masked:
        if self._masked is None:
            self._masked = Masked(self.text)
        return self._masked

    @property
    def links(self) -> LinkScan:
        if self._scan is None:
            self._scan = scan_links(self.text, self.masked)
        return self._scan

    @property
    def anchors(self) -> Anchors:
        if self._anchors is None:
            self._anchors = anchors(self.text, self.masked)
        return self._anchors

    def payload(self) -> tuple[Any, ...]:
        """What a cache keeps of the file (plain tuples, for marshal): its link scan and its anchors."""
        scan, found = self.links, self.anchors
        return (
            tuple((l.kind, l.target, l.offset, l.target_start, l.target_end, l.label) for l in scan.links),
            tuple((problem.offset, problem.message) for problem in scan.problems),
            tuple(sorted(scan.labels)),
            tuple(sorted(scan.ignored_lines)),
            found.headings,
            tuple(sorted(found.explicit)),
        )

    @classmethod
    def from_payload(cls, text: str, payload: tuple[Any, ...]) -> MarkdownFile:
        links, problems, labels, ignored, headings, explicit = payload
        markdown = cls(text)
        markdown._scan = LinkScan([Link(*link) for link in links], [Problem(*problem) for problem in problems],
                                  set(labels), set(ignored))
        markdown._anchors = Anchors(tuple(headings), frozenset(explicit))
        return markdown


class Masked:
    """The ranges of a text that cannot hold links: fenced code, HTML comments, code spans, indented code."""

    def __init__(self, text: str) -> None:
        ranges = _fenced_ranges(text) + [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
        ranges.sort()
        self.blocks = _merge(ranges)
        self.text = text
        self._spans: list[tuple[int, int]] | None = None

    def covers(self, offset: int) -> bool:
        if _inside(self.blocks, offset):
            return True
        start = _line_start(self.text, offset)
        end = self.text.find("\n", offset)
        line = self.text[start : end if end >= 0 else len(self.text)]
        # A code span spanning lines is rare enough that a line without a backtick is taken as free of them.
        if "`" in line and _inside(self.code_spans(), offset):
            return True
        return line[:1] in (" ", "\t") and _in_indented_code(self.text, offset)

    def code_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = _code_spans(self.text, self.blocks) if "`" in self.text else []
        return self._spans


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(ranges: list[tuple[int, int]], offset: int) -> bool:
    index = bisect_right(ranges, (offset, float("inf"))) - 1  # type: ignore[arg-type]
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    opening: re.Match[str] | None = None
    if "```" not in text and "~~~" not in text:
        return ranges
    for match in _FENCE.finditer(text):
        fence = match.group(1)
        if opening is None:
            if not (fence[0] == "`" and "`" in match.group(2)):
                opening = match
        elif fence[0] == opening.group(1)[0] and len(fence) >= len(opening.group(1)) and not match.group(2).strip():
            ranges.append((_line_start(text, opening.start(1)), match.end()))
            opening = None
    if opening is not None:
        ranges.append((_line_start(text, opening.start(1)), len(text)))  # an unclosed fence runs to the end
    return ranges


def _code_spans(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """CommonMark code spans: a backtick run closed by the next run of the same length in the paragraph."""
    spans = []
    runs = [m for m in re.finditer(r"`+", text) if not _inside(blocks, m.start())]
    index = 0
    while index < len(runs):
        run = runs[index]
        start, length = run.start(), len(run.group())
        if _escaped(text, start):
            start, length = start + 1, length - 1
        paragraph_end = _paragraph_end(text, start)
        for later in range(index + 1, len(runs)):
            candidate = runs[later]
            if candidate.start() >= paragraph_end:
                break
            if len(candidate.group()) == length and length:
                spans.append((start, candidate.end()))
                index = later
                break
        index += 1
    return spans


def _paragraph_end(text: str, offset: int) -> int:
    match = _BLANK_LINE.search(text, offset)
    return match.start() if match else len(text)


def _paragraph_start(text: str, offset: int) -> int:
    at = offset
    while True:
        previous = text.rfind("\n", 0, at)
        if previous < 0:
            return 0
        line_start = text.rfind("\n", 0, previous) + 1
        if not text[line_start:previous].strip():
            return previous + 1
        at = line_start


def _escaped(text: str, offset: int) -> bool:
    count = 0
    while offset - count - 1 >= 0 and text[offset - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _in_indented_code(text: str, offset: int) -> bool:
    """An indented code block: 4+ spaces, after a blank line, not inside a list item."""
    start = _line_start(text, offset)
    line_end = text.find("\n", start)
    if _indent(text[start : line_end if line_end >= 0 else len(text)]) < 4:
        return False
    paragraph = _paragraph_start(text, start)
    if paragraph == 0 and start != 0:
        return False
    at = paragraph - 1
    while at > 0:  # the nearest earlier line that is not blank and indented less than 4
        line_start = text.rfind("\n", 0, at - 1) + 1
        line = text[line_start:at].rstrip("\r\n")
        if line.strip() and _indent(line) < 4:
            return not (_LIST_ITEM.match(line) or _indent(line) > 0)
        at = line_start
    return True


def scan_links(text: str, masked: Masked | None = None) -> LinkScan:
    scan = LinkScan()
    if not any(marker in text for marker in ("](", "][", "]:", "<a", "<A", "<img", "<IMG")):
        return scan
    masked = masked or Masked(text)
    if "<!--" in text:
        _find_ignored_lines(text, scan)
    for match in _BRACKETS.finditer(text):
        if not masked.covers(match.start()):
            if match.group() == "](":
                _inline_link(text, match.start(), scan)
            else:
                _reference_link(text, match.start(), scan)
    if "]:" in text:
        for match in _DEFINITION_END.finditer(text):
            start = _line_start(text, match.start())
            bracket = text.find("[", start, match.start())
            if 0 <= bracket - start <= 3 and not text[start:bracket].strip(" ") and not masked.covers(bracket):
                _definition(text, bracket, scan)
    if "<" in text:
        for match in _HTML_LINK.finditer(text):
            if not masked.covers(match.start()):
                _html_link(text, match, scan)
    return scan


def _find_ignored_lines(text: str, scan: LinkScan) -> None:
    for match in _COMMENT.finditer(text):
        if IGNORE_DIRECTIVE not in match.group():
            continue
        start = _line_start(text, match.start())
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        alone = not (text[start : match.start()] + text[match.end() : end]).strip()
        scan.ignored_lines.add(end + 1 if alone else start)


def _opening_bracket(text: str, close: int) -> int:
    """The `[` matching the `]` at `close`, within its paragraph; -1 if none."""
    nearest = text.rfind("[", 0, close)
    between = text[nearest + 1 : close]
    if nearest >= 0 and "]" not in between and "\n" not in between and not _escaped(text, nearest):
        return nearest  # the common case: link text on one line without brackets
    depth = 0
    stop = _paragraph_start(text, close)
    at = close
    while at >= stop:
        character = text[at]
        if character in "[]" and not _escaped(text, at):
            depth += 1 if character == "]" else -1
            if depth == 0:
                return at
        at -= 1
    return -1


def _inline_link(text: str, close: int, scan: LinkScan) -> None:
    opening = _opening_bracket(text, close)
    if opening < 0:
        return
    image = opening > 0 and text[opening - 1] == "!" and not _escaped(text, opening - 1)
    start = opening - 1 if image else opening
    parsed = _destination(text, close + 2)
    if isinstance(parsed, str):
        scan.problems.append(Problem(start, parsed))
        return
    target, target_start, target_end = parsed
    scan.links.append(Link("image" if image else "inline", target, start, target_start, target_end))


_PLAIN_DESTINATION = re.compile(r"[^\s()<>\\&]*(?=\))")


def _destination(text: str, at: int) -> tuple[str, int, int] | str:
    """Parse `dest "title")` from `at`; the destination and its span, or why it is not a link."""
    plain = _PLAIN_DESTINATION.match(text, at)
    if plain:  # the common case: no spaces, parentheses, escapes, entities or title
        return plain.group(), at, plain.end()
    end_of_paragraph = _paragraph_end(text, at)
    at = _skip_space(text, at, end_of_paragraph)
    if at < len(text) and text[at] == "<":
        close = at + 1
        while close < end_of_paragraph and text[close] not in ">\n<":
            close += 2 if text[close] == "\\" else 1
        if close >= end_of_paragraph or text[close] != ">":
            return "not a link: '<' opens the destination but no '>' closes it on the same line"
        target_start, target_end, at = at + 1, close, close + 1
    else:
        target_start, depth = at, 0
        while at < end_of_paragraph:
            character = text[at]
            if character == "\\" and at + 1 < len(text) and text[at + 1] in _ESCAPABLE:
                at += 2
                continue
            if character in " \t\r\n" or ord(character) < 32:
                break
            if character == "(":
                depth += 1
            elif character == ")":
                if depth == 0:
                    break
                depth -= 1
            at += 1
        target_end = at
    after = _skip_space(text, at, end_of_paragraph)
    if after < end_of_paragraph and text[after] in "\"'(" and after > at:
        closer = ")" if text[after] == "(" else text[after]
        after += 1
        while after < end_of_paragraph and text[after] != closer:
            after += 2 if text[after] == "\\" else 1
        after = _skip_space(text, after + 1, end_of_paragraph)
    if after < end_of_paragraph and text[after] == ")":
        return unescape(text[target_start:target_end]), target_start, target_end
    if after >= end_of_paragraph:
        return "not a link: ')' is missing after the destination"
    close = text.find(")", target_start, end_of_paragraph)
    destination = text[target_start:close].strip()
    return (f"not a link: the destination {destination!r} contains a space; "
            f"write <{destination}> or {destination.replace(' ', '%20')}")


def _skip_space(text: str, at: int, end: int) -> int:
    while at < end and text[at] in " \t\r\n":
        at += 1
    return at


def unescape(raw: str) -> str:
    unescaped = re.sub(r"\\([" + re.escape(_ESCAPABLE) + "])", r"\1", raw)
    return html.unescape(unescaped) if "&" in unescaped else unescaped


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _reference_link(text: str, close: int, scan: LinkScan) -> None:
    opening = _opening_bracket(text, close)
    label_end = text.find("]", close + 2)
    if opening < 0 or label_end < 0 or "\n\n" in text[close:label_end]:
        return
    label = text[close + 2 : label_end] or text[opening + 1 : close]
    image = opening > 0 and text[opening - 1] == "!"
    start = opening - 1 if image else opening
    scan.links.append(Link("reference", "", start, close + 2, label_end, normalize_label(label)))


_DEFINITION = re.compile(r"\[((?:[^\]\\\n]|\\.)+)\]:[ \t]*\r?\n?[ \t]*")


def _definition(text: str, bracket: int, scan: LinkScan) -> None:
    match = _DEFINITION.match(text, bracket)
    if not match:
        return
    parsed = _definition_destination(text, match.end())
    label = normalize_label(match.group(1))
    scan.labels.add(label)
    if parsed:
        target, target_start, target_end = parsed
        scan.links.append(Link("definition", target, bracket, target_start, target_end, label))


def _definition_destination(text: str, at: int) -> tuple[str, int, int] | None:
    if at < len(text) and text[at] == "<":
        close = text.find(">", at)
        newline = text.find("\n", at)
        if close < 0 or (0 <= newline < close):
            return None
        return unescape(text[at + 1 : close]), at + 1, close
    end = at
    while end < len(text) and text[end] not in " \t\r\n":
        end += 1
    return (unescape(text[at:end]), at, end) if end > at else None


def _html_link(text: str, tag: re.Match[str], scan: LinkScan) -> None:
    wanted = "src" if tag.group().lower().startswith("<img") else "href"
    for attribute in _ATTRIBUTE.finditer(tag.group()):
        if attribute.group(1).lower() == wanted:
            group = next(index for index in (2, 3, 4) if attribute.group(index) is not None)
            start = tag.start() + attribute.start(group)
            value = attribute.group(group)
            scan.links.append(Link("html", html.unescape(value), tag.start(), start, start + len(value)))


# Heading anchors ----------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # headings repeat across documents written from one template
def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's text (github-slugger, before de-duplication)."""
    lowered = text.lower()
    if lowered.isascii():
        return re.sub(r"[^a-z0-9 _-]", "", lowered).replace(" ", "-")
    kept = []
    for character in lowered:
        if character == " ":
            kept.append("-")
        elif character in "-_":
            kept.append(character)
        else:
            category = unicodedata.category(character)
            if category[0] in "LM" or category in ("Nd", "Nl"):
                kept.append(character)
    return "".join(kept)


class Slugger:
    """GitHub's de-duplication: a repeated slug gets -1, -2, ..., skipping slugs already taken."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        result = original = github_slug(text)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result


@dataclass(frozen=True)
class Anchors:
    headings: tuple[str, ...]  # slugs in document order
    explicit: frozenset[str]  # <a name>, id=

    def __contains__(self, fragment: str) -> bool:
        return fragment == "top" or fragment in self.explicit or fragment in self.headings

    def all(self) -> list[str]:
        return [*self.headings, *sorted(self.explicit)]


def heading_texts(text: str, masked: Masked | None = None) -> list[str]:
    """The text of every ATX and setext heading outside code, in document order."""
    blocks = (masked or Masked(text)).blocks  # a heading is a block: only fences and comments hide it
    found = [(m.start(1), _atx_text(m.group(2))) for m in _ATX.finditer(text) if not _inside(blocks, m.start(1))]
    for underline in _UNDERLINE.finditer(text):
        start = underline.start(1)
        line_start = text.rfind("\n", 0, max(start - 1, 0)) + 1
        line = text[line_start : start - 1].rstrip("\r")
        if start < 2 or not line.strip():
            continue  # a `---` after a blank line is a thematic break, not an underline
        if _inside(blocks, start) or _indent(line) >= 4 or _NOT_PARAGRAPH.match(line) or _previous_line_is_text(text, line_start):
            continue
        found.append((line_start, line.strip()))
    found.sort()
    return [_heading_plain_text(raw.strip()) for _, raw in found]


def _atx_text(raw: str | None) -> str:
    raw = (raw or "").rstrip("\r")
    return _ATX_CLOSING.sub("", raw) if raw.endswith("#") else raw


def _previous_line_is_text(text: str, start: int) -> bool:
    """A setext heading of one line: the line before it must not be paragraph text (we keep it simple)."""
    if start == 0:
        return False
    previous = text[_line_start(text, start - 1) : start - 1].strip()
    return bool(previous) and not previous.startswith(("#", "---", "***", "___", "<!--"))


def anchors(text: str, masked: Masked | None = None) -> Anchors:
    masked = masked or Masked(text)
    slugger = Slugger()
    headings = tuple(slugger.slug(heading) for heading in heading_texts(text, masked))
    explicit = set()
    if "id=" in text or "name=" in text or "ID=" in text or "NAME=" in text:
        for tag in re.finditer(r"<[A-Za-z][^>]*>", text):
            if masked.covers(tag.start()):
                continue
            for attribute in _ATTRIBUTE.finditer(tag.group()):
                if attribute.group(1).lower() in ("id", "name"):
                    value = next(attribute.group(i) for i in (2, 3, 4) if attribute.group(i) is not None)
                    explicit.add(html.unescape(value))
    return Anchors(headings, frozenset(explicit))


@lru_cache(maxsize=8192)
def _heading_plain_text(raw: str) -> str:
    if not _MARKUP.search(raw):
        return raw
    tokens = parse_blocks("# " + raw)
    if not tokens or tokens[0]["type"] != "heading":
        return raw
    return plain_text(tokens[0].get("children", []), images=False)


# mistune, imported only when something needs a real parse ---------------------------------------

_markdown: Any = None


def parse_blocks(text: str) -> list[dict[str, Any]]:
    global _markdown
    if _markdown is None:
        import mistune

        _markdown = mistune.create_markdown(renderer=None)
    try:
        return _markdown(text)  # type: ignore[no-any-return]
    except RecursionError:
        return []


def plain_text(tokens: list[dict[str, Any]], images: bool = True) -> str:
    """The text of inline tokens, as a browser's textContent would have it (without images if asked)."""
    parts = []
    for token in tokens:
        kind = token["type"]
        if kind in ("inline_html", "block_html") or (kind == "image" and not images):
            continue
        if "raw" in token:
            parts.append(token["raw"])
        elif kind in ("softbreak", "linebreak"):
            parts.append(" ")
        elif "children" in token:
            parts.append(plain_text(token["children"], images))
    return "".join(parts)
