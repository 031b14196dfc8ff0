"""Finding the repository and running git: git itself says where the repository is (`rev-parse`, so
discovery follows git's own rules: `GIT_DIR`, worktrees, ceilings, `safe.directory`), every command goes
through `Git.run` / `Git.start`, and objects come from one persistent `git cat-file --batch`. Every failure
of git becomes a one-line `SpecHooksError` that quotes git (exit 2), never a traceback.

Plain `subprocess`, as pre-commit runs git: GitPython cost every hook run about 150 ms to import (a third of
check-jsonschema's whole run) for a process launcher and a pipe, and its discovery is a Python copy of
git's that git's own settings can contradict."""
from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from spec_hooks.findings import SpecHooksError

_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")
_NOT_FOUND = "git is not installed or not on PATH"

# Paths and messages must not be translated or quoted differently on a user's machine; a read-only run
# must not take the index lock to refresh it; a partial clone must never fetch one object at a time
# (see history.fetch_missing_blobs, which fetches what is missing in one request).
ENVIRONMENT = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_NO_LAZY_FETCH": "1"}


def absolutize_environment(environ: os._Environ[str] = os.environ) -> None:
    """Make git's path variables absolute: git runs in the work tree's root, so a relative `GIT_DIR` the
    user set for where they ran us would otherwise name another place."""
    for name in _PATH_VARIABLES:
        value = environ.get(name)
        if value and not os.path.isabs(value):
            environ[name] = os.path.abspath(value)


# The git executable; a test points it at nothing to see the missing-git error.
GIT = "git"


class Git:
    """One repository's git: the command runner every git call of a run goes through."""

    def __init__(self, root: Path, git_dir: Path, common_dir: Path) -> None:
        self.root = root
        self.git_dir = git_dir
        self.common_dir = common_dir  # what worktrees share (objects, config, `shallow`, our cache)
        self._environment = {**os.environ, **ENVIRONMENT}
        self._processes: list[subprocess.Popen[bytes]] = []
        self._cat_file: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, stdin: bytes | None = None, ok: Sequence[int] = (0,),
            env: Mapping[str, str] | None = None) -> bytes:
        """git's standard output; a status outside `ok` is an error that quotes git's last line."""
        status, output, error = self.run_status(*args, stdin=stdin, env=env)
        if status not in ok:
            raise failure(args, status, error)
        return output

    def run_status(self, *args: str, stdin: bytes | None = None,
                   env: Mapping[str, str] | None = None) -> tuple[int, bytes, bytes]:
        process = self.start(*args, stdin=stdin is not None, env=env)
        output, error = process.communicate(stdin)
        return process.returncode, output, error

    def start(self, *args: str, stdin: bool = False, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        """A running git, its output to be read by the caller (a stream too large to hold)."""
        process = launch([GIT, *args], self.root, {**self._environment, **(env or {})}, stdin)
        self._processes.append(process)
        return process

    def read_object(self, name: str) -> bytes | None:
        """An object by id through the persistent `git cat-file --batch`; None when missing (in a
        partial clone too: it never fetches)."""
        return next(self.stream_objects([name]))[1]

    def stream_objects(self, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each object (None when missing) in the order asked, as git answers, through the persistent
        `cat-file`: a thread writes every id while the answers are read in blocks, so there is no round
        trip per object and the caller works on each answer while git reads the next."""
        if not names:
            return
        process = self._batch()
        assert process.stdin is not None and process.stdout is not None
        request = b"".join(name.encode() + b"\n" for name in names)
        writer = threading.Thread(target=_write_all, args=(process.stdin, request), daemon=True)
        writer.start()
        answers = _answers(process.stdout, names)
        try:
            for answer in answers:  # noqa: UP028 (closing a `yield from` would close `answers` unread)
                yield answer
        finally:
            for _ in answers:
                pass  # a caller that stops early must not leave answers for the next reader
            writer.join()

    def _batch(self) -> subprocess.Popen[bytes]:
        if self._cat_file is None or self._cat_file.poll() is not None:
            self._cat_file = launch([GIT, "cat-file", "--batch"], self.root, self._environment, True)
        return self._cat_file

    def before_fork(self) -> None:
        """Stop the persistent `cat-file`: a forked worker sharing its pipes could read another's answer.
        It starts again on the next read."""
        self._stop_batch()

    def _stop_batch(self) -> None:
        if self._cat_file is not None:
            _stop(self._cat_file)
            self._cat_file = None

    def close(self) -> None:
        self._stop_batch()
        for process in self._processes:
            _stop(process)
        self._processes.clear()


def launch(command: list[str], cwd: Path, env: Mapping[str, str], stdin: bool) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        raise SpecHooksError(_NOT_FOUND) from None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a git the run no longer reads: closing its pipes ends `cat-file`; anything still running is killed."""
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    if process.poll() is None:
        process.kill()
    process.wait()


def _write_all(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
        stream.flush()
    except (OSError, ValueError):
        pass  # cat-file died: the reader says so


def _answers(stream: IO[bytes], names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """`git cat-file --batch` answers, one per name: `<id> <type> <size>` and the content, or `<name> missing`."""
    buffer, at = b"", 0
    for name in names:
        end = buffer.find(b"\n", at)
        while end < 0:
            buffer, at = buffer[at:] + _block(stream), 0
            end = buffer.find(b"\n")
        fields = buffer[at:end].split()
        if len(fields) != 3 or not fields[2].isdigit():
            at = end + 1
            yield name, None
            continue
        stop = end + 1 + int(fields[2])  # the content, then a newline
        if len(buffer) <= stop:  # the rest of a large object in one read, not block by block
            buffer, end, stop = buffer[at:] + _exactly(stream, stop + 1 - len(buffer)), end - at, stop - at
        yield name, buffer[end + 1 : stop]
        at = stop + 1


def _block(stream: IO[bytes]) -> bytes:
    block = stream.read1(1 << 16) if hasattr(stream, "read1") else stream.read(1 << 16)
    if not block:
        raise SpecHooksError("git cat-file stopped while reading objects")
    return block


def _exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise SpecHooksError("git cat-file stopped while reading objects")
    return data


def failure(args: Sequence[str], status: int, error: bytes) -> SpecHooksError:
    lines = error.decode("utf-8", "replace").strip().splitlines()
    return SpecHooksError(f"git {args[0]} failed: {lines[-1] if lines else f'exit status {status}'}")


def open_repository(cwd: Path) -> Git | None:
    """The repository whose work tree holds `cwd` (or that `GIT_DIR` and `GIT_WORK_TREE` name), as git
    finds it; None outside one, in a bare repository and inside a `.git` folder (no work tree to check)."""
    absolutize_environment()
    environment = {**os.environ, **ENVIRONMENT}
    process = launch([GIT, "rev-parse", "--absolute-git-dir", "--git-common-dir", "--is-inside-work-tree",
                      "--show-toplevel"], cwd, environment, False)
    output, error = process.communicate()
    lines = os.fsdecode(output).split("\n")
    if process.returncode == 0 and len(lines) >= 4 and lines[2] == "true":
        git_dir = Path(lines[0])
        return Git(Path(os.path.realpath(lines[3])), git_dir, (cwd / lines[1]).resolve())
    if process.returncode == 0 or b"not a git repository" in error or b"must be run in a work tree" in error:
        return None
    raise failure(("rev-parse",), process.returncode, error)
