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
    paths = [decode_path(raw) for raw in output.split(b"\0") if raw]
    return [path for path in paths if os.path.lexists(root / path)]


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
