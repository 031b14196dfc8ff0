"""A team's first week (issue 12): each problem a new user met, through the CLI."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, spec

SEEDS = Path(__file__).parent / "data" / "seeds"  # copies of ../shared/seeds
SPEC_TEMPLATE = "# {{Title}}\n\n- **Spec ID:** {{area/name}}\n- **Status:** Draft | Final | Deprecated\n" \
                "- **Version:** 0.1\n- **Created:** YYYY-MM-DD  \n- **Updated:** {{YYYY-MM-DD}}  \n\n---\n\n## Goals\n"


def _template(name: str) -> str:
    seed = SEEDS / name
    return seed.read_text(encoding="utf-8") if seed.is_file() else SPEC_TEMPLATE


@pytest.mark.parametrize("template_path", ["templates/spec-template.md", "docs/integration-spec-template.md",
                                           "specs/Templates/rfc.md"])
def test_templates_have_only_their_links_checked_and_are_never_filled(repo: Repo, cli, template_path: str) -> None:
    text = _template("spec-template.md")
    repo.write(template_path, text)
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.add()
    repo.commit()
    result = cli("check")
    assert {line.split(":")[0] for line in result.lines} <= {template_path}
    assert set(result.codes()) <= {"SH201", "SH205"}, "a template's header and dates are not checked; its links are"
    assert result.summary[0].endswith("Left out: 1 template (only their links checked); -v lists them.")
    listed = cli("check", "-v")
    assert f"spec-hooks: left out: {template_path} (a template: only its links are checked)" in listed.err
    assert cli("dates", "--check", "--fix").status == 0
    assert cli("dates", template_path).status == 0
    assert repo.read(template_path).decode() == text, "the backfill left the template's placeholders alone"
    repo.write(".spec-hooks.yaml", "templates: []\n")
    assert "SH107" in cli("headers", template_path).codes(), "templates: [] checks them like any file"


def test_links_to_a_template_resolve(repo: Repo, cli) -> None:
    repo.write("templates/spec-template.md", SPEC_TEMPLATE)
    repo.write("README.md", "# Specs\n\nStart from [the template](templates/spec-template.md#goals).\n"
                            "Not [this one](templates/spec-template.md#nope).\n")
    repo.add()
    result = cli("links", "README.md")
    assert result.codes() == ["SH205"] and "#nope" in result.out


PROPOSAL = "# Proposal: faster retries\n\n- **Status:** Draft\n- **Author:** Ada\n- **Created:** 2025-01-02\n" \
           "- **Updated:** {{YYYY-MM-DD}}\n\n## Motivation\n"
RFC = "# RFC 1: Idempotency keys\n\n- **RFC:** {rfc}\n- **Status:** Accepted\n- **Created:** 2025-01-02\n" \
      "- **Updated:** 2025-01-03\n\n## Motivation\n"


def test_proposals_and_rfcs_are_not_taken_for_specs(repo: Repo, cli) -> None:
    repo.write("proposals/2025/faster-retries.md", PROPOSAL)
    repo.write("rfcs/0001-idempotency-keys.md", RFC.format(rfc="0001"))
    repo.add()
    assert (cli("headers").status, cli("headers").out) == (0, "")


@pytest.mark.parametrize(
    ("header", "doc_type"),
    [
        ({"Spec ID": "a/b", "Status": "Draft"}, "spec"),
        ({"Spec Id": "a/b"}, "spec"),  # a misspelled first key still identifies the type
        ({"Status": "Draft", "Version": "1", "Updated": "2025-01-01"}, "spec"),  # only its own keys: missing Spec ID
        ({"Status": "Draft", "Author": "Ada", "Updated": "2025-01-01"}, None),  # a key of no type: something else
        ({"RFC": "1", "Status": "Draft", "Created": "2025-01-01", "Updated": "2025-01-01"}, None),
        ({"Owner": "x", "Type": "API"}, "integration"),
        ({"System": "Pagar.me"}, "integration"),
        ({"Updated": "2025-01-01"}, None),
    ],
)
def test_zero_configuration_recognises_a_type_by_its_own_keys(header: dict[str, str], doc_type: str | None) -> None:
    from spec_hooks.config import BUILTIN_TYPES
    from spec_hooks.documents import classify
    from spec_hooks.header import extract_header

    text = "# T\n\n" + "".join(f"- **{key}:** {value}\n" for key, value in header.items())
    found = classify("docs/x.md", extract_header(text), BUILTIN_TYPES)
    assert (found.name if found else None) == doc_type


def test_an_id_pattern_matches_a_number_prefix(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "types:\n  rfc:\n    schema: builtin:spec\n    keys: [RFC, Status]\n"
                                   "    id_field: RFC\n    id_pattern: '(?:^|/)(?P<id>[0-9]{4})-[^/]*$'\n"
                                   "    paths: ['rfcs/**']\n")
    repo.write("rfcs/0001-idempotency-keys.md", RFC.format(rfc="0001"))
    repo.write("rfcs/0002-retries.md", RFC.format(rfc="0001"))
    repo.write("rfcs/notes.md", RFC.format(rfc="0003"))
    repo.add()
    result = cli("headers", "--format", "json")
    found = {(finding["path"], finding["code"], finding["message"]) for finding in result.json()
             if finding["code"] in ("SH110", "SH111")}
    assert found == {
        ("rfcs/0002-retries.md", "SH111",
         "RFC '0001' does not match the file's path 'rfcs/0002-retries.md': expected RFC '0002', or move the file"),
        ("rfcs/0001-idempotency-keys.md", "SH110", "RFC '0001' is also used by rfcs/0002-retries.md"),
        ("rfcs/0002-retries.md", "SH110", "RFC '0001' is also used by rfcs/0001-idempotency-keys.md"),
        ("rfcs/notes.md", "SH111", "the file's path 'rfcs/notes.md' does not match the rfc type's id_pattern "
                                   "'(?:^|/)(?P<id>[0-9]{4})-[^/]*$': move the file"),
    }


def test_an_id_pattern_without_its_group_is_a_configuration_error(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "types:\n  spec:\n    id_pattern: '[0-9]+'\n")
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert result.status == 2 and "types.spec.id_pattern: '[0-9]+' has no group named id" in result.err


def test_an_index_page_in_a_spec_folder_is_not_a_spec(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "types:\n  spec:\n    paths: ['specs/**']\n")
    repo.write("specs/README.md", "# Specs\n\n- [Webhooks v2](rest/webhooks-v2.md)\n- [Auth](auth.md)\n")
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.write("specs/notes.md", "# Notes\n\nNo header.\n")
    repo.add()
    result = cli("headers")
    assert result.lines == ["specs/notes.md:1:1: SH104 no header: files matching specs/** must start with the spec "
                            "header, a list of `- **Key:** value` items under the H1 title (not a spec? add it to exclude)"]


def test_the_link_hook_given_no_file_checks_only_what_the_staged_change_breaks(repo: Repo, cli) -> None:
    repo.write("specs/a.md", "# A\n\n[p](../proposals/p.md)\n")
    repo.write("specs/old-broken.md", "# B\n\n[gone](gone.md)\n")
    repo.write("proposals/p.md", "# P\n")
    repo.add()
    repo.commit()
    assert cli("links", "--hook").lines == [], "no file and no rename or deletion: nothing to check"
    repo.git("rm", "-q", "proposals/p.md")
    result = cli("links", "--hook")
    assert result.lines == ["specs/a.md:3:5: SH201 'proposals/p.md' is deleted in the staged change"]
    assert cli("check", "--hook", "--skip", "dates").codes() == ["SH201"]
    assert "specs/old-broken.md" in cli("links").out, "by hand, no file still means every file"


def test_under_pre_commit_the_date_fixer_also_bumps_what_earlier_hooks_fixed(
        repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("specs/rest/webhooks-v2.md", spec(updated="2025-03-04") + "\n[p](../../p.md)\n")
    repo.write("p.md", "# P\n")
    repo.add()
    repo.commit()
    repo.git("mv", "p.md", "q.md")
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert cli("links", "--fix", "q.md").status == 1  # pre-commit passes the renamed file only
    bumped = cli("dates", "q.md")
    assert bumped.status == 1
    assert bumped.lines[0].startswith("specs/rest/webhooks-v2.md: Updated 2025-03-04 -> ")
    monkeypatch.delenv("PRE_COMMIT")
    repo.git("checkout", "--", "specs")
    assert cli("dates", "q.md").lines == [], "by hand, only the files named"


@pytest.mark.parametrize("command", [("dates",), ("dates", "--check"), ("headers",), ("check",), ("links",)])
def test_by_hand_every_command_says_it_read_the_staged_content(repo: Repo, cli, command: tuple[str, ...]) -> None:
    """A user fixes a header, re-runs without `git add`, and must not be left wondering why the error stays."""
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.add()
    repo.commit()
    repo.write("specs/rest/webhooks-v2.md", spec() + "\nMore.\n")
    note = ("spec-hooks: note: checked the staged content of specs/rest/webhooks-v2.md; unstaged changes are not "
            "checked (git add them to include them)\n")
    result = cli(*command, "specs/rest/webhooks-v2.md")
    assert (result.status, result.err) == (0, note)
    assert cli(*command, "-q", "specs/rest/webhooks-v2.md").err == ""


def test_a_whitespace_only_change_keeps_the_dates(repo: Repo, cli) -> None:
    spaced = spec().replace("\n- **", "  \n- **") + "Trailing.   \n\n\n"
    repo.write("specs/rest/webhooks-v2.md", spaced)
    repo.add()
    repo.commit("start", when="2025-03-04T10:00:00+00:00")
    clean = spaced.replace("  \n", "\n").replace("   \n", "\n").rstrip("\n").replace("\n", "\r\n") + "\r\n"
    repo.write("specs/rest/webhooks-v2.md", clean)
    repo.add()
    assert cli("dates", "specs/rest/webhooks-v2.md").lines == [], "the fixer leaves the dates"
    repo.commit("whitespace", when="2025-06-01T10:00:00+00:00")
    assert cli("dates", "--check").lines == [], "the verifier does not count the commit"
    repo.write(".spec-hooks.yaml", "dates:\n  ignore_whitespace: false\n")
    assert cli("dates", "--check").codes() == ["SH301"], "configurable"
    repo.write("specs/rest/webhooks-v2.md", clean.replace("Trailing.", " Trailing."))
    repo.add()
    repo.write(".spec-hooks.yaml", "")
    assert cli("dates", "specs/rest/webhooks-v2.md").status == 1, "leading whitespace is content"


def test_a_shallow_clone_gives_short_warnings_and_its_advice_once(repo: Repo, cli, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(11):
        repo.write(f"specs/rest/s{number}.md", spec(spec_id=f"rest/s{number}"))
    repo.add()
    repo.commit("old", when="2025-03-04T10:00:00+00:00")
    repo.write("README.md", "# Specs\n")
    repo.add()
    repo.commit("new", when="2025-03-05T10:00:00+00:00")
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone))
    monkeypatch.chdir(clone)
    for command in (("dates", "--check"), ("check",)):
        result = cli(*command)
        assert result.lines == ["specs/rest/s0.md:7:16: SH302 cannot verify Updated: its last change lies beyond this "
                                "shallow clone's history (and so do 10 other files' dates)"], "one finding, not 11"
        assert result.err.count("fetch-depth: 0") == 1
        assert result.err.startswith("spec-hooks: note: 11 dates cannot be verified in this shallow clone")
    assert len(cli("dates", "--check", "--format", "json").json()) == 1


def test_rules_can_be_switched_off_per_document_type(repo: Repo, cli) -> None:
    from conftest import integration

    repo.write("specs/x.md", spec(spec_id="rest/other", status="Approved"))
    repo.write("integrations/pagarme.md", integration(type="Carrier pigeon"))
    repo.add()
    assert sorted(cli("headers").codes()) == ["SH106", "SH106", "SH111"]
    repo.write(".spec-hooks.yaml", "types:\n  spec:\n    disable: [spec-id-path-mismatch, SH106]\n")
    result = cli("headers")
    assert [line.split(":")[0] + " " + code for line, code in zip(result.lines, result.codes(), strict=True)] == [
        "integrations/pagarme.md SH106"]
