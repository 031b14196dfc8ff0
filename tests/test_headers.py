"""check-spec-headers: every rule on both templates, positions, bad inputs, configuration."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from spec_hooks.header import extract_header
from spec_hooks.source import Source

from conftest import Repo, integration, spec

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"  # copies of ../shared/seeds


def test_clean_spec_and_integration_pass(repo: Repo, cli) -> None:
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.write("integrations/pagarme.md", integration())
    repo.add()
    result = cli("headers")
    assert (result.status, result.out, result.err) == (0, "", "")


def test_spec_template_as_copied_reports_every_placeholder(repo: Repo, cli) -> None:
    repo.write("specs/new.md", (SEEDS / "spec-template.md").read_text())
    repo.add()
    result = cli("headers")
    assert result.status == 1
    assert result.lines == [
        "specs/new.md:1:3: SH107 title is still the template placeholder '[Specification Title]'",
        "specs/new.md:3:16: SH107 Spec ID is still the template placeholder '[area/name]'",
        "specs/new.md:4:15: SH107 Status is still the template's list of choices 'Draft | Final | Deprecated': pick one",
        "specs/new.md:6:16: SH107 Created is still the template placeholder 'YYYY-MM-DD'",
        "specs/new.md:7:16: SH107 Updated is still the template placeholder 'YYYY-MM-DD'",
    ]


def test_integration_template_as_copied_reports_every_placeholder(repo: Repo, cli) -> None:
    repo.write("integrations/new.md", (SEEDS / "integration-spec-template.md").read_text())
    result = cli("headers", "integrations/new.md")
    assert result.status == 1
    assert result.lines == [
        "integrations/new.md:1:3: SH107 title is still the template placeholder '{{SYSTEM_NAME}}'",
        "integrations/new.md:3:15: SH107 System is still the template placeholder "
        "'{{System name (e.g. Zoho Sprints, Pagar.me, WhatsApp API)}}'",
        "integrations/new.md:4:13: SH107 Type is still the template placeholder '{{API / Webhook / File / Other}}'",
        "integrations/new.md:5:14: SH107 Owner is still the template placeholder '{{Team / person}}'",
        "integrations/new.md:6:21: SH107 Last updated is still the template placeholder '{{YYYY-MM-DD}}'",
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("status", "Approved", "4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated"),
        ("spec_id", "Rest/Webhooks", "3:16: SH106 Spec ID 'Rest/Webhooks' is not area/name in lowercase letters, "
                                     "digits and hyphens, e.g. rest/webhooks-v2"),
        ("created", "2025-13-01", "6:16: SH106 Created '2025-13-01' is not a real date (YYYY-MM-DD)"),
        ("updated", "March 4", "7:16: SH106 Updated 'March 4' is not a real date (YYYY-MM-DD)"),
    ],
)
def test_bad_value_is_reported_at_the_value(repo: Repo, cli, field: str, value: str, expected: str) -> None:
    kwargs = {field: value}
    path = "specs/rest/webhooks-v2.md"
    repo.write(path, spec(**kwargs))
    result = cli("headers", path)
    assert result.status == 1
    assert result.lines == [f"{path}:{expected}"]


def test_version_and_integration_type(repo: Repo, cli) -> None:
    repo.write("rest/webhooks-v2.md", spec().replace("**Version:** 1.0", "**Version:** v1"))
    repo.write("i.md", integration(type="Queue"))
    result = cli("headers", "rest/webhooks-v2.md", "i.md")
    assert result.lines == [
        "i.md:4:13: SH106 Type 'Queue' is not one of API, Webhook, File, Other",
        "rest/webhooks-v2.md:5:16: SH106 Version 'v1' is not a version like 1.0 or 1.2.3",
    ]


def test_missing_field_is_reported_at_the_header_first_line(repo: Repo, cli) -> None:
    repo.write("rest/webhooks-v2.md", spec().replace("- **Version:** 1.0\n", ""))
    repo.write("i.md", integration().replace("- **Owner:** Payments team\n", "- **Owner:**\n"))
    result = cli("headers", "rest/webhooks-v2.md", "i.md")
    assert result.lines == [
        "i.md:5:13: SH106 Owner is empty",
        "rest/webhooks-v2.md:3:1: SH105 missing required field 'Version'",
    ]


def test_malformed_and_duplicate_items(repo: Repo, cli) -> None:
    text = spec().replace("- **Version:** 1.0\n", "- Version 1.0\n- **Status:** Final\n")
    repo.write("rest/webhooks-v2.md", text)
    result = cli("headers", "rest/webhooks-v2.md")
    assert result.lines == [
        "rest/webhooks-v2.md:3:1: SH105 missing required field 'Version'",
        "rest/webhooks-v2.md:5:3: SH101 header item is not `**Key:** value`: 'Version 1.0'",
        "rest/webhooks-v2.md:6:5: SH102 duplicate key 'Status' (first on line 4)",
    ]


def test_near_miss_keys_are_warnings_naming_the_spelling(repo: Repo, cli) -> None:
    repo.write("rest/webhooks-v2.md", spec().replace("**Spec ID:**", "**Spec Id:**"))
    repo.write("i.md", integration().replace("**Last updated:**", "**Last Updated:**"))
    result = cli("headers", "rest/webhooks-v2.md", "i.md")
    assert result.status == 0, "a misspelled key is a warning, and its value still counts"
    assert result.lines == [
        "i.md:6:5: SH103 unknown key 'Last Updated': did you mean 'Last updated'?",
        "rest/webhooks-v2.md:3:5: SH103 unknown key 'Spec Id': did you mean 'Spec ID'?",
    ]


def test_misspelled_key_value_is_still_validated(repo: Repo, cli) -> None:
    repo.write("rest/webhooks-v2.md", spec(status="Approved").replace("**Status:**", "**Stauts:**"))
    result = cli("headers", "rest/webhooks-v2.md")
    assert result.codes() == ["SH103", "SH106"]
    assert result.status == 1


def test_extra_keys_are_allowed(repo: Repo, cli) -> None:
    repo.write("rest/webhooks-v2.md", spec().replace("- **Version:** 1.0\n", "- **Version:** 1.0\n- **Reviewers:** ana, bo\n"))
    assert cli("headers", "rest/webhooks-v2.md").out == ""


def test_created_after_updated_and_future_dates(repo: Repo, cli) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    repo.write("rest/webhooks-v2.md", spec(created="2025-05-01", updated="2025-03-04"))
    repo.write("rest/future.md", spec(spec_id="rest/future", created="2025-01-01", updated=tomorrow))
    result = cli("headers", "rest/webhooks-v2.md", "rest/future.md")
    assert result.lines == [
        f"rest/future.md:7:16: SH109 Updated {tomorrow} is in the future (today is {date.today()})",
        "rest/webhooks-v2.md:6:16: SH108 Created 2025-05-01 is after Updated 2025-03-04",
    ]


def test_spec_id_must_match_path(repo: Repo, cli) -> None:
    repo.write("specs/rest/webhooks.md", spec(spec_id="rest/webhooks-v2"))
    result = cli("headers", "specs/rest/webhooks.md")
    assert result.lines == [
        "specs/rest/webhooks.md:3:16: SH111 Spec ID 'rest/webhooks-v2' does not match the file's path "
        "'specs/rest/webhooks.md': expected Spec ID 'rest/webhooks', or move the file"
    ]


def test_spec_id_unique_across_repository_reading_other_headers(repo: Repo, cli) -> None:
    repo.write("a/rest/webhooks.md", spec(spec_id="rest/webhooks"))
    repo.write("b/rest/webhooks.md", spec(spec_id="rest/webhooks"))
    # A body line that looks like a header item is not a header: it must not count as a duplicate.
    repo.write("c/notes.md", "# Notes\n\nText\n\n## Log\n\n- **Spec ID:** rest/webhooks\n")
    repo.add()
    one = cli("headers", "a/rest/webhooks.md")
    assert one.lines == ["a/rest/webhooks.md:3:16: SH110 Spec ID 'rest/webhooks' is also used by b/rest/webhooks.md"]
    whole = cli("headers")
    assert whole.codes() == ["SH110", "SH110"]


def test_each_repository_rule_can_be_turned_off(repo: Repo, cli) -> None:
    repo.write("a/rest/webhooks.md", spec(spec_id="rest/other"))
    repo.write("b/rest/other.md", spec(spec_id="rest/other"))
    repo.add()
    assert sorted(cli("headers").codes()) == ["SH110", "SH110", "SH111"]
    repo.write(".spec-hooks.yaml", "disable: [SH110, spec-id-path-mismatch]\n")
    assert cli("headers").out == ""


def test_file_without_header_is_skipped_unless_its_path_requires_one(repo: Repo, cli) -> None:
    repo.write("README.md", "# Readme\n\nJust prose.\n")
    repo.write("specs/empty.md", "# Empty spec\n\nNo header yet.\n")
    repo.add()
    assert cli("headers").out == ""
    repo.write(".spec-hooks.yaml", "types:\n  spec:\n    paths: ['specs/**']\n")
    result = cli("headers")
    assert result.lines == ["specs/empty.md:1:1: SH104 no header: files matching specs/** must start with the spec header, "
                            "a list of `- **Key:** value` items under the H1 title (not a spec? add it to exclude)"]


# Positions, on the line grammar and on mistune's reading -------------------------------------


def test_positions_on_crlf_bom_and_trailing_spaces(repo: Repo, cli) -> None:
    text = "\ufeff# T\r\n\r\n- **Spec ID:** `rest/x`  \r\n- **Status:** Nope  \r\n"
    repo.write("rest/x.md", text.encode("utf-8"))
    result = cli("headers", "--format", "json", "rest/x.md")
    found = {(f["code"], f["line"], f["column"]): f["message"] for f in result.json()}
    assert found[("SH106", 4, 15)] == "Status 'Nope' is not one of Draft, Final, Deprecated"
    assert ("SH105", 3, 1) in found
    # the backticks are not part of the value, so the ID matches its path and no SH111 appears
    assert not any(code == "SH111" for code, _, _ in found)


def test_mistune_path_reads_odd_markdown_with_positions(repo: Repo, cli) -> None:
    text = (
        "Intro paragraph.\n\n"
        "Webhooks\n========\n\n"
        "*   **Spec ID**: rest/x\n"
        "*   **Status:** Approved\n"
        "    continued on a second line\n"
        "*   **Version:** 1.0\n"
        "    - nested **Created:** no\n"
        "*   **Created:** 2025-01-01\n"
        "*   **Updated:** 2025-01-01\n"
    )
    source = Source("rest/x.md", text)
    header = extract_header(text)
    assert header is not None and header.title == "Webhooks"
    assert header.keys() == ["Spec ID", "Status", "Version", "Created", "Updated"]
    status = header.get("Status")
    assert status is not None and source.position(status.value_offset) == (7, 17)
    assert source.position(header.get("Created").key_offset) == (11, 7)  # type: ignore[union-attr]
    repo.write("rest/x.md", text)
    assert cli("headers", "rest/x.md").lines == ["rest/x.md:7:17: SH106 Status 'Approved continued on a second line' is not one of Draft, Final, Deprecated"]


@pytest.mark.parametrize(
    "text",
    [
        spec(),
        integration(),
        "# T\n- **A:** b\n- **C**: `d`  \n\n\n---\n",
        "# T\n\n* **Spec ID:** x/y\\\n* **B:**\n",
        "\ufeff# T\r\n\r\n- **A:** b\r\n",
        "# T\n\n- **A:** b\n\nA paragraph ends the list.\n\n## Next\n",
        "# T\n- **A:** b\n## Next\n",
    ],
)
def test_canonical_headers_are_read_with_exact_positions(text: str) -> None:
    header = extract_header(text)
    assert header is not None and header.fields
    assert text[header.title_offset :].startswith(header.title)
    for field in header.fields:
        assert field.exact and field.key is not None
        assert text[field.value_offset : field.value_offset + len(field.value)] == field.value
        assert text[field.key_offset :].startswith(field.key)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("```\n# T\n- **Spec ID:** a/b\n```\n", "inside a fenced code block"),
        ("# T\n\n---\n\n- **Spec ID:** a/b\n", "after the thematic break"),
        ("# T\n\n## Part\n\n- **Spec ID:** a/b\n", "after the H2"),
        ("## T\n\n- **Spec ID:** a/b\n", "no H1"),
        ("<!--\n# T\n\n- **Spec ID:** a/b\n-->\n", "inside an HTML comment"),
        ("# T\n\n1. **Spec ID:** a/b\n", "an ordered list is not the header"),
    ],
)
def test_no_header_where_markdown_says_there_is_none(text: str, why: str) -> None:
    assert extract_header(text) is None, why


def test_front_matter_is_skipped() -> None:
    header = extract_header("---\ntitle: x\n---\n# T\n\n- **Spec ID:** a/b\n")
    assert header is not None and header.keys() == ["Spec ID"]


@pytest.mark.parametrize("filler", [0, 5_000, 500_000])
def test_a_reference_defined_far_below_the_header_is_read_as_github_renders_it(filler: int) -> None:
    """The header is read from the top of the file, unless a bracket in it may be a reference whose
    definition lies further down."""
    text = "# [Title]\n\n- **Owner:** the [Zap] team\n\n" + "Prose.\n" * (filler // 7) + "\n[zap]: https://zap.example\n"
    header = extract_header(text)
    assert header is not None and (header.title, header.fields[0].value) == ("[Title]", "the Zap team")


# Bad input ----------------------------------------------------------------------------------


def test_bad_inputs_get_findings_never_tracebacks(repo: Repo, cli) -> None:
    repo.write("latin1.md", "# T\n\n- **Owner:** Jos\xe9\n".encode("latin-1"))
    repo.write("binary.md", b"\x89PNG\r\n\x1a\n\0\0\0IHDR")
    repo.write("empty.md", b"")
    (repo.root / "folder.md").mkdir()
    result = cli("headers", "latin1.md", "binary.md", "empty.md", "missing.md", "folder.md")
    assert result.lines == [
        "binary.md:3:1: SH003 binary file (NUL byte), not Markdown",
        "folder.md:1:1: SH001 is a directory, not a Markdown file",
        "latin1.md:3:17: SH002 not valid UTF-8: byte 0xe9 cannot be decoded",
        "missing.md:1:1: SH001 no such file",
    ]
    assert result.status == 1 and result.err == ""
    assert repo.read("latin1.md") == "# T\n\n- **Owner:** Jos\xe9\n".encode("latin-1"), "never a lost byte"


def test_fifty_megabyte_file_reads_only_its_header(repo: Repo, cli) -> None:
    body = ("Lorem ipsum dolor sit amet. " * 40 + "\n") * 46_000
    repo.write("rest/big.md", spec(spec_id="rest/big") + body)
    assert (repo.root / "rest/big.md").stat().st_size > 50_000_000
    assert cli("headers", "rest/big.md").status == 0


def test_header_with_ten_thousand_items(repo: Repo, cli) -> None:
    items = "".join(f"- **Key {i}:** value\n" for i in range(10_000))
    repo.write("rest/x.md", spec(spec_id="rest/x").replace("- **Updated:** 2025-03-04\n", "- **Updated:** 2025-03-04\n" + items))
    assert cli("headers", "rest/x.md").out == ""
    repo.write("rest/x.md", "# T\n\n" + "- **Spec ID:** rest/x\n" * 10_000)
    result = cli("headers", "rest/x.md")
    assert result.codes().count("SH102") == 9_999


def test_markdown_mistune_parses_oddly(repo: Repo, cli) -> None:
    odd = "# T\n\n- **Spec ID:** rest/x\n" + "> " * 3000 + "deep\n" + "- **Status:** Draft\n" + "[" * 5000 + "\n"
    repo.write("rest/x.md", odd)
    result = cli("headers", "rest/x.md")
    assert result.err == "" and result.status == 1
    assert "SH000" not in result.codes()


# Output formats and exit codes --------------------------------------------------------------


def test_json_format(repo: Repo, cli) -> None:
    repo.write("rest/x.md", spec(spec_id="rest/x", status="Approved"))
    result = cli("headers", "--format", "json", "rest/x.md")
    assert json.loads(result.out)["findings"] == [{
        "path": "rest/x.md", "line": 4, "column": 15, "code": "SH106", "severity": "error",
        "message": "Status 'Approved' is not one of Draft, Final, Deprecated",
        "url": "https://github.com/spec-hooks/spec-hooks/blob/main/docs/rules.md#sh106-invalid-value",
    }]


def test_github_format_escapes(repo: Repo, cli) -> None:
    repo.write("a,b:c.md", spec(spec_id="rest/x", status="50%"))
    result = cli("headers", "--format", "github", "a,b:c.md")
    assert "::error file=a%2Cb%3Ac.md,line=4,col=15,title=SH106::Status '50%25' is not one of Draft, Final, Deprecated" in result.lines


def test_github_actions_environment_adds_annotations(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    repo.write("rest/x.md", spec(spec_id="rest/x", status="Approved").replace("**Spec ID:**", "**Spec Id:**"))
    result = cli("headers", "rest/x.md")
    assert result.lines == [
        "rest/x.md:3:5: SH103 unknown key 'Spec Id': did you mean 'Spec ID'?",
        "rest/x.md:4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated",
        "::warning file=rest/x.md,line=3,col=5,title=SH103::unknown key 'Spec Id': did you mean 'Spec ID'?",
        "::error file=rest/x.md,line=4,col=15,title=SH106::Status 'Approved' is not one of Draft, Final, Deprecated",
    ]


def test_usage_errors_exit_2(repo: Repo, cli) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("headers", "--format", "xml")
    assert exited.value.code == 2
    assert cli("frobnicate").status == 2


def test_no_files_outside_a_repository_exits_2(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("headers")
    assert result.status == 2
    assert result.err == "spec-hooks: error: not inside a git repository: pass the files to check\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text(spec(spec_id="a/x", status="Nope"))
    assert cli("headers", "a/x.md").lines == ["a/x.md:4:15: SH106 Status 'Nope' is not one of Draft, Final, Deprecated"]
