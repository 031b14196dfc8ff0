"""Dates from git: what counts as a content change, and when each document last had one.

A change that touches only date lines (the header items holding a document type's date fields) is
not a content change. The history is read once for the whole repository: one streamed `git log`
(see `repo.history`), and each document's chain of blobs is followed back from HEAD. Following
blobs rather than paths means a rename carries history to the new path, and a side-branch change
that a merge threw away never produced a blob in the chain, so it does not count.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo

from spec_hooks.repo.history import Change, Commit

ZERO_BLOB = "0" * 40


def is_zero(blob: str) -> bool:
    """The id git writes for "no blob" (40 zeros, or 64 in a SHA-256 repository)."""
    return not blob.strip("0")


@dataclass
class Trace:
    """A document followed back through history."""

    document: str  # its path now
    path: str  # its path at the point the walk has reached
    blob: str  # the blob the next older change must have produced
    changed: Commit | None = None  # the last content change
    created: Commit | None = None
    unknown: bool = False  # the chain runs past a shallow clone's boundary
    pending: list[tuple[Commit, Change]] = field(default_factory=list)  # newer than `changed`; need their blobs compared


@dataclass
class Walk:
    traces: list[Trace]
    waiting: dict[str, list[Trace]] = field(default_factory=dict)
    unresolved: int = 0  # traces without a last content change yet

    def __post_init__(self) -> None:
        for trace in self.traces:
            self.waiting.setdefault(trace.path, []).append(trace)
        self.unresolved = len(self.traces)

    def take(self, path: str, blob: str) -> list[Trace]:
        traces = self.waiting.get(path, [])
        matching = [trace for trace in traces if trace.blob == blob]
        if matching:
            rest = [trace for trace in traces if trace.blob != blob]
            if rest:
                self.waiting[path] = rest
            else:
                del self.waiting[path]
        return matching

    def wait(self, trace: Trace) -> None:
        self.waiting.setdefault(trace.path, []).append(trace)


SameButDates = Callable[[str, str, str], bool]  # (old blob, new blob, path): whether only header dates differ


def trace_history(
    commits: Iterable[Commit],
    documents: dict[str, str],
    same_but_dates: SameButDates,
    ignored_revisions: set[str],
    need_created: bool,
    boundary: frozenset[str] | None,
    tree: Callable[[str], dict[str, str]],
    fetch: Callable[[list[str]], Iterable[str]] = lambda blobs: blobs,
    known: Callable[[str, str], bool | None] = lambda old, new: None,
) -> list[Trace]:
    """For each document (path -> blob in HEAD), its last content change and, if asked, its creation.
    `commits` is HEAD's history, every child before its parents (see `history.history`); `boundary` the
    commits a shallow clone was cut at (None: a shallow clone whose cut is unknown, so every commit
    without parents may be one); `tree` gives a commit's files and blobs. Changes that their blob ids
    cannot settle wait until the walk ends, then their blobs are compared (whether a change is content
    never alters which blob a chain follows): `fetch` reads a round of blobs in one pass, yielding each
    as it arrives, except for the pairs whose answer is `known` (a cache of `same_but_dates`)."""
    walk = Walk([Trace(path, path, blob) for path, blob in documents.items()])
    if not walk.waiting:
        return walk.traces
    roots = []
    for commit in commits:
        if not commit.parents and not _cut(commit, boundary):
            roots.append(commit)
        for change in commit.changes:
            for trace in walk.take(change.new_path, change.new_blob):
                resolved = trace.changed is not None or trace.unknown
                _step(walk, trace, commit, change, ignored_revisions, boundary)
                walk.unresolved -= (not resolved) and (trace.changed is not None or trace.unknown)
        if not walk.waiting or (not need_created and walk.unresolved == 0):
            break
    _settle_at_roots(walk, roots, tree)
    _settle_pending(walk.traces, same_but_dates, fetch, known)
    return walk.traces


def _settle_pending(traces: list[Trace], same_but_dates: SameButDates, fetch: Callable[[list[str]], Iterable[str]],
                    known: Callable[[str, str], bool | None]) -> None:
    """The newest waiting change that is content is the document's last content change. Compared in
    rounds, newest first: each round reads the blobs of every undecided document's next change in one
    pass, so only the changes that decide a date are read (one per document, and the date-only ones
    newer than it). Each change is compared as soon as its blobs have arrived."""
    undecided = [trace for trace in traces if trace.pending]
    depth = 0
    while undecided:
        verdicts = [_known_verdict(trace.pending[depth][1], known) for trace in undecided]
        wanted = [blob for trace, verdict in zip(undecided, verdicts, strict=True) if verdict is None
                  for blob in _blobs(trace.pending[depth][1])]
        arriving, arrived = iter(fetch(wanted)), set()
        still = []
        for trace, verdict in zip(undecided, verdicts, strict=True):
            commit, change = trace.pending[depth]
            if verdict is None:
                for blob in _blobs(change):
                    while blob not in arrived:
                        arrived.add(next(arriving))
                verdict = _blobs_date_only(change, same_but_dates)
            if not verdict:
                trace.changed, trace.unknown = commit, False
            elif depth + 1 < len(trace.pending):
                still.append(trace)
        for _ in arriving:
            pass
        undecided, depth = still, depth + 1
    for trace in traces:
        trace.pending = []


def _blobs(change: Change) -> tuple[str, ...]:
    return (*_earlier(change), change.new_blob)


def _earlier(change: Change) -> list[str]:
    """The file's blobs in the parents that had it: a merge's parent without the file decides nothing."""
    return [old for old in change.old_blobs if not is_zero(old)]


def _known_verdict(change: Change, known: Callable[[str, str], bool | None]) -> bool | None:
    """Whether the change is date-only, from known answers alone; None when a blob must be read."""
    verdicts = [known(old, change.new_blob) for old in _earlier(change)]
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _cut(commit: Commit, boundary: frozenset[str] | None) -> bool:
    """Whether a shallow clone was cut at `commit` (its parents are missing)."""
    return (not commit.parents) if boundary is None else commit.sha in boundary


def _settle_at_roots(walk: Walk, roots: list[Commit], tree: Callable[[str], dict[str, str]]) -> None:
    """Traces still waiting reached the start of history: created by the root commit whose tree has
    their blob; past a shallow boundary (or nowhere) they stay unknown."""
    for commit in roots:
        if not walk.waiting:
            break
        blobs = tree(commit.sha)
        for path in list(walk.waiting):
            for trace in walk.take(path, blobs.get(path, "")):
                trace.created = commit
                trace.changed = trace.changed or commit
    for traces in walk.waiting.values():
        for trace in traces:
            trace.unknown = trace.unknown or trace.changed is None


def _step(
    walk: Walk,
    trace: Trace,
    commit: Commit,
    change: Change,
    ignored_revisions: set[str],
    boundary: frozenset[str] | None,
) -> None:
    added = all(is_zero(blob) for blob in change.old_blobs)
    if added and _cut(commit, boundary):
        trace.unknown = trace.changed is None  # the clone was cut here: this "addition" is not the real one
        return
    # A merge whose file is one parent's took that side: no change of its own, and the walk follows that
    # parent (the file shows in the combined diff only because its path differs from another parent's).
    kept = next((i for i, old in enumerate(change.old_blobs) if old == change.new_blob), None)
    if trace.changed is None and commit.sha not in ignored_revisions:
        verdict = _verdict(change)
        if verdict:
            trace.changed = commit
        elif verdict is None:
            trace.pending.append((commit, change))
    if added:
        trace.created = commit
        return
    parent = kept if kept is not None else next(i for i, old in enumerate(change.old_blobs) if not is_zero(old))
    trace.path, trace.blob = change.old_paths[parent], change.old_blobs[parent]
    walk.wait(trace)


def _verdict(change: Change) -> bool | None:
    """Whether a change is content, from its blob ids alone; None when only the blobs' texts can say.
    A merge that took one parent's blob (or a pure rename) changed nothing."""
    if any(old == change.new_blob for old in change.old_blobs):
        return False
    if all(is_zero(old) for old in change.old_blobs):
        return True
    return None


def _blobs_date_only(change: Change, same_but_dates: SameButDates) -> bool:
    return all(same_but_dates(old, change.new_blob, change.new_path) for old in _earlier(change))


_BLANKS = b" \t\r\f\v"
_BLANK_BYTES = (b" ", b"\t", b"\f", b"\v")  # not b"": a slice past the end is no blank


def _could_hold_a_key(line: bytes, plain_keys: bool = False) -> bool:
    return b"**" in line or b"__" in line or b"<" in line or plain_keys and b":" in line


def differ_beyond_keys(old: bytes, new: bytes, whitespace: bool = False, plain_keys: bool = False) -> bool:
    """A quick, sound test that two texts differ in more than header items: a header item's key is
    strong emphasis (with `plain_keys`, a key before a colon: `* Updated: x`, front matter), so a line
    without `**`, `__` or `<` (nor `:`) cannot be a date item, and a text that has such a line the other
    lacks differs in content. False says only that the documents must be compared. With `whitespace`,
    lines are compared without their trailing whitespace, as `without_date_lines` compares them."""
    if whitespace and (b"\r" in old or b"\r" in new):
        old, new = _unified(old), _unified(new)
    old_lines, new_lines = set(old.split(b"\n")), set(new.split(b"\n"))
    differing = old_lines.symmetric_difference(new_lines)
    if not whitespace:
        return any(not _could_hold_a_key(line, plain_keys) for line in differing)
    if len(differing) > _FEW_LINES:  # each is looked for in the other text: past a few, strip every line once
        old_lines, new_lines = _stripped(old_lines), _stripped(new_lines)
        return any(line and not _could_hold_a_key(line, plain_keys) for line in old_lines.symmetric_difference(new_lines))
    return any(_plain_and_only_here(line.rstrip(_BLANKS), *((new, new_lines) if line in old_lines else (old, old_lines)),
                                    plain_keys)
               for line in differing)


_FEW_LINES = 32


def _stripped(lines: set[bytes]) -> set[bytes]:
    return {line.rstrip(_BLANKS) for line in lines}


def _plain_and_only_here(line: bytes, other: bytes, other_lines: set[bytes], plain_keys: bool) -> bool:
    return (bool(line) and not _could_hold_a_key(line, plain_keys) and line not in other_lines
            and not _line_with_trailing_blanks(other, line))


def _unified(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # as without_date_lines splits


def _line_with_trailing_blanks(data: bytes, line: bytes) -> bool:
    """Whether `data` has a line that is `line` followed by blanks (the same line, whitespace aside)."""
    at = data.find(line)
    while at >= 0:
        end = at + len(line)
        stripped_end = end
        while data[stripped_end : stripped_end + 1] in _BLANK_BYTES:
            stripped_end += 1
        if (at == 0 or data[at - 1] == 10) and stripped_end > end and data[stripped_end : stripped_end + 1] in (b"\n", b""):
            return True
        at = data.find(line, at + 1)
    return False


def commit_dates(commit: Commit, zone: str) -> tuple[date, date]:
    """The author and committer dates of a commit, in the author's time zone unless configured otherwise."""
    tz_author: tzinfo | None
    tz_committer: tzinfo | None
    if zone == "utc":
        tz_author = tz_committer = timezone.utc
    elif zone == "local":
        tz_author = tz_committer = None  # the machine's zone at that instant (its offset then, not today's)
    else:
        offset = commit.author_offset if zone == "author" else commit.committer_offset
        tz_author = tz_committer = _offset(offset)
    return _day(commit.author_time, tz_author), _day(commit.committer_time, tz_committer)


def _day(seconds: int, zone: tzinfo | None) -> date:
    """The date of a timestamp; one git accepts past year 9999 (or before year 1) is that end of the calendar."""
    try:
        return datetime.fromtimestamp(seconds, zone).date()
    except (ValueError, OverflowError, OSError):
        return date.max if seconds > 0 else date.min


def _offset(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5])))
