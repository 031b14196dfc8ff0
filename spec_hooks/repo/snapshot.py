"""One run's view of the repository. Each fact is read from git once, when a check first asks for it,
and every check of the run (`spec-hooks check` runs three families) shares it.

Which content a run reads is decided in `source.Contents`, from these facts: under pre-commit the work
tree (pre-commit has stashed what is not staged); by hand the staged content, saying so when a file has
unstaged changes the run ignores; a file outside a sparse checkout's cone from the index, where it lives.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from spec_hooks.paths import MARKDOWN_SUFFIXES
from spec_hooks.repo.runner import Git, failure
from spec_hooks.source import inside

MARKDOWN_PATHSPECS = (":(glob,icase)**/*.md", ":(glob,icase)**/*.markdown")


def decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def encode_path(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


class IndexEntry(NamedTuple):
    mode: str  # "100644", "120000" (symlink), "160000" (submodule)
    blob: str


# `git ls-files -s -t -z`: tag, mode, object id, stage, a tab, the path, NUL. Read with one regex over the
# decoded output: a monorepo's index has 100,000 entries, and a hook run must not pay a Python loop of
# splits and decodes per entry.
_INDEX_RECORD = re.compile(r"(\S+) ([0-7]+) ([0-9a-f]+) ([0-3])\t([^\0]*)\0")


@dataclass(frozen=True)
class Index:
    """Every path in the index (what is being committed)."""

    entries: dict[str, IndexEntry]
    unmerged: frozenset[str]  # an unresolved merge: the entry kept is one side's
    skip_worktree: frozenset[str]  # outside a sparse checkout's cone: in the index, not in the work tree


def _fixed_width_index(records: list[str]) -> Index | None:
    """The index read by slicing, when every record has the one layout git writes (`H 100644 <id> 0\t`,
    ids of one length): a monorepo's 100,000 entries in a few list comprehensions, no loop of our own."""
    if not records:
        return Index({}, frozenset(), frozenset())
    tab = records[0].find("\t")
    if tab < 12 or not all(len(record) > tab and record[tab] == "\t" and record[1] == " " and record[8] == " "
                           and record[tab - 2] == " " for record in records):
        return None
    return _index_of(zip([record[0] for record in records], [record[2:8] for record in records],
                         [record[9 : tab - 2] for record in records], [record[tab - 1] for record in records],
                         [record[tab + 1 :] for record in records], strict=True))


def _index_of(records: Iterable[tuple[str, str, str, str, str]]) -> Index:
    records = list(records)
    entries = {path: IndexEntry(mode, blob) for _, mode, blob, _, path in records}
    unmerged = frozenset(path for _, _, _, stage, path in records if stage != "0")
    skip_worktree = frozenset(path for tag, _, _, _, path in records if tag == "S")
    return Index(entries, unmerged, skip_worktree)


class Snapshot:
    """What one run knows of the repository, loaded lazily and once."""

    def __init__(self, git: Git) -> None:
        self._objects: dict[str, bytes] = {}
        self.git = git
        self.root = git.root
        self._trees: dict[str, dict[str, str]] = {}
        self._line_searches: list[tuple[frozenset[str], list[tuple[str, int, str]]]] = []

    @cached_property
    def head(self) -> str | None:
        """HEAD's commit id; None before the first commit."""
        status, output, error = self.git.run_status("rev-parse", "-q", "--verify", "HEAD^{commit}")
        if status not in (0, 1):
            raise failure(("rev-parse",), status, error)
        return output.decode().strip() or None if status == 0 else None

    @cached_property
    def head_tree(self) -> dict[str, str]:
        """Every file of HEAD with its blob id (empty before the first commit)."""
        return self.tree(self.head) if self.head else {}

    def tree(self, revision: str) -> dict[str, str]:
        """Every file of a commit with its blob id (read once per commit)."""
        if revision not in self._trees:
            self._trees[revision] = self._read_tree(revision)
        return self._trees[revision]

    def _read_tree(self, revision: str) -> dict[str, str]:
        output = self.git.run("ls-tree", "-r", "-z", "--full-tree", revision)
        blobs = {}
        for record in output.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                blobs[decode_path(path)] = meta.split()[2].decode()
        return blobs

    @cached_property
    def index(self) -> Index:
        output = self.git.run("ls-files", "-z", "-s", "-t")
        records = decode_path(output).split("\0")
        records.pop()  # after the last NUL
        return _fixed_width_index(records) or _index_of(_INDEX_RECORD.findall(decode_path(output)))

    @property
    def staged_moves(self) -> tuple[dict[str, str], frozenset[str]]:
        """What the staged change renames (old path -> new path) and deletes, against HEAD."""
        renames, deletes, _ = self.staged_changes
        return renames, deletes

    @property
    def staged_changes(self) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
        """What the staged change renames (old path -> new path), deletes, and edits (path -> its blob in
        HEAD; a file it moves and edits by its new path), against HEAD: one `git diff --cached --raw`."""
        renames, deletes, edits, _ = self._staged
        return renames, deletes, edits

    def head_blob(self, path: str) -> str | None:
        """The blob HEAD holds for what is staged at `path` (under its old name, for a file the staged change
        renames): from the one `git diff --cached` and the index, where a whole `ls-tree` of HEAD would
        cost a commit its repository's size. None for a file the change adds, or before the first commit."""
        _, _, edits, added = self._staged
        if not self.head or path in added:
            return None
        if path in edits:
            return edits[path]
        entry = self.index.entries.get(path)
        return entry.blob if entry is not None else None

    def staged_as_in_head(self, path: str) -> bool:
        """Whether the staged change leaves `path` as HEAD has it (not added, edited, or renamed to it)."""
        renames, _, edits, added = self._staged
        return bool(self.head) and path not in edits and path not in added and path not in renames.values()

    @cached_property
    def _staged(self) -> tuple[dict[str, str], frozenset[str], dict[str, str], frozenset[str]]:
        if not self.head:
            return {}, frozenset(), {}, frozenset()
        output = self.git.run("diff", "--cached", "--raw", "--no-abbrev", "-z", "-M", "--no-ext-diff", "HEAD")
        fields = output.split(b"\0")
        renames: dict[str, str] = {}
        deletes: set[str] = set()
        edits: dict[str, str] = {}
        added: set[str] = set()
        at = 0
        while at < len(fields) and fields[at]:
            meta = fields[at].decode("ascii", "replace").split()
            status, old_blob = meta[-1], meta[2]
            if status.startswith(("R", "C")):
                if status.startswith("R"):
                    renames[decode_path(fields[at + 1])] = decode_path(fields[at + 2])
                    if meta[3] != old_blob:  # moved and edited: its headings may have changed too
                        edits[decode_path(fields[at + 2])] = old_blob
                at += 3
                continue
            if status == "D":
                deletes.add(decode_path(fields[at + 1]))
            elif status in ("M", "T"):
                edits[decode_path(fields[at + 1])] = old_blob
            else:
                added.add(decode_path(fields[at + 1]))
            at += 2
        return renames, frozenset(deletes), edits, frozenset(added)

    @cached_property
    def worktree_changes(self) -> tuple[frozenset[str], frozenset[str]]:
        """Tracked files whose work tree differs from the index: (modified, deleted)."""
        output = self.git.run("diff-files", "--name-status", "-z")
        fields = output.split(b"\0")
        modified: set[str] = set()
        deleted: set[str] = set()
        for status, raw_path in zip(fields[0::2], fields[1::2], strict=False):
            (deleted if status == b"D" else modified).add(decode_path(raw_path))
        return frozenset(modified), frozenset(deleted)

    def tracked_markdown(self) -> list[str]:
        """Markdown files in the index, repository-relative: not those deleted from the work tree, nor
        submodules, nor symbolic links to a place in the repository (GitHub shows a link, not a rendered
        page: its target is the document, checked where it is tracked). A link that leads out stays, to be
        reported as one (and never read)."""
        return self._markdown[0]

    def markdown_symlinks(self) -> list[str]:
        """Tracked Markdown symbolic links to a place in the repository: not documents of their own."""
        return self._markdown[1]

    @cached_property
    def _markdown(self) -> tuple[list[str], list[str]]:
        """The index's Markdown paths in the work tree, in one pass: (documents, symbolic links within)."""
        _, deleted = self.worktree_changes
        documents: list[str] = []
        symlinks: list[str] = []
        for path, entry in self.index.entries.items():
            if not path.lower().endswith(MARKDOWN_SUFFIXES) or entry.mode == "160000" or path in deleted:
                continue
            linked_within = entry.mode == "120000" and inside(self.root, self.root / path)
            (symlinks if linked_within else documents).append(path)
        return documents, symlinks

    def staged_blob(self, path: str) -> bytes | None:
        entry = self.index.entries.get(path)
        return None if entry is None else self.kept_object(entry.blob)

    def read_objects(self, names: list[str]) -> dict[str, bytes]:
        """Many objects by id in one pass (no round trip per object); missing ones are left out.
        Objects read are kept for the run: the checks of one run ask for the same HEAD blobs."""
        for _ in self.arriving(names):
            pass
        return {name: self._objects[name] for name in names if name in self._objects}

    def arriving(self, names: list[str]) -> Iterator[str]:
        """Read objects in one pass, yielding each id as soon as its object is kept (or known missing),
        so a caller can use the first while git reads the rest."""
        wanted = [name for name in dict.fromkeys(names) if name not in self._objects]
        for name in set(names) - set(wanted):
            yield name
        for name, data in self.git.stream_objects(wanted):
            if data is not None:
                self._objects[name] = data
            yield name

    def kept_object(self, name: str) -> bytes | None:
        """An object read before, else read now."""
        data = self._objects.get(name)
        return self.git.read_object(name) if data is None else data

    @cached_property
    def shallow_boundary(self) -> frozenset[str] | None:
        """The commits a shallow clone was cut at (their parents are missing): empty for a full clone,
        None when the clone is shallow but git's list of them cannot be read."""
        path = self.git.common_dir / "shallow"
        try:
            return frozenset(path.read_text("ascii").split())
        except FileNotFoundError:
            return frozenset()
        except (OSError, UnicodeDecodeError):
            return None

    def cache_folder(self, name: str) -> Path:
        return self.git.common_dir / name

    def ignored(self, paths: list[str]) -> dict[str, str]:
        """Which of `paths` .gitignore rules ignore, each with the rule (`.gitignore:3: *.log`)."""
        paths = [path for path in paths if not self._beyond_symlink(path)]  # git dies on those: not ignorable
        if not paths:
            return {}
        stdin = b"".join(encode_path(path) + b"\0" for path in paths)
        output = self.git.run("check-ignore", "-z", "-v", "--stdin", stdin=stdin, ok=(0, 1))
        fields = output.split(b"\0")
        ignored = {}
        for at in range(0, len(fields) - 3, 4):
            source, line, pattern, path = (decode_path(raw) for raw in fields[at : at + 4])
            if source:
                ignored[path] = f"{source}:{line}: {pattern}"
        return ignored

    def _beyond_symlink(self, path: str) -> bool:
        entries = self.index.entries
        folder = path.rpartition("/")[0]
        while folder:
            entry = entries.get(folder)
            if entry is not None and entry.mode == "120000":
                return True
            folder = folder.rpartition("/")[0]
        return False

    def files_containing(self, strings: list[str], ignore_case: bool = False) -> list[str]:
        """Tracked Markdown files that contain any of `strings` (one `git grep -F -l`)."""
        if not strings:
            return []
        patterns = [arg for string in strings for arg in ("-e", string)]
        case = ("-i",) if ignore_case else ()
        output = self.git.run("grep", "-z", "-l", "-I", "-F", *case, *patterns, "--", *MARKDOWN_PATHSPECS, ok=(0, 1))
        return [decode_path(raw) for raw in output.split(b"\0") if raw]

    def lines_containing(self, strings: list[str]) -> list[tuple[str, int, str]]:
        """(path, line number, text) of each line of a tracked Markdown file that holds one of `strings`
        (one `git grep -F -n`): what a question about a few values costs is the lines that hold them, not
        the repository's headers. A search for a subset of what was searched before is answered from it."""
        wanted = frozenset(string for string in strings if string)
        if not wanted:
            return []
        for searched, lines in self._line_searches:
            if wanted <= searched:
                return [line for line in lines if any(string in line[2] for string in wanted)]
        patterns = [arg for string in sorted(wanted) for arg in ("-e", string)]
        output = self.git.run("grep", "-z", "-n", "-I", "--no-color", "-F", *patterns, "--", *MARKDOWN_PATHSPECS,
                              ok=(0, 1))
        found = list(_grep_records(output))
        self._line_searches.append((wanted, found))
        return found

    def origin_url(self) -> str | None:
        """The `origin` remote's URL, if there is one."""
        output = self.git.run("config", "--get", "remote.origin.url", ok=(0, 1))
        return output.decode("utf-8", "replace").strip() or None

    def promisor_remote(self) -> str | None:
        """The remote a partial (e.g. blobless) clone fetches missing objects from; None for a full clone."""
        pattern = r"^(extensions\.partialclone|remote\..*\.promisor)$"
        output = self.git.run("config", "--get-regexp", pattern, ok=(0, 1))
        for line in output.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(" ")
            if key.lower() == "extensions.partialclone":
                return value
            if value.lower() == "true":
                return key[len("remote.") : -len(".promisor")]
        return None


def _grep_records(output: bytes) -> Iterator[tuple[str, int, str]]:
    for record in output.split(b"\n"):
        parts = record.split(b"\0", 2)
        if len(parts) == 3 and parts[1].isdigit():
            yield decode_path(parts[0]), int(parts[1]), parts[2].decode("utf-8", "replace")

