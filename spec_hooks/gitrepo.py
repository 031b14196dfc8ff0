"""All git access. Nothing else in spec-hooks runs git.

Plain `git` subprocesses with `-z` output: GitPython costs ~60 ms to import, about half of a
3-file hook run's budget, and offers nothing these few plumbing calls need.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from spec_hooks.findings import SpecHooksError

MARKDOWN_PATHSPECS = (":(glob)**/*.md", ":(glob)**/*.markdown")


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, env=_env())
    except FileNotFoundError:
        raise SpecHooksError("git is not installed or not on PATH") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpecHooksError(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
    return result


def _env() -> dict[str, str]:
    # Paths and messages must not be translated or quoted differently on a user's machine.
    return {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}


def decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def toplevel(cwd: Path) -> Path | None:
    """The work tree's root, or None outside a git repository."""
    try:
        result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, env=_env())
    except FileNotFoundError:
        return None
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


def index_entries(root: Path) -> dict[str, str]:
    """Every path in the index (what is being committed) with its mode, e.g. "100644" or "120000"."""
    output = _git(root, "ls-files", "-z", "-s").stdout
    entries = {}
    for record in output.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            entries[decode_path(path)] = meta.split(b" ", 1)[0].decode()
    return entries


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
    result = subprocess.run(
        ["git", "check-ignore", "-z", "-v", "--stdin"], cwd=root, capture_output=True, env=_env(),
        input=b"\0".join(path.encode("utf-8", "surrogateescape") for path in paths) + b"\0",
    )
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
    """The staged content of `paths`, through one `git cat-file --batch`."""
    if not paths:
        return {}
    request = b"".join(b":" + path.encode("utf-8", "surrogateescape") + b"\n" for path in paths)
    output = _git_input(root, request, "cat-file", "--batch")
    blobs = {}
    at = 0
    for path in paths:
        header_end = output.index(b"\n", at)
        header = output[at:header_end].split()
        if header[-1] == b"missing":
            at = header_end + 1
            continue
        size = int(header[2])
        blobs[path] = output[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return blobs


def _git_input(root: Path, data: bytes, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=root, input=data, capture_output=True, env=_env())
    if result.returncode != 0:
        raise SpecHooksError(f"git {args[0]} failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def files_containing(root: Path, strings: list[str], pathspecs: tuple[str, ...] = MARKDOWN_PATHSPECS) -> list[str]:
    """Tracked files that contain any of `strings` (one `git grep -F -l`)."""
    if not strings:
        return []
    patterns = [arg for string in strings for arg in ("-e", string)]
    result = _git(root, "grep", "-z", "-l", "-I", "-F", *patterns, "--", *pathspecs, check=False)
    return [decode_path(raw) for raw in result.stdout.split(b"\0") if raw]
