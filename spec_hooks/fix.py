"""Fixes as data, applied in one place: the only code in spec-hooks that writes a user's file.

An `Edit` names a span of one file's text, the text the fixer saw there, and its replacement. Fixers
compute edits on the text the run checked; `write_edits` applies them only to that same text: it
re-reads the file, refuses symlinks and paths that leave the repository, checks the whole text and
every span, splices, re-reads the result with the fixer's own check, and replaces the file in one
rename. Anything unexpected leaves the file untouched and says why in one line.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spec_hooks.findings import Finding
from spec_hooks.source import inside


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets into the checked text
    end: int
    expected: str  # what the fixer saw in [start, end): the edit applies only where it is still there
    replacement: str
    resolves: tuple[Finding, ...] = ()  # the findings the edit makes obsolete


class EditConflict(ValueError):
    """Edits that do not fit the text: a span that no longer holds its expected text, or two that overlap."""


def splice(text: str, edits: Sequence[Edit]) -> str:
    """`text` with every edit applied; identical edits count once. Raises EditConflict."""
    ordered = sorted(set(edits), key=lambda edit: (edit.start, edit.end, edit.replacement))  # ties: always one order
    parts = []
    at = 0
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise EditConflict(f"an edit at {edit.start}-{edit.end} lies outside the text")
        if edit.start < at:
            raise EditConflict(f"two edits overlap at character {edit.start}")
        if text[edit.start : edit.end] != edit.expected:
            raise EditConflict(f"the text at character {edit.start} is not {edit.expected!r}")
        parts.append(text[at : edit.start])
        parts.append(edit.replacement)
        at = edit.end
    parts.append(text[at:])
    return "".join(parts)


@dataclass(frozen=True)
class Written:
    """What became of one file's edits: `changed` when the file was rewritten; `declined` says why it was
    left alone. Neither: the file already holds the edits' result."""

    changed: bool
    declined: str | None = None


Verify = Callable[[str], "str | None"]  # the new text -> what is wrong with it, or None


def write_edits(root: Path, path: str, checked: str, edits: Sequence[Edit], verify: Verify | None = None) -> Written:
    """Apply `edits`, computed on `checked`, to the file `path` (repository-relative) under `root`."""
    if not edits:
        return Written(False)
    target = root / path
    refusal = _refusal(root, target)
    if refusal is not None:
        return Written(False, refusal)
    try:
        data = _read_regular(target)
        current = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Written(False, f"cannot be read back ({getattr(exc, 'strerror', None) or exc})")
    try:
        new = splice(checked, edits)
    except EditConflict as exc:
        return Written(False, f"an edit does not fit the file ({exc}); please report it")
    if current != checked:
        if current == new:
            return Written(False)  # an earlier run already wrote exactly these edits
        return Written(False, "the file on disk differs from the text that was checked "
                                    "(unstaged changes, or it changed meanwhile); stage it (git add) and run again")
    if new == current:
        return Written(False)
    problem = verify(new) if verify is not None else None
    if problem is not None:
        return Written(False, f"the fixed text would be wrong ({problem}); please report it")
    write_atomic(target, new.encode("utf-8"))
    return Written(True)


@dataclass(frozen=True)
class FileFix:
    """One file's edits, computed on `checked`; `verify` re-reads the result; `said` is the line for a rewrite.
    `declined`: why the fixer itself will not touch the file (said as `path: not fixed: ...`)."""

    path: str
    checked: str
    edits: Sequence[Edit]
    verify: Verify | None
    said: str
    declined: str | None = None


def write_fixes(root: Path, fixes: Sequence[FileFix]) -> tuple[list[str], list[Edit]]:
    """Every fixer's end: each file through `write_edits`; one line per file rewritten or left alone, and
    the edits now in the files. An edit an earlier run already wrote counts as applied: run twice before
    `git add`, a fixer reports what is left, not what it fixed the first time (N7)."""
    lines: list[str] = []
    applied: list[Edit] = []
    for fix in fixes:  # in the fixer's order (files by path, or as given, like the findings)
        written = Written(False, fix.declined) if fix.declined else write_edits(
            root, fix.path, fix.checked, fix.edits, fix.verify)
        if written.declined:
            lines.append(f"{fix.path}: not fixed: {written.declined}")
            continue
        if written.changed:
            lines.append(f"{fix.path}: {fix.said}")
        applied.extend(fix.edits)
    return lines, applied


def _refusal(root: Path, target: Path) -> str | None:
    try:
        info = os.lstat(target)
    except OSError as exc:
        return f"cannot be read back ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link: spec-hooks never writes through one (fix the file it points at)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if not inside(root, target.parent):
        return "lies outside the repository (a folder on its path is a symbolic link)"
    return None


def _read_regular(target: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.open(target, flags)
    with os.fdopen(handle, "rb") as stream:
        return stream.read()


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


def create_exclusive(path: Path, data: bytes) -> None:
    """Create `path` with `data`, whole, never replacing a file: the text is written beside it, then linked
    in place (which fails if anything is there by then: two runs racing for one name cannot both win)."""
    import tempfile

    umask = os.umask(0)
    os.umask(umask)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:80]}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~umask)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create exclusively, then write
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
    finally:
        os.unlink(temporary)


def apply_fixes(root: Path, findings: Sequence[Finding], fixes: Sequence[FileFix]) -> tuple[list[Finding], list[str]]:
    """The session's one place that writes a fixer's work: the findings no written edit resolves, and one
    line per file rewritten or left alone."""
    lines, applied = write_fixes(root, fixes)
    return without_resolved(findings, applied), lines


def without_resolved(findings: Sequence[Finding], applied: Sequence[Edit]) -> list[Finding]:
    """The findings that no applied edit resolves."""
    resolved = {finding for edit in applied for finding in edit.resolves}
    return [finding for finding in findings if finding not in resolved]
