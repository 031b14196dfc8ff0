"""Rules about specs as members of a collection, run with the headers: the status lifecycle (a status
may change only as its document type allows, and some statuses require fields) and the relations
between specs (Replaces, Superseded by, Depends on: each names an existing spec, and reciprocal pairs
agree, with the missing side as a fix)."""
from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spec_hooks.catalogue import Catalogue, identifier, spec_of, spec_of_document, status
from spec_hooks.config import DEFAULT_FORMS
from spec_hooks.document import Document
from spec_hooks.documents import Spec, placeholder_of
from spec_hooks.escape import literal, yaml_scalar
from spec_hooks.findings import Finding
from spec_hooks.fix import Edit, FileFix
from spec_hooks.header import Field, extract_header
from spec_hooks.markdown import shown_text
from spec_hooks.paths import destination, resolve_link
from spec_hooks.source import decode_source
from spec_hooks.text import did_you_mean

if TYPE_CHECKING:
    from spec_hooks.run import Project


# The lifecycle -----------------------------------------------------------------------------------


def transition_finding(spec: Spec, old_status: str | None, since: str = "in HEAD") -> Finding | None:
    """SH113 when the status moved from `old_status` (HEAD's) to one its lifecycle does not allow."""
    lifecycle = spec.doc_type.lifecycle
    new_status = status(spec)
    if lifecycle is None or old_status is None or new_status is None or old_status == new_status:
        return None
    if lifecycle.allows(old_status, new_status) is not False:
        return None
    allowed = dict(lifecycle.transitions).get(old_status, ())
    field = spec.fields[lifecycle.field]
    return spec.at(field.value_offset, "SH113", f"{lifecycle.field} may not go from {old_status!r} ({since}) to "
                                                f"{new_status!r}: allowed from {old_status!r}: "
                                                f"{', '.join(allowed) or 'none (it is final)'}")


def required_findings(spec: Spec) -> list[Finding]:
    """SH114 for each field the spec's status requires that is missing or empty."""
    lifecycle = spec.doc_type.lifecycle
    current = status(spec)
    if lifecycle is None or current is None:
        return []
    at = spec.fields[lifecycle.field].value_offset
    return [spec.at(at, "SH114", f"a {current} {spec.doc_type.name} must have {name!r}")
            for name in lifecycle.required_fields(current) if not (spec.fields.get(name) and spec.fields[name].value)]


def head_statuses(project: Project, specs: Sequence[Spec], base: str | None = None) -> dict[str, str | None]:
    """Each spec's status in HEAD (under its name there, when the staged change renames it), or in the
    commit `base` names (a pull request's target, in CI)."""
    snapshot = project.snapshot
    if not snapshot.head and base is None:
        return {}
    judged = [spec for spec in specs if spec.doc_type.lifecycle is not None]
    if base is None:
        wanted = {spec.path: snapshot.head_blob(spec.path) for spec in judged}
    else:
        tree = snapshot.tree(base)
        wanted = {spec.path: tree.get(spec.path) for spec in judged}
    changed = {path: blob for path, blob in wanted.items() if blob is not None}
    by_path = {spec.path: spec for spec in specs}
    unchanged = {path for path, blob in changed.items() if blob == by_path[path].source.blob}
    data = snapshot.read_objects(sorted({blob for path, blob in changed.items() if path not in unchanged}))
    result: dict[str, str | None] = {}
    for path, blob in changed.items():
        if path in unchanged:
            result[path] = status(by_path[path])
            continue
        source = decode_source(path, data[blob]) if blob in data else None
        if source is None or isinstance(source, Finding):
            continue
        old = spec_of_document(project.config, project.documents.of(source))
        result[path] = status(old) if old is not None and old.doc_type == by_path[path].doc_type else None
    return result


def lifecycle_findings(project: Project, specs: Sequence[Spec], base: str | None = None) -> list[Finding]:
    """SH113 (against HEAD, or `base`) and SH114 for the checked specs."""
    findings = [finding for spec in specs for finding in required_findings(spec)]
    if project.in_git and any(spec.doc_type.lifecycle for spec in specs):
        before = head_statuses(project, specs, base)
        since = "in HEAD" if base is None else f"in {base}"
        findings.extend(finding for spec in specs if (finding := transition_finding(spec, before.get(spec.path), since)))
    return findings


def unstable_link(source: Spec | None, target: Spec | None, relations: Sequence[tuple[str, str | None]]) -> str | None:
    """Why a link from `source` to `target` leans on an unstable spec (SH213), or None."""
    if source is None or target is None or source.doc_type.lifecycle is None or target.doc_type.lifecycle is None:
        return None
    stable = source.doc_type.lifecycle.stable
    here, there = status(source), status(target)
    if here not in stable or there is None or there in target.doc_type.lifecycle.stable:
        return None
    message = f"this {here} {source.doc_type.name} links to {target.path!r}, which is {there}"
    successor = dict(relations).get("Replaces")
    replaced_by = target.fields.get(successor) if successor else None
    if successor is not None and replaced_by is not None and replaced_by.value:
        message += f": {successor.lower()} {replaced_by.value!r}"
    return message


# Relations ---------------------------------------------------------------------------------------


Fixes = dict[str, list[tuple[str, str, Finding]]]  # path -> (the key to add to, the value to add, what it resolves)


@dataclass(frozen=True)
class Relation:
    """One spec named by a relation field: `written` as the header has it, `target` when it names one."""

    source: Spec
    key: str
    written: str
    offset: int
    target: Spec | None


_NOTHING = frozenset({"", "-", "none", "n/a", "na", "—"})


def relations_of(spec: Spec, catalogue: Catalogue, keys: Sequence[str]) -> list[Relation]:
    """The relations the spec's header states: links in a relation field name their targets; otherwise
    the field holds Spec IDs separated by commas."""
    found: list[Relation] = []
    for key in keys:
        field = spec.fields.get(key)
        if field is None or field.value.strip().lower() in _NOTHING or placeholder_of(field.value, spec.source.text,
                                                                                          field.value_offset):
            continue
        links = _links_in(spec, field, catalogue)
        if links:
            found.extend(Relation(spec, key, written, offset, catalogue.get(path) if path else None)
                         for written, offset, path in links)
            continue
        at = 0
        for part in field.value.split(","):
            written = part.strip().strip("`")
            start = field.value.find(written, at) if written else -1
            at = max(at, start + len(written))
            if written and written.lower() not in _NOTHING:
                offset = field.value_offset + start if field.exact and start >= 0 else field.value_offset
                found.append(Relation(spec, key, written, offset, catalogue.find(written)))
    return found


def _links_in(spec: Spec, field: Field, catalogue: Catalogue) -> list[tuple[str, int, str | None]]:
    """(destination, offset, the repository path it resolves to) of the links in a header item."""
    text = spec.source.text
    end = text.find("\n", field.value_offset)
    end = len(text) if end < 0 else end
    if "[" not in text[field.key_offset : end] and "<a" not in text[field.key_offset : end]:
        return []

    document = catalogue.project.documents.read(spec.path)
    if not isinstance(document, Document):
        return []
    return [(link.target, link.offset, resolve_link(spec.path, link.target.strip()))
            for link in document.links if field.key_offset <= link.offset <= end and link.kind != "definition"]


def relation_findings(project: Project, specs: Sequence[Spec], catalogue: Catalogue, whole: bool,
                      fixes: Fixes) -> list[Finding]:
    """SH115 for relations that name nothing, SH116 for pairs that disagree (the fix for the missing
    side goes into `fixes`, by the path it edits)."""
    keys = [key for key, _ in project.config.relations]
    findings: list[Finding] = []
    checked = {spec.path for spec in specs}
    for spec in specs:
        for relation in relations_of(spec, catalogue, keys):
            if relation.target is None:
                findings.append(_unknown(relation, catalogue))
                continue
            answer = project.config.reciprocal(relation.key)
            if answer is None or relation.target.path == spec.path:
                continue
            if not _names(relation.target, answer, spec, catalogue, keys):
                findings.append(_one_sided(relation, answer, fixes))
    if not whole:
        findings.extend(_answers_missing(project, specs, catalogue, keys, checked, fixes))
    return findings


def _names(spec: Spec, key: str, other: Spec, catalogue: Catalogue, keys: Sequence[str]) -> bool:
    return any(relation.key == key and relation.target is not None and relation.target.path == other.path
               for relation in relations_of(spec, catalogue, [key] if key in keys else []))


def _unknown(relation: Relation, catalogue: Catalogue) -> Finding:
    known = [identifier(spec) for spec in catalogue.every if spec.doc_type.id_field]
    hint = did_you_mean(relation.written, known) if "/" in relation.written or relation.written in known else ""
    return relation.source.at(relation.offset, "SH115", f"{relation.key} {relation.written[:80]!r} names no spec{hint}")


def _one_sided(relation: Relation, answer: str, fixes: Fixes) -> Finding:
    target = relation.target
    assert target is not None
    name = reference_to(target, relation.source)
    finding = relation.source.at(relation.offset, "SH116", f"{relation.key} {relation.written!r}, but "
                                 f"{target.path!r} does not say {answer}: {name}")
    return _plan(target, answer, name, finding, fixes)


def _plan(target: Spec, key: str, value: str, finding: Finding, fixes: Fixes) -> Finding:
    """Plan the missing side; a finding the fixer cannot fix says so, and what to write by hand."""
    if add_to_field(target, key, value, (finding,)) is None:
        return replace(finding, fixable=False, message=f"{finding.message} (write it in {target.path!r} by hand: "
                                                       f"its header is written in a form spec-hooks does not rewrite)")
    fixes.setdefault(target.path, []).append((key, value, finding))
    return finding


def relation_names(specs: Sequence[Spec]) -> list[str]:
    """What another header would write to name one of `specs`: its ID or its file name."""
    return sorted({name for spec in specs for name in (identifier(spec), posixpath.basename(spec.path))
                   if name and len(name) <= _NAME_AT_MOST})


def _answers_missing(project: Project, specs: Sequence[Spec], catalogue: Catalogue, keys: Sequence[str],
                     checked: set[str], fixes: Fixes) -> list[Finding]:
    """SH116 on a checked spec that another, unchecked spec names in a relation it does not answer
    (the checked change removed its side, or it never had one)."""
    if not specs or not any(answer for _, answer in project.config.relations):
        return []
    # What another header would write to name a checked spec; an ID no header could hold is not searched
    # for (git grep refuses patterns of many kilobytes).
    names = relation_names(specs)
    # Only a line naming a relation and the spec can state it: the many files that merely link to a spec
    # (and would each have their header read) are not candidates.
    relation_keys = [name.lower() for pair in project.config.relations for name in pair if name]
    referrers = sorted({path for path, _, text in project.documents.lines_in_headers(names)
                        if path not in checked and any(key in text.lower() for key in relation_keys)})
    findings = []
    for path in referrers:
        other = catalogue.get(path)
        if other is None:
            continue
        for relation in relations_of(other, catalogue, keys):
            answer = project.config.reciprocal(relation.key)
            target = relation.target
            if answer is None or target is None or target.path not in checked or target.path == other.path:
                continue
            if _names(target, answer, other, catalogue, keys):
                continue
            name = reference_to(target, other)
            field = target.fields.get(answer)
            offset = field.value_offset if field is not None else target.header.offset
            finding = target.at(offset, "SH116", f"{other.path!r} says {relation.key}: {relation.written}, but this "
                                                 f"{target.doc_type.name} does not say {answer}: {name}")
            findings.append(_plan(target, answer, name, finding, fixes))
    return findings


_NAME_AT_MOST = 200


def reference_to(spec: Spec, other: Spec) -> str:
    """How `spec`'s header names `other`: its ID, or a relative link when it has none."""
    if other.doc_type.id_field and (value := identifier(other)):
        return value

    return f"[{literal(other.header.title)}]({destination(posixpath.relpath(other.path, posixpath.dirname(spec.path) or '.'))})"


def add_to_field(spec: Spec, key: str, value: str, resolves: tuple[Finding, ...]) -> Edit | None:
    """The edit that makes `spec`'s header name `value` under `key`: appended to the field when it has
    one, else a new item after the last, written like it. None when the header's text is not exactly
    known there."""
    from bisect import bisect_right

    text = spec.source.text
    field = spec.fields.get(key)
    if field is not None:
        if not field.exact:
            return None
        end = field.value_offset + len(field.value)
        current = field.value
        empty = current.strip().lower() in _NOTHING or placeholder_of(current, text, field.value_offset) is not None
        if not empty:
            return Edit(field.value_offset, end, current, f"{current}, {value}", resolves)
        # `**Replaces:**rest/a` is no longer strong emphasis: a blank must stand after the key's markup.
        blank = "" if text[field.value_offset - 1 : field.value_offset] in (" ", "\t") else " "
        return Edit(field.value_offset, end, current, blank + value, resolves)
    items = [item for item in spec.header.fields if item.key is not None]
    if not items or not items[-1].exact:
        return None
    last = items[-1]
    starts = spec.source.line_starts()  # LF, CRLF or a lone CR
    line = bisect_right(starts, last.key_offset) - 1
    line_start = starts[line]
    line_end = starts[line + 1] if line + 1 < len(starts) else len(text)  # the start of the next line
    if line_end <= last.value_offset:
        return None  # the value continues on another line
    item = _item_like(spec.header.form, text[line_start : last.key_offset], key, value)
    if item is None:
        return None
    current_line = text[line_start:line_end]
    ending = current_line[len(current_line.rstrip("\r\n")) :]
    trailing = current_line[len(current_line.rstrip(" \r\n")) : len(current_line) - len(ending)]
    if spec.header.form == "front-matter":
        trailing = ""  # blanks after a YAML value are nothing; a Markdown item's two are a line break
    if ending:
        return Edit(line_end, line_end, "", f"{item}{trailing}{ending}", resolves)
    newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text else "\n"  # the last line has none: add the file's
    return Edit(line_end, line_end, "", f"{newline}{item}{trailing}", resolves)


def _item_like(form: str, before_key: str, key: str, value: str) -> str | None:
    """A new header item in the form of the last one, whose line reads `before_key` up to its key
    (`- **`, `* `, a paragraph line's `**`, nothing in front matter). None when that is no item's start."""
    if form == "front-matter":
        return None if before_key.strip() else f"{before_key}{yaml_scalar(key)}: {yaml_scalar(value)}"
    if before_key.endswith(("**", "__")):
        marker = before_key[:-2]
        if form != "paragraph" and not marker.strip():
            return None  # a bold key's item needs its bullet
        return f"{marker}**{key}:** {value}"
    if form == "bold-list" or (form == "list" and not before_key.strip()) or (form == "paragraph" and before_key.strip()):
        return None
    return f"{before_key}{key}: {value}"


def relation_fixes(project: Project, fixes: Fixes) -> list[FileFix]:
    """The missing sides as each file's edits, checked by reading the header back (the session writes them)."""
    files = []
    for path, planned in sorted(fixes.items()):
        spec = spec_of(project, path)
        if spec is None:
            continue
        by_key: dict[str, dict[str, list[Finding]]] = {}  # two specs superseded by one: one item, both values
        for key, value, finding in planned:
            by_key.setdefault(key, {}).setdefault(value, []).append(finding)
        edits = [add_to_field(spec, key, ", ".join(values), tuple(f for found in values.values() for f in found))
                 for key, values in by_key.items()]
        wanted = [(key, value) for key, values in by_key.items() for value in values]
        files.append(FileFix(path, spec.source.text, [edit for edit in edits if edit is not None], relations_hold(wanted, spec.forms),
                             f"added {len(wanted)} relation{'s' * (len(wanted) != 1)}"))
    return files


def relations_hold(wanted: Sequence[tuple[str, str]], forms: frozenset[str] = DEFAULT_FORMS) -> Callable[[str], str | None]:
    """A check of a fixed text: its header still parses, and each (key, value) added reads back in it."""
    def verify(new_text: str) -> str | None:
        header = extract_header(new_text, forms)
        if header is None:
            return "the header would no longer be read"
        for key, value in wanted:
            field = header.get(key)
            if field is None or shown_text(value) not in field.value:
                return f"{key}: {value!r} would not read back in the header"
        return None

    return verify
