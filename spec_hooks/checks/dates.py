"""`bump-spec-dates` (the fixer) and `check-spec-dates` (`--check`, the verifier): dates kept true by git."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import TYPE_CHECKING

from spec_hooks.cache import VerdictCache
from spec_hooks.checks.history import Trace, commit_dates, differ_beyond_keys, trace_history
from spec_hooks.document import CACHE_FROM, HEADER, Document
from spec_hooks.documents import (
    Spec,
    date_problems,
    field_date,
    named_fields,
    without_date_lines,
)
from spec_hooks.findings import WARNING, Finding, checked
from spec_hooks.fix import Edit, FileFix
from spec_hooks.header import Field, extract_header
from spec_hooks.paths import MARKDOWN_SUFFIXES
from spec_hooks.repo.history import History, fetch_missing_blobs, fetch_missing_trees, read_ignored_revisions
from spec_hooks.source import decode_source, inside

if TYPE_CHECKING:
    from spec_hooks.run import Project

_EMPTY_DATE = re.compile(r"(?:\{\{\s*)?(?:YYYY-MM-DD)?(?:\s*\}\})?")


def fixed_by_earlier_hooks(project: Project, paths: list[str]) -> list[str]:
    """Under pre-commit, tracked Markdown files whose work tree differs from the index: pre-commit
    stashed the unstaged changes, so an earlier hook of this run (`check-spec-links --fix`) wrote them.
    Their content changed too, so their dates are bumped in the same stop, not at the next attempt."""
    if not project.contents.under_pre_commit:
        return []

    given = set(paths)
    modified, _ = project.snapshot.worktree_changes
    return sorted(path for path in modified if path not in given and path.lower().endswith(MARKDOWN_SUFFIXES)
                  and not project.config.excluded(path))


def load_dated(project: Project, path: str, undated: bool = False) -> Spec | Finding | None:
    """The spec at `path` when its type has a date field (any spec, with `undated`), or why it cannot be read."""
    if project.contents.is_symlink(path) and inside(project.root, project.root / path):
        return None  # git keeps a symlink's target path, not the spec: it has no dates of its own to keep
    document = project.documents.read(path)
    if isinstance(document, Finding):
        return document
    conflict = conflict_start(document.text)
    if conflict is not None:
        return document.source.finding(conflict, "SH303", "unresolved merge conflict markers: resolve them first")
    doc_type, spec = document.meaning(project.config)
    return None if spec is None or doc_type is None or not (doc_type.date_fields or undated) else spec


def _loaded(project: Project, path: str, undated: bool) -> list[Spec | Finding | None]:
    return [load_dated(project, path, undated)]


def conflict_start(text: str) -> int | None:
    """Where a conflict begins, as git writes one: a `<<<<<<<` line, later a `=======` line, later a
    `>>>>>>>` line. A lone `=======` (a setext underline, a rule) is no conflict."""
    start = _marker_line(text, "<<<<<<<", 0)
    separator = _marker_line(text, "=======", start) if start is not None else None
    end = _marker_line(text, ">>>>>>>", separator) if separator is not None else None
    return start if end is not None else None


def _marker_line(text: str, marker: str, start: int) -> int | None:
    """The offset of the first line from `start` that is `marker` alone or followed by a space."""
    at = text.find(marker, start)
    while at >= 0:
        follows = text[at + len(marker) : at + len(marker) + 1]
        at_line_start = at == 0 or text[at - 1] in "\n\r"
        exact = follows in ("", "\n", "\r") or (follows == " " and marker != "=======")
        if at_line_start and exact:
            return at
        at = text.find(marker, at + 1)
    return None


@dataclass
class RepositoryState:
    """HEAD, the index and what the staged change renames (from the run's snapshot): enough to tell
    what a commit changes."""

    project: Project
    _history: History | None = None

    def head_blob(self, path: str) -> str | None:
        """HEAD's blob of what is staged at `path` (see `Snapshot.head_blob`: no read of HEAD's whole tree)."""
        return self.project.snapshot.head_blob(path)

    @cached_property
    def renamed_from(self) -> dict[str, str]:
        renames, _ = self.project.snapshot.staged_moves
        return {new: old for old, new in renames.items()}

    @property
    def unmerged(self) -> frozenset[str]:
        return self.project.snapshot.index.unmerged

    def same_but_dates(self, old: Document, new: Document) -> bool:
        config = self.project.config
        whitespace = config.ignore_whitespace
        return without_date_lines(old, config.types, whitespace) == without_date_lines(new, config.types, whitespace)

    def prefetch(self, blobs: set[str]) -> None:
        """Read these blobs now, in one batch, for the comparisons to come."""
        self.project.snapshot.read_objects(sorted(blobs))

    def _read(self, blob: str) -> bytes | None:
        return self.project.snapshot.kept_object(blob)

    def blobs_same_but_dates(self, old_blob: str, new_blob: str, path: str) -> bool:
        """Whether two versions of a file in history differ only in their header's date items (the
        answer is kept: it never changes)."""
        old_data, new_data = self._read(old_blob), self._read(new_blob)
        if old_data is None or new_data is None:
            return False  # not kept: a missing object says nothing about the pair
        verdict = False
        config = self.project.config
        if not differ_beyond_keys(old_data, new_data, config.ignore_whitespace, config.plain_keys):
            old, new = self._blob_document(old_blob, path, old_data), self._blob_document(new_blob, path, new_data)
            verdict = old is not None and new is not None and self.same_but_dates(old, new)
        self.verdicts.put(old_blob, new_blob, verdict)
        return verdict

    @cached_property
    def verdicts(self) -> VerdictCache:
        """Answers of `blobs_same_but_dates` from earlier runs (`.git/spec-hooks/changes`)."""
        config = self.project.config
        fields = sorted({name.lower() for doc_type in config.types for name in doc_type.date_fields})
        verdicts = VerdictCache(self.project.snapshot.cache_folder("spec-hooks/changes"),
                                f"fields {fields} whitespace {config.ignore_whitespace} headers {config.header_reading}")
        self.project.documents.remember(verdicts)  # saved with the documents, once, at the run's end
        return verdicts

    def _blob_document(self, blob: str, path: str, data: bytes | None = None) -> Document | None:
        data = self._read(blob) if data is None else data
        source = None if data is None else decode_source(path, data)
        return None if source is None or isinstance(source, Finding) else self.project.documents.of(source)

    def head_path(self, path: str) -> str:
        return self.renamed_from.get(path, path)

    def content_changes(self, documents: list[Spec]) -> dict[str, bool | None]:
        """For each document: None when HEAD does not have it, else whether the text this run checked
        differs from HEAD in more than the date lines. HEAD's sides are read in one batch."""
        result: dict[str, bool | None] = {}
        self.prefetch({blob for document in documents
                       if (blob := self.head_blob(document.path)) not in (None, document.source.blob)})
        for document in documents:
            head_blob = self.head_blob(document.path)
            if head_blob is None:
                result[document.path] = None
            elif document.source.blob == head_blob:
                result[document.path] = False
            else:
                head = self._blob_document(head_blob, document.path)
                result[document.path] = head is None or not self.same_but_dates(
                    head, self.project.documents.of(document.source))
        return result

    def start_history(self) -> None:
        """Start reading HEAD's history now, so git walks it while the documents are read."""
        snapshot = self.project.snapshot
        if self._history is not None or not snapshot.head:
            return
        pathspecs: tuple[str, ...] = ()
        remote = snapshot.promisor_remote()
        if remote is not None:  # a partial clone: bring its history's trees, then its Markdown blobs, in one request each
            pathspecs = (":(icase)*.md", ":(icase)*.markdown")
            fetch_missing_trees(snapshot.git, remote)
            fetch_missing_blobs(snapshot.git, remote, pathspecs)
        self._history = History(snapshot.git, pathspecs)

    def traces(self, documents: dict[str, str], need_created: bool) -> list[Trace]:
        """The history of each document (path -> blob in HEAD), from one `git log` stream."""
        snapshot = self.project.snapshot
        ignored = read_ignored_revisions(self.project.root, self.project.config.ignore_revs_file)
        self.start_history()
        history, self._history = self._history, None
        if history is None:
            return []
        if not documents:
            history.close()
            return []
        traces = trace_history(history.commits(), documents, self.blobs_same_but_dates, ignored, need_created,
                               snapshot.shallow_boundary, snapshot.tree, snapshot.arriving, self.verdicts.get)
        return traces


def _load_all(state: RepositoryState, paths: list[str], undated: bool = False) -> tuple[list[Spec], list[Finding]]:
    documents, findings = [], []
    store = state.project.documents
    if len(paths) > CACHE_FROM:
        store.open_cache()
        store.read_all(paths, (HEADER,))
    for path in paths:
        loaded_all = checked(path, partial(_loaded, state.project, path, undated))
        if path in state.unmerged and not any(isinstance(x, Finding) and x.code == "SH303" for x in loaded_all):
            # No conflict markers left in the file, but the index still holds the conflict.
            findings.append(Finding(path, 1, 1, "SH303", "the file has an unresolved merge conflict in the index"))
            continue
        for loaded in loaded_all:
            if isinstance(loaded, Spec):
                documents.append(loaded)
            elif isinstance(loaded, Finding):
                findings.append(loaded)
    return documents, findings


# The fixer -----------------------------------------------------------------------------------


def bump(state: RepositoryState, paths: list[str], day: date) -> tuple[list[Finding], list[FileFix]]:
    """Set Updated to today in documents whose staged content changed; fill a new document's dates.
    The findings of reading them, and the date rewrites as data (the session writes them)."""
    documents, findings = _load_all(state, paths)
    today = day.isoformat()
    changes = state.content_changes(documents)
    fixes = []
    for document in documents:
        changed = changes.get(document.path, False)
        new_values: dict[str, str] = {}
        created, updated = document.doc_type.created_field, document.doc_type.updated_field
        if changed is None and created and created in document.fields and _EMPTY_DATE.fullmatch(document.fields[created].value):
            new_values[created] = today
        if changed is not False and updated and updated in document.fields:
            new_values[updated] = today
        fixes.extend(_date_fix(document, new_values, []))
    return findings, fixes


def _date_fix(document: Spec, new_values: dict[str, str], resolves: list[Finding]) -> list[FileFix]:
    """The new date values as edits touching only their characters, checked by reading the dates back;
    a fix the file declines (its date item is in a form not rewritten); none when nothing changes."""
    plan = date_edits(document.source.text, document.fields, new_values, resolves)
    if isinstance(plan, str):
        return [FileFix(document.path, document.source.text, [], None, "", declined=plan)]
    edits, described = plan
    if not edits:
        return []
    return [FileFix(document.path, document.source.text, edits, lambda new: _dates_hold(new, document, new_values),
                    ", ".join(described))]


def date_edits(
    text: str, fields: dict[str, Field], new_values: dict[str, str], resolves: list[Finding]
) -> tuple[list[Edit], list[str]] | str:
    """The edits that set each named date field to its new value, with a description of each;
    or why the document cannot be fixed safely."""
    edits, described = [], []
    for name, value in sorted(new_values.items(), key=lambda item: fields[item[0]].value_offset):
        field_ = fields[name]
        if field_.value == value:
            continue
        if not field_.exact:
            return f"its {name} item is written in a form spec-hooks does not rewrite; set it to {value} by hand"
        start = field_.value_offset
        if field_.value:
            # `**Key:**{{YYYY-MM-DD}}` is strong emphasis but `**Key:**2026-…` is not (the closer would be
            # followed by a digit): a value right after the key's markup gets a space before it.
            glued = text[start - 1 : start] in ("*", "_")
            edit = Edit(start, start + len(field_.value), field_.value, " " * glued + value, tuple(resolves))
        else:  # an empty value: write it right after the key, keeping any hard-break blanks after it
            blank_start = start
            while blank_start > 0 and text[blank_start - 1] in " \t":
                blank_start -= 1
            blanks = text[blank_start:start]
            edit = Edit(blank_start, start, blanks, " " + value + blanks, tuple(resolves))
        edits.append(edit)
        described.append(f"{name} {field_.value or '(empty)'} -> {value}")
    return edits, described


def _dates_hold(new_text: str, document: Spec, new_values: dict[str, str]) -> str | None:
    """Re-read the fixed text: every date holds its new value and every other field is as it was."""
    header = extract_header(new_text, document.forms)
    fields = named_fields(header, document.doc_type.keys) if header else {}
    for name, old in document.fields.items():
        wanted = new_values.get(name, old.value)
        if name not in fields or fields[name].value != wanted:
            return f"{name} would read {fields[name].value if name in fields else '(missing)'!r}, not {wanted!r}"
    return None


# The verifier -------------------------------------------------------------------------------


def verify(
    state: RepositoryState, paths: list[str], today: date, fix: bool, header_problems: bool = True
) -> tuple[list[Finding], list[FileFix]]:
    """Every date against history; with `fix`, the dates history gives as rewrites (data: the session
    writes them). `header_problems`: also report the header's own date problems (SH108, SH109), which
    `spec-hooks check` leaves to its headers family."""
    config = state.project.config
    traced, findings = last_changes(state, paths, need_created=fix)
    fixes: list[FileFix] = []
    for document, trace in traced:
        problems = [document.at(offset, code, message)
                    for offset, code, message in date_problems(document.fields, document.doc_type, today)
                    if header_problems or fix]
        history_problems, new_values = judge_dates(document, trace, today, config.date_timezone)
        problems.extend(history_problems)
        if trace is not None and trace.changed is not None and not trace.unknown:
            problems.extend(idle_findings(document, commit_dates(trace.changed, config.date_timezone)[0], today))
        findings.extend(problems)
        if fix and new_values:
            fixes.extend(_date_fix(document, new_values, [p for p in problems if p.code in _BACKFILLED]))
    return findings, fixes


def last_changes(state: RepositoryState, paths: list[str], need_created: bool = False, undated: bool = False
                 ) -> tuple[list[tuple[Spec, Trace | None]], list[Finding]]:
    """Each dated spec (every spec, with `undated`) among `paths` with its history (None: the staged
    change edits its content), from one history walk; and the findings of reading them."""
    if len(paths) > CACHE_FROM:
        state.start_history()  # git walks the history while the documents are read
    documents, findings = _load_all(state, paths, undated)
    changes = state.content_changes(documents)
    in_history = {state.head_path(d.path): blob for d in documents
                  if changes.get(d.path) is False and (blob := state.head_blob(d.path)) is not None}
    by_head_path = {trace.document: trace for trace in state.traces(in_history, need_created)}
    return [(document, None if changes.get(document.path) is not False else by_head_path.get(state.head_path(document.path)))
            for document in documents], findings


def idle_findings(document: Spec, last_change: date, today: date) -> list[Finding]:
    """SH304 when the document has kept its status longer than its lifecycle's idle_days allow."""
    lifecycle = document.doc_type.lifecycle
    field = document.fields.get(lifecycle.field) if lifecycle is not None else None
    if lifecycle is None or field is None:
        return []
    limit = dict(lifecycle.idle_days).get(field.value)
    idle = (today - last_change).days
    if limit is None or idle <= limit:
        return []
    return [document.at(field.value_offset, "SH304", f"{field.value} for {idle} days (last content change "
                                                     f"{last_change}; idle_days allows {limit})", WARNING)]


_BACKFILLED = ("SH301", "SH108", "SH109")  # what writing the dates history gives settles


def judge_dates(document: Spec, trace: Trace | None, today: date, zone: str) -> tuple[list[Finding], dict[str, str]]:
    """Findings for the Updated date against history (None: the staged change edits the content today),
    and the values a backfill would write."""
    updated_name, created_name = document.doc_type.updated_field, document.doc_type.created_field
    updated = document.fields.get(updated_name) if updated_name else None
    if updated is None or updated_name is None:
        return [], {}
    current = field_date(updated)
    if trace is not None and (trace.unknown or trace.changed is None):
        return [document.at(updated.value_offset, "SH302",
                            f"cannot verify {updated_name}: its last change lies beyond this shallow clone's history",
                            WARNING)], {}
    if trace is None:
        low = today
        when = f"the staged change edits the content today ({today})"
        history_date = today
    else:
        assert trace.changed is not None
        author_day, committer_day = commit_dates(trace.changed, zone)
        low = min(author_day, committer_day)
        history_date = author_day
        when = f"content changed on {author_day} ({trace.changed.sha[:7]})"
    new_values: dict[str, str] = {}
    findings = []
    if current is not None and current < low:
        findings.append(document.at(updated.value_offset, "SH301", f"{updated_name} {current} but {when}"))
    elif not updated.value.strip() and trace is not None:  # a committed spec never dated (a staged one gets today)
        findings.append(document.at(updated.value_offset, "SH301", f"{updated_name} is empty but {when}"))
    if current is None or current < low or current > today:
        new_values[updated_name] = history_date.isoformat()
    created = document.fields.get(created_name) if created_name else None
    if created is not None and created_name is not None and trace is not None and trace.created is not None:
        created_day = commit_dates(trace.created, zone)[0]
        current_created = field_date(created)
        target_updated = date.fromisoformat(new_values[updated_name]) if updated_name in new_values else current
        if (current_created is None or current_created > created_day or current_created > today
                or (target_updated and current_created > target_updated)):
            new_values[created_name] = created_day.isoformat()
    return findings, new_values
