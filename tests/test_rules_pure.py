"""The rules as pure functions of a document's text, the configuration and today: tables of small inputs,
no git, no files (issue 25: checks are pure, and tested without a repository)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from spec_hooks.checks.dates import idle_findings
from spec_hooks.checks.headers import check_document
from spec_hooks.checks.lifecycle import required_findings, transition_finding
from spec_hooks.config import BUILTIN_TYPES, Config, Lifecycle
from spec_hooks.document import Document
from spec_hooks.documents import Spec
from spec_hooks.source import Source
from spec_hooks.validation import load_validator

from conftest import spec

TODAY = date(2025, 6, 1)
LIFECYCLE = Lifecycle(transitions=(("Draft", ("In Review",)), ("In Review", ("Final", "Draft")), ("Final", ())),
                      required=(("Final", ("Version",)),), idle_days=(("Draft", 30),))
CONFIG = Config(types=(replace(BUILTIN_TYPES[0], lifecycle=LIFECYCLE), *BUILTIN_TYPES[1:]))


def _spec(text: str, path: str = "specs/rest/webhooks-v2.md") -> Spec:
    _, found = Document(Source(path, text)).meaning(CONFIG)
    assert found is not None, text
    return found


def _codes(text: str, path: str = "specs/rest/webhooks-v2.md") -> list[str]:
    document = _spec(text, path)
    findings, _ = check_document(document, load_validator(document.doc_type.schema, Path.cwd()), TODAY)
    return sorted(finding.code for finding in findings)


VALID = spec()
HEADER_CASES = [
    ("valid", VALID, []),
    ("status not in the schema's list", VALID.replace("Draft", "Bogus"), ["SH106"]),
    ("Created after Updated", spec(created="2025-04-01", updated="2025-03-04"), ["SH108"]),
    ("Updated after today", spec(updated="2025-07-01"), ["SH109"]),
    ("a date that is no date", spec(updated="2025-02-30"), ["SH106"]),
    ("ID that does not match the path", spec(spec_id="rest/other"), ["SH111"]),
    ("a required field missing", VALID.replace("- **Status:** Draft\n", ""), ["SH105"]),
    ("a key twice", VALID.replace("- **Version:** 1.0\n", "- **Version:** 1.0\n- **Version:** 2.0\n"), ["SH102"]),
    ("a misspelt key", VALID.replace("**Version:**", "**Verison:**"), ["SH103"]),
    ("a placeholder left", spec(updated="{{YYYY-MM-DD}}"), ["SH107"]),
    ("the template's choices left", VALID.replace("Draft", "{Draft, Final}"), ["SH107"]),
    ("an item that is no key (so Version is missing)", VALID.replace("- **Version:** 1.0\n", "- Version 1.0\n"),
     ["SH101", "SH105"]),
]


@pytest.mark.parametrize(("text", "codes"), [case[1:] for case in HEADER_CASES], ids=[case[0] for case in HEADER_CASES])
def test_header_rules(text: str, codes: list[str]) -> None:
    assert _codes(text) == codes


TRANSITIONS = [
    ("Draft", "In Review", None),
    ("Draft", "Draft", None),
    ("Draft", "Final", "SH113"),
    ("Final", "Draft", "SH113"),
    (None, "Final", None),  # a new document: no transition
    ("Retired", "Final", None),  # a status the lifecycle does not know: nothing to judge
]


@pytest.mark.parametrize(("old", "new", "code"), TRANSITIONS)
def test_status_transitions(old: str | None, new: str, code: str | None) -> None:
    finding = transition_finding(_spec(VALID.replace("Draft", new)), old)
    assert (finding.code if finding else None) == code


@pytest.mark.parametrize(("status", "version", "codes"), [
    ("Final", "", ["SH114"]),
    ("Final", "1.0", []),
    ("Draft", "", []),
])
def test_fields_a_status_requires(status: str, version: str, codes: list[str]) -> None:
    text = VALID.replace("Draft", status).replace("- **Version:** 1.0", f"- **Version:** {version}")
    assert [finding.code for finding in required_findings(_spec(text))] == codes


@pytest.mark.parametrize(("status", "last_change", "codes"), [
    ("Draft", date(2025, 5, 2), []),  # 30 days: allowed
    ("Draft", date(2025, 5, 1), ["SH304"]),  # 31 days
    ("Final", date(2020, 1, 1), []),  # no limit for Final
])
def test_idle_days(status: str, last_change: date, codes: list[str]) -> None:
    found = idle_findings(_spec(VALID.replace("Draft", status)), last_change, TODAY)
    assert [finding.code for finding in found] == codes
