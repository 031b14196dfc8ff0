"""Reporters: one class per output format, chosen by `--format`."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from spec_hooks.findings import ERROR, Finding

FORMATS = ("text", "json", "github", "sarif")


class TextReporter:
    """flake8's `path:line:col: CODE message`."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        for finding in findings:
            out.write(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n")


class JsonReporter:
    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        records = [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "code": finding.code,
                "severity": finding.severity,
                "message": finding.message,
            }
            for finding in findings
        ]
        json.dump({"findings": records}, out, indent=2, ensure_ascii=False)
        out.write("\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """GitHub Actions workflow commands, which the runner turns into annotations."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        for finding in findings:
            properties = ",".join(
                f"{name}={escape_property(str(value))}"
                for name, value in (
                    ("file", finding.path),
                    ("line", finding.line),
                    ("col", finding.column),
                    ("title", finding.code),
                )
            )
            out.write(f"::{finding.severity} {properties}::{escape_data(finding.message)}\n")


class SarifReporter:
    """SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`)."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        from urllib.parse import quote

        from spec_hooks import PROJECT_URL, __version__
        from spec_hooks.rules import RULES

        rules = [
            {
                "id": code,
                "name": RULES[code].name,
                "shortDescription": {"text": RULES[code].summary},
                "fullDescription": {"text": f"{RULES[code].summary} {RULES[code].help}"},
                "help": {"text": RULES[code].help},
                "defaultConfiguration": {"level": RULES[code].severity},
            }
            for code in sorted(RULES)
        ]
        index = {rule["id"]: position for position, rule in enumerate(rules)}
        results = [
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": finding.severity,
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            # A URI reference: `specs/my file.md` must be `specs/my%20file.md`.
                            "artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": finding.line, "startColumn": finding.column},
                        }
                    }
                ],
            }
            for finding in findings
        ]
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "spec-hooks",
                            "version": __version__,
                            "informationUri": PROJECT_URL,
                            "rules": rules,
                        }
                    },
                    "results": results,
                }
            ],
        }
        json.dump(log, out, indent=2, ensure_ascii=False)
        out.write("\n")


Reporter = TextReporter | JsonReporter | GithubReporter | SarifReporter
REPORTERS: dict[str, type[Reporter]] = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter, "sarif": SarifReporter}


def reporters_for(format_name: str | None) -> list[Reporter]:
    """The requested format; with none given, text, plus annotations when running in GitHub Actions."""
    if format_name is not None:
        return [REPORTERS[format_name]()]
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return [TextReporter(), GithubReporter()]
    return [TextReporter()]


def append_step_summary(findings: Sequence[Finding]) -> None:
    """Under GitHub Actions, a table of findings per file and rule on the run's summary page."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary or not findings:
        return
    counts = Counter((finding.path, finding.code) for finding in findings)
    rows = [f"| `{path}` | {code} | {count} |" for (path, code), count in sorted(counts.items())]
    table = "\n".join(["### spec-hooks findings", "", "| File | Rule | Findings |", "| --- | --- | --- |", *rows, ""])
    try:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(table + "\n")
    except OSError as exc:
        print(f"spec-hooks: warning: cannot write the job summary: {exc.strerror}", file=sys.stderr)


def exit_status(findings: Sequence[Finding]) -> int:
    return 1 if any(finding.severity == ERROR for finding in findings) else 0
