"""What a file's link findings depend on, for the kept results (`cache.LinkResults`): the blob id each
target is read at, the paths a link names that nothing holds, and whether the findings hang on anything a
later run could not tell without reading (then they are not kept)."""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spec_hooks.cache import Dependencies

if TYPE_CHECKING:
    from spec_hooks.checks.links import Repository
    from spec_hooks.run import Project


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
