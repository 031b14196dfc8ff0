"""Finding the repository and running git, through GitPython: `git.Repo` for discovery, `repo.git` as the
one command runner, its persistent `git cat-file --batch` for objects. Every failure of git becomes a
one-line `SpecHooksError` that quotes git (exit 2), never a traceback."""
from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

# A missing git must become our one-line error when a command runs, not an ImportError here.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git
from git.exc import GitCommandError, GitCommandNotFound, InvalidGitRepositoryError, NoSuchPathError

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


class Git:
    """One repository's git: the command runner every git call of a run goes through."""

    def __init__(self, repo: git.Repo, root: Path) -> None:
        self.repo = repo
        self.root = root
        self._handles: list[git.Git.AutoInterrupt] = []
        repo.git.update_environment(**ENVIRONMENT)

    @property
    def git_dir(self) -> Path:
        """This work tree's git directory (a worktree's own, not the shared one)."""
        return Path(self.repo.git_dir)

    @property
    def common_dir(self) -> Path:
        """The git directory that holds what worktrees share (objects, config, `shallow`, our cache)."""
        return Path(self.repo.common_dir)

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
        command = [git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git", *args]
        try:
            handle = self.repo.git.execute(command, as_process=True, istream=subprocess.PIPE if stdin else None,
                                           env=dict(env) if env else None)
        except GitCommandNotFound:
            raise SpecHooksError(_NOT_FOUND) from None
        process = handle.proc
        assert process is not None
        self._handles.append(handle)  # GitPython stops the process when its handle is collected
        return process

    def read_object(self, name: str) -> bytes | None:
        """An object by id through GitPython's persistent `git cat-file --batch`; None when missing
        (in a partial clone too: it never fetches)."""
        try:
            _, _, _, data = self.repo.git.get_object_data(name)
        except ValueError:
            return None
        except GitCommandNotFound:
            raise SpecHooksError(_NOT_FOUND) from None
        except (OSError, GitCommandError) as exc:
            raise SpecHooksError(f"git cat-file stopped while reading {name}: {exc}") from None
        return bytes(data)

    def stream_objects(self, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each object (None when missing) in the order asked, as git answers, through the same
        persistent `cat-file`: a thread writes every id while the answers are read in blocks, so there
        is no round trip per object and the caller works on each answer while git reads the next."""
        if not names:
            return
        try:
            process = self.repo.git._get_persistent_cmd("cat_file_all", "cat_file", batch=True).proc
        except GitCommandNotFound:
            raise SpecHooksError(_NOT_FOUND) from None
        assert process is not None and process.stdin is not None and process.stdout is not None
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

    def before_fork(self) -> None:
        """Stop the persistent `cat-file`: a forked worker sharing its pipes could read another's answer.
        It starts again on the next read."""
        self.repo.git.clear_cache()

    def close(self) -> None:
        self.repo.git.clear_cache()
        for handle in self._handles:
            process = handle.proc
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        self._handles.clear()


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
    """The repository whose work tree holds `cwd` (or that `GIT_DIR` names); None outside one."""
    absolutize_environment()
    try:
        repo = git.Repo(None if os.environ.get("GIT_DIR") else cwd, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None
    except (OSError, ValueError) as exc:  # an unreadable .git file or config
        raise SpecHooksError(f"cannot open the git repository: {exc}") from None
    work_tree = repo.working_tree_dir or os.environ.get("GIT_WORK_TREE")
    if not work_tree:
        return None  # a bare repository has no work tree to check (unless GIT_WORK_TREE names one, as for git)
    root = Path(os.path.realpath(work_tree))
    if repo.working_tree_dir is None:
        repo.git = git.Git(root)  # run git from the work tree GIT_WORK_TREE names, as the user's git does
    return Git(repo, root)
