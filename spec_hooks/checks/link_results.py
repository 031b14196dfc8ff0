"""Each file's link findings kept between runs, with what they depend on, so an unchanged file whose
targets are unchanged is not checked again (`.git/spec-hooks/links`).

A file's findings depend on its own text (its blob id) and on the state of every path its links
resolve to: a tracked target by its mode and blob id (its anchors, its header, that it exists), and,
when the staged change edits it, by HEAD's blob too (the headings it renames); a path the index does
not hold on the whole list of tracked paths with the staged renames and deletions (case-insensitive
matches, "did you mean", folders, submodules, "renamed to") and on that nothing exists there in the
work tree. What the whole run shares (this version and parser, the configuration, whether pre-commit
runs us, the unresolved merges) is the key: any change to it starts afresh. A file whose findings hang on
anything else (an untracked target, a target whose text this run does not take from the index, a
path inside a submodule) is not kept. Like the document cache, the file is never trusted.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spec_hooks.cache import parser_key, read_keyed, typed, write_keyed
from spec_hooks.findings import Finding

if TYPE_CHECKING:
    from spec_hooks.checks.links import Repository
    from spec_hooks.run import Project

FILE = "spec-hooks/links"

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
    """Findings by file, valid while the file and every path it depends on are as they were."""

    def __init__(self, project: Project, states: dict[str, tuple[str, str]], shared: Iterable[object],
                 moves: object) -> None:
        self.project = project
        self.states = states
        self.path = project.snapshot.cache_folder(FILE)
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
        root = self.project.root
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

    def save(self, whole: bool) -> None:
        """Write what changed; after a whole-repository run, only the files it met are kept. When the
        list of paths changed, findings that depend on it and were not checked again go."""
        if self.old_paths_digest != self.paths_digest:
            self.results = {path: entry for path, entry in self.results.items()
                            if not entry[4] or path in self._kept_now}
        if whole:
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


def blob_without_reading(project: Project, path: str) -> str | None:
    """The blob id of the text this run would read for `path`, when the index says it without reading
    the file: a tracked file git found unchanged in the work tree, or one this run reads from the index."""
    contents = project.contents
    entry = project.snapshot.index.entries.get(path)
    if entry is None or path in project.snapshot.index.unmerged:
        return None
    return entry.blob if path in contents.regular or path in contents.from_index else None


def target_states(repository: Repository) -> dict[str, tuple[str, str]]:
    """Each tracked path's mode and blob id; a path the staged change edits also by HEAD's blob id."""
    edited = repository.project.snapshot.staged_changes[2]
    return {path: (mode, f"{blob} {edited[path]}" if path in edited else blob)
            for path, (mode, blob) in repository.entries.items()}


def dependencies_of(repository: Repository, states: dict[str, tuple[str, str]], targets: Iterable[str]
                    ) -> Dependencies | None:
    """What a file's findings hang on, from the paths its links resolve to; None when that is more
    than `LinkResults` keeps."""
    project = repository.project
    dependencies = Dependencies({}, set(), False)
    for target in targets:
        if target in repository.entries:
            if blob_without_reading(project, target) is None:
                return None  # its text here is not the index's: keyed by nothing kept
            dependencies.targets[target] = states[target]
            continue
        dependencies.needs_paths = True
        if target not in repository.folders:
            if repository.submodule_of(target) is not None or os.path.lexists(os.path.join(project.root, target)):
                return None  # in a submodule's work tree, or untracked (git is asked at the end of the run)
            dependencies.absent.add(target)
    return dependencies
