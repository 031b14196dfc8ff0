"""Reading a file's bytes into text, or into the finding that explains why it cannot be read."""
from __future__ import annotations

import os
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from spec_hooks.findings import ERROR, Finding

BOM = "\ufeff"


@dataclass(frozen=True)
class Source:
    """A decoded Markdown file. `text` keeps every byte's character (BOM and CRs included)."""

    path: str
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)

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

    def line_starts(self) -> list[int]:
        if not self._line_starts:
            starts = [0]
            find = self.text.find
            at = find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._line_starts.extend(starts)
        return self._line_starts


def read_source(root: Path, path: str) -> Source | Finding:
    """Read `path` (repository-relative) under `root`; a finding says why it could not be."""
    try:
        data = (root / path).read_bytes()
    except FileNotFoundError:
        return Finding(path, 1, 1, "SH001", "no such file")
    except IsADirectoryError:
        return Finding(path, 1, 1, "SH001", "is a directory, not a Markdown file")
    except OSError as exc:
        return Finding(path, 1, 1, "SH001", f"cannot be read: {exc.strerror or exc}")
    return decode_source(path, data)


def decode_source(path: str, data: bytes) -> Source | Finding:
    nul = data.find(b"\0", 0, 8000)
    if nul >= 0:
        line, column = _byte_position(data, nul)
        return Finding(path, line, column, "SH003", "binary file (NUL byte), not Markdown")
    try:
        return Source(path, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        return Finding(path, line, column, "SH002", f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded")


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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace (or create) `path` with `data` in one rename, keeping an existing file's permission bits."""
    import tempfile

    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def encode_text(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")
