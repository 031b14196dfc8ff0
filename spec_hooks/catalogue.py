"""The repository's specs as a whole: every document recognised as a configured type, with its header,
read through the run's document store (headers only, from the cache when it holds them). The index,
the lifecycle and relation rules, `refs`, `new` and `stale` all look specs up here."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from spec_hooks.config import Config
from spec_hooks.document import CACHE_FROM, HEADER, Document
from spec_hooks.documents import Spec, normalize_key

if TYPE_CHECKING:
    from spec_hooks.run import Project


def spec_of_document(config: Config, document: Document) -> Spec | None:
    """The document as a spec, or None when its header makes it none of the configured types."""
    return document.meaning(config)[1]


def spec_of(project: Project, path: str) -> Spec | None:
    """The spec at `path` as this run reads it, or None when it is not one (or cannot be read)."""
    document = project.documents.read(path)
    return spec_of_document(project.config, document) if isinstance(document, Document) else None


def read_specs(project: Project, paths: Iterable[str]) -> list[Spec]:
    """The specs among `paths`, their headers read on every core and kept in the cache when they are many."""
    paths = list(paths)
    store = project.documents
    if len(paths) > CACHE_FROM:
        store.open_cache()
        store.read_all(paths, (HEADER,))
    return [spec for path in paths if (spec := spec_of(project, path)) is not None]


def field_value(spec: Spec, name: str | None) -> str:
    field = spec.fields.get(name) if name else None
    return field.value if field is not None else ""


def identifier(spec: Spec) -> str:
    """What names the spec: its ID field (`Spec ID`), else its name field (`System`); a type naming
    neither has none (its first key is no ID: KEEP's first is `Type`)."""
    return field_value(spec, spec.doc_type.id_field or spec.doc_type.name_field)


def status(spec: Spec) -> str | None:
    """The spec's status: its lifecycle's field, else its Status field (a type without a lifecycle
    still has the statuses its documents say)."""
    lifecycle = spec.doc_type.lifecycle
    if lifecycle is not None:
        return field_value(spec, lifecycle.field) or None
    return next((field.value for name, field in spec.fields.items() if normalize_key(name) == "status"), None) or None


class Catalogue:
    """Specs by path and by ID. A run that needs a few looks them up by path (an ID names its file's
    path, as SH111 requires); `every` reads all of them once, when a run needs the whole picture."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._by_path: dict[str, Spec | None] = {}

    @cached_property
    def paths(self) -> list[str]:
        excluded = self.project.config.excluded
        return [path for path in self.project.snapshot.tracked_markdown() if not excluded(path)]

    @cached_property
    def every(self) -> list[Spec]:
        missing = [path for path in self.paths if path not in self._by_path]
        for spec in read_specs(self.project, missing):
            self._by_path[spec.path] = spec
        return [found for path in self.paths if (found := self.get(path)) is not None]

    def adopt(self, spec: Spec) -> None:
        """A spec the run has already read (with the same fields), so that it is not read twice."""
        self._by_path.setdefault(spec.path, spec)

    def get(self, path: str) -> Spec | None:
        if path not in self._by_path:
            readable = path.lower().endswith((".md", ".markdown")) and not self.project.config.excluded(path)
            self._by_path[path] = spec_of(self.project, path) if readable else None
        return self._by_path[path]

    @cached_property
    def _by_id(self) -> dict[str, list[Spec]]:
        found: dict[str, list[Spec]] = {}
        for spec in self.every:
            if spec.doc_type.id_field and (value := identifier(spec)):
                found.setdefault(value, []).append(spec)
        return found

    def find(self, spec_id: str) -> Spec | None:
        """The spec whose ID field holds `spec_id`: first among the files whose path names it, then, when
        none does, among every spec."""
        for path in self._paths_by_id.get(spec_id, ()):
            spec = self.get(path)
            if spec is not None and spec.doc_type.id_field and identifier(spec) == spec_id:
                return spec
        found = self._by_id.get(spec_id, [])
        return found[0] if len(found) == 1 else None

    @cached_property
    def _paths_by_id(self) -> dict[str, list[str]]:
        """The paths each ID could name, as SH111 matches them: every tail of the path without its
        suffix (`specs/rest/a.md`: `a`, `rest/a`, `specs/rest/a`), and the ID the id_pattern gives."""
        patterned = [doc_type for doc_type in self.project.config.types if doc_type.id_pattern]
        names: dict[str, list[str]] = {}
        for path in self.paths:
            parts = _SUFFIX.sub("", path).split("/")
            candidates = {"/".join(parts[start:]) for start in range(len(parts))}
            candidates.update(found for doc_type in patterned if (found := doc_type.id_of_path(path)) is not None)
            for candidate in candidates:
                names.setdefault(candidate, []).append(path)
        return names


_SUFFIX = re.compile(r"\.(md|markdown)$", re.IGNORECASE)
