"""The configuration's globs, as gitignore and editorconfig write them: `*` and `?` stay in one folder,
`**` spans folders (`/**/` may be empty), `[0-9]` and `[!a-z]` are character classes, `{a,b}` are
alternatives, and in a list a pattern starting with `!` takes back what earlier patterns matched.
A pattern matches a folder's contents too. Time is linear in the path for any pattern."""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

MAX_ALTERNATIVES = 256  # `{a,b}` expansions of one pattern: far beyond any real configuration
MAX_PATTERN = 1000  # characters: paths are far shorter, and brace parsing is quadratic in the worst case

_LITERAL, _ONE, _STAR, _ANY, _FOLDERS, _CLASS = range(6)  # a char; `?`; `*`; `**`; `**/`; `[...]`
Token = tuple[int, str]


class GlobError(ValueError):
    """A pattern that cannot be read: the message says why."""


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` is not a glob spec-hooks can use, or None."""
    if len(pattern) > MAX_PATTERN:
        return f"{pattern[:40]!r}... is longer than {MAX_PATTERN} characters"
    try:
        for alternative in expand_braces(pattern.removeprefix("!")):
            _glob_tokens(alternative)
    except GlobError as exc:
        return str(exc)
    return None


def glob_match(pattern: str, path: str) -> bool:
    """Whether `path` matches `pattern` (or lies in a folder it matches). A leading `!` is read by
    `matches`, not here; an unreadable pattern matches nothing (the configuration rejects those)."""
    if len(pattern) > MAX_PATTERN:
        return False
    try:
        alternatives = expand_braces(pattern)
        shared = _shared_literals(pattern)
    except GlobError:
        return False
    if any(literal not in path for literal in shared):
        return False  # a text every alternative spells out is missing: decided without trying each
    return any(_match_one(alternative, path) for alternative in alternatives)


@cache
def _shared_literals(pattern: str) -> tuple[str, ...]:
    """Texts that every alternative of `pattern` spells out (each within one of its literal runs): the
    longest piece of each run of the first alternative that every other alternative also spells out
    (`{,*-}[Tt]emplate.{md,markdown}` shares `emplate.m`, which most paths lack)."""
    runs = [_literal_runs(_glob_tokens(alternative)) for alternative in expand_braces(pattern)]
    if not runs or len(runs) > _RUNS_AT_MOST * 16:
        return ()  # many alternatives: each is tried on its own, as it would be anyway
    shared = {piece for run in runs[0][:_RUNS_AT_MOST] if (piece := _longest_shared(run[:_RUN_AT_MOST], runs[1:]))}
    return tuple(text for text in shared if not any(text != other and text in other for other in shared))


_RUNS_AT_MOST, _RUN_AT_MOST = 16, 64  # a pattern's first runs and characters are enough to decide fast


def _longest_shared(run: str, others: list[tuple[str, ...]]) -> str:
    """The longest piece of `run` that a run of every other alternative holds ("" when none does)."""
    for length in range(len(run), 0, -1):
        for start in range(len(run) - length + 1):
            piece = run[start : start + length]
            if all(any(piece in other for other in alternative) for alternative in others):
                return piece
    return ""


def matches(patterns: Sequence[str], path: str) -> bool:
    """Whether a list of patterns selects `path`: the last pattern that matches decides, and a
    `!pattern` that matches deselects (gitignore's rule)."""
    return _matches(tuple(patterns), path) if patterns else False


@lru_cache(maxsize=1 << 16)
def _matches(patterns: tuple[str, ...], path: str) -> bool:
    for pattern in reversed(patterns):
        negated = pattern.startswith("!")
        if glob_match(pattern[1:] if negated else pattern, path):
            return not negated
    return False


def selects(pattern: str, path: str) -> bool:
    """One pattern on its own: `!pattern` selects every path it does not match (ruff's per-file-ignores)."""
    if pattern.startswith("!"):
        return not glob_match(pattern[1:], path)
    return glob_match(pattern, path)


@cache
def expand_braces(pattern: str) -> tuple[str, ...]:
    """`specs/{a,b}/*.md` as (`specs/a/*.md`, `specs/b/*.md`); braces may nest. A `{` with no `,`
    before its `}` is literal, as in editorconfig."""
    open_at = _brace_group(pattern)
    if open_at is None:
        return (pattern,)
    start, end, parts = open_at
    results: list[str] = []
    for part in parts:
        for tail in expand_braces(pattern[:start] + part + pattern[end + 1 :]):
            results.append(tail)
            if len(results) > MAX_ALTERNATIVES:
                raise GlobError(f"{{...}} expands to more than {MAX_ALTERNATIVES} patterns")
    return tuple(dict.fromkeys(results))


def _brace_group(pattern: str) -> tuple[int, int, list[str]] | None:
    """The first `{...,...}` group: where it opens and closes, and its top-level alternatives."""
    for start, char in enumerate(pattern):
        if char != "{" or _escaped_in_class(pattern, start):
            continue
        depth, parts, part_start = 0, [], start + 1
        for index in range(start, len(pattern)):
            if pattern[index] == "{":
                depth += 1
            elif pattern[index] == "}":
                depth -= 1
                if depth == 0:
                    parts.append(pattern[part_start:index])
                    if len(parts) > 1:
                        return start, index, parts
                    break
            elif pattern[index] == "," and depth == 1:
                parts.append(pattern[part_start:index])
                part_start = index + 1
    return None


def _escaped_in_class(pattern: str, at: int) -> bool:
    """Whether `at` lies inside a `[...]` class (where `{` is an ordinary character)."""
    opened = pattern.rfind("[", 0, at)
    return opened >= 0 and pattern.find("]", opened + 2) > at


@cache
def _glob_tokens(pattern: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    i = 0
    pattern = pattern.lstrip("/")
    while i < len(pattern):
        if pattern[i] == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] not in ("!", "^") else i + 3)
            if end < 0:
                raise GlobError(f"{pattern!r}: `[` is never closed by `]`")
            tokens.append((_CLASS, _class_regex(pattern[i + 1 : end])))
            i = end + 1
            continue
        for text, kind in (("**/", _FOLDERS), ("**", _ANY), ("*", _STAR), ("?", _ONE)):
            if pattern.startswith(text, i):
                tokens.append((kind, ""))
                i += len(text)
                break
        else:
            tokens.append((_LITERAL, pattern[i]))
            i += 1
    return tuple(tokens)


def _class_regex(body: str) -> str:
    """A glob class as a regex class that never matches `/`: `!a-z` is `[^/a-z]`."""
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    escaped = "".join("\\" + char if char in "\\[]^" else char for char in body)
    return f"[^/{escaped}]" if negated else f"(?!/)[{escaped}]"


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = {_ONE: "[^/]", _STAR: "[^/]*", _ANY: ".*", _FOLDERS: "(?:.*/)?"}
    body = "".join(text if kind == _CLASS else parts[kind] if kind != _LITERAL else re.escape(text)
                   for kind, text in _glob_tokens(pattern))
    return re.compile(body + "(?:/.*)?")  # a folder's pattern matches what is in it


def _match_one(pattern: str, path: str) -> bool:
    """A regex with three or more wildcards can backtrack exponentially (`*a*a*a*a*a*a*a*a*a*a*a*a*b.md`
    took 24 s on a 30-character name), so those run as an automaton."""
    try:
        tokens = _glob_tokens(pattern)
    except GlobError:
        return False
    if any(literal not in path for literal in _literal_runs(tokens)):
        return False  # a text the pattern spells out is missing: the common case, decided at once
    if sum(kind in (_STAR, _ANY, _FOLDERS) for kind, _ in tokens) < 3:
        return _glob_regex(pattern).fullmatch(path) is not None
    return _glob_automaton(tokens, path)


@cache
def _literal_runs(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """The runs of literal characters of a pattern: every path it matches contains each of them."""
    runs, current = [], ""
    for kind, text in tokens:
        if kind == _LITERAL:
            current += text
        elif current:
            runs.append(current)
            current = ""
    return (*runs, current) if current else tuple(runs)


@cache
def _class_matcher(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _glob_automaton(tokens: tuple[Token, ...], path: str) -> bool:
    """Every way of matching at once: a state is (token index, inside a `**/` that has consumed text);
    index len(tokens) with `inside` is the `/…` under a matched folder."""
    end = len(tokens)
    states = _closure(tokens, {(0, False)})
    for char in path:
        following = set()
        for index, inside in states:
            if index == end:
                if inside or char == "/":
                    following.add((end, True))
                continue
            kind, text = tokens[index]
            if (kind == _LITERAL and char == text or kind == _ONE and char != "/"
                    or kind == _CLASS and _class_matcher(text).fullmatch(char)):
                following.add((index + 1, False))
            elif kind == _STAR and char != "/" or kind == _ANY:
                following.add((index, False))
            elif kind == _FOLDERS:
                following.add((index, True))
                if char == "/":
                    following.add((index + 1, False))
        states = _closure(tokens, following)
        if not states:
            return False
    return (end, False) in states or (end, True) in states


def _closure(tokens: tuple[Token, ...], states: set[tuple[int, bool]]) -> set[tuple[int, bool]]:
    """The states reachable without reading a character: a wildcard may match nothing."""
    pending = list(states)
    while pending:
        index, inside = pending.pop()
        skippable = index < len(tokens) and (tokens[index][0] in (_STAR, _ANY) or (tokens[index][0] == _FOLDERS and not inside))
        if skippable and (index + 1, False) not in states:
            states.add((index + 1, False))
            pending.append((index + 1, False))
    return states
