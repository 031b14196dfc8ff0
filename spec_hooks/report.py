"""Reporters: one class per output format, chosen by `--format`, and the text summary."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from spec_hooks import PROJECT_URL, __version__
from spec_hooks.findings import ERROR, IN_ORDER, WARNING, Finding
from spec_hooks.rules import RULES

FORMATS = ("text", "json", "github", "sarif", "junit", "gitlab")
JSON_VERSION = 1
JSON_SCHEMA_URL = "https://raw.githubusercontent.com/spec-hooks/spec-hooks/main/schemas/findings.schema.json"
ANNOTATIONS_PER_KIND = 10  # GitHub shows about 10 error and 10 warning annotations per step


@dataclass(frozen=True)
class Output:
    """How a run reports: the format, colour, and how much besides the findings it says."""

    format: str | None = None
    color: bool = False
    quiet: bool = False
    sarif_file: str | None = None
    fixing: bool = False  # the command ran its fixer: what is left was not fixable
    verbose: bool = False  # list what was left out by default


def use_color(choice: str, stream: TextIO, environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """`--color auto` colours a terminal unless NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


_BOLD, _RED, _YELLOW, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


class TextReporter:
    """flake8's `path:line:col: CODE message`."""

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        for finding in findings:
            if self.color:
                hue = _RED if finding.severity == ERROR else _YELLOW
                out.write(f"{_BOLD}{finding.path}{_RESET}:{finding.line}:{finding.column}: "
                          f"{_BOLD}{hue}{finding.code}{_RESET} {finding.message}\n")
            else:
                out.write(plain_line(finding))


def plain_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"


def _rule_url(code: str) -> str:
    return RULES[code].url


class JsonReporter:
    """A versioned document; its JSON Schema is schemas/findings.schema.json."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        records = [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "code": finding.code,
                "severity": finding.severity,
                "message": finding.message,
                "url": _rule_url(finding.code),
            }
            for finding in findings
        ]
        counts = Counter(finding.severity for finding in findings)
        document = {
            "$schema": JSON_SCHEMA_URL,
            "version": JSON_VERSION,
            "tool": {"name": "spec-hooks", "version": __version__},
            "findings": records,
            "summary": {"errors": counts[ERROR], "warnings": counts[WARNING],
                        "files": len({finding.path for finding in findings})},
        }
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """GitHub Actions workflow commands, which the runner turns into annotations. GitHub shows only
    about 10 of each kind per step: the rest are written as plain lines in the log (unless a text
    reporter beside this one lists every finding) and counted in one notice; the job summary has all."""

    def __init__(self, listed_elsewhere: bool = False) -> None:
        self.listed_elsewhere = listed_elsewhere

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        shown: Counter[str] = Counter()
        for finding in findings:
            shown[finding.severity] += 1
            if shown[finding.severity] > ANNOTATIONS_PER_KIND:
                if not self.listed_elsewhere:
                    out.write(plain_line(finding))
                continue
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
        hidden = {kind: count - ANNOTATIONS_PER_KIND for kind, count in shown.items() if count > ANNOTATIONS_PER_KIND}
        if hidden:
            said = " and ".join(f"{count} more {kind}{'s' * (count != 1)}" for kind, count in sorted(hidden.items()))
            where = "listed in the log" if self.listed_elsewhere else "listed above"
            out.write(f"::notice title=spec-hooks::{said} not annotated (GitHub shows "
                      f"{ANNOTATIONS_PER_KIND} of each kind per step): {where} and in the job summary\n")


def _rule_name(code: str) -> str:
    return RULES[code].name


class SarifReporter:
    """SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`)."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        json.dump(sarif_log(findings), out, indent=2, ensure_ascii=False)
        out.write("\n")


def sarif_log(findings: Sequence[Finding]) -> dict[str, object]:
    from urllib.parse import quote

    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": f"{RULES[code].summary} {RULES[code].why}"},
            "help": {"text": RULES[code].help},
            "helpUri": RULES[code].url,
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
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "spec-hooks", "version": __version__, "informationUri": PROJECT_URL,
                                    "rules": rules}},
                "results": results,
            }
        ],
    }


class JunitReporter:
    """JUnit XML, as CI servers read test reports: one test suite per file with findings, one failing
    test case per finding; a run without findings is one passing test case."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        from xml.etree import ElementTree

        errors = sum(finding.severity == ERROR for finding in findings)
        root = ElementTree.Element("testsuites", name="spec-hooks", tests=str(max(1, len(findings))),
                                   failures=str(errors), errors="0")
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
        if not by_path:
            suite = ElementTree.SubElement(root, "testsuite", name="spec-hooks", tests="1", failures="0", errors="0",
                                           skipped="0")
            ElementTree.SubElement(suite, "testcase", name="no problems", classname="spec-hooks")
        for path, found in by_path.items():
            failures = sum(finding.severity == ERROR for finding in found)
            suite = ElementTree.SubElement(root, "testsuite", name=path, tests=str(len(found)),
                                           failures=str(failures), errors="0", skipped="0")
            for finding in found:
                case = ElementTree.SubElement(suite, "testcase", name=f"{finding.code} {path}:{finding.line}:"
                                              f"{finding.column}", classname=f"spec-hooks.{finding.code}",
                                              file=path, line=str(finding.line))
                # A warning does not fail the run, so it is a passing case that says what it found.
                kind = "failure" if finding.severity == ERROR else "system-out"
                element = ElementTree.SubElement(case, kind)
                if kind == "failure":
                    element.set("message", finding.message)
                    element.set("type", finding.code)
                element.text = f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
        ElementTree.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ElementTree.tostring(root, encoding="unicode"))
        out.write("\n")


class GitlabReporter:
    """GitLab Code Quality: a JSON array of issues with description, check_name, fingerprint, severity
    and location (path, lines.begin)."""

    def write(self, findings: Sequence[Finding], out: TextIO) -> None:
        import hashlib

        issues = []
        seen: Counter[str] = Counter()
        for finding in findings:
            # Stable across runs while the problem stays, even when lines move: path, rule and message.
            key = f"{finding.path}\0{finding.code}\0{finding.message}"
            seen[key] += 1
            fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogateescape")).hexdigest()
            issues.append({
                "description": f"{finding.code} {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint,
                "severity": "major" if finding.severity == ERROR else "minor",
                "location": {"path": finding.path, "lines": {"begin": finding.line}},
            })
        json.dump(issues, out, indent=2, ensure_ascii=False)
        out.write("\n")


Reporter = TextReporter | JsonReporter | GithubReporter | SarifReporter | JunitReporter | GitlabReporter
MACHINE_FORMATS = ("json", "sarif", "junit", "gitlab")


def reporters_for(output: Output) -> list[Reporter]:
    """The requested format; with none given, text, plus annotations when running in GitHub Actions."""
    machine: dict[str, type[Reporter]] = {"json": JsonReporter, "sarif": SarifReporter, "junit": JunitReporter,
                                          "gitlab": GitlabReporter, "github": GithubReporter}
    if output.format in machine:
        return [machine[output.format]()]
    if output.format is None and os.environ.get("GITHUB_ACTIONS") == "true":
        return [TextReporter(output.color), GithubReporter(listed_elsewhere=True)]
    return [TextReporter(output.color)]


def _count(count: int, kind: str) -> str:
    return f"{count} {kind}{'' if count == 1 else 's'}"


def summary(findings: Sequence[Finding], checked: int, output: Output, environ: dict[str, str] | None = None,
            left_out: dict[str, list[str]] | None = None) -> str:
    """`Found 2 errors and 1 warning in 2 files (1 fixable with ...)`, or `Checked 9 files: no problems`;
    then what the run left out by default, counted (`2 templates: only their links checked`)."""
    skipped = _left_out(left_out or {}, output)
    if not findings:
        left = " left" if output.fixing else ""  # the fixer's lines follow: what it fixed is no longer a problem
        return f"Checked {_count(checked, 'file')}: no problems{left}.{skipped}" if checked or skipped else ""
    counts = Counter(finding.severity for finding in findings)
    said = " and ".join(_count(counts[kind], kind) for kind in (ERROR, WARNING) if counts[kind])
    files = len({finding.path for finding in findings})
    fixable = "" if output.fixing else _fixable(findings, os.environ if environ is None else environ)
    return f"Found {said} in {_count(files, 'file')}{fixable}.{skipped}"


# What a run leaves out by default, by kind: (said in the summary of several, said of one with -v).
LEFT_OUT = {"template": ("only their links checked", "a template: only its links are checked"),
            "symbolic link": ("their targets are checked", "a symbolic link: its target is checked where it is tracked")}


def _left_out(left_out: dict[str, list[str]], output: Output) -> str:
    parts = [f"{_count(len(paths), kind)} ({LEFT_OUT[kind][0]})" for kind, paths in left_out.items() if paths]
    if not parts:
        return ""
    return " Left out: " + ", ".join(parts) + ("" if output.verbose else "; -v lists them") + "."


def _fixable(findings: Sequence[Finding], environ: os._Environ[str] | dict[str, str]) -> str:
    by_command = Counter(RULES[finding.code].fix for finding in findings if RULES[finding.code].fix and finding.fixable)
    if not by_command:
        return ""
    if environ.get("PRE_COMMIT") == "1":  # the user may have no `spec-hooks` command: only the hook
        return f" ({sum(by_command.values())} fixable with `args: [--fix]` on the hook)"
    return " (" + "; ".join(f"{count} fixable with `spec-hooks {command}`" for command, count in by_command.items()) + ")"


def explain_hint(findings: Sequence[Finding], environ: os._Environ[str] | dict[str, str] = os.environ) -> str:
    """Where a rule is explained: the command by hand, the documentation under pre-commit."""
    if not findings:
        return ""
    code = findings[0].code
    if environ.get("PRE_COMMIT") == "1":
        return f"Rules are explained at {_rule_url(code).split('#')[0]} (e.g. #{code.lower()}-{_rule_name(code)})."
    return f"Run `spec-hooks rule {code}` to see what a rule means and how to fix or switch it off."


ADVICE = {  # said once after the findings, however many findings of the rule there are
    "SH302": "{count} cannot be verified in this shallow clone: fetch the whole history (actions/checkout: "
             "`fetch-depth: 0`; or `git fetch --filter=blob:none --unshallow`)",
}


# Findings with one cause for the whole run: past this many, the first stands for all (its message counts the
# rest), so a shallow clone of 500 specs is one warning and one note, not 500 lines.
RUN_WIDE = {"SH302": 2}


def collapsed(findings: Sequence[Finding]) -> list[Finding]:
    by_code = Counter(finding.code for finding in findings if finding.code in RUN_WIDE)
    crowded = {code for code, count in by_code.items() if count > RUN_WIDE[code]}
    if not crowded:
        return list(findings)
    kept: list[Finding] = []
    for code in crowded:
        paths = {finding.path for finding in findings if finding.code == code}
        first = next(finding for finding in findings if finding.code == code)
        others = len(paths) - 1
        kept.append(replace(first, message=f"{first.message} (and so do {others} other file{'s' * (others != 1)}' "
                                           "dates)"))
    return sorted([*kept, *(finding for finding in findings if finding.code not in crowded)], key=IN_ORDER)


def advice(findings: Sequence[Finding]) -> list[str]:
    counts = Counter(finding.code for finding in findings if finding.code in ADVICE)
    return [f"spec-hooks: note: {ADVICE[code].format(count=_count(count, 'date'))}" for code, count in counts.items()]


def append_step_summary(findings: Sequence[Finding]) -> None:
    """Under GitHub Actions, a table of findings per file and rule on the run's summary page, once: a
    second call with the same findings (another step, another format) adds nothing."""
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file or not findings:
        return
    counts = Counter((finding.path, finding.code) for finding in findings)
    rows = [f"| `{path}` | [{code}]({_rule_url(code)}) | {count} |" for (path, code), count in sorted(counts.items())]
    table = "\n".join(["### spec-hooks findings", "", "| File | Rule | Findings |", "| --- | --- | --- |", *rows, ""])
    marker = f"<!-- spec-hooks {_digest(table)} -->"
    if any(marker in text for text in _step_summaries(summary_file)):
        return
    try:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(f"{marker}\n{table}\n")
    except OSError as exc:
        print(f"spec-hooks: warning: cannot write the job summary: {exc.strerror}", file=sys.stderr)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _step_summaries(summary_file: str) -> list[str]:
    """This step's summary and the earlier steps' (the runner keeps them side by side as
    `step_summary_*`): what the job summary already shows."""
    import glob

    folder = os.path.dirname(summary_file) or "."
    texts = []
    for name in {summary_file, *glob.glob(os.path.join(glob.escape(folder), "step_summary_*"))}:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                texts.append(handle.read(1 << 20))
        except OSError:
            continue
    return texts


def exit_status(findings: Sequence[Finding]) -> int:
    return 1 if any(finding.severity == ERROR for finding in findings) else 0
