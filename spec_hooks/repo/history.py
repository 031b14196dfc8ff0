"""The history the date checks read: one streamed `git log` over HEAD, parsed into commits; and the
commits the repository says are never content changes (`.git-blame-ignore-revs`)."""
from __future__ import annotations

import contextlib
import queue
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from spec_hooks.findings import SpecHooksError
from spec_hooks.repo.runner import Git
from spec_hooks.repo.snapshot import decode_path
from spec_hooks.source import inside


class Change(NamedTuple):  # a tuple, not a dataclass: tens of thousands are made in one history pass
    """One file's change in a commit, from `git log --raw`: `old_paths` and `old_blobs` have one entry per
    parent (a merge's combined entry has several)."""

    status: str
    old_paths: tuple[str, ...]
    new_path: str
    old_blobs: tuple[str, ...]
    new_blob: str

    @property
    def old_path(self) -> str:
        """The path in the first parent."""
        return self.old_paths[0]


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author_time: int
    author_offset: str  # "+0200"
    committer_time: int
    committer_offset: str
    changes: tuple[Change, ...]


_LOG_FORMAT = "%H %P%x00%at %ai%x00%ct %ci%x00"


def fetch_missing_trees(git: Git, remote: str) -> int:
    """Fetch, in one request, the trees a treeless clone (`--filter=tree:0`) lacks in HEAD's history:
    `git log --raw` needs them all, and would otherwise fetch them one commit at a time (or, with lazy
    fetching off, fail). Their blobs are not fetched (`--filter=blob:none`). Returns how many were missing."""
    listed = git.run("rev-list", "--objects", "--missing=print", "--filter=blob:none", "HEAD")
    missing = sorted({line[1:41] for line in listed.split(b"\n") if line.startswith(b"?")})
    if missing:
        _fetch(git, remote, missing, "trees")
    return len(missing)


def _fetch(git: Git, remote: str, missing: list[bytes], what: str) -> None:
    """Objects of a partial clone from its promisor remote, in one request (their blobs left out)."""
    status, _, error = git.run_status(
        "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags", "--no-write-fetch-head",
        "--recurse-submodules=no", "--filter=blob:none", "--stdin", stdin=b"\n".join(missing) + b"\n",
        env={"GIT_NO_LAZY_FETCH": "0"})
    if status != 0:
        lines = error.decode("utf-8", "replace").strip().splitlines()
        reason = next((line for line in lines if line.startswith("fatal:")), lines[-1] if lines else "")
        raise SpecHooksError(
            f"this partial clone lacks {len(missing)} historical {what} and fetching them from "
            f"'{remote}' failed ({reason or status}); run where the remote is reachable, or use a full clone"
        )


def fetch_missing_blobs(git: Git, remote: str, pathspecs: tuple[str, ...]) -> int:
    """Fetch, in one request, the blobs of `pathspecs` that HEAD's history changes and a partial clone
    lacks: `git log -p` would otherwise fetch them one commit at a time. Returns how many were fetched."""
    raw = git.run("log", "--raw", "--no-abbrev", "-z", "--format=", "-M", "HEAD", "--", *pathspecs)
    blobs = set(re.findall(rb"(?<= )[0-9a-f]{40}(?= )", raw.replace(b"\0", b" "))) - {b"0" * 40}
    if not blobs:
        return 0
    # Which are missing: only a history walk says so without fetching them (cat-file and a rev-list of the
    # ids themselves die on a missing object when lazy fetching is off).
    listed = git.run("rev-list", "--objects", "--missing=print", "HEAD")
    missing = sorted(blobs & {line[1:41] for line in listed.split(b"\n") if line.startswith(b"?")})
    if missing:
        _fetch(git, remote, missing, "Markdown blob(s)")
    return len(missing)


class History:
    """One streamed `git log` over HEAD's history, newest first and every child before its parents:
    each commit with its changed files and blob ids (renames followed), no patches: git reads no file's
    content but for rename detection, and the few changes that decide a document's date are compared
    afterwards, their blobs read in one pass (see `checks.history`).
    Changes made in a merge come combined (`--cc`); a merge that only took one side shows none.
    Root commits come without changes (`log.showRoot=false`): the walk takes a root's tree instead.
    No pathspec: matching one costs git more than the other files' changes do, except in a partial
    clone, where other files' blobs are missing and must not be needed (`pathspecs`).

    git starts when the object is made and a thread reads its output ahead (up to `AHEAD` blocks), so
    git walks the history while the run reads and parses the documents. Stop iterating early and git
    is stopped."""

    AHEAD = 256  # blocks of 64 KiB

    def __init__(self, git: Git, pathspecs: tuple[str, ...] = ()) -> None:
        # Commits are told apart by a marker no file can hold: any fixed byte may stand in a patch or a name.
        self.marker = b"\x01spec-hooks-" + secrets.token_hex(16).encode() + b"\x01"
        args = ["-c", "core.quotepath=off", "-c", "log.showRoot=false", "log", "--date-order", "-z", "--raw",
                "--no-abbrev", "-M", "--cc", "--combined-all-paths", "--no-color", "--no-show-signature",
                "--no-ext-diff", "--no-textconv", "--no-mailmap", "--no-notes",
                f"--format={self.marker.decode()}{_LOG_FORMAT}", "HEAD", *(("--", *pathspecs) if pathspecs else ())]
        self.process = git.start(*args)  # never one fetch per commit (GIT_NO_LAZY_FETCH): see fetch_missing_blobs
        self.blocks: queue.Queue[bytes] = queue.Queue(self.AHEAD)
        self.reader = threading.Thread(target=self._read_ahead, daemon=True)
        self.reader.start()

    def _read_ahead(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            for block in iter(lambda: stream.read(1 << 16), b""):
                self.blocks.put(block)
        except (OSError, ValueError):
            pass  # closed by close(): the walk stopped early
        self.blocks.put(b"")

    def commits(self) -> Iterator[Commit]:
        buffer = b""
        try:
            for block in iter(self.blocks.get, b""):
                records = (buffer + block).split(self.marker)
                buffer = records.pop()
                for record in records:
                    if record:
                        yield parse_commit(record)
            if buffer:
                yield parse_commit(buffer)
        finally:
            self.close()

    def close(self) -> None:
        process = self.process
        if process.poll() is None:
            process.kill()
        while self.reader.is_alive():  # let the reader see the end, however full the queue is
            with contextlib.suppress(queue.Empty):
                self.blocks.get(timeout=0.05)
        process.wait()
        error = process.stderr.read().decode("utf-8", "replace").strip() if process.stderr else ""
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        if process.returncode not in (0, -9) and error:
            raise SpecHooksError(f"git log failed: {error.splitlines()[-1]}")


class LogFormatError(SpecHooksError):
    """git's log output did not have the shape asked for (a git too old for `--combined-all-paths`, or a
    configuration that changes the output): one line, never a traceback."""


def parse_commit(record: bytes) -> Commit:
    """One commit's record of `git log -z --raw --cc --combined-all-paths` in `_LOG_FORMAT`, the marker
    removed. Anything else is a `LogFormatError` that says what was met."""
    fields = record.split(b"\0", 3)
    if len(fields) != 4:
        raise LogFormatError(f"unexpected git log output: a commit record of {len(fields)} field(s): {_excerpt(record)}")
    ids, author, committer, body = fields
    names = ids.split()
    if not names or not all(_is_object_id(name) for name in names):
        raise LogFormatError(f"unexpected git log output: no commit id in {_excerpt(ids)}")
    sha, *parents = (name.decode("ascii") for name in names)
    committer_time, committer_offset = _when(committer, (0, "+0000"))
    author_time, author_offset = _when(author, (committer_time, committer_offset))
    changes = tuple(parse_raw(body.lstrip(b"\0\n")))
    return Commit(sha, tuple(parents), author_time, author_offset, committer_time, committer_offset, changes)


def _excerpt(data: bytes) -> str:
    return repr(data[:60])[2:-1] + ("..." if len(data) > 60 else "")


_HEX = frozenset(b"0123456789abcdef")


def _is_object_id(name: bytes) -> bool:
    return len(name) in (40, 64) and _HEX.issuperset(name)


def _when(field: bytes, missing: tuple[int, str]) -> tuple[int, str]:
    """A `%at %ai` pair: seconds and the "+0200" offset; `missing` when git has none (a hand-made
    commit whose author line carries no date)."""
    seconds, _, when = field.partition(b" ")
    offset = when[-5:]
    if not (seconds.lstrip(b"-").isdigit() and offset[:1] in (b"+", b"-") and offset[1:].isdigit() and len(offset) == 5):
        return missing
    return int(seconds), offset.decode()


def parse_raw(body: bytes) -> list[Change]:
    """The `--raw -z` entries of one commit, in each shape git writes them:
    `:m m b b S\0path\0`, `:m m b b R100\0old\0new\0` (renames and copies) and, for a merge's combined
    entries, one colon, mode and blob per parent, a status letter per parent and, with
    `--combined-all-paths`, the path in each parent then the merge's own."""
    entries = []
    at = 0
    while body.startswith(b":", at):
        meta_end = body.find(b"\0", at)
        if meta_end < 0:
            raise LogFormatError(f"unexpected git log output: an unterminated --raw entry: {_excerpt(body[at:])}")
        meta = body[at:meta_end]
        parents = len(meta) - len(meta.lstrip(b":"))
        fields = meta[parents:].split()
        status = fields[-1].decode("ascii", "replace") if fields else ""
        blobs = fields[parents + 1 : 2 * parents + 2]
        if len(fields) != 2 * parents + 3 or not all(_is_object_id(blob) for blob in blobs) or not status.isalnum():
            raise LogFormatError(f"unexpected git log output: a --raw entry {_excerpt(meta)}")
        count = parents + 1 if parents > 1 else 2 if status[0] in "RC" else 1
        paths, at = _paths(body, meta_end + 1, count)
        old_blobs = tuple(blob.decode("ascii") for blob in blobs[:parents])
        entries.append(Change(status, tuple(paths[:parents]) if parents > 1 else (paths[0],), paths[-1], old_blobs,
                              blobs[parents].decode("ascii")))
    return entries


def _paths(body: bytes, at: int, count: int) -> tuple[list[str], int]:
    paths: list[str] = []
    for _ in range(count):
        end = body.find(b"\0", at)
        if end <= at:
            raise LogFormatError(f"unexpected git log output: {count} path(s) expected after a --raw entry, "
                                 f"{len(paths)} found: {_excerpt(body[at:])}")
        paths.append(decode_path(body[at:end]))
        at = end + 1
    return paths, at


_FULL_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_MAX_IGNORE_FILE = 1 << 20


def read_ignored_revisions(root: Path, name: str) -> set[str]:
    """Commits listed in `.git-blame-ignore-revs` (or the configured file): never content changes.
    As for `git blame --ignore-revs-file`, each line names one commit by its full id; the file must lie
    inside the repository. A missing file is an empty list."""
    path = root / name
    if not inside(root, path) or path == root:
        raise SpecHooksError(f"dates.ignore_revs_file: {name!r} is outside the repository")
    try:
        if not path.is_file():
            return set()
        with open(path, "rb") as stream:
            data = stream.read(_MAX_IGNORE_FILE + 1)
    except OSError:
        return set()
    if len(data) > _MAX_IGNORE_FILE:
        raise SpecHooksError(f"{name}: larger than 1 MiB; it should list commit ids, one per line")
    revisions = set()
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        entry = line.split("#", 1)[0].strip().lower()
        if entry and not _FULL_ID.fullmatch(entry):
            raise SpecHooksError(f"{name}:{number}: {entry[:50]!r} is not a full commit id "
                                 "(git blame --ignore-revs-file rejects it too)")
        if entry:
            revisions.add(entry)
    return revisions
