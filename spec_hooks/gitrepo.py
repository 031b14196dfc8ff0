"""All git access. Nothing else in spec-hooks runs git.

Plain `git` subprocesses with `-z` output: GitPython costs ~60 ms to import, about half of a
3-file hook run's budget, and offers nothing these few plumbing calls need.
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spec_hooks.findings import SpecHooksError

MARKDOWN_PATHSPECS = (":(glob,icase)**/*.md", ":(glob,icase)**/*.markdown")  # README.MD is Markdown too


def _git(
    root: Path, *args: str, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, env=_env())
    except FileNotFoundError:
        raise SpecHooksError("git is not installed or not on PATH") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpecHooksError(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
    return result


_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def _env() -> dict[str, str]:
    # Paths and messages must not be translated or quoted differently on a user's machine. git runs in
    # the work tree's root, so paths the user gave relative to where they ran us are made absolute.
    environment = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    for name in _PATH_VARIABLES:
        value = environment.get(name)
        if value and not os.path.isabs(value):
            environment[name] = os.path.abspath(value)
    return environment


def decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def toplevel(cwd: Path) -> Path | None:
    """The work tree's root, or None outside a git repository."""
    result = _git(cwd, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode("utf-8", "surrogateescape").rstrip("\n"))


def tracked_markdown(root: Path) -> list[str]:
    """Markdown files in the index, present in the work tree, repository-relative."""
    output = _git(root, "ls-files", "-z", "--", *MARKDOWN_PATHSPECS).stdout
    deleted = _git(root, "ls-files", "-z", "--deleted", "--", *MARKDOWN_PATHSPECS).stdout
    gone = {decode_path(raw) for raw in deleted.split(b"\0") if raw}
    return [path for path in map(decode_path, output.split(b"\0")) if path and path not in gone]


def start_grep(
    root: Path, strings: list[str], pathspecs: tuple[str, ...] = MARKDOWN_PATHSPECS
) -> Callable[[], list[tuple[str, int, str]]]:
    """Start `git grep -F` for any of `strings` in tracked files; the returned function collects
    (path, line number, line text). Started early, so git searches while Python imports and parses;
    fixed strings because an extended regex costs git four times as long over a large repository.
    """
    patterns = [arg for string in strings for arg in ("-e", string)]
    args = ["git", "grep", "--threads=1", "-z", "-n", "-I", "--no-color", "-F", *patterns, "--", *pathspecs]
    process = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())

    def matches() -> list[tuple[str, int, str]]:
        output, _ = process.communicate()
        found = []
        for record in output.split(b"\n"):
            parts = record.split(b"\0", 2)
            if len(parts) == 3:
                found.append((decode_path(parts[0]), int(parts[1]), parts[2].decode("utf-8", "replace")))
        return found

    return matches


def index_state(root: Path) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Every path in the index (what is being committed) with its mode ("100644", "120000"...) and blob,
    and the paths whose merge is unresolved (their entries are one side's)."""
    output = _git(root, "ls-files", "-z", "-s").stdout
    entries = {}
    unmerged = set()
    for record in output.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, blob, stage = (meta.split(b" ", 2) + [b"0"])[:3]
            name = decode_path(path)
            entries[name] = (mode.decode(), blob.decode())
            if stage != b"0":
                unmerged.add(name)
    return entries, unmerged


def has_head(root: Path) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).returncode == 0


def staged_moves(root: Path) -> tuple[dict[str, str], set[str]]:
    """What the staged change renames (old path -> new path) and deletes, against HEAD."""
    if not has_head(root):
        return {}, set()
    output = _git(root, "diff", "--cached", "--name-status", "-z", "-M", "HEAD").stdout
    fields = [decode_path(raw) for raw in output.split(b"\0")]
    renames: dict[str, str] = {}
    deletes: set[str] = set()
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            if status.startswith("R"):
                renames[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            if status == "D":
                deletes.add(fields[index + 1])
            index += 2
    return renames, deletes


def ignored_paths(root: Path, paths: list[str]) -> dict[str, str]:
    """Which of `paths` .gitignore rules ignore, each with the rule (`.gitignore:3: *.log`)."""
    if not paths:
        return {}
    stdin = b"\0".join(path.encode("utf-8", "surrogateescape") for path in paths) + b"\0"
    result = _git(root, "check-ignore", "-z", "-v", "--stdin", stdin=stdin, check=False)
    fields = result.stdout.split(b"\0")
    ignored = {}
    for at in range(0, len(fields) - 3, 4):
        source, line, pattern, path = (decode_path(raw) for raw in fields[at : at + 4])
        if source:
            ignored[path] = f"{source}:{line}: {pattern}"
    return ignored


def modified_in_worktree(root: Path) -> set[str]:
    """Tracked files whose work-tree content differs from the index."""
    output = _git(root, "diff-files", "--name-only", "-z").stdout
    return {decode_path(raw) for raw in output.split(b"\0") if raw}


def index_blobs(root: Path, paths: list[str]) -> dict[str, bytes]:
    """The staged content of `paths`."""
    return {spec[1:]: data for spec, data in read_objects(root, [f":{path}" for path in paths]).items()}


def read_objects(root: Path, specs: list[str]) -> dict[str, bytes]:
    """Objects named like `:path` (staged) or `HEAD:path`, through one `git cat-file --batch`;
    missing ones are left out."""
    if not specs:
        return {}
    request = b"".join(spec.encode("utf-8", "surrogateescape") + b"\n" for spec in specs)
    output = _git(root, "cat-file", "--batch", stdin=request).stdout
    objects = {}
    at = 0
    for spec in specs:
        header_end = output.index(b"\n", at)
        header = output[at:header_end].split()
        if header[-1] == b"missing" or len(header) < 3:
            at = header_end + 1
            continue
        size = int(header[2])
        objects[spec] = output[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return objects


class ObjectReader:
    """One `git cat-file --batch` kept open: objects read one at a time, as a history walk comes to need
    them. Never fetches (a partial clone's missing blob reads as missing)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, name: str) -> bytes | None:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
        except OSError:
            header = []
        if not header:
            raise SpecHooksError(f"git cat-file stopped while reading {name}")
        if header[-1] == b"missing" or len(header) < 3:
            return None
        data = process.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._process is not None:
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            self._process.wait()
            self._process = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, env={**_env(), "GIT_NO_LAZY_FETCH": "1"})
            except FileNotFoundError:
                raise SpecHooksError("git is not installed or not on PATH") from None
        return self._process


def files_containing(root: Path, strings: list[str], pathspecs: tuple[str, ...] = MARKDOWN_PATHSPECS) -> list[str]:
    """Tracked files that contain any of `strings` (one `git grep -F -l`)."""
    if not strings:
        return []
    patterns = [arg for string in strings for arg in ("-e", string)]
    result = _git(root, "grep", "-z", "-l", "-I", "-F", *patterns, "--", *pathspecs, check=False)
    return [decode_path(raw) for raw in result.stdout.split(b"\0") if raw]


def tree_blobs(root: Path, revision: str = "HEAD") -> dict[str, str]:
    """Every file of a commit's tree with its blob id."""
    output = _git(root, "ls-tree", "-r", "-z", "--full-tree", revision).stdout
    blobs = {}
    for record in output.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            blobs[decode_path(path)] = meta.split()[2].decode()
    return blobs


def shallow_boundary(root: Path) -> set[str]:
    """The commits a shallow clone was cut at (their parents are missing); empty for a full clone."""
    if _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() != b"true":
        return set()
    try:
        return set(git_path(root, "shallow").read_text().split())
    except OSError:
        return set()


def git_path(root: Path, name: str) -> Path:
    """A path inside the repository's git directory (`git rev-parse --git-path`)."""
    path = Path(decode_path(_git(root, "rev-parse", "--git-path", name).stdout.rstrip(b"\n")))
    return path if path.is_absolute() else root / path


@dataclass(frozen=True)
class Change:
    """One file's change in a commit, from `git log --raw -p`: `old_blobs` has one entry per parent."""

    status: str
    old_path: str
    new_path: str
    old_blobs: tuple[str, ...]
    new_blob: str
    patch: bytes  # this file's -U0 patch (a combined diff for a merge); b"" when git showed none


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_time: int
    author_offset: str  # "+0200"
    committer_time: int
    committer_offset: str
    changes: tuple[Change, ...]


_LOG_FORMAT = "%H %P%x00%at %ai%x00%ct %ci%x00"


def promisor_remote(root: Path) -> str | None:
    """The remote a partial (e.g. blobless) clone fetches missing objects from; None for a full clone."""
    result = _git(root, "config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$", check=False)
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key.lower() == "extensions.partialclone":
            return value
        if value.lower() == "true":
            return key[len("remote.") : -len(".promisor")]
    return None


def fetch_missing_blobs(root: Path, remote: str, pathspecs: tuple[str, ...]) -> int:
    """Fetch, in one request, the blobs of `pathspecs` that HEAD's history changes and a partial clone
    lacks: `git log -p` would otherwise fetch them one commit at a time. Returns how many were fetched."""
    raw = _git(root, "log", "--raw", "--no-abbrev", "-z", "--format=", "-M", "HEAD", "--", *pathspecs).stdout
    blobs = set(re.findall(rb"(?<= )[0-9a-f]{40}(?= )", raw.replace(b"\0", b" "))) - {b"0" * 40}
    if not blobs:
        return 0
    # Which are missing: only a history walk says so without fetching them (cat-file and a rev-list of the
    # ids themselves die on a missing object when lazy fetching is off).
    listed = _git(root, "rev-list", "--objects", "--missing=print", "HEAD").stdout
    missing = sorted(blobs & {line[1:41] for line in listed.split(b"\n") if line.startswith(b"?")})
    if missing:
        result = _git(root, "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags", "--no-write-fetch-head",
                      "--recurse-submodules=no", "--filter=blob:none", "--stdin", stdin=b"\n".join(missing) + b"\n",
                      check=False)
        if result.returncode != 0:
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = next((line for line in lines if line.startswith("fatal:")), lines[-1] if lines else "")
            raise SpecHooksError(
                f"this partial clone lacks {len(missing)} historical Markdown blob(s) and fetching them from "
                f"'{remote}' failed ({reason or result.returncode}); run where the remote is reachable, or use a full clone"
            )
    return len(missing)


def history(root: Path, pathspecs: tuple[str, ...] = ()) -> Iterator[Commit]:
    """One streamed `git log` over HEAD's history, newest first and every child before its parents:
    each commit with its changed files, blob ids (renames followed) and their -U0 patches.
    Changes made in a merge come as combined diffs (`--cc`); a merge that only took one side shows none.
    Root commits come without changes (`log.showRoot=false`): their patch is every file in full, most of
    the output, and an addition needs no patch to be a content change. No pathspec: matching one costs
    git more than the other files' changes do (1.35 s against 0.78 s over 10,000 commits), except in a
    partial clone, where other files' blobs are missing and must not be needed (`pathspecs`).
    Stop iterating early and git is stopped."""
    # Commits are told apart by a marker no file can hold: any fixed byte may stand in a patch or a name.
    marker = b"\x01spec-hooks-" + secrets.token_hex(16).encode() + b"\x01"
    args = ["git", "-c", "core.quotepath=off", "-c", "log.showRoot=false", "log", "--date-order", "-z", "--raw",
            "--no-abbrev", "-p", "-U0", "-M", "--cc", "--no-color", "--no-ext-diff", "--no-textconv",
            f"--format={marker.decode()}{_LOG_FORMAT}", "HEAD", *(("--", *pathspecs) if pathspecs else ())]
    env = {**_env(), "GIT_NO_LAZY_FETCH": "1"}  # never one fetch per commit: see fetch_missing_blobs
    process = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None
    buffer = b""
    try:
        for block in iter(lambda: process.stdout.read(1 << 16), b""):  # type: ignore[union-attr]
            records = (buffer + block).split(marker)
            buffer = records.pop()
            for record in records:
                if record:
                    yield _parse_commit(record)
        if buffer:
            yield _parse_commit(buffer)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        error = process.stderr.read().decode("utf-8", "replace").strip() if process.stderr else ""
        process.stdout.close()
        if process.stderr:
            process.stderr.close()
    if process.returncode not in (0, -9) and error:
        raise SpecHooksError(f"git log failed: {error.splitlines()[-1]}")


def _parse_commit(record: bytes) -> Commit:
    ids, author, committer, body = record.split(b"\0", 3)
    sha, *parents = ids.decode().split()
    committer_time, committer_offset = _when(committer, (0, "+0000"))
    author_time, author_offset = _when(author, (committer_time, committer_offset))
    entries, patch = _parse_raw(body.lstrip(b"\0\n"))
    sections = _split_patch(patch)
    if len(sections) != len(entries):
        sections = [b""] * len(entries)  # cannot pair them: every change is taken as a content change
    changes = tuple(
        Change(status, old, new, old_blobs, new_blob, section)
        for (status, old, new, old_blobs, new_blob), section in zip(entries, sections, strict=True)
    )
    return Commit(sha, tuple(parents), author_time, author_offset, committer_time, committer_offset, changes)


def _when(field: bytes, missing: tuple[int, str]) -> tuple[int, str]:
    """A `%at %ai` pair: seconds and the "+0200" offset; `missing` when git has none (a hand-made
    commit whose author line carries no date)."""
    seconds, _, when = field.decode("ascii", "replace").partition(" ")
    offset = when[-5:]
    if not seconds.lstrip("-").isdigit() or not re.fullmatch(r"[+-][0-9]{4}", offset):
        return missing
    return int(seconds), offset


def _parse_raw(body: bytes) -> tuple[list[tuple[str, str, str, tuple[str, ...], str]], bytes]:
    entries = []
    at = 0
    while body.startswith(b":", at):
        meta_end = body.index(b"\0", at)
        meta = body[at:meta_end].decode()
        parents = len(meta) - len(meta.lstrip(":"))
        fields = meta.split()
        blobs = fields[parents + 1 : 2 * parents + 2]
        status = fields[-1]
        first_end = body.index(b"\0", meta_end + 1)
        old = new = decode_path(body[meta_end + 1 : first_end])
        at = first_end + 1
        if status[0] in "RC":
            second_end = body.index(b"\0", at)
            new = decode_path(body[at:second_end])
            at = second_end + 1
        entries.append((status, old, new, tuple(blobs[:parents]), blobs[parents]))
    return entries, body[at:].lstrip(b"\0")


def _split_patch(patch: bytes) -> list[bytes]:
    if not patch.strip():
        return []
    return [section for section in re.split(rb"(?:^|\n)(?=diff --(?:git|cc) )", patch) if section.strip()]
