"""The `check-spec-headers` hook: every spec's header validated against its document type's schema."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from spec_hooks.checks.lifecycle import lifecycle_findings, relation_findings, relation_names
from spec_hooks.config import HEADER_FORMS, LENIENT, DocType
from spec_hooks.document import CACHE_FROM, HEADER
from spec_hooks.documents import (
    Spec,
    date_problems,
    near_miss,
    normalize_key,
    placeholder_of,
)
from spec_hooks.findings import WARNING, Finding, checked
from spec_hooks.header import PLAIN_KEY, other_form
from spec_hooks.source import Source
from spec_hooks.text import shorten
from spec_hooks.validation import load_validator

if TYPE_CHECKING:
    from spec_hooks.checks.lifecycle import Fixes
    from spec_hooks.run import Project

_ERROR_ORDER = ("enum", "const", "format", "pattern", "minLength", "maxLength", "type")


def check_paths(project: Project, paths: list[str], whole_repository: bool, today: date, fixes: Fixes | None = None,
                base: str | None = None) -> list[Finding]:
    """Each file's header; then, across files, duplicate IDs, the lifecycle and relations (whose fixes,
    the missing sides, go into `fixes`)."""
    config = project.config
    validators: dict[str, Callable[[Any], list[Any]]] = {}
    findings: list[Finding] = []
    documents: list[Spec] = []
    specs: list[Spec] = []
    store = project.documents
    if len(paths) > CACHE_FROM:
        store.open_cache()
        store.read_all(paths, (HEADER,))
    for path in paths:
        findings.extend(checked(path, partial(_check_path, project, path, validators, today, documents, specs)))
    if config.enabled("SH110"):
        findings.extend(_duplicate_ids(project, documents, _id_lines(project, documents, specs, whole_repository)))
    findings.extend(_collection_findings(project, specs, whole_repository, {} if fixes is None else fixes, base))
    return findings


def _collection_findings(project: Project, specs: list[Spec], whole: bool, fixes: Fixes,
                         base: str | None) -> list[Finding]:
    """The lifecycle (SH113, SH114) and relations (SH115, SH116) of the checked specs."""
    config = project.config
    findings = lifecycle_findings(project, specs, base)
    if project.in_git and config.relations and any(config.enabled(code) for code in ("SH115", "SH116")):
        catalogue = project.catalogue
        for spec in specs:
            catalogue.adopt(spec)
        findings.extend(relation_findings(project, specs, catalogue, whole, fixes))
    return findings


def _check_path(
    project: Project, path: str, validators: dict[str, Callable[[Any], list[Any]]], today: date,
    documents: list[Spec], specs: list[Spec],
) -> list[Finding]:
    document = project.documents.read(path)
    if isinstance(document, Finding):
        return [document]
    doc_type, spec = document.meaning(project.config)
    if doc_type is None:
        return []
    if spec is None:
        return [_no_header(document.source, doc_type, document.forms)]
    if doc_type.schema not in validators:
        validators[doc_type.schema] = load_validator(doc_type.schema, project.root)
    findings, invalid_fields = check_document(spec, validators[doc_type.schema], today)
    specs.append(spec)
    if doc_type.id_field not in invalid_fields:
        documents.append(spec)  # a placeholder or malformed ID is reported once, not as a duplicate
    return findings


FORM_SHAPES = {"bold-list": "a list of `- **Key:** value` items", "list": "a list of `* Key: value` items",
               "paragraph": "a paragraph of `**Key:** value` lines", "front-matter": "YAML front matter"}


def _no_header(source: Source, doc_type: DocType, forms: frozenset[str]) -> Finding:
    """SH104, naming the form the type reads and, when the file holds a header in another, that form and
    the setting that reads it."""
    expected = " or ".join(FORM_SHAPES[form] for form in HEADER_FORMS if form in forms)
    where = "first in the file or right after its title" if LENIENT not in forms else "under the H1 title"
    message = (f"no header: files matching {', '.join(doc_type.paths)} must start with the {doc_type.name} "
               f"header, {expected} {where}")
    found = other_form(source.text, forms)
    if found is None:
        return source.finding(0, "SH104", message + " (not a spec? add it to exclude)")
    form, offset = found
    line = source.position(offset)[0]
    return source.finding(0, "SH104", f"{message}; found {FORM_SHAPES[form]} on line {line}: to read it, set "
                                      f"types.{doc_type.name}.header: {form}")


def check_document(
    document: Spec, validate: Callable[[Any], list[Any]], today: date
) -> tuple[list[Finding], frozenset[str]]:
    """The document's findings, and the fields whose values are placeholders or invalid."""
    header, doc_type = document.header, document.doc_type
    findings = _item_findings(document)
    text = document.source.text
    if placeholder := placeholder_of(header.title, text, header.title_offset):
        findings.append(document.at(header.title_offset, "SH107", f"title is still the template placeholder {placeholder!r}"))
    instance = {name: field.value for name, field in document.fields.items()}
    placeholders = set()
    for name, field in document.fields.items():
        if placeholder := placeholder_of(field.value, text, field.value_offset):
            placeholders.add(name)
            findings.append(document.at(
                field.value_offset, "SH107", f"{name} is still the template placeholder {placeholder!r}"
            ))
        elif _lists_choices(field.value):
            placeholders.add(name)
            findings.append(document.at(field.value_offset, "SH107",
                                        f"{name} is still the template's list of choices {field.value!r}: pick one"))
    errors = validate(instance)
    invalid = frozenset(placeholders | {str(error.path[0]) for error in errors if error.path})
    findings.extend(_schema_findings(document, errors, placeholders))
    # A date that is no date: said once, by the schema or a placeholder finding when either says it.
    reported = {document.fields[name].value_offset for name in invalid if name in document.fields}
    findings.extend(document.at(offset, code, message) for offset, code, message
                    in date_problems(document.fields, doc_type, today) if code != "SH106" or offset not in reported)
    id_field = document.fields.get(doc_type.id_field) if doc_type.id_field else None
    if id_field and id_field.value and doc_type.id_field not in invalid:
        findings.extend(_id_path_findings(document, id_field.value, id_field.value_offset))
    return findings, invalid


# What an item of each header form looks like, as the findings name it.
ITEM_SHAPES = {"bold-list": "`**Key:** value`", "list": "`Key: value`", "paragraph": "a `**Key:** value` line",
               "front-matter": "a `key: value` of the front matter"}


def _item_findings(document: Spec) -> list[Finding]:
    findings = []
    seen: dict[str, int] = {}
    known = document.doc_type.keys
    for field in document.header.fields:
        if field.key is None:
            shown = field.value if len(field.value) <= 60 else field.value[:57] + "..."
            hint = (f" (a plain `Key: value` item: set types.{document.doc_type.name}.header: list to read such items)"
                    if document.header.form == "bold-list" and PLAIN_KEY.match(field.value) else "")
            findings.append(document.at(field.key_offset, "SH101", f"header item is not {ITEM_SHAPES[document.header.form]}: "
                                                                   f"{shown!r}{hint}"))
            continue
        normal = normalize_key(field.key)
        if normal in seen:
            first_line = document.source.position(seen[normal])[0]
            findings.append(document.at(field.key_offset, "SH102", f"duplicate key {field.key!r} (first on line {first_line})"))
            continue
        seen[normal] = field.key_offset
        if suggestion := near_miss(field.key, known):
            findings.append(document.at(
                field.key_offset, "SH103", f"unknown key {field.key!r}: did you mean {suggestion!r}?", WARNING
            ))
    return findings


def _schema_findings(document: Spec, errors: list[Any], placeholders: set[str]) -> list[Finding]:
    header = document.header
    by_field: dict[str, list[Any]] = {}
    findings = []
    for error in errors:
        if error.path:
            by_field.setdefault(str(error.path[0]), []).append(error)
        elif error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    findings.append(document.at(header.offset, "SH105", f"missing required field {name!r}"))
        elif error.validator in ("additionalProperties", "unevaluatedProperties"):
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed and (field := document.fields.get(name)):
                    findings.append(document.at(field.key_offset, "SH112", f"field {name!r} is not allowed by the {document.doc_type.name} schema"))
        else:
            findings.append(document.at(header.offset, "SH106", _whole_header_error(document, error)))
    for name, field_errors in by_field.items():
        field = document.fields.get(name)
        if name in placeholders or field is None:
            continue
        error = min(field_errors, key=lambda e: _ERROR_ORDER.index(e.validator) if e.validator in _ERROR_ORDER else 99)
        code = "SH107" if _lists_alternatives(error, field.value) else "SH106"
        findings.append(document.at(field.value_offset, code, describe_error(name, field.value, error)))
    return findings


def _whole_header_error(document: Spec, error: Any) -> str:
    """An error about the header as a whole (`anyOf`, `oneOf`, `not`, `dependentRequired`...), said without
    quoting the header (jsonschema's message holds all of it), with the closest alternative's reason."""
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    said = f"header does not satisfy the {document.doc_type.name} schema's {error.validator}"
    if description:
        said += f" ({shorten(str(description), 100)})"
    if not error.context:
        return said if error.validator not in ("required", "dependentRequired") else f"{said}: {shorten(error.message, 100)}"
    from jsonschema.exceptions import best_match

    closest = best_match(error.context)
    if closest.path:
        name = str(closest.path[0])
        field = document.fields.get(name)
        return f"{said}: closest: {describe_error(name, field.value if field else '', closest)}"
    if closest.validator == "required":
        missing = [name for name in closest.validator_value if name not in closest.instance]
        return f"{said}: closest: missing required field {', '.join(map(repr, missing))}"
    return f"{said}: closest: {closest.validator} {shorten(repr(closest.validator_value), 100)}"


def _lists_choices(value: str) -> bool:
    r"""`{Draft, In Review, Final}`: a template's choices left as they were (a value is never a set of
    words). Tested by scanning, not by a regex: `\{[^{}]*[,|][^{}]*\}` backtracks quadratically on a long
    `{,,,,` that never closes."""
    inside = value.strip()
    if len(inside) < 2 or inside[0] != "{" or inside[-1] != "}":
        return False
    inside = inside[1:-1]
    return ("," in inside or "|" in inside) and not any(character in inside for character in "{}\n")


def _lists_alternatives(error: Any, value: str) -> bool:
    """`Draft | Final | Deprecated`: the template's list of choices, not a choice."""
    if error.validator != "enum":
        return False
    parts = [part.strip() for part in re.split(r"[|/,]", value)]
    return len(parts) >= 2 and all(part in error.validator_value for part in parts)


def describe_error(name: str, value: str, error: Any) -> str:
    """A validation error as a person would say it."""
    kind, expected = error.validator, error.validator_value
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if _lists_alternatives(error, value):
        return f"{name} is still the template's list of choices {value!r}: pick one"
    if kind == "enum":
        return f"{name} {value!r} is not one of {', '.join(map(str, expected))}"
    if kind == "const":
        return f"{name} {value!r} is not {expected!r}"
    if kind == "minLength" and not value:
        return f"{name} is empty"
    if kind == "format" and expected == "date":
        return f"{name} {value!r} is not a real date (YYYY-MM-DD)"
    if kind in ("format", "pattern") and description:
        return f"{name} {value!r} is not {description}"
    if kind == "format":
        return f"{name} {value!r} is not a valid {expected}"
    if kind == "pattern":
        return f"{name} {value!r} does not match {expected}"
    return f"{name} {value!r}: {error.message}"


def _id_path_findings(document: Spec, spec_id: str, offset: int) -> list[Finding]:
    path, doc_type = document.source.path, document.doc_type
    name = doc_type.id_field
    if doc_type.id_pattern is not None:
        expected_id = doc_type.id_of_path(path)
        if expected_id is None:
            return [document.at(offset, "SH111", f"the file's path {path!r} does not match the {doc_type.name} "
                                                 f"type's id_pattern {doc_type.id_pattern!r}: move the file")]
        if expected_id == spec_id:
            return []
        expected = expected_id
    else:
        stem = re.sub(r"\.(md|markdown)$", "", path, flags=re.IGNORECASE)
        if stem == spec_id or stem.endswith("/" + spec_id):
            return []
        expected = "/".join(stem.split("/")[-(spec_id.count("/") + 1):])
    return [document.at(offset, "SH111", f"{name} {spec_id!r} does not match the file's path {path!r}: "
                                         f"expected {name} {expected!r}, or move the file")]


def _duplicate_ids(project: Project, documents: list[Spec], other_lines: list[tuple[str, int, str]]) -> list[Finding]:
    """Spec IDs used twice. Other files are found by `git grep` and confirmed by reading their header."""
    owners: dict[tuple[str, str], list[str]] = {}
    checked_paths = {document.source.path for document in documents}
    for document in documents:
        if document.doc_type.id_field and (field := document.fields.get(document.doc_type.id_field)) and field.value:
            owners.setdefault((document.doc_type.id_field, field.value), []).append(document.source.path)
    for path, _, text in other_lines:
        if path in checked_paths:
            continue
        for key in owners:  # a line naming a key and holding a value is confirmed by reading that file's header
            if key[0] in text and key[1] in text and not project.config.excluded(path) and _header_has(project, path, *key):
                owners[key].append(path)
    findings = []
    for document in documents:
        name = document.doc_type.id_field
        field = document.fields.get(name) if name else None
        if not field or not name:
            continue
        others = [path for path in owners.get((name, field.value), []) if path != document.source.path]
        if others:
            listed = ", ".join(sorted(others))
            findings.append(document.at(field.value_offset, "SH110", f"{name} {field.value!r} is also used by {listed}"))
    return findings


def _id_lines(project: Project, documents: list[Spec], specs: list[Spec], whole: bool) -> list[tuple[str, int, str]]:
    """The lines of other files that name one of the checked IDs under an ID key: a partial run asks git
    for those lines only (a whole-repository run reads every header anyway). An ID no header could
    hold is not searched for (git grep refuses patterns of many kilobytes)."""
    if whole or not project.in_git:
        return []
    keys = {document.doc_type.id_field for document in documents if document.doc_type.id_field}
    ids = sorted({field.value for document in documents if document.doc_type.id_field
                  and (field := document.fields.get(document.doc_type.id_field)) and 0 < len(field.value) <= 200})
    # The relation names too: when the kept header lines are too few and git grep answers, lifecycle's
    # question (a part of this one) is answered from this search.
    found = project.documents.lines_in_headers([*ids, *relation_names(specs)])
    return [line for line in found if any(value in line[2] for value in ids) and any(key in line[2] for key in keys)]


def _header_has(project: Project, path: str, key: str, value: str) -> bool:
    document = project.documents.read(path)
    header = None if isinstance(document, Finding) else document.header
    field = header.get(key) if header else None
    return field is not None and field.value == value
