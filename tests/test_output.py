"""What a run says besides its findings, and every output format against what its consumers read."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Repo, spec

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "# A\n\nSee [b](b.md) and [c](c.md#nope).\n"


@pytest.fixture
def broken(repo: Repo) -> Repo:
    repo.write("docs/a.md", BROKEN)
    repo.write("docs/c.md", "# C\n")
    repo.write("docs/ok.md", "# OK\n")
    repo.add()
    return repo


def test_text_output_closes_with_a_summary(broken: Repo, cli) -> None:
    result = cli("links", "docs/a.md", "docs/ok.md")
    assert result.summary == ["Found 2 errors in 1 file.",
                              "Run `spec-hooks rule SH201` to see what a rule means and how to fix or switch it off."]
    assert cli("links", "docs/ok.md", "docs/c.md").summary == ["Checked 2 files: no problems."]
    assert cli("links", "-q", "docs/a.md").summary == []


def test_the_summary_counts_fixable_findings_and_names_the_fix_the_user_has(
        broken: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    broken.write("docs/d.md", "# D\n\n[C](C.md) [a](a.md)\n")
    broken.add()
    assert cli("links", "docs/d.md").summary[0] == "Found 1 error in 1 file (1 fixable with `spec-hooks links --fix`)."
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = cli("links", "docs/d.md")
    assert result.summary == [
        "Found 1 error in 1 file (1 fixable with `args: [--fix]` on the hook).",
        "Rules are explained at https://github.com/spec-hooks/spec-hooks/blob/main/docs/rules.md "
        "(e.g. #sh203-link-case-mismatch).",
    ]


def test_a_fixer_says_git_add(broken: Repo, cli) -> None:
    broken.write("docs/d.md", "# D\n\n[C](C.md)\n")
    broken.add()
    result = cli("links", "--fix", "docs/d.md")
    assert result.summary[0] == "Checked 1 file: no problems left."
    assert result.full.splitlines()[-1] == "spec-hooks: changed 1 file: review the change and `git add` it before committing"
    assert cli("links", "--fix", "-q", "docs/d.md").full == ""


@pytest.mark.parametrize(("choice", "environ", "tty", "expected"), [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # no-color.org: set and not empty
    ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True),  # the command line beats the environment
    ("never", {}, True, False),
])
def test_use_color(choice: str, environ: dict[str, str], tty: bool, expected: bool) -> None:
    from spec_hooks.report import use_color

    class Stream:
        def isatty(self) -> bool:
            return tty

    assert use_color(choice, Stream(), environ) is expected  # type: ignore[arg-type]


def test_color_always_colours_paths_codes_and_summary(broken: Repo, cli) -> None:
    result = cli("links", "--color", "always", "docs/a.md")
    assert result.full.splitlines()[0] == "\x1b[1mdocs/a.md\x1b[0m:3:9: \x1b[1m\x1b[31mSH201\x1b[0m 'b.md' does not exist: did you mean 'c.md'?"
    assert "\x1b[1mFound 2 errors in 1 file.\x1b[0m" in result.full
    assert "\x1b[" not in cli("links", "--color", "never", "docs/a.md").full


def test_progress_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from spec_hooks import progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    shown = progress.Progress(500, "parsing")
    for _ in range(500):
        shown.advance()
    shown.close()
    err = capsys.readouterr().err
    assert "\rspec-hooks: parsing 500/500" in err and err.endswith("\r\x1b[K")
    for quiet, total in ((False, 10), (True, 500)):
        monkeypatch.setattr(progress, "enabled", not quiet)
        hidden = progress.Progress(total, "parsing")
        hidden.advance(total)
        hidden.close()
        assert capsys.readouterr().err == ""


def test_json_output_is_versioned_and_valid_against_its_schema(broken: Repo, cli) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())
    document = json.loads(cli("links", "--format", "json", "docs/a.md").out)
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
    assert document["version"] == 1 and document["$schema"] == schema["$id"]
    assert document["summary"] == {"errors": 2, "warnings": 0, "files": 1}
    assert document["findings"][0]["url"].endswith("/docs/rules.md#sh201-broken-link")
    assert list(Draft202012Validator(schema).iter_errors({**document, "version": 2})) != []


def test_junit_output_reads_in_a_junit_parser(broken: Repo, cli, tmp_path: Path) -> None:
    from junitparser import Failure, JUnitXml

    report = tmp_path / "report.xml"
    result = cli("check", "--format", "junit", "docs/a.md")
    assert result.status == 1
    report.write_text(result.out)
    xml = JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert [suite.name for suite in suites] == ["docs/a.md"]
    cases = list(suites[0])
    assert [case.classname for case in cases] == ["spec-hooks.SH201", "spec-hooks.SH205"]
    failure = cases[0].result[0]
    assert isinstance(failure, Failure) and failure.type == "SH201" and failure.message == "'b.md' does not exist: did you mean 'c.md'?"
    assert (suites[0].tests, suites[0].failures) == (2, 2)
    report.write_text(cli("check", "--format", "junit", "docs/ok.md").out)
    clean = list(JUnitXml.fromfile(str(report)))
    assert [(suite.tests, suite.failures) for suite in clean] == [(1, 0)]


def test_gitlab_code_quality_output_has_gitlabs_fields(broken: Repo, cli) -> None:
    issues = json.loads(cli("links", "--format", "gitlab", "docs/a.md").out)
    assert [issue["check_name"] for issue in issues] == ["SH201", "SH205"]
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] == "docs/a.md" and issue["location"]["lines"]["begin"] == 3
    assert len({issue["fingerprint"] for issue in issues}) == 2
    broken.write("docs/a.md", "# A\n\nMoved down.\n\n" + BROKEN.split("\n", 2)[2])
    broken.add()
    again = json.loads(cli("links", "--format", "gitlab", "docs/a.md").out)
    assert [issue["fingerprint"] for issue in again] == [issue["fingerprint"] for issue in issues], \
        "a finding keeps its fingerprint when its line moves"


def test_annotations_are_capped_as_github_shows_them_and_the_rest_stay_in_the_log(
        repo: Repo, cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    repo.write("a.md", "# A\n\n" + "".join(f"[x](missing-{n:02d}.md)\n" for n in range(39)))
    repo.add()
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    lines = cli("links", "--format", "github", "a.md").lines
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert [line for line in lines if not line.startswith("::")] == [
        f"a.md:{n + 3}:5: SH201 'missing-{n:02d}.md' does not exist" for n in range(10, 39)], "in the log, not lost"
    assert lines[-1] == ("::notice title=spec-hooks::29 more errors not annotated (GitHub shows 10 of each kind "
                         "per step): listed above and in the job summary")
    assert "| `a.md` | [SH201](" in summary.read_text() and "| 39 |" in summary.read_text()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # text and annotations: the text lists every finding once
    both = cli("links", "a.md").lines
    assert sum(line.startswith("a.md:") for line in both) == 39 and both[-1].endswith("listed in the log and in the job summary")


def test_annotate_and_write_sarif_in_one_run(broken: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = cli("links", "--sarif-file", "out.sarif", "docs/a.md")
    assert "::error file=docs/a.md" in result.out
    sarif = json.loads((broken.root / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SH201", "SH205"]
    rule = next(rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"] if rule["id"] == "SH201")
    assert rule["helpUri"].endswith("/docs/rules.md#sh201-broken-link")
    unwritable = cli("links", "--sarif-file", "no/such/folder/out.sarif", "docs/a.md")
    assert unwritable.status == 2 and "cannot write the SARIF file" in unwritable.err


def test_rule_and_rules_commands(cli) -> None:
    result = cli("rule", "SH209")
    assert result.status == 0
    for part in ("# SH209 link-to-renamed-file", "**Why:**", "**Example:**", "**How to fix:**",
                 "`spec-hooks links --fix` fixes it", "**How to switch it off:** `disable: [SH209]`"):
        assert part in result.out
    assert cli("rule", "broken-link").out.startswith("# SH201 broken-link")
    unknown = cli("rule", "brokn-link")
    assert (unknown.status, unknown.err) == (
        2, "spec-hooks: error: unknown rule 'brokn-link': did you mean 'broken-link'? (`spec-hooks rules` lists them)\n")
    listing = cli("rules").out.splitlines()
    assert listing[0].split() [:3] == ["SH000", "internal-error", "error"]
    assert any(line.split()[:3] == ["SH210", "unused-definition", "warning"] for line in listing)


def test_docs_rules_md_is_generated_from_the_rule_table(cli) -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == cli("rules", "--markdown").out, \
        "regenerate it: spec-hooks rules --markdown > docs/rules.md"


def test_every_rule_anchor_exists_in_docs_rules_md() -> None:
    from spec_hooks.markdown import parse
    from spec_hooks.rules import RULES

    anchors = parse((ROOT / "docs" / "rules.md").read_text(encoding="utf-8")).anchors.headings
    assert {rule.anchor for rule in RULES.values()} <= set(anchors)


def test_version_and_mistyped_command(cli) -> None:
    from spec_hooks import __version__

    assert cli("-V").out == f"spec-hooks {__version__}\n"
    result = cli("link", "a.md")
    assert result.status == 2
    assert result.err.startswith("spec-hooks: error: unknown command 'link': did you mean 'links'?")


def test_a_clean_spec_gets_a_summary_too(repo: Repo, cli) -> None:
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.add()
    assert cli("headers", "specs/rest/webhooks-v2.md").summary == ["Checked 1 file: no problems."]
