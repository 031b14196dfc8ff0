"""What a parse found in each Markdown text, kept between runs by git blob id, never trusted.

Entries live in 256 shards (`.git/spec-hooks/documents/00` ... `ff`, by the blob id's first byte), so a
run reads only the shards of the blobs it meets: a 3-file pre-commit run reads a few small files, a
whole-repository run all of them. A shard is written atomically (concurrent runs lose at most each
other's new entries), carries a key naming this version of spec-hooks and of its parser, and is
discarded whole on any doubt: unreadable, too large, not a regular file, another key, or one entry of
the wrong shape (judged when a run first asks for it: a hook run meets a few entries of each shard). A
discarded shard is rewritten by the run that found it broken.

The link findings of each file (`LinkResults`) and the verdicts on pairs of blobs (`VerdictCache`) are kept
beside the documents, and like them written once, at the run's end (`DocumentStore.save`).
"""
from __future__ import annotations

import hashlib
import marshal
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from spec_hooks import __version__
from spec_hooks.findings import Finding
from spec_hooks.fix import write_atomic

CACHE_ROOT = "spec-hooks"  # the folder in git's common directory that holds every cache
FOLDER = f"{CACHE_ROOT}/documents"
MAX_SHARD = 64 << 20  # bytes: far beyond any real shard, well below a memory bomb
_FORMAT = 7  # 7: a header says its form
MAX_VERDICTS = 500_000  # pairs of blobs: about 45 MB


def parser_key() -> str:
    """This spec-hooks, its readers and the installed mistune (their files' size and time: a reinstall or
    an edited checkout changes it, where the version number may stay)."""
    from importlib.util import find_spec

    spec = find_spec("mistune")
    here = os.path.dirname(os.path.abspath(__file__))
    files = [spec.origin if spec is not None and spec.origin else "", *(os.path.join(here, name) for name in _READERS)]
    return f"spec-hooks {__version__} documents {_FORMAT} " + " ".join(_stamp(path) for path in files)


_READERS = ("markdown.py", "header.py", "document.py", "checks/links.py")  # what makes a cached result


def _stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "?"
    return f"{info.st_size}:{info.st_mtime_ns}"


class DocumentCache:
    """Payloads by blob id. `valid` judges one payload's shape; a shard with one bad entry is dropped."""

    def __init__(self, folder: Path, valid: Callable[[Any], bool]) -> None:
        self.folder = folder
        self.valid = valid
        self._key: str | None = None
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._judged: set[str] = set()  # blobs whose payload was found of the right shape

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = parser_key()
        return self._key

    def get(self, blob: str) -> Any | None:
        """The payload of `blob`, judged when first asked for: a hook run meets a few entries of a
        shard of thousands. A wrong one drops its whole shard, as at loading."""
        name = blob[:2]
        payload = self._shard(name).get(blob)
        if payload is None or blob in self._judged:
            return payload
        if not self.valid(payload):
            self._shards[name] = {}
            self._dirty.add(name)  # rewrite what was broken, even if this run adds nothing
            return None
        self._judged.add(blob)
        return payload

    def preload(self, blobs: set[str]) -> None:
        """Load the shards of `blobs` now (before forking workers, which then share them)."""
        for name in sorted({blob[:2] for blob in blobs}):
            self._shard(name)

    def put(self, blob: str, payload: Any) -> None:
        self._shard(blob[:2])[blob] = payload
        self._judged.add(blob)
        self._dirty.add(blob[:2])

    def _shard(self, name: str) -> dict[str, Any]:
        if name not in self._shards:
            entries = self._load(self.folder / name)
            if entries is None:
                entries = {}
                self._dirty.add(name)  # rewrite what was broken, even if this run adds nothing
            self._shards[name] = entries
        return self._shards[name]

    def _load(self, path: Path) -> dict[str, Any] | None:
        """The shard's entries; {} when there is none yet; None when it exists but cannot be trusted."""
        entries = read_keyed(path, self.key)
        if entries is None or not isinstance(entries, dict):
            return None
        if not set(map(type, entries)) <= {str}:  # payloads are judged when asked for (get)
            return None
        return entries

    def save(self, live: set[str] | None = None) -> None:
        """Write the shards this run changed (keeping only `live` blobs, when given). A cache that
        cannot be written is only a slower next run."""
        for name in sorted(self._dirty):
            entries = self._shards.get(name, {})
            if live is not None:
                entries = {blob: payload for blob, payload in entries.items() if blob in live}
            write_keyed(self.folder / name, self.key, entries, WITHOUT_REFERENCES)
        self._dirty.clear()


class VerdictCache:
    """Whether one blob differs from another in more than its header's dates, by the pair of blob ids:
    history does not change, so a pair compared once is never read again (`.git/spec-hooks/changes`).
    `context` names what else the answer depends on (the date fields, whether whitespace counts)."""

    def __init__(self, path: Path, context: str) -> None:
        self.path = path
        self.key = f"{parser_key()} changes {context}"
        entries = read_keyed(path, self.key)
        self.verdicts: dict[str, bool] = {}
        self._dirty = True  # rewrite what cannot be trusted
        if isinstance(entries, dict) and all(type(pair) is str and type(verdict) is bool
                                             for pair, verdict in entries.items()):
            self.verdicts, self._dirty = entries, False
        self._used: set[str] = set()

    def get(self, old: str, new: str) -> bool | None:
        pair = old + new
        verdict = self.verdicts.get(pair)
        if verdict is not None:
            self._used.add(pair)
        return verdict

    def put(self, old: str, new: str, verdict: bool) -> None:
        self.verdicts[old + new] = verdict
        self._used.add(old + new)
        self._dirty = True

    def save(self) -> None:
        """Write what this run added. Pairs only accumulate as history grows; past `MAX_VERDICTS`
        (rewritten history left behind), only those this run met are kept."""
        if len(self.verdicts) > MAX_VERDICTS:
            self.verdicts = {pair: self.verdicts[pair] for pair in self._used}
            self._dirty = True
        if self._dirty:
            write_keyed(self.path, self.key, self.verdicts)
            self._dirty = False


class HeaderLines:
    """The text of each blob's header items, with the number of its first line, by blob id: what a
    question about a few header values (which other file has this ID, which names this spec in a
    relation) reads, with no parse, where a search of the repository's text costs the repository.

    Two files in `.git/spec-hooks`: `headers`, every header a whole-repository run met, stored as one
    string (searched at C speed) with the blobs, first lines and lengths beside it, so loading it is one
    `marshal` read and no loop per entry; and `headers-new`, the few headers hook runs read since, which
    a commit rewrites without rewriting the large one. The new ones join the large file at the next
    whole-repository run (or when they are many). Both are never trusted: a wrong shape is discarded."""

    MERGE_FROM = 2000  # new headers kept apart before they are written into the large file

    def __init__(self, folder: Path, reading: str = "") -> None:
        self.base_path, self.new_path = folder / "headers", folder / "headers-new"
        self.reading = reading  # how the configuration reads headers: the lines kept are of that reading
        self.key = ""  # known when the files are read: computing it stats the readers
        self._base: tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str] | None = None
        self._new: dict[str, tuple[int, str]] = {}
        self._dirty = False

    @property
    def base(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str]:
        """(blobs, first line numbers, lengths, the headers joined by newlines) of the large file."""
        if self._base is None:
            self.key = f"{parser_key()} headers {self.reading}"
            self._base = _valid_base(read_keyed(self.base_path, self.key))
            new = read_keyed(self.new_path, self.key)
            if isinstance(new, dict) and all(type(blob) is str and typed(lines, (int, str)) for blob, lines in new.items()):
                self._new = new
            else:
                self._dirty = True  # rewrite what cannot be trusted
        return self._base

    @property
    def new(self) -> dict[str, tuple[int, str]]:
        _ = self.base
        return self._new

    @cached_property
    def base_blobs(self) -> frozenset[str]:
        return frozenset(self.base[0])

    def knows(self, blob: str) -> bool:
        return blob in self.base_blobs or blob in self.new

    def put(self, blob: str, lines: tuple[int, str]) -> None:
        if blob not in self.base_blobs and self.new.get(blob) != lines:
            self._new[blob] = lines
            self._dirty = True

    def save(self, live: set[str] | None = None) -> None:
        """Write what this run added. A whole-repository run (`live`: the blobs it met) rewrites the
        large file with the live headers only; so do many new ones."""
        if self._base is None and live is None:
            return  # nothing read, nothing added
        if live is not None or len(self._new) > self.MERGE_FROM:
            blobs, firsts, lengths, text = self.base
            entries = dict(zip(blobs, zip(firsts, _split(text, lengths), strict=True), strict=True))
            entries.update(self._new)
            if live is not None:
                entries = {blob: kept for blob, kept in entries.items() if blob in live}
            if live is None or set(entries) != set(blobs) or self._new:
                write_keyed(self.base_path, self.key, _joined(entries))
                write_keyed(self.new_path, self.key, {})
            self._new, self._dirty = {}, False
        elif self._dirty:
            write_keyed(self.new_path, self.key, self._new)
            self._dirty = False


_EMPTY_BASE: tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str] = ((), (), (), "")


def _valid_base(stored: Any) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str]:
    """The large file's content when it has exactly the shape `_joined` writes, else nothing."""
    if not (type(stored) is tuple and len(stored) == 4):
        return _EMPTY_BASE
    blobs, firsts, lengths, text = stored
    if not (type(blobs) is tuple and type(firsts) is tuple and type(lengths) is tuple and type(text) is str
            and len(blobs) == len(firsts) == len(lengths) and set(map(type, blobs)) <= {str}
            and set(map(type, firsts)) <= {int} and set(map(type, lengths)) <= {int}):
        return _EMPTY_BASE
    if min(lengths, default=0) < 0 or sum(lengths) + max(len(blobs) - 1, 0) != len(text):
        return _EMPTY_BASE
    return blobs, firsts, lengths, text


def _split(text: str, lengths: tuple[int, ...]) -> list[str]:
    parts, at = [], 0
    for length in lengths:
        parts.append(text[at : at + length])
        at += length + 1
    return parts


def _joined(entries: dict[str, tuple[int, str]]) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str]:
    blobs = tuple(entries)
    return (blobs, tuple(entries[blob][0] for blob in blobs), tuple(len(entries[blob][1]) for blob in blobs),
            "\n".join(entries[blob][1] for blob in blobs))


def typed(values: Any, types: tuple[type, ...]) -> bool:
    """Whether `values` is a tuple of exactly these types (what an entry read back must be)."""
    return type(values) is tuple and tuple(map(type, values)) == types


def _through_symlink(path: Path) -> bool:
    """Whether a folder of the cache on the way to `path` (from `.git/spec-hooks` down) is a symbolic
    link: followed, it would have the cache read from and written to anywhere (N3)."""
    folders = []
    for folder in path.parents:
        folders.append(folder)
        if folder.name == CACHE_ROOT:
            return any(os.path.islink(each) for each in folders)
    return False


def read_keyed(path: Path, key: str) -> Any | None:
    """What `write_keyed` wrote with this key; {} when there is no file yet; None when there is one but
    it cannot be trusted (unreadable, too large, not a regular file, another key or version, reached
    through a symbolic link)."""
    if _through_symlink(path):
        return None
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SHARD:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_SHARD + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        found_key, entries = marshal.loads(data)
    except (ValueError, EOFError, TypeError, MemoryError, RecursionError):
        return None
    return entries if found_key == key else None


# marshal's format 2, for the parsed documents: the newer formats keep a table of every object written that
# something else refers to (each link's destination and offsets), about 200 bytes a link while writing: 100 MB
# for a file of 350,000 links, its peak. Format 2 writes them as they come, some 25% larger; both read alike.
WITHOUT_REFERENCES = 2


def write_keyed(path: Path, key: str, entries: Any, version: int = marshal.version) -> None:
    """Write atomically; a cache that cannot be written is only a slower next run."""
    if _through_symlink(path):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if _through_symlink(path):  # made a link by another process between the two looks: write nothing
            return
        write_atomic(path, marshal.dumps((key, entries), version))
    except (OSError, ValueError):
        pass


LINKS_FILE = f"{CACHE_ROOT}/links"

# path -> (blob, findings, targets, absent, needs the list of paths, has inline directives); the
# targets ("path NUL mode NUL state NUL ...") and absent paths are NUL-joined (no path holds one):
# one string loads and is checked at once, where thousands of small tuples would not be.
Entry = tuple[str, tuple[tuple[int, int, str, str, str, bool], ...], str, str, bool, bool]


@dataclass
class Dependencies:
    """What one file's findings were computed from (None: too much to keep them)."""

    targets: dict[str, tuple[str, str]]  # tracked path -> (mode, blob id, with HEAD's when the staged change edits it)
    absent: set[str]  # paths neither tracked nor in the work tree
    needs_paths: bool  # a link names a path the index does not hold
    directives: bool = False  # the file has inline directives (the report must read it to apply them)


class LinkResults:
    """Each file's link findings kept between runs (`.git/spec-hooks/links`), valid while the file and
    every path it depends on are as they were: an unchanged file whose targets are unchanged is not
    checked again.

    A file's findings depend on its own text (its blob id) and on the state of every path its links
    resolve to: a tracked target by its mode and blob id (its anchors, its header, that it exists), and,
    when the staged change edits it, by HEAD's blob too (the headings it renames); a path the index does
    not hold on the whole list of tracked paths with the staged renames and deletions (case-insensitive
    matches, "did you mean", folders, submodules, "renamed to") and on that nothing exists there in the
    work tree. What the whole run shares (this version and parser, the configuration, whether pre-commit
    runs us, the unresolved merges) is the key: any change to it starts afresh. A file whose findings hang
    on anything else (an untracked target, a target whose text this run does not take from the index, a
    path inside a submodule) is not kept (`checks.link_results`). Like the documents, never trusted."""

    def __init__(self, path: Path, root: Path, states: dict[str, tuple[str, str]], shared: Iterable[object],
                 moves: object, whole: bool) -> None:
        self.root = root  # the work tree: a path kept as absent must still be absent there
        self.whole = whole
        self.states = states
        self.path = path
        self.key = f"{parser_key()} links {_digest(_canonical(list(shared)))}"
        self.paths_digest = _digest("\0".join(f"{path}\0{mode}" for path, (mode, _) in sorted(states.items()))
                                    + _canonical(moves))
        found = read_keyed(self.path, self.key)
        self.old_paths_digest: str | None = None
        self.results: dict[str, Entry] = {}
        self.changed = True  # rewrite what cannot be trusted
        self._kept_now: set[str] = set()
        if (type(found) is tuple and len(found) == 2 and type(found[0]) is str and type(found[1]) is dict
                and all(type(path) is str and _valid_entry(entry) for path, entry in found[1].items())):
            self.old_paths_digest, self.results, self.changed = found[0], found[1], False

    def replay(self, path: str, blob: str) -> tuple[list[Finding], bool] | None:
        """The kept findings of `path`, and whether it has inline directives, if nothing they depend on
        changed; None when it must be checked."""
        entry = self.results.get(path)
        if entry is None:
            return None
        kept_blob, findings, targets, absent, needs_paths, directives = entry
        root = self.root
        fields = iter(targets.split("\0") if targets else ())
        if (kept_blob != blob or (needs_paths and self.old_paths_digest != self.paths_digest)
                or any(self.states.get(target) != (mode, state) for target, mode, state in zip(fields, fields, fields, strict=True))
                or any(os.path.lexists(os.path.join(root, missing)) for missing in absent.split("\0") if missing)):
            return None
        return [Finding(path, *finding) for finding in findings], directives

    def keep(self, path: str, blob: str, findings: list[Finding], dependencies: Dependencies | None) -> None:
        self._kept_now.add(path)
        if dependencies is None:
            if self.results.pop(path, None) is not None:
                self.changed = True
            return
        self.results[path] = (
            blob,
            tuple((f.line, f.column, f.code, f.message, f.severity, f.fixable) for f in findings if f.path == path),
            "\0".join(f"{target}\0{mode}\0{state}" for target, (mode, state) in sorted(dependencies.targets.items())),
            "\0".join(sorted(dependencies.absent)),
            dependencies.needs_paths,
            dependencies.directives,
        )
        self.changed = True

    def save(self) -> None:
        """Write what changed (by the store's save, at the run's end); after a whole-repository run, only
        the files it met are kept. When the list of paths changed, findings that depend on it and were
        not checked again go."""
        if self.old_paths_digest != self.paths_digest:
            self.results = {path: entry for path, entry in self.results.items()
                            if not entry[4] or path in self._kept_now}
        if self.whole:
            tracked = {path for path in self.results if path in self.states}
            if len(tracked) < len(self.results):
                self.results = {path: self.results[path] for path in tracked}
                self.changed = True
        if self.changed or self.old_paths_digest != self.paths_digest:
            write_keyed(self.path, self.key, (self.paths_digest, self.results))


def _canonical(value: object) -> str:
    """The same text for the same settings in every run (a set's order changes with the hash seed)."""
    import dataclasses
    import json

    def plain(item: object) -> object:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            return {name.name: plain(getattr(item, name.name)) for name in dataclasses.fields(item)}
        if isinstance(item, (set, frozenset)):
            return sorted(map(plain, item), key=repr)
        if isinstance(item, dict):
            return sorted((repr(key), plain(entry)) for key, entry in item.items())
        if isinstance(item, (list, tuple)):
            return [plain(entry) for entry in item]
        return item if isinstance(item, (str, int, float, bool, type(None))) else repr(item)

    return json.dumps(plain(value))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def _valid_entry(entry: Any) -> bool:
    return (typed(entry, (str, tuple, str, str, bool, bool)) and (not entry[2] or entry[2].count("\0") % 3 == 2)
            and all(typed(finding, (int, int, str, str, str, bool)) for finding in entry[1]))
