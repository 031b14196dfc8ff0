"""Reading a file's bytes into text, or into the finding that explains why it cannot be read."""
from __future__ import annotations

import os
import re
from array import array
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from spec_hooks.findings import ERROR, Finding

if TYPE_CHECKING:
    from spec_hooks.repo.snapshot import Snapshot

BOM = "\ufeff"


@dataclass(frozen=True)
class Source:
    """A decoded Markdown file. `text` keeps every byte's character (BOM and CRs included)."""

    path: str
    text: str
    # 8 bytes a line: a list of ints holds 40 (24 MB for a 600,000-line file, kept as long as its text)
    _line_starts: array[int] = field(default_factory=lambda: array("q"), repr=False, compare=False)

    @property
    def bom(self) -> bool:
        return self.text.startswith(BOM)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset; the BOM is not a column."""
        starts = self.line_starts()
        index = bisect_right(starts, offset) - 1
        column = offset - starts[index] + 1
        if index == 0 and self.bom and offset > 0:
            column -= 1
        return index + 1, column

    def finding(self, offset: int, code: str, message: str, severity: str = ERROR) -> Finding:
        """A finding at a character offset of this file."""
        line, column = self.position(offset)
        return Finding(self.path, line, column, code, message, severity)

    @cached_property
    def blob(self) -> str:
        """The git blob id of the bytes this text was decoded from: what caches of parsed files are keyed by."""
        return blob_id(self.text.encode("utf-8"))

    def line_starts(self) -> array[int]:
        """Where each line starts; a line ends at LF, CRLF or a lone CR, as CommonMark and git blame count."""
        if not self._line_starts:
            starts = self._line_starts
            starts.append(0)
            if "\r" in self.text:
                starts.extend(match.end() for match in _LINE_END.finditer(self.text))
            else:
                find = self.text.find
                at = find("\n")
                while at >= 0:
                    starts.append(at + 1)
                    at = find("\n", at + 1)
        return self._line_starts


_LINE_END = re.compile(r"\r\n?|\n")


def read_source(root: Path, path: str, regular: bool = False) -> Source | Finding:
    """Read `path` (repository-relative) under `root`; a finding says why it could not be.
    A symlink, or a folder on the path, that leads out of the repository is reported, not followed.
    `regular`: git has just said the path is a regular file with no symlink on the way (a tracked
    file its work tree has not changed), so there is nothing to look at before reading."""
    if not regular and _leaves(root, path):
        return Finding(path, 1, 1, "SH001", "is a symbolic link (or lies in a linked folder) that leads outside "
                                            "the repository: not read")
    try:
        with open(os.path.join(root, path), "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        return Finding(path, 1, 1, "SH001", "no such file")
    except IsADirectoryError:
        return Finding(path, 1, 1, "SH001", "is a directory, not a Markdown file")
    except OSError as exc:
        return Finding(path, 1, 1, "SH001", f"cannot be read: {exc.strerror or exc}")
    return decode_source(path, data)


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every symlink on it followed, stays inside `root`."""
    real_root = _real_folder(str(root))
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _leaves(root: Path, path: str) -> bool:
    full = root / path
    if not os.path.islink(full) and _real_folder(str(full.parent)) == _real_folder(str(full.parent), follow=False):
        return False  # no symlink on the way: nothing to resolve (the common case, one lstat)
    return not inside(root, full)


@lru_cache(maxsize=4096)
def _real_folder(folder: str, follow: bool = True) -> str:
    return os.path.realpath(folder) if follow else os.path.abspath(folder)


def decode_source(path: str, data: bytes) -> Source | Finding:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Finding(path, 1, 1, "SH002", "is UTF-16 (it starts with a UTF-16 byte-order mark): spec-hooks reads "
                                            "UTF-8, as git diffs and most tools do; save it as UTF-8")
    nul = data.find(b"\0", 0, 8000)
    if nul >= 0:
        line, column = _byte_position(data, nul)
        return Finding(path, line, column, "SH003", "binary file (NUL byte), not Markdown")
    try:
        source = Source(path, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        return Finding(path, line, column, "SH002", f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded")
    source.__dict__["blob"] = blob_id(data)  # the bytes are at hand: no encoding the text back
    return source


def blob_id(data: bytes) -> str:
    """The git blob id of these bytes."""
    import hashlib

    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)  # not `header + data`: a copy of a 50 MB file for its hash
    return digest.hexdigest()


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", "replace")
    if line_start == 0:
        prefix = prefix.removeprefix(BOM)
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def display_path(root: Path, given: str) -> str:
    """A path as findings print it: relative to the repository root, with `/`."""
    absolute = Path(os.path.abspath(given))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(given).as_posix()


class Contents:
    """The one text of each file that a run reads, decided once for every check and fixer.

    Under pre-commit (`PRE_COMMIT=1` in the environment) the work tree: pre-commit stashes unstaged
    changes away, so the work tree holds the staged content plus what earlier hooks of the same run
    fixed (which pre-commit then makes the user stage). By hand, the staged content: a tracked file
    whose work tree differs from the index is read from the index and listed in `unstaged`, so the run
    can say what it ignored, and a fixer, whose edits apply to the text it checked, leaves it alone.
    A file outside a sparse checkout's cone is read from the index, the only place it is.
    A file git does not track, or whose merge is unresolved, has only its work-tree text.
    """

    def __init__(self, root: Path, snapshot: Snapshot | None, environ: Mapping[str, str] = os.environ) -> None:
        self.root = root
        self.snapshot = snapshot
        self.under_pre_commit = environ.get("PRE_COMMIT") == "1"
        self._texts: dict[str, Source | Finding] = {}
        # Tracked regular files whose work tree git found unchanged, so no symlink is on their way (git
        # reports a file behind a linked folder as deleted). Known in runs that read many files.
        self.regular: frozenset[str] = frozenset()

    @cached_property
    def unstaged(self) -> frozenset[str]:
        """Tracked files whose work-tree text is not what this run reads."""
        if self.snapshot is None or self.under_pre_commit:
            return frozenset()
        modified, deleted = self.snapshot.worktree_changes
        return modified | deleted  # a file deleted only in the work tree is still staged: its text is the index's

    @cached_property
    def from_index(self) -> frozenset[str]:
        """Files read from the index, not the work tree."""
        if self.snapshot is None:
            return frozenset()
        return self.unstaged | self.snapshot.index.skip_worktree

    def read(self, path: str) -> Source | Finding:
        if path not in self._texts:
            self._texts[path] = (self._read_staged(path) if path in self.from_index
                                 else read_source(self.root, path, path in self.regular))
        return self._texts[path]

    def is_symlink(self, path: str) -> bool:
        return path not in self.regular and os.path.islink(os.path.join(self.root, path))

    def know_regular_files(self) -> None:
        """Learn `regular` from the index and `git diff-files`: one git command, where a run that reads
        many files would otherwise look at each one's path."""
        if self.snapshot is None or self.regular:
            return
        modified, deleted = self.snapshot.worktree_changes
        self.regular = frozenset(
            path for path, entry in self.snapshot.index.entries.items()
            if entry.mode in ("100644", "100755") and path not in modified and path not in deleted
            and path not in self.snapshot.index.unmerged)

    def unstaged_read(self) -> list[str]:
        """The files this run read from the index although their work tree differs."""
        return sorted(path for path in self._texts if path in self.unstaged)

    def _read_staged(self, path: str) -> Source | Finding:
        assert self.snapshot is not None
        data = None if path in self.snapshot.index.unmerged else self.snapshot.staged_blob(path)
        # An unmerged path's work tree, markers and all, is its only text.
        return read_source(self.root, path) if data is None else decode_source(path, data)
