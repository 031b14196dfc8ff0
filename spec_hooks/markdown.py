"""Markdown read as GitHub renders it, on mistune, with the position of everything a check needs.

mistune's tokens carry no positions, so the parser is extended where positions are known: each block
records where its text starts in the source of its block state, every block state (the text of a
block quote or list item, with its markers taken off) knows which source line each of its lines
came from, and the inline parser records where each link's destination starts and ends. A position
that cannot be proven (the characters there are not the destination) is marked inexact: it is still
reported, but never rewritten.

Where mistune differs from GitHub's cmark-gfm, it is corrected here; `tests/test_markdown_fidelity.py`
compares both on the CommonMark and GFM specs and on real repositories, and lists what still differs.
"""
from __future__ import annotations

import html
import re
import string
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import unquote

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState, InlineState
from mistune.inline_parser import InlineParser
from mistune.util import escape_url, unikey

IGNORE_DIRECTIVE = "spec-hooks: ignore-link"
DIRECTIVE_PREFIX = "spec-hooks:"
PLUGINS = ("table", "url", "strikethrough", "footnotes", "task_lists")


@dataclass(frozen=True, slots=True)  # slots: a large file holds a million of them
class Link:
    """A link GitHub renders. `target_start`..`target_end` is its destination, the span a fix rewrites,
    proven to hold the destination when `exact`; findings point at its first character."""

    kind: str  # "inline", "image", "definition", "html"
    target: str  # the destination, backslash escapes and entities resolved
    target_start: int
    target_end: int
    exact: bool = True
    label: str = ""  # a definition's normalised label
    used: bool = True  # a definition: whether a reference link uses it

    @property
    def offset(self) -> int:
        return self.target_start


@dataclass(frozen=True)
class Problem:
    """Text meant as a link that renders literally, with why."""

    offset: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # as a browser shows it (the text GitHub's anchor is made from)
    offset: int  # the heading text's first character


@dataclass(frozen=True)
class Anchors:
    headings: tuple[str, ...]  # GitHub's heading anchors, in document order
    explicit: frozenset[str]  # `<a name>` and `id=` of raw HTML

    def __contains__(self, fragment: str) -> bool:
        return fragment == "top" or fragment in self.explicit or fragment in self._headings

    def all(self) -> list[str]:
        return [*self.headings, *sorted(self.explicit)]

    @cached_property
    def _headings(self) -> frozenset[str]:
        """The headings as a set: a file of 2,000 links into 2,000 headings asks 2,000 times."""
        return frozenset(self.headings)

    @cached_property
    def by_lower_case(self) -> dict[str, str]:
        """Each anchor by its lower case, the first of `all()` that has it (a fragment in the wrong case)."""
        lowered: dict[str, str] = {}
        for anchor in self.all():
            lowered.setdefault(anchor.lower(), anchor)
        return lowered


@dataclass
class Parsed:
    """Everything a check reads of one Markdown text."""

    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    explicit: set[str] = field(default_factory=set)
    ignored_lines: set[int] = field(default_factory=set)  # offsets of line starts silenced by a directive
    directives: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text) of `spec-hooks:` comments

    @property
    def anchors(self) -> Anchors:
        slugger = Slugger()
        return Anchors(tuple(slugger.slug(heading.text) for heading in self.headings), frozenset(self.explicit))


# Positions -----------------------------------------------------------------------------------------


class _State(BlockState):
    """A block state that maps its own offsets to offsets of the original text.

    `base[i]` is the original offset of column 0 of line i, or None where the line could not be matched
    to a source line. The root's lines are the source's lines; a child's lines (markers taken off,
    leading tabs expanded) are matched to consecutive lines of its parent, each by the suffix they share.
    """

    starts: list[int]
    base: list[int | None]
    frames: list[list[int]]  # [first line, next free line, start] of each block being parsed, innermost last

    def __init__(self, parent: Any | None = None) -> None:
        super().__init__(parent)
        self.frames = []
        self.starts = [0]
        self.base = [0]
        # Every state of one parse, so that a piece's can be let go at once: each holds its tokens and each
        # token its state (`_at`), a cycle the collector would only free much later.
        self.family: list[_State] = parent.family if parent is not None else []
        self.family.append(self)

    def release(self) -> None:
        """Let go of the tokens of every state of this parse (once they are walked)."""
        for state in self.family:
            state.tokens = []
        self.family.clear()

    def process(self, src: str) -> None:
        super().process(src)
        self.starts = [0, *(match.end() for match in _NEWLINE.finditer(src))]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line(self, index: int) -> str:
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.src)
        return self.src[self.starts[index] : end]

    def original(self, offset: int) -> int | None:
        index = self.line_of(offset)
        base = self.base[index] if 0 <= index < len(self.base) else None
        return None if base is None else base + offset - self.starts[index]

    def child_state(self, src: str, lazy_line_starts: set[int] | None = None) -> BlockState:
        child = super().child_state(src, lazy_line_starts)
        assert isinstance(child, _State)
        frame = self.frames[-1] if self.frames else None
        low = max(frame[0], frame[1]) if frame else getattr(self, "footnote_line", 0)
        first = _align(self, child, low)
        if frame is not None and first is not None:
            frame[1] = first + len(child.starts) - (1 if src.endswith("\n") else 0)
        return child

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        super().add_paragraph(text)
        if self.tokens and self.tokens[-1] is not last:
            self.tokens[-1]["_at"] = (self, self.cursor)

    def append_token(self, token: dict[str, Any]) -> None:
        token.setdefault("_at", (self, self.frames[-1][2] if self.frames else self.cursor))
        super().append_token(token)


_NEWLINE = re.compile("\n")


def _align(parent: _State, child: _State, low: int) -> int | None:
    """Match the child's lines to the parent's from line `low` on; the parent line of child line 0."""
    child.base = [None] * len(child.starts)
    first_text = next((index for index in range(len(child.starts)) if child.line(index).strip()), None)
    if first_text is None:
        return None
    wanted = child.line(first_text).strip()
    tries = 0
    for candidate in range(low, len(parent.starts)):
        line = parent.line(candidate).rstrip()
        if not line:
            continue
        if line.endswith(wanted):
            first = candidate - first_text
            break
        tries += 1
        if tries > 3:
            return None
    else:
        return None
    for index in range(len(child.starts)):
        at = first + index
        if not 0 <= at < len(parent.starts):
            continue
        mine, theirs = child.line(index).rstrip(), parent.line(at).rstrip()
        if theirs.endswith(mine.lstrip()):
            column = parent.original(parent.starts[at] + len(theirs) - len(mine))
            child.base[index] = column if column is not None else None
    return first


# The parser ------------------------------------------------------------------------------------------

_ATX_CLOSING = re.compile(r"[ \t]#+[ \t]*$")


class _BlockParser(BlockParser):
    state_cls = _State

    def parse_method(self, m: re.Match[str], state: BlockState) -> int | None:
        assert isinstance(state, _State)
        line = state.line_of(m.start())
        state.frames.append([line, line, m.start()])
        count = len(state.tokens)
        try:
            return super().parse_method(m, state)
        finally:
            state.frames.pop()
            for token in state.tokens[max(0, count - 1) :]:  # a list that ends at a break is inserted, not appended
                token.setdefault("_at", (state, m.start()))

    def parse_atx_heading(self, m: re.Match[str], state: BlockState) -> int:
        """mistune's own trims the closing sequence with a regex that is quadratic in spaces."""
        raw = m.group("atx_2")
        start = m.start("atx_2") + len(raw) - len(raw.lstrip(string.whitespace))
        text = raw.strip(string.whitespace)
        if text == "#" * len(text):
            text = ""
        elif text.endswith("#"):
            closing = _ATX_CLOSING.search(text)
            if closing is not None and not _escaped(text, closing.start() + 1):
                text = text[: closing.start()].rstrip(string.whitespace)
        token = {"type": "heading", "text": text, "attrs": {"level": len(m.group("atx_1"))}, "style": "atx",
                 "_at": (state, start)}
        state.append_token(token)
        return m.end() + 1

    def parse_ref_link(self, m: re.Match[str], state: BlockState) -> int | None:
        refs = state.env["ref_links"]
        key = unikey(m.group("reflink_1"))
        known = key in refs
        end = super().parse_ref_link(m, state)
        if end and key in refs and not known:
            state.env.setdefault("_definitions", []).append((state, m.end(), key, refs[key]))
        return end


def _escaped(text: str, offset: int) -> bool:
    count = 0
    while offset - count - 1 >= 0 and text[offset - count - 1] == "\\":
        count += 1
    return count % 2 == 1


class _InlineParser(InlineParser):
    """Records each inline link's destination span, raw HTML's span, and links that failed to form."""

    def parse_link_close(self, m: re.Match[str], state: InlineState) -> int:
        last = state.tokens[-1] if state.tokens else None
        opener = state.brackets[-1].start - 1 if getattr(state, "brackets", None) else None
        end = super().parse_link_close(m, state)
        token = state.tokens[-1] if state.tokens else None
        if token is not None and token is not last and token["type"] in ("link", "image"):
            if "ref" in token:
                state.env.setdefault("_used", set()).add(token["ref"])
            elif state.src.startswith("(", m.end()):
                token["_destination"] = _destination_span(state.src, m.end() + 1)
        elif opener is not None and not state.env.get(QUIET):
            problem = None if _notation(state.src, opener) else _why_not_a_link(state.src, m.end())
            if problem is not None:
                state.env.setdefault("_problems", []).append((state.env.get("_base", (None, 0)), opener, *problem))
        return end

    def parse_inline_html(self, m: re.Match[str], state: InlineState) -> int | None:
        end = super().parse_inline_html(m, state)
        if end is not None and state.tokens and state.tokens[-1]["type"] == "inline_html":
            state.tokens[-1]["_span"] = m.start()
        return end


# Set in `env` while a text is parsed again for another purpose (a header's title and values): the walk of
# the document reports that text's problems where they stand, once.
QUIET = "_quiet"


def _destination_span(src: str, at: int) -> tuple[int, int]:
    """The span of the destination of an inline link whose `(` ends before `at` (mistune read it as one)."""
    while at < len(src) and src[at] in " \t\n":
        at += 1
    if src.startswith("<", at):
        return _angled_span(src, at)
    start, depth = at, 0
    while at < len(src):
        character = src[at]
        if character == "\\" and at + 1 < len(src) and src[at + 1] in string.punctuation:
            at += 2
            continue
        if character in " \t\n" or ord(character) < 32 or (character == ")" and depth == 0):
            break
        depth += {"(": 1, ")": -1}.get(character, 0)
        at += 1
    return start, at


_CODE_LIKE = re.compile(r"""["'()=<>{}]|::""")  # `x["a"]["b"]`, `[T][f(x)]`: an index or a call, not a label


def _notation(src: str, opener: int) -> bool:
    """Brackets inside a word are notation, not a link meant and missed: `Unsafe[Mutable][Raw]Pointer`,
    `matrix[i][j]`, `Array[Int](repeating:)` (GitHub renders them as text, and so were they meant)."""
    for _ in range(8):  # back over a chain of groups, `Unsafe[Mutable][Raw][Buffer]`, a few at most
        if opener <= 0 or src[opener - 1] != "]":
            break
        before = src.rfind("[", max(0, opener - _DIAGNOSIS_WINDOW), opener - 1)
        if before < 0:
            break
        opener = before
    return opener > 0 and (src[opener - 1].isalnum() or src[opener - 1] == "_")


_DIAGNOSIS_WINDOW = 1000  # characters looked at to say why `](` or `][` did not make a link


def _why_not_a_link(src: str, after: int) -> tuple[str, str] | None:
    """(code, message) when `]` followed by `(` or `[` did not make a link although it was meant to."""
    if src.startswith("[", after):
        close = src.find("]", after + 1, after + _DIAGNOSIS_WINDOW)
        label = src[after + 1 : close]
        if close < 0 or not label.strip() or "[" in label or _CODE_LIKE.search(label):
            return None
        return "SH206", f"reference [{_shorten(' '.join(label.split()))}] is not defined in this file"
    if not src.startswith("(", after):
        return None
    window = src[after + 1 : after + _DIAGNOSIS_WINDOW]
    if window.lstrip().startswith("<"):
        opened = window.lstrip()
        if ">" not in opened.split("\n", 1)[0]:
            return "SH208", "not a link: '<' opens the destination but no '>' closes it on the same line"
        return None
    close = window.find(")")
    if close < 0:
        return ("SH208", "not a link: ')' is missing after the destination") if "\n\n" not in window else None
    inside = window[:close].strip()
    first, _, rest = inside.partition(" ")
    if rest and not rest.lstrip().startswith(('"', "'", "(")):
        return ("SH208", f"not a link: the destination {_shorten(inside)!r} contains a space; "
                f"write <{_shorten(inside)}> or {_shorten(inside.replace(' ', '%20'))}")
    return None


def _shorten(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


_parser: Any = None


def _strikethrough(inline: InlineParser, m: re.Match[str], state: InlineState) -> int | None:
    """mistune's strikethrough parses its content as a text of its own: what that parse recorded at
    offsets of the content is moved to offsets of the text the content stands in."""
    from mistune.plugins.formatting import parse_strikethrough

    problems = state.env.get("_problems", [])
    known = len(problems)
    count = len(state.tokens)
    end: int | None = parse_strikethrough(inline, m, state)
    if end is not None and len(state.tokens) > count:
        _shift(state.tokens[count:], m.end())
        for index in range(known, len(problems)):
            base, opener, *rest = problems[index]
            problems[index] = (base, opener + m.end(), *rest)
    return end


def _shift(tokens: list[dict[str, Any]], by: int) -> None:
    for token in tokens:
        if "_destination" in token:
            begin, end = token["_destination"]
            token["_destination"] = (begin + by, end + by)
        if "_span" in token:
            token["_span"] += by
        if "children" in token:
            _shift(token["children"], by)


def _markdown() -> Any:
    global _parser
    if _parser is None:
        from mistune.plugins import footnotes, table

        parser = mistune.Markdown(renderer=None, block=_BlockParser(), inline=_InlineParser(),
                                  plugins=[mistune.plugins.import_plugin(name) for name in PLUGINS])
        table.table_in_list(parser)  # GitHub renders tables in list items and block quotes too
        table.table_in_quote(parser)

        def ref_footnote(block: BlockParser, m: re.Match[str], state: BlockState) -> int:
            state.env.setdefault("_footnote_at", {}).setdefault(unikey(m.group("footnote_key")),
                                                                (state, m.start("footnote_text")))
            return footnotes.parse_ref_footnote(block, m, state)

        parser.block.register("ref_footnote", footnotes.REF_FOOTNOTE, ref_footnote, before="ref_link")
        parser.inline.register("strikethrough", r"~~(?=[^\s~])", _strikethrough, before="link")
        _parser = parser
    return _parser


# Reading a text --------------------------------------------------------------------------------------


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the parser reads it (line endings `\n`, no byte-order mark, NUL as U+FFFD, front matter
    blanked), and the original offset of each of its lines."""
    src, starts, _ = _normalised(text)
    return src, starts


def _normalised(text: str) -> tuple[str, list[int], list[int]]:
    """`normalise`, and the indexes of the lines blanked for nesting deeper than `DEEPEST` columns."""
    starts = [0]
    pieces = []
    at = 1 if text.startswith("\ufeff") else 0
    first = at
    for match in _LINE_ENDING.finditer(text, at):
        pieces.append(text[at : match.start()])
        at = match.end()
        starts.append(at)
    pieces.append(text[at:])
    starts[0] = first
    lines_ = _blank_front_matter(pieces)
    too_deep = _too_deep(lines_)
    for index in too_deep:
        lines_[index] = ""
    return "\n".join(lines_).replace("\0", "\ufffd") + "\n", starts, too_deep


# Containers deeper than any real document: in 1,279 real documents (the corpus's repositories and
# histories) lists and block quotes nest at most 7 deep, and no line outside a code fence is indented more
# than 48 columns. A line whose container markers and indentation reach DEEPEST columns is read as blank:
# mistune copies the text of every level it descends (a list 10,000 levels deep, 100 MB, took minutes and
# gigabytes), and what lies that deep is no document's content. One finding says which lines were not read.
DEEPEST = 256
_CONTAINER_PREFIX = re.compile(r"(?:[ \t>]|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))*")
_MAY_OPEN = frozenset(" \t>-+*0123456789")


def _too_deep(lines_: list[str]) -> list[int]:
    """The lines whose leading container markers and indentation span DEEPEST columns or more (a tab
    counts for 4 at most: a line shorter than DEEPEST / 4 cannot)."""
    shortest = DEEPEST // 4
    found = []
    for index, line in enumerate(lines_):
        if len(line) >= shortest and line[0] in _MAY_OPEN:
            prefix = _CONTAINER_PREFIX.match(line, 0, DEEPEST).group()  # type: ignore[union-attr]
            if len(prefix) >= DEEPEST or ("\t" in prefix and len(prefix.expandtabs(4)) >= DEEPEST):
                found.append(index)
    return found


def _unread_problem(text: str, starts: list[int], too_deep: list[int]) -> Problem:
    first, last = too_deep[0] + 1, too_deep[-1] + 1
    where = f"line {first}" if len(too_deep) == 1 else f"{len(too_deep)} lines from line {first} to {last}"
    return Problem(starts[too_deep[0]] if too_deep[0] < len(starts) else len(text), "SH214",
                   f"{where} not checked: nested {DEEPEST} columns deep or more (lists, block quotes, indentation), "
                   "deeper than any real document; links there are not read")


_LINE_ENDING = re.compile(r"\r\n?|\n")


def line_start(text: str, offset: int) -> int:
    """Where the line holding `offset` starts (lines end at `\n`, `\r\n` or a lone `\r`, as in CommonMark)."""
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _blank_front_matter(lines_: list[str]) -> list[str]:
    """GitHub shows YAML front matter as a table, not as Markdown: nothing in it is a link or heading."""
    if not lines_ or lines_[0].rstrip() != "---":
        return lines_
    for index in range(1, len(lines_)):
        if lines_[index].rstrip() in ("---", "..."):
            return [""] * (index + 1) + lines_[index + 1 :]
    return lines_


def parse_tokens(text: str) -> tuple[list[dict[str, Any]], Any]:
    """The block tokens of `text` (inline text not yet parsed), each with its `_at`, and the parser's env."""
    markdown = _markdown()
    src, starts, too_deep = _normalised(text)
    state = _State()
    state.process(src)
    state.base = [*starts, *[len(text)] * (len(state.starts) - len(starts))]
    state.env["_root"] = state  # for `release`
    if too_deep:
        state.env["_unread"] = [_unread_problem(text, starts, too_deep)]
    for hook in markdown.before_parse_hooks:
        hook(markdown, state)
    try:
        markdown.block.parse(state)
    except RecursionError:
        state.env.setdefault("_unread", []).append(Problem(0, "SH214", _NOT_READ))
        return [], state.env
    return state.tokens, state.env


_NOT_READ = "not checked: nested too deeply for the Markdown reader; no link of this file was read"


def parse(text: str) -> Parsed:
    if len(text) > PIECE:
        return parse_in_pieces(text)
    return parse_from_tokens(text, *parse_tokens(text))


def parse_from_tokens(text: str, tokens: list[dict[str, Any]], env: dict[str, Any]) -> Parsed:
    """The links, anchors and problems of a text whose block tokens `parse_tokens` gave."""
    walker = _Walker(text, env)
    try:
        walker.blocks(tokens)
    except RecursionError:
        walker.parsed.problems.append(Problem(0, "SH214", _PARTLY_READ))
    parsed = _finished(walker, env)
    release(env)
    return parsed


def release(env: dict[str, Any]) -> None:
    """Let go of a parse once read: its states, tokens and text form cycles (a token's `_at`, the env's
    `_base`) that would hold a copy of the file until the collector's next full pass."""
    root = env.pop("_root", None)
    env.pop("_base", None)
    if root is not None:
        root.release()


_PARTLY_READ = "not all checked: nested too deeply for the Markdown reader; some links of this file were not read"


def _finished(walker: _Walker, env: dict[str, Any]) -> Parsed:
    """The walk's end, once every block is walked: footnotes, definitions, problems, and document order."""
    try:
        walker.footnotes()
    except RecursionError:
        walker.parsed.problems.append(Problem(0, "SH214", _PARTLY_READ))
    walker.definitions()
    parsed = walker.parsed
    parsed.problems.extend(env.get("_unread", []))
    parsed.links.sort(key=lambda link: link.offset)
    parsed.headings.sort(key=lambda heading: heading.offset)
    return parsed


# Reading a large text in pieces ----------------------------------------------------------------------

# Characters: a longer text is read in pieces of about this size, each parsed and walked before the next,
# so memory holds one piece's tokens (about ten times its text), not the whole file's. A piece ends only
# where no block can span: before a line at column 0 that starts with a letter or `#` after a blank line
# (it closes every list, block quote and indented block, and no paragraph runs on past a blank line),
# outside a fenced code block or a raw HTML block that runs to an end marker (`<!--`, `<script>`...).
PIECE = 1 << 20
_PIECE_START = re.compile(r"[A-Za-z#]")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_HTML_OPEN = re.compile(r" {0,3}<(?:(?P<tag>script|pre|style|textarea)(?=[\s>]|$)|(?P<other>!--|\?|![A-Za-z]|!\[CDATA\[))",
                        re.IGNORECASE)
_HTML_END = {"!--": "-->", "?": "?>", "![CDATA[": "]]>"}


def piece_starts(lines_: Iterable[str], size: int = PIECE) -> list[int]:
    """The indexes of the lines where pieces of about `size` characters begin (0 first)."""
    return [index for index, _ in _piece_bounds(lines_, size)[:-1]]


def _piece_bounds(lines_: Iterable[str], size: int) -> list[tuple[int, int]]:
    """(line index, character offset) where each piece begins, then (line count, length) where the last ends."""
    bounds, length, offset, index = [(0, 0)], 0, 0, 0
    fence: str | None = None  # the run of backticks or tildes that opened a fenced code block
    html_end: str | None = None  # what ends the raw HTML block being read
    after_blank = False
    for index, line in enumerate(lines_):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]) and len(line) - len(line.lstrip(" ")) <= 3:
                fence = None
        elif html_end is not None:
            if html_end in line.lower():
                html_end = None
        else:  # outside: a closing line opens nothing (`` ``` `` after a fence closes it, and no more)
            if length >= size and after_blank and _PIECE_START.match(line):
                bounds.append((index, offset))
                length = 0
            fence, html_end = _opened(line)
        after_blank = not line.strip()
        length += len(line) + 1
        offset += len(line) + 1
    bounds.append((index + 1 if offset else 0, offset))
    return bounds


def _lines_of(src: str) -> Iterator[str]:
    """The lines of `src`, each ended by a line break, one at a time (a list of them would double its memory)."""
    at = 0
    while (end := src.find("\n", at)) >= 0:
        yield src[at:end]
        at = end + 1


def _opened(line: str) -> tuple[str | None, str | None]:
    """The fence a line opens, or the end marker of the raw HTML block it opens (on the same line: none)."""
    if (match := _FENCE_OPEN.match(line)) is not None:
        run = match.group(1)
        if run[0] == "~" or "`" not in line[match.end() :]:  # a backtick fence's info string has no backtick
            return run, None
    if (match := _HTML_OPEN.match(line)) is not None:
        end = f"</{match.group('tag').lower()}>" if match.group("tag") else _HTML_END.get(match.group("other"), ">")
        if end not in line[match.end() :].lower():
            return None, end
    return None, None


def parse_in_pieces(text: str, size: int = PIECE) -> Parsed:
    """`parse`, one piece at a time (see PIECE): the same links, anchors and problems, in bounded memory.
    Link reference and footnote definitions are document-wide: when a piece after the first may hold one,
    the blocks of every piece that may are read once for them first (their tokens dropped), then each piece."""
    src, starts, too_deep = _normalised(text)
    bounds = _piece_bounds(_lines_of(src), size)
    env: dict[str, Any] = {"ref_links": {}}
    if too_deep:
        env["_unread"] = [_unread_problem(text, starts, too_deep)]
    walker = _Walker(text, env)
    pieces = list(zip(bounds, bounds[1:], strict=False))
    if len(pieces) > 1 and src.find("]:", pieces[1][0][1]) >= 0:
        for first, end in pieces:
            if src.find("]:", first[1], end[1]) >= 0:  # a definition's label ends in `]:`, on one line
                _piece_state(text, src, starts, first, end, env).release()
    for first, end in pieces:
        state = _piece_state(text, src, starts, first, end, env)
        try:
            walker.blocks(state.tokens)
        except RecursionError:
            walker.parsed.problems.append(Problem(0, "SH214", _PARTLY_READ))
        state.release()  # the piece's tokens go; what the end of the walk needs keeps its state's text
    return _finished(walker, env)


def _piece_state(text: str, src: str, starts: list[int], first: tuple[int, int], end: tuple[int, int],
                 env: dict[str, Any]) -> _State:
    """The block state of the piece from `first` to `end` ((line, offset) in `src`) once parsed, placed in
    `text` by the original offsets of its lines."""
    state = _State()
    state.env = env
    state.process(src[first[1] : end[1]])
    lines = end[0] - first[0]
    state.base = [*starts[first[0] : end[0]], *[len(text)] * (len(state.starts) - lines)]
    try:
        _markdown().block.parse(state)
    except RecursionError:
        env.setdefault("_unread", []).append(Problem(starts[first[0]], "SH214", _PARTLY_READ))
        state.tokens = []
    return state


# Characters: a paragraph's inline text longer than this is parsed in pieces, cut at a space or line break
# where nothing is open (see `inline_pieces`), so that memory holds one piece's inline tokens, not those of
# a paragraph of a hundred thousand lines or of one line of a hundred thousand links.
INLINE_PIECE = 1 << 16
_SIGNIFICANT = re.compile(r"[\[\]()\"'<\\\n ]|`+")


def inline_pieces(text: str, size: int | None = None) -> Iterator[tuple[int, str]]:
    """(offset, piece) of `text`, a paragraph's inline text, in pieces of about `size` (INLINE_PIECE)
    characters. A piece ends at a space or line break outside any bracket and parenthesis; code spans are
    skipped whole. Whatever may run on further in ways this does not follow (raw HTML or an autolink, an
    escape, a quote inside parentheses where a link title may run, a code span never closed, a bracket
    closed inside a link destination) ends the cutting: the rest is one piece."""
    size = INLINE_PIECE if size is None else size
    if len(text) <= size:
        yield 0, text
        return
    begin = at = parentheses = 0
    openers: list[int] = []  # the parenthesis depth each open bracket was opened at
    while (match := _SIGNIFICANT.search(text, at)) is not None:
        char, at = match.group(), match.end()
        if char in " \n":
            if not openers and not parentheses and match.start() - begin >= size:
                yield begin, text[begin : match.start()]
                begin = at
        elif char[0] == "`":
            closer = _closing_run(len(char)).search(text, at)
            if closer is None:
                break
            at = closer.end()
        elif char == "[":
            openers.append(parentheses)
        elif char == "]":
            if openers and openers.pop() != parentheses:
                break
        elif char == "(":
            parentheses += 1
        elif char == ")":
            parentheses = max(0, parentheses - 1)
        elif char in "<\\" or parentheses:
            break
    yield begin, text[begin:]


@lru_cache(maxsize=64)
def _closing_run(length: int) -> re.Pattern[str]:
    """A run of exactly `length` backticks: what closes a code span opened by one."""
    return re.compile(f"(?<!`)`{{{length}}}(?!`)")


class _Walker:
    def __init__(self, text: str, env: dict[str, Any]) -> None:
        self.text = text
        self.env = env
        self.parsed = Parsed()
        self.inline = _markdown().inline
        # One string per distinct destination: a file's links mostly share a few (350,000 links on one line
        # to one target held 23 MB of equal strings)
        self.targets: dict[str, str] = {}

    def blocks(self, tokens: list[dict[str, Any]]) -> None:
        for token in tokens:
            kind = token["type"]
            if kind == "block_html":
                self._html(token["raw"], token["_at"][0], token["_at"][1])
            elif kind == "table":
                self._table(token)
            elif kind == "heading":
                at = token.get("_at")
                offset = self._original(at[0], at[1]) if at else None
                text = token["text"].strip(" \r\n\t\f")
                plain = plain_text(self._inline(token, cut=False)) if _MARKUP.search(text) else text
                self.parsed.headings.append(Heading(token["attrs"]["level"], plain, 0 if offset is None else offset))
            elif "text" in token:
                if "[" in token["text"] or "<" in token["text"]:  # no link, image or raw HTML without either
                    self._inline(token)
            elif "children" in token:
                self.blocks(token["children"])

    def _inline(self, token: dict[str, Any], at: tuple[_State, int] | None = None, cut: bool = True
                ) -> list[dict[str, Any]]:
        """The token's inline tokens, walked (a paragraph's, when `cut`, a piece at a time: then only the
        last piece's are returned)."""
        text = token.pop("text")
        stripped = text.strip(" \r\n\t\f")
        state, start = at or token.get("_at") or (None, 0)
        start += len(text) - len(text.lstrip(" \r\n\t\f"))
        children: list[dict[str, Any]] = []
        for offset, piece in inline_pieces(stripped) if cut else [(0, stripped)]:
            self.env["_base"] = (state, start + offset)
            children = self.inline(piece, self.env)
            self._inline_tokens(children, state, start + offset)
        return children  # not kept in the token: a large paragraph's inline tokens go once it is walked

    def _inline_tokens(self, tokens: list[dict[str, Any]], state: _State | None, start: int) -> None:
        for token in tokens:
            kind = token["type"]
            if kind in ("link", "image") and "_destination" in token:
                self._inline_link(token, state, start)
            elif kind == "inline_html":
                self._html(token["raw"], state, start + token.get("_span", 0), inline=True)
            if "children" in token and kind != "image":  # an image's description is its alt text: no links
                self._inline_tokens(token["children"], state, start)

    def _inline_link(self, token: dict[str, Any], state: _State | None, start: int) -> None:
        """The destination is the parser's (its token's `url`); the source span only places it, and only
        where the text there reads as that destination."""
        begin, end = token["_destination"]
        raw = "" if state is None else state.src[start + begin : start + end]
        target = _unescaped(raw)
        url = token.get("attrs", {}).get("url")
        proven = url is None or escape_url(target) == url
        self._link("image" if token["type"] == "image" else "inline", target if proven else unquote(url), raw, state,
                   start + begin, start, placed=proven)

    def _link(self, kind: str, target: str, raw: str, state: _State | None, at: int, block: int,
              label: str = "", used: bool = True, placed: bool = True) -> None:
        """Record a link whose destination `raw` stands at offset `at` of `state`'s text (in the block
        starting at `block`, where it is reported if it cannot be placed); exact only where the source holds it."""
        original = self._original(state, at) if placed else None
        exact = original is not None and self.text[original : original + len(raw)] == raw
        offset = original if original is not None else self._fallback(state, block)
        target = self.targets.setdefault(target, target)
        self.parsed.links.append(Link(kind, target, offset, offset + len(raw), exact, label, used))

    def _original(self, state: _State | None, offset: int) -> int | None:
        return None if state is None else state.original(offset)

    def _fallback(self, state: _State | None, offset: int) -> int:
        """Where an unplaceable link is reported: the start of its block's line, else the top."""
        if state is None:
            return 0
        for index in range(state.line_of(offset), -1, -1):
            if state.base[index] is not None:
                return state.base[index]  # type: ignore[return-value]
        return 0

    def _table(self, table: dict[str, Any]) -> None:
        state, start = table["_at"]
        line = state.line_of(start)
        rows = [table["children"][0]["children"], *[row["children"] for row in table["children"][1]["children"]]]
        for index, cells in enumerate(rows):
            row_line = line + index + (1 if index else 0)  # the delimiter row follows the head
            row_start = state.starts[row_line] if row_line < len(state.starts) else 0
            source = state.line(row_line) if row_line < len(state.starts) else ""
            at = 0
            for cell in cells:
                if "[" not in cell["text"] and "<" not in cell["text"]:
                    continue
                found = source.find(cell["text"], at) if cell["text"] else -1
                if found >= 0:
                    at = found + len(cell["text"])
                    self._inline(cell, (state, row_start + found))
                else:
                    self._inline(cell, None)

    def _html(self, raw: str, state: _State | None, start: int, inline: bool = False) -> None:
        comments, tags = _comments_and_tags(raw) if "<" in raw else ([], [])
        for begin, end in comments:
            if IGNORE_DIRECTIVE in raw[begin:end]:
                self._silence(self._original(state, start + begin), self._original(state, start + end))
            elif DIRECTIVE_PREFIX in raw[begin:end]:
                self._directive(raw[begin:end], self._original(state, start + begin), self._original(state, start + end))
        if inline and raw.startswith("<!"):
            return
        if comments:
            raw = _blank(raw, comments)
        if not inline and "<h" in raw.lower():
            for level, begin, end in _html_headings(raw):
                offset = self._original(state, start + begin)
                text = html.unescape(_TAG_OR_COMMENT.sub("", raw[begin:end]))
                self.parsed.headings.append(Heading(level, text, offset or 0))
        for tag in tags:
            name = tag.group(1).lower()
            for attribute in _ATTRIBUTE.finditer(tag.group(), tag.end(1) - tag.start()):
                key = attribute.group(1).lower()
                group = next(index for index in (2, 3, 4) if attribute.group(index) is not None)
                value = attribute.group(group)
                if key in ("id", "name"):
                    self.parsed.explicit.add(html.unescape(value))
                elif (key, name) in (("href", "a"), ("src", "img")):
                    self._link("html", html.unescape(value), value, state, start + tag.start() + attribute.start(group),
                               start)

    def _directive(self, comment: str, start: int | None, end: int | None) -> None:
        if start is not None and end is not None:
            self.parsed.directives.append((start, end, comment))

    def _silence(self, start: int | None, end: int | None) -> None:
        if start is None or end is None:
            return
        first = line_start(self.text, start)
        ending = _LINE_ENDING.search(self.text, end)
        line_end, following = (ending.start(), ending.end()) if ending else (len(self.text), len(self.text) + 1)
        alone = not (self.text[first:start] + self.text[end:line_end]).strip()
        self.parsed.ignored_lines.add(following if alone else first)

    def footnotes(self) -> None:
        """Footnotes GitHub shows (those referenced), parsed where their definitions stand."""
        for key in self.env.get("footnotes") or []:
            text = self.env["ref_footnotes"][key]
            where = self.env.get("_footnote_at", {}).get(key)
            state = _State()
            state.env = self.env
            if where is not None:
                state.footnote_line = where[0].line_of(where[1])  # type: ignore[attr-defined]
                state.src, state.starts, state.base = where[0].src, where[0].starts, where[0].base
            child = state.child_state(_dedent_footnote(text))
            _markdown().block.parse(child)
            self.blocks(child.tokens)

    def definitions(self) -> None:
        used = self.env.get("_used", set())
        for state, after, key, data in self.env.get("_definitions", []):
            begin, end = _definition_span(state.src, after)
            raw = state.src[begin:end]
            self._link("definition", _unescaped(raw), raw, state, begin, after,
                       normalize_label(data.get("label", key)), key in used)
        for base, opener, code, message in self.env.get("_problems", []):
            state, start = base
            original = self._original(state, start + opener)
            self.parsed.problems.append(Problem(original if original is not None else self._fallback(state, start),
                                                code, message))


def _angled_span(src: str, at: int) -> tuple[int, int]:
    """The inside of a `<destination>` whose `<` is at `at`."""
    close = at + 1
    while close < len(src) and src[close] not in ">\n":
        close += 2 if src[close] == "\\" else 1
    return at + 1, close


def _definition_span(src: str, at: int) -> tuple[int, int]:
    """The destination of a link reference definition whose `]:` ends before `at`."""
    while at < len(src) and src[at] in " \t":
        at += 1
    if src.startswith("\n", at):
        at += 1
        while at < len(src) and src[at] in " \t":
            at += 1
    if src.startswith("<", at):
        return _angled_span(src, at)
    end = at
    while end < len(src) and not src[end].isspace():
        end += 1
    return at, end


def _dedent_footnote(text: str) -> str:
    lines_ = text.splitlines()
    second = next((line for line in lines_[1:] if line), None)
    if second is not None:
        spaces = len(second) - len(second.lstrip())
        text = re.sub(r"^ {" + str(spaces) + r",}", "", text, flags=re.MULTILINE)
    return text.strip() + "\n"


_MARKUP = re.compile(r"[\\`*_~\[\]<>&!\n]")  # what can make a heading's text differ from its source
# An open tag as CommonMark reads one (6.6): `<` and `>` may stand in a quoted attribute value, and a
# comment's `<!--` there is text, as it is for the browser.
_OPEN_TAG = re.compile(r"""<([A-Za-z][A-Za-z0-9-]*)(?:[ \t\n]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t\n]*=[ \t\n]*"""
                       r"""(?:[^ \t\n"'=<>`]+|'[^']*'|"[^"]*"))?)*[ \t\n]*/?>""")
_COMMENT_OR_TAG = re.compile(r"<!--|<[A-Za-z]")
_TAG_AT_MOST = 8192  # characters an open tag is looked for in: no real tag is longer, and the scan stays linear


def _comments_and_tags(raw: str) -> tuple[list[tuple[int, int]], list[re.Match[str]]]:
    """The spans of HTML comments (an unclosed one runs to the end) and the open tags outside them,
    in one pass."""
    comments: list[tuple[int, int]] = []
    tags: list[re.Match[str]] = []
    at = 0
    while (found := _COMMENT_OR_TAG.search(raw, at)) is not None:
        start = found.start()
        if found.group() == "<!--":
            close = raw.find("-->", start + 4)
            at = len(raw) if close < 0 else close + 3
            comments.append((start, at))
            continue
        tag = _OPEN_TAG.match(raw, start, min(len(raw), start + _TAG_AT_MOST))
        if tag is not None:
            tags.append(tag)
        at = tag.end() if tag is not None else found.end()
    return comments, tags


def _blank(raw: str, spans: list[tuple[int, int]]) -> str:
    parts, at = [], 0
    for begin, end in spans:
        parts += [raw[at:begin], " " * (end - begin)]
        at = end
    return "".join(parts) + raw[at:]


_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?:\s[^<>]*)?>", re.IGNORECASE)


def _html_headings(raw: str) -> list[tuple[int, int, int]]:
    """(level, start, end) of the content of each `<hN>...</hN>`, pairing tags in one pass."""
    found: list[tuple[int, int, int]] = []
    open_at: dict[int, int] = {}
    for tag in _HEADING_TAG.finditer(raw):
        level = int(tag.group(2))
        if not tag.group(1):
            open_at.setdefault(level, tag.end())
        elif level in open_at:
            found.append((level, open_at.pop(level), tag.start()))
    return found


_TAG_OR_COMMENT = re.compile(r"</?[A-Za-z][^<>]*>")
_ATTRIBUTE = re.compile(r"""(?<=[\s"'])([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def _unescaped(raw: str) -> str:
    """A destination as written, with backslash escapes and entities resolved."""
    if "\\" in raw:
        raw = re.sub(r"\\([" + re.escape(string.punctuation) + "])", r"\1", raw)
    return html.unescape(raw) if "&" in raw else raw


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def shown_text(markdown: str) -> str:
    """What inline Markdown shows: `[Pay \\[beta\\]](a.md)` shows `Pay [beta]`."""
    return plain_text(_markdown().inline(markdown, {QUIET: True}))


def plain_text(tokens: list[dict[str, Any]]) -> str:
    """The text of inline tokens as a browser's textContent has it (raw HTML tags and images show none)."""
    parts = []
    for token in tokens:
        kind = token["type"]
        if kind in ("inline_html", "image"):
            continue
        if kind == "footnote_ref":
            parts.append(str(token["attrs"]["index"]))
        elif kind == "text":
            parts.append(html.unescape(token["raw"]) if "&" in token["raw"] else token["raw"])
        elif "raw" in token:
            parts.append(token["raw"])
        elif kind in ("softbreak", "linebreak"):
            parts.append("\n")
        elif "children" in token:
            parts.append(plain_text(token["children"]))
    return "".join(parts)


# Heading anchors ----------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # headings repeat across documents written from one template
def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's text (before de-duplication): lower case, punctuation dropped,
    spaces to hyphens."""
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
            if category[0] in "LM" or category in ("Nd", "Nl", "Pc"):
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
