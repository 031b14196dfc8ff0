"""The `check-spec-links` hook: relative links and #fragments that resolve in what is being committed."""
from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from spec_hooks.cache import LINKS_FILE, LinkResults
from spec_hooks.catalogue import Catalogue
from spec_hooks.checks.lifecycle import unstable_link
from spec_hooks.checks.link_results import blob_without_reading, dependencies_of, target_states
from spec_hooks.document import BODY, CACHE_FROM, Document
from spec_hooks.findings import ERROR, WARNING, Finding, SpecHooksError, checked
from spec_hooks.fix import Edit, FileFix
from spec_hooks.markdown import Anchors, Link, github_slug, line_start, parse
from spec_hooks.paths import (
    destination,
    github_base,
    is_external,
    own_page_path,
    resolve_link,
    split_target,
    visible,
)
from spec_hooks.rules import RULES
from spec_hooks.source import Source, decode_source, inside

if TYPE_CHECKING:
    from spec_hooks.run import Project

_LINE_ANCHOR = re.compile(r"L(\d+)(?:C\d+)?(?:-L(\d+)(?:C\d+)?)?")
_MARKDOWN = (".md", ".markdown")
_SHOWN = 80  # characters of a link or fragment quoted in a message
# Anchors a file's "did you mean" searches for fragments compare with, all searches together (each compares
# the fragment with every anchor of its target); past them a finding says it has none. About 0.1 s of work.
COMPARED_AT_MOST = 25_000


@dataclass
class Repository:
    """The index as the truth, plus what the staged change renames and deletes."""

    project: Project
    entries: Mapping[str, tuple[str, str]]  # path -> (mode, blob): the snapshot's index entries
    renames: dict[str, str]
    deletes: set[str]
    unmerged: set[str] = field(default_factory=set)  # paths whose merge conflict is unresolved
    _suggestions: dict[str, str | None] = field(default_factory=dict)
    _in_work_tree: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project) -> Repository:
        if not project.in_git:
            raise SpecHooksError("not inside a git repository: links are resolved against git's index")
        snapshot = project.snapshot
        renames, deletes = snapshot.staged_moves
        project.documents.open_cache()
        index = snapshot.index
        return cls(project, index.entries, renames, set(deletes), set(index.unmerged))

    @cached_property
    def folders(self) -> set[str]:
        """Every folder that holds a tracked file, and its ancestors: the few distinct folders of the
        index walked up, not every path split."""
        found = {""}
        for folder in {path.rpartition("/")[0] for path in self.entries}:
            while folder not in found:
                found.add(folder)
                folder = folder.rpartition("/")[0]
        return found

    @cached_property
    def by_lower_case(self) -> dict[str, str]:
        lowered = {path.lower(): path for path in self.folders}
        lowered.update({path.lower(): path for path in self.entries})
        return lowered

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for path in self.entries:
            names.setdefault(posixpath.basename(path).lower(), []).append(path)
        return names

    @cached_property
    def by_folder(self) -> dict[str, dict[str, str]]:
        folders: dict[str, dict[str, str]] = {}
        for path in self.entries:
            folder, _, name = path.rpartition("/")
            folders.setdefault(folder, {})[name.lower()] = path
        return folders

    @cached_property
    def own_urls(self) -> tuple[str, ...]:
        """This repository's GitHub pages for files and folders (`https://github.com/OWNER/REPO/blob/`,
        `.../tree/`), lower case: from `links.repository`, else the `origin` remote."""
        url = self.project.config.link_repository or (self.project.snapshot.origin_url() if self.project.in_git else None)
        base = github_base(url) if url else None
        return () if base is None else (f"{base}/blob/", f"{base}/tree/")

    def own_path(self, target: str) -> str | None:
        return own_page_path(target, self.own_urls) if target.lower().startswith(("https://", "http://")) else None

    def edited(self, path: str) -> bool:
        """Whether the staged change edits `path` in place (where its headings may have been renamed)."""
        return self.project.in_git and path in self.project.snapshot.staged_changes[2]

    def as_in_head(self, path: str) -> bool:
        return self.project.in_git and self.project.snapshot.staged_as_in_head(path)

    @cached_property
    def moved_from(self) -> dict[str, str]:
        """The old path of each file the staged change renames, by its new path."""
        return {new: old for old, new in self.renames.items()}

    @cached_property
    def submodules(self) -> set[str]:
        return {path for path, (mode, _) in self.entries.items() if mode == "160000"}

    def linked_folder_of(self, path: str) -> str | None:
        """The tracked symbolic link among the folders `path` lies in, if any."""
        folder = path.rpartition("/")[0]
        while folder:
            if self.entries.get(folder, ("",))[0] == "120000":
                return folder
            folder = folder.rpartition("/")[0]
        return None

    def submodule_of(self, path: str) -> str | None:
        """The submodule `path` lies in, if any."""
        if not self.submodules:
            return None
        folder = path.rpartition("/")[0]
        while folder:
            if folder in self.submodules:
                return folder
            folder = folder.rpartition("/")[0]
        return None

    def file(self, path: str) -> tuple[Source, Document] | Finding:
        """A file as this run reads it (see `Contents`), parsed once whether it links or is linked to."""
        document = self.project.documents.read(path)
        return document if isinstance(document, Finding) else (document.source, document)

    @cached_property
    def heading_changes(self) -> dict[str, dict[str, str | None]]:
        """For each Markdown file the staged change edits: the anchors it loses, each with the anchor
        that replaces it when the change renames one heading at the same place (None: removed). No
        change outside git (the check's pure tables run on a repository given as data)."""
        if not self.project.in_git:
            return {}
        snapshot = self.project.snapshot
        edited = {path: blob for path, blob in snapshot.staged_changes[2].items()
                  if path.lower().endswith(_MARKDOWN) and path in self.entries}
        snapshot.read_objects(sorted(edited.values()))
        changes = {}
        for path, old_blob in edited.items():
            new = self.file(path)
            data = snapshot.kept_object(old_blob)
            old = decode_source(path, data) if data is not None else None
            if isinstance(new, Finding) or old is None or isinstance(old, Finding):
                continue
            lost = heading_renames(self.project.documents.of(old).anchors, new[1].anchors)
            if lost:
                changes[path] = lost
        return changes

    @cached_property
    def catalogue(self) -> Catalogue:
        return self.project.catalogue

    def in_work_tree(self, path: str) -> bool:
        """Whether anything (a file, a folder, a dangling link) is at `path` in the work tree: asked once
        per path, however many links name it."""
        if path not in self._in_work_tree:
            self._in_work_tree[path] = os.path.lexists(os.path.join(self.project.root, path))
        return self._in_work_tree[path]

    def suggestion(self, resolved: str) -> str | None:
        if resolved not in self._suggestions:
            self._suggestions[resolved] = _closest_path(self, resolved)
        return self._suggestions[resolved]


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    fixes: dict[str, list[Edit]] = field(default_factory=dict)
    checked: dict[str, str] = field(default_factory=dict)  # the text each file's fixes were computed on
    intended: dict[Edit, str] = field(default_factory=dict)  # what each fix's destination must resolve to
    untracked: list[tuple[Finding, str]] = field(default_factory=list)  # classified in one git call at the end
    compared: dict[str, int] = field(default_factory=dict)  # anchors "did you mean" searches compared with, by file

    def may_suggest(self, path: str, anchors: int) -> bool:
        """Whether `path` may have one more "did you mean" search, one that compares with `anchors` anchors."""
        done = self.compared.get(path, 0)
        if done + anchors > COMPARED_AT_MOST:
            return False
        self.compared[path] = done + anchors
        return True

    def record(self, source: Source, link: Link, finding: Finding | None, fix: Edit | None) -> list[Finding]:
        """Keep a link's fix (with the text it was computed on); the finding to report, if any.
        A definition nothing uses breaks nothing a reader sees: its finding becomes the SH210 warning."""
        if finding is not None and link.kind == "definition" and not link.used:
            finding = replace(finding, code="SH210", severity=WARNING,
                              message=f"unused reference definition [{_short(link.label)}]: {finding.message}")
            if fix is not None:
                edit = replace(fix, resolves=(finding,))
                self.intended[edit] = self.intended.pop(fix)
                fix = edit
        if fix is not None:
            self.fixes.setdefault(source.path, []).append(fix)
            self.checked[source.path] = source.text
        return [] if finding is None else [finding]


def check_links(project: Project, paths: list[str], whole: bool, fix: bool) -> tuple[list[Finding], list[FileFix]]:
    """The findings, and each file's link rewrites as data (the session writes them, `fix.apply_fixes`).
    `fix`: fixes are wanted, so no finding is replayed from the kept results (they keep no fixes)."""
    repository = Repository.load(project)
    ignore = _ignore_patterns(project)
    results = _kept_results(repository, whole) if not fix and len(paths) > CACHE_FROM else None
    outcome = Outcome()
    to_check = paths if results is None else _replayed(repository, results, paths, outcome)
    project.documents.read_all(to_check, (BODY,))
    for path in to_check:
        untracked = len(outcome.untracked)
        found = checked(path, partial(_check_file, repository, path, ignore, outcome))
        outcome.findings.extend(found)
        if results is not None:
            _keep(repository, results, path, found, len(outcome.untracked) > untracked)
    if not whole and (repository.renames or repository.deletes or repository.heading_changes):
        for path in _referrers(repository, set(paths)):
            checked(path, partial(_check_file, repository, path, ignore, outcome, only_moved=True))
    outcome.findings.extend(_classify_untracked(repository, outcome.untracked))
    return outcome.findings, _file_fixes(outcome)


def check_file(repository: Repository, path: str, ignore: Sequence[re.Pattern[str]] = ()
               ) -> tuple[list[Finding], list[FileFix]]:
    """One file's link findings and rewrites, from the repository as given (its index entries, staged
    moves) and the file's text: what `check_links` does per file, before git is asked which untracked
    targets are ignored."""
    outcome = Outcome()
    found = _check_file(repository, path, list(ignore), outcome)
    return found + [finding for finding, _ in outcome.untracked], _file_fixes(outcome)


def _kept_results(repository: Repository, whole: bool) -> LinkResults:
    project = repository.project
    project.contents.know_regular_files()
    shared = (project.config, project.contents.under_pre_commit, sorted(repository.unmerged), repository.own_urls)
    results = LinkResults(project.snapshot.cache_folder(LINKS_FILE), project.root, target_states(repository), shared,
                          (repository.renames, sorted(repository.deletes)), whole)
    project.documents.remember(results)  # saved with the documents, once, at the run's end
    return results


def _replayed(repository: Repository, results: LinkResults, paths: list[str], outcome: Outcome) -> list[str]:
    """Add the kept findings of every file whose findings still hold; the files left to check."""
    project = repository.project
    left = []
    for path in paths:
        blob = blob_without_reading(project, path)
        replayed = None if blob is None else results.replay(path, blob)
        if blob is None or replayed is None:
            left.append(path)
            continue
        findings, directives = replayed
        outcome.findings.extend(findings)
        project.documents.keep(blob)  # its document stays cached although this run did not read it
        if not directives:
            project.documents.without_directives.add(path)
    return left


def _keep(repository: Repository, results: LinkResults, path: str, found: list[Finding], untracked: bool) -> None:
    """Keep a checked file's findings with what they depend on (not when a target is untracked: git
    says at the end of the run whether it is ignored; nor a failure of spec-hooks itself; nor a file a
    later run cannot know without reading it, which `_replayed` would never take)."""
    document = repository.project.documents.read(path)
    if (not isinstance(document, Document) or untracked or any(finding.code == "SH000" for finding in found)
            or blob_without_reading(repository.project, path) != document.source.blob):
        results.keep(path, "", [], None)
        return
    targets = {resolved for link in document.links if (target := _local(repository, link.target.strip()))
               if (resolved := resolve_link(path, target)) is not None}
    dependencies = dependencies_of(repository, results.states, targets)
    if dependencies is not None:
        dependencies.directives = bool(document.directives)
    results.keep(path, document.source.blob, found, dependencies)


def _local(repository: Repository, target: str) -> str | None:
    """The link's destination as a path in this repository (its own GitHub URLs included), or None."""
    return (repository.own_path(target) if is_external(target) else target) or None


def _ignore_patterns(project: Project) -> list[re.Pattern[str]]:
    patterns = []
    for pattern in project.config.link_ignore:
        try:
            patterns.append(re.compile(pattern))
        except re.error as exc:
            raise SpecHooksError(f"{project.config.source}: invalid configuration: links.ignore: {pattern!r}: {exc}") from None
    return patterns


_ALIGNED_AT_MOST = 200  # headings between the common start and end that are aligned by difflib (quadratic)


def heading_renames(old: Anchors, new: Anchors) -> dict[str, str | None]:
    """The anchors of `old` that `new` lacks (or that name another heading now, see `_repointed`), each
    mapped to its replacement when a heading gave way to one other at the same place in the sequence of
    headings, else to None. Past the headings both versions start and end with, runs of equal length
    pair in order; runs of different lengths are aligned by difflib when short (a run of n headings
    replaced by n others pairs in order)."""
    present, before_change = set(new.all()), set(old.all())
    lost: dict[str, str | None] = {anchor: None for anchor in old.all() if anchor not in present}
    if not lost:
        return {}
    pairs = _same_places(old.headings, new.headings)
    repointed = _repointed(pairs, present, old.headings)
    for before, after in pairs:
        if (before in lost or before in repointed) and (after not in before_change or after in repointed):
            lost[before] = after
    return lost


def _repointed(pairs: list[tuple[str, str]], present: set[str], old: tuple[str, ...]) -> set[str]:
    """Anchors that still exist but name another heading: of two headings `Example` (#example and
    #example-1), renaming the first makes the second #example. An anchor is re-pointed when its heading
    was renamed and the heading that bears it now is one whose text did not change (its anchor only
    lost or changed its number); a reordering of sections moves text and re-points nothing."""
    old_of = {after: before for before, after in pairs}
    texts = _heading_texts(old)
    found = set()
    for before, after in pairs:
        if before != after and before in present:
            holder = old_of.get(before)
            if holder is not None and holder != before and texts.get(holder) == texts.get(before):
                found.add(before)
    return found


def _heading_texts(anchors: tuple[str, ...]) -> dict[str, str]:
    """Each anchor with the anchor of the first heading of the same text: GitHub numbers the second and
    later ones `-1`, `-2` (a heading that is itself `Step 1` is `step-1`, and the text of no other)."""
    seen: set[str] = set()
    texts = {}
    for anchor in anchors:
        stem, dash, number = anchor.rpartition("-")
        texts[anchor] = stem if dash and number.isdigit() and stem in seen else anchor
        seen.add(anchor)
    return texts


def _same_places(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[str, str]]:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_run, new_run = old[start : len(old) - end], new[start : len(new) - end]
    if len(old_run) == len(new_run):
        return list(zip(old_run, new_run, strict=True))
    if max(len(old_run), len(new_run)) > _ALIGNED_AT_MOST:
        return []
    import difflib

    pairs: list[tuple[str, str]] = []
    for kind, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
            None, old_run, new_run, autojunk=False).get_opcodes():
        if kind == "replace" and old_end - old_start == new_end - new_start:
            pairs.extend(zip(old_run[old_start:old_end], new_run[new_start:new_end], strict=True))
    return pairs


def _check_file(
    repository: Repository, path: str, ignore: list[re.Pattern[str]], outcome: Outcome, only_moved: bool = False
) -> list[Finding]:
    loaded = repository.file(path)
    if isinstance(loaded, Finding):
        return [] if only_moved else [loaded]
    source, markdown = loaded
    findings = [] if only_moved else [source.finding(problem.offset, problem.code, problem.message,
                                                     RULES[problem.code].severity)
                                      for problem in markdown.problems]
    silenced = markdown.ignored_lines
    for link in markdown.links:
        if silenced and line_start(source.text, link.offset) in silenced:
            continue
        if ignore and any(pattern.search(link.target) for pattern in ignore):
            continue
        finding, fix = _check_link(repository, source, markdown, link, only_moved, outcome)
        findings.extend(outcome.record(source, link, finding, fix))
    if not only_moved and repository.project.config.enabled("SH213"):
        findings.extend(_unstable_links(repository, source, markdown))
    if only_moved:
        outcome.findings.extend(findings)
    return findings


def _unstable_links(repository: Repository, source: Source, markdown: Document) -> list[Finding]:
    """SH213 for each link from a spec in a stable status (Final) to a spec that is not (Draft, Deprecated)."""
    spec = repository.catalogue.get(source.path)
    lifecycle = spec.doc_type.lifecycle if spec is not None else None
    if lifecycle is None or not lifecycle.stable or spec is None:
        return []
    findings = []
    for link in markdown.links:
        target = link.target.strip()
        if (link.kind == "definition" and not link.used) or not target or is_external(target):
            continue
        resolved = resolve_link(source.path, target)
        if resolved is None or resolved == source.path or resolved not in repository.entries:
            continue
        message = unstable_link(spec, repository.catalogue.get(resolved), repository.project.config.relations)
        if message is not None:
            findings.append(source.finding(link.offset, "SH213", message, WARNING))
    return findings


def _check_link(
    repository: Repository, source: Source, markdown: Document, link: Link, only_moved: bool, outcome: Outcome
) -> tuple[Finding | None, Edit | None]:
    target = link.target.strip()
    if is_external(target):
        # A link to this repository's own GitHub pages (`https://github.com/OWNER/REPO/blob/main/a.md`) is
        # checked as the root-absolute path it names; it is reported, never rewritten.
        local = repository.own_path(target)
        if local is None:
            return None, None
        finding, _ = _check_link(repository, source, markdown, replace(link, target=local), only_moved, outcome)
        return (None if finding is None else replace(finding, message=f"{finding.message} (in {_short(target)!r})",
                                                      fixable=False)), None
    if not target:
        return None, None
    resolved = resolve_link(source.path, target)
    fragment = split_target(target)[1]
    if only_moved and resolved not in repository.renames and resolved not in repository.deletes and not (
            fragment and _names_changed_heading(repository, resolved or "", unquote(fragment))):
        return None, None
    if resolved is None:
        return source.finding(link.offset, "SH204", f"link {_short(target)!r} leaves the repository"), None
    problem = _check_path(repository, source, link, target, resolved, outcome)
    if problem is not None:
        return problem
    if fragment and resolved not in repository.folders:
        return _check_fragment(repository, source, markdown, link, resolved, unquote(fragment), outcome)
    return None, None


def _names_changed_heading(repository: Repository, resolved: str, fragment: str) -> bool:
    changes = repository.heading_changes.get(resolved, {})
    return fragment in changes or fragment.lower() in changes


def _check_path(
    repository: Repository, source: Source, link: Link, target: str, resolved: str, outcome: Outcome
) -> tuple[Finding | None, Edit | None] | None:
    """A finding (and fix) when the path part is wrong; None when it names a tracked file or folder."""
    shown = _short(target)
    if resolved in repository.entries:
        if repository.entries[resolved][0] == "120000" and not inside(repository.project.root, repository.project.root / resolved):
            return source.finding(link.offset, "SH204", f"link {shown!r} is a symlink pointing outside the repository"), None
        return None
    if resolved in repository.folders:
        if repository.project.config.allow_folder_links:
            return None
        return source.finding(link.offset, "SH207", f"link {shown!r} points at a folder; link to a file in it"), None
    if resolved in repository.renames:
        new = repository.renames[resolved]
        # Moved and edited: a heading the same change renamed is followed too.
        renamed = (repository.heading_changes.get(new, {}).get(unquote(split_target(target)[1]))
                   if "#" in target and repository.edited(new) else None)
        replacement = _rewrite(source, link, new, renamed)
        message = f"{resolved!r} is renamed to {new!r} in the staged change: link {replacement!r}"
        return _fixable(source, link, "SH209", message, replacement, new, outcome)
    moved = _from_old_place(repository, source.path, target)
    if moved is not None:
        replacement = _rewrite(source, link, moved)
        message = (f"{shown!r} does not exist since the staged change moved this file from "
                   f"{repository.moved_from[source.path]!r}: link {replacement!r}")
        return _fixable(source, link, "SH209", message, replacement, moved, outcome)
    exact = repository.by_lower_case.get(resolved.lower())
    if exact is not None:
        replacement = _rewrite(source, link, exact)
        message = (f"{shown!r} differs in case from the tracked {exact!r} (breaks on Linux and GitHub): "
                   f"did you mean {replacement!r}?")
        return _fixable(source, link, "SH203", message, replacement, exact, outcome)
    submodule = repository.submodule_of(resolved)
    if submodule is not None:
        return _in_submodule(repository, source, link, resolved, submodule)
    linked = repository.linked_folder_of(resolved)
    if linked is not None and not inside(repository.project.root, repository.project.root / resolved):
        return source.finding(link.offset, "SH204", f"link {shown!r} goes through the symbolic link {linked!r}, "
                                                    "which leads outside the repository"), None
    if repository.in_work_tree(resolved):
        # Whether it is ignored or only untracked is asked of git once, for all such links (see _classify_untracked).
        outcome.untracked.append((source.finding(link.offset, "SH202", f"{resolved!r} is not tracked by git; git add it?"), resolved))
        return None, None
    if resolved in repository.deletes:
        return source.finding(link.offset, "SH201", f"{resolved!r} is deleted in the staged change"), None
    message = f"{_short(target)!r} does not exist"
    suggestion = repository.suggestion(resolved)
    if suggestion is not None:
        message += f": did you mean {_rewrite(source, link, suggestion)!r}?"
    return source.finding(link.offset, "SH201", message), None


def _from_old_place(repository: Repository, path: str, target: str) -> str | None:
    """Where a link of a file the staged change moved pointed from the file's old place, when that is a
    tracked file (or one the change moves too): the link to rewrite."""
    old_path = repository.moved_from.get(path)
    if old_path is None or not split_target(target)[0]:
        return None
    before = resolve_link(old_path, target)
    if before is None:
        return None
    now = repository.renames.get(before, before)
    return now if now in repository.entries else None


def _in_submodule(
    repository: Repository, source: Source, link: Link, resolved: str, submodule: str
) -> tuple[Finding | None, Edit | None] | None:
    """A path inside a submodule is the submodule's: checked against its work tree when it is checked
    out, left alone when it is not (this repository's index cannot say)."""
    root = repository.project.root
    if not os.path.lexists(root / submodule / ".git") or os.path.lexists(root / resolved):
        return None
    return source.finding(link.offset, "SH201", f"{resolved!r} does not exist in the submodule {submodule!r} "
                                                "(as checked out)"), None


def _fixable(
    source: Source, link: Link, code: str, message: str, replacement: str, new_path: str, outcome: Outcome
) -> tuple[Finding, Edit | None]:
    """A finding whose fix rewrites the link's destination; the new path is kept to check the fix.
    A destination whose place in the text is not proven gets no fix."""
    finding = source.finding(link.offset, code, message)
    if not link.exact:
        return finding, None
    edit = Edit(link.target_start, link.target_end, source.text[link.target_start : link.target_end], replacement,
                (finding,))
    outcome.intended[edit] = new_path
    return finding, edit


def _rewrite(source: Source, link: Link, new_path: str, new_fragment: str | None = None) -> str:
    """The link's destination pointing at `new_path` (and `new_fragment`, when given), in the link's own
    style (root-absolute or relative, percent-encoded or not, in angle brackets or not), written so that
    Markdown reads it back whole."""
    original = source.text[link.target_start : link.target_end]
    path_part, fragment = split_target(original)
    if new_fragment is not None:
        fragment = quote(new_fragment, safe="-_.~!$&'()*+,;=:@/?") if "%" in fragment else new_fragment
    query = original[len(path_part) :].partition("#")[0] if "?" in original.partition("#")[0] else ""
    if path_part.startswith("/"):
        rewritten = "/" + new_path
    else:
        rewritten = posixpath.relpath(new_path, posixpath.dirname(source.path) or ".")
        if path_part.startswith("./") and not rewritten.startswith("."):
            rewritten = "./" + rewritten
    before = source.text[link.target_start - 1 : link.target_start]
    return destination(rewritten, angled=before == "<" and link.kind != "html", encoded="%" in path_part) + query + (
        f"#{fragment}" if fragment else "")


def _closest_path(repository: Repository, resolved: str) -> str | None:
    """A moved file (the same name in one other place), else a near-miss name, preferring the same folder."""
    import difflib

    name = posixpath.basename(resolved).lower()
    same_name = repository.by_name.get(name, [])
    if len(same_name) == 1:
        return same_name[0]
    if same_name:
        return difflib.get_close_matches(resolved, same_name, n=1, cutoff=0)[0]
    folder = posixpath.dirname(resolved)
    if folder in repository.folders:  # a typo in the name: look among the folder's files only
        neighbours = repository.by_folder.get(folder, {})
        close = difflib.get_close_matches(name, _nearby_names(sorted(neighbours), name), n=1, cutoff=0.7)
        return neighbours[close[0]] if close else None
    close = difflib.get_close_matches(name, list(repository.by_name), n=1, cutoff=0.85)
    candidates = repository.by_name[close[0]] if close else []
    return difflib.get_close_matches(resolved, candidates, n=1, cutoff=0)[0] if candidates else None


def _nearby_names(names: list[str], name: str, around: int = 3) -> list[str]:
    """Names that sort near `name` (a typo keeps most of a prefix); all of them in a small folder."""
    if len(names) <= 4 * around:
        return names
    from bisect import bisect_left

    at = bisect_left(names, name)
    return names[max(0, at - around) : at + around]


def _check_fragment(
    repository: Repository,
    source: Source,
    markdown: Document,
    link: Link,
    resolved: str,
    fragment: str,
    outcome: Outcome,
) -> tuple[Finding | None, Edit | None]:
    shown = _short(fragment)
    if resolved.lower().endswith(_MARKDOWN) or resolved == source.path:
        if resolved in repository.unmerged:
            found: Anchors | str = "has an unresolved merge conflict: its headings are not settled"
        elif resolved == source.path:
            found = markdown.anchors
        else:
            target = repository.file(resolved)
            found = target.message if isinstance(target, Finding) else target[1].anchors
        verdict = _fragment_verdict(fragment, resolved, found)
        # A lost anchor, or one that names another heading now: the latter only in files the staged change
        # leaves as they were (in a file it touches, the link may be the one just pointed there).
        still_there = verdict is None
        if not still_there or (repository.edited(resolved) and repository.as_in_head(source.path)):
            changes = repository.heading_changes.get(resolved, {})
            # `#Goals` named the heading `#goals` did (GitHub's anchors are lower case); a fragment that still
            # resolves is re-pointed only as it is written.
            lost = fragment if fragment in changes or still_there else fragment.lower()
            if lost in changes:
                verdict = _lost_heading(fragment, resolved, changes[lost], still_there)
        if verdict is not None and verdict.unknown and isinstance(found, Anchors):
            verdict = replace(verdict, message=verdict.message + _anchor_hint(fragment, found, outcome, source.path))
        return (None, None) if verdict is None else _fragment_finding(source, link, resolved, verdict, outcome)
    line_anchor = _LINE_ANCHOR.fullmatch(fragment)
    if line_anchor is None:
        return None, None  # other fragments of non-Markdown files cannot be checked
    loaded = repository.file(resolved)
    if isinstance(loaded, Finding):
        return source.finding(link.offset, "SH205", f"#{shown} points at lines of {resolved!r}, which {loaded.message}"), None
    text = loaded[0].text
    count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    last = max(int(line_anchor.group(1)), int(line_anchor.group(2) or 0))
    if last > count or int(line_anchor.group(1)) == 0:
        lines = f"{count} line" + ("" if count == 1 else "s")
        return source.finding(link.offset, "SH205", f"#{shown} is past the end of {resolved!r} ({lines})"), None
    return None, None


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a fragment; `anchor` is the anchor it should name, when that is certain (a
    case-only mismatch, a renamed heading)."""

    message: str
    anchor: str | None = None
    code: str = "SH211"
    unknown: bool = False  # the fragment names nothing: a "did you mean" may follow


def _lost_heading(fragment: str, resolved: str, renamed: str | None, still_there: bool = False) -> Verdict:
    shown = _short(fragment)
    if renamed is None:
        return Verdict(f"#{shown} names a heading of {resolved!r} that the staged change removes", code="SH205")
    now = f" (#{shown} now names another heading of the same text)" if still_there else ""
    return Verdict(f"#{shown} of {resolved!r} is renamed to #{visible(renamed)} in the staged change{now}", renamed,
                   "SH212")


def _fragment_verdict(fragment: str, resolved: str, found: Anchors | str) -> Verdict | None:
    """None when `fragment` names an anchor of the target; else what is wrong (`found` is a read error)."""
    shown = _short(fragment)
    if isinstance(found, str):
        return Verdict(f"cannot check #{shown}: {resolved!r} {found}")
    if fragment in found:
        return None
    lowered = found.by_lower_case.get(fragment.lower())
    if lowered is not None:
        return Verdict(f"#{shown} matches the anchor #{visible(lowered)} of {resolved!r} only when case is ignored: "
                       "github.com finds it, GitLab, previews and site generators do not", lowered)
    return Verdict(f"#{shown} matches no heading or anchor in {resolved!r}", unknown=True)


def _anchor_hint(fragment: str, found: Anchors, outcome: Outcome, path: str) -> str:
    """": did you mean #x?" for a fragment that names nothing: the heading its text would make, else the
    closest anchor. A search compares with every anchor of the target, so a file's searches compare with
    COMPARED_AT_MOST anchors in all (thousands of broken links into a file of thousands of headings stay linear)."""
    slug = github_slug(fragment)
    if slug != "top" and slug in found:
        return f": did you mean #{visible(slug)}?"
    if not outcome.may_suggest(path, len(found.headings) + len(found.explicit)):
        return f" (no \"did you mean\": a file's searches compare with {COMPARED_AT_MOST:,} headings at most)"
    import difflib

    close = difflib.get_close_matches(fragment.lower(), found.all(), n=1, cutoff=0.6)
    return f": did you mean #{visible(close[0])}?" if close else ""


def _fragment_finding(
    source: Source, link: Link, resolved: str, verdict: Verdict, outcome: Outcome
) -> tuple[Finding, Edit | None]:
    """SH205; for a case-only mismatch the SH211 warning and for a renamed heading SH212, with the
    anchor as their fix."""
    if verdict.anchor is None:
        return source.finding(link.offset, "SH205", verdict.message), None
    finding = source.finding(link.offset, verdict.code, verdict.message, WARNING if verdict.code == "SH211" else ERROR)
    original = source.text[link.target_start : link.target_end]
    if not link.exact or "#" not in original:
        return finding, None
    replacement = original.rpartition("#")[0] + "#" + destination(verdict.anchor)
    edit = Edit(link.target_start, link.target_end, original, replacement, (finding,))
    outcome.intended[edit] = resolved
    return finding, edit


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _classify_untracked(repository: Repository, pending: list[tuple[Finding, str]]) -> list[Finding]:
    if not pending:
        return []
    ignored = repository.project.snapshot.ignored(sorted({path for _, path in pending}))
    findings = []
    for finding, path in pending:
        if path in ignored:
            message = f"{path!r} is ignored by git ({ignored[path]}), so it will not be committed"
            finding = Finding(finding.path, finding.line, finding.column, finding.code, message, finding.severity)
        findings.append(finding)
    return findings


def _referrers(repository: Repository, already: set[str]) -> list[str]:
    """Tracked Markdown files, not among those checked, that may link to a renamed or deleted path, or
    to a heading the staged change renames or removes."""
    names = {posixpath.basename(path) for path in [*repository.renames, *repository.deletes]}
    anchors = {"#" + anchor for lost in repository.heading_changes.values() for anchor in lost}
    strings = sorted(names | {quote(name) for name in names} | anchors | {quote(anchor, safe="#") for anchor in anchors})
    excluded = repository.project.config.user_excluded  # a template's links break like any file's
    found = repository.project.snapshot.files_containing(strings, ignore_case=bool(anchors))  # `#Goals` too
    return [path for path in found if path not in already and not excluded(path)]


def _file_fixes(outcome: Outcome) -> list[FileFix]:
    """Each file's link rewrites, on the text they were computed on, with the check of their result."""
    return [
        FileFix(path, outcome.checked[path], edits, partial(_links_resolve, path, edits=edits, intended=outcome.intended),
                f"rewrote {len(set(edits))} link{'s' if len(set(edits)) > 1 else ''}")
        for path, edits in sorted(outcome.fixes.items())]


def _links_resolve(path: str, new_text: str, edits: list[Edit], intended: dict[Edit, str]) -> str | None:
    """Re-read the fixed text: each rewritten destination is read back whole and resolves to its new path."""
    links = {link.target_start: link for link in parse(new_text).links}
    shift = 0
    for edit in sorted(set(edits), key=lambda edit: edit.start):
        start = edit.start + shift
        shift += len(edit.replacement) - (edit.end - edit.start)
        link = links.get(start)
        if link is None or link.target_end - link.target_start != len(edit.replacement):
            return f"the link at character {start} would not read back as {edit.replacement!r}"
        resolved = resolve_link(path, link.target.strip())
        if resolved != intended[edit]:
            return f"{edit.replacement!r} would point at {resolved!r}, not {intended[edit]!r}"
    return None
