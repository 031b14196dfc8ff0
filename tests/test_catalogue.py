"""Issue 13: the index block, the status lifecycle, relations, heading renames, refs, new and stale,
each through the real CLI on real git repositories with history; the pure parts with tables."""
from __future__ import annotations

import json

import pytest

from spec_hooks.checks.links import heading_renames
from spec_hooks.config import SPEC_LIFECYCLE
from spec_hooks.markdown import Anchors

from conftest import Repo, spec

INDEX = "# Specs\n\nIntro, kept as it is.\n\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n\nAfter.\n"


def with_fields(text: str, *items: str) -> str:
    """A spec with header items added after Updated."""
    lines = text.split("\n")
    at = next(index for index, line in enumerate(lines) if line.startswith("- **Updated:**"))
    return "\n".join([*lines[: at + 1], *items, *lines[at + 1 :]])


@pytest.fixture
def specs(repo: Repo) -> Repo:
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Final"))
    repo.write("specs/rest/b.md", spec(spec_id="rest/b", status="Draft"))
    repo.write("specs/common/auth.md", spec(spec_id="common/auth", status="Final"))
    repo.write("README.md", INDEX)
    repo.add()
    repo.commit("specs")
    return repo


# The index -----------------------------------------------------------------------------------------


def test_index_check_fix_and_check_again(specs: Repo, cli) -> None:
    stale = cli("index", "--check")
    assert stale.status == 1 and stale.lines == ["README.md:5:1: SH401 the index is out of date: 3 rows to add or update"]
    fixed = cli("index", "--fix")
    assert fixed.status == 1 and "README.md: rewrote the index" in fixed.out
    text = specs.read("README.md").decode()
    assert text.startswith("# Specs\n\nIntro, kept as it is.\n\n<!-- spec-hooks:index -->\n")
    assert text.endswith("<!-- /spec-hooks:index -->\n\nAfter.\n")
    assert "### Final (2)" in text and "### Draft (1)" in text
    assert text.index("### Draft") < text.index("### Final")  # the lifecycle's order
    assert "| [Webhooks v2](specs/rest/a.md) | rest/a | Final | 1.0 | 2025-03-04 |" in text
    assert cli("index", "--check").status == 1  # the fix is not staged yet: hooks read the index
    specs.add()
    assert cli("index", "--check").status == 0
    assert cli("index", "--fix").status == 0 and specs.read("README.md").decode() == text


def test_index_block_is_rewritten_byte_exact_in_a_crlf_file(specs: Repo, cli) -> None:
    specs.write("README.md", INDEX.replace("\n", "\r\n") + "tail without newline")
    specs.add()
    assert cli("index", "--fix").status == 1
    data = specs.read("README.md")
    assert data.startswith(INDEX.replace("\n", "\r\n")[:60].encode()) and data.endswith(b"\r\n\r\nAfter.\r\ntail without newline")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ending stays CRLF


def test_index_follows_a_status_change(specs: Repo, cli) -> None:
    cli("index", "--fix")
    specs.add()
    specs.write("specs/rest/b.md", spec(spec_id="rest/b", status="Final"))
    specs.add()
    assert cli("index", "--check").lines == [
        "README.md:5:1: SH401 the index is out of date: 1 row to add or update, 1 row to remove or update"]
    assert cli("check", "--skip", "dates").codes() == ["SH401"]  # a whole-repository check includes the index
    assert "SH401" not in cli("check", "specs/rest/b.md").codes()  # a 3-file hook run does not read every spec


@pytest.mark.parametrize(("marker", "expected"), [
    ("<!-- spec-hooks:index group_by=area -->", ["### common (1)", "### rest (2)"]),
    ("<!-- spec-hooks:index group_by=none -->", ["| Title | Spec ID | Status | Version | Updated |"]),
    ("<!-- spec-hooks:index group_by=type -->", ["### spec (3)"]),
    ("<!-- spec-hooks:index graph=true group_by=none -->", ["```mermaid", "  s1 --> s2"]),
])
def test_index_options_in_the_marker(specs: Repo, cli, marker: str, expected: list[str]) -> None:
    specs.write("specs/rest/a.md", spec(spec_id="rest/a", status="Final") + "\nSee [b](b.md).\n")
    specs.write("README.md", INDEX.replace("<!-- spec-hooks:index -->", marker))
    specs.add()
    cli("index", "--fix")
    text = specs.read("README.md").decode()
    assert all(line in text.splitlines() for line in expected), text


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- spec-hooks:index -->\n", "README.md:1:1: SH402 index block never closed: add <!-- /spec-hooks:index --> after it"),
    ("<!-- /spec-hooks:index -->\n", "README.md:1:1: SH402 closing <!-- /spec-hooks:index --> without an opening marker"),
    ("x <!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n", "README.md:1:3: SH402 the index markers must stand on lines of their own"),
    ("<!-- spec-hooks:index group_by=owner -->\n<!-- /spec-hooks:index -->\n",
     "README.md:1:1: SH402 unknown index option in 'spec-hooks:index group_by=owner': write group_by=status|type|area|none, graph=true|false or type=NAME"),
])
def test_malformed_index_markers(specs: Repo, cli, text: str, message: str) -> None:
    specs.write("README.md", text)
    specs.add()
    result = cli("index", "--fix")
    assert result.lines == [message] and specs.read("README.md").decode() == text


def test_markers_inside_code_are_text(specs: Repo, cli) -> None:
    specs.write("README.md", "# Docs\n\n```\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n```\n")
    specs.add()
    result = cli("index", "--check")
    assert result.status == 0 and "no <!-- spec-hooks:index --> block" in result.err


def test_configured_index_file_without_markers(specs: Repo, cli) -> None:
    specs.write(".spec-hooks.yaml", "index:\n  file: docs/INDEX.md\n")
    specs.write("docs/INDEX.md", "# Index\n")
    specs.add()
    assert cli("index", "--check").codes() == ["SH401"]


def test_index_json_and_printed_catalogue(specs: Repo, cli) -> None:
    listed = json.loads(cli("index", "--format", "json").out)
    assert listed["version"] == 1
    assert [(item["path"], item["id"], item["status"]) for item in listed["specs"]] == [
        ("specs/common/auth.md", "common/auth", "Final"), ("specs/rest/a.md", "rest/a", "Final"),
        ("specs/rest/b.md", "rest/b", "Draft")]
    printed = cli("index", "--group-by", "area").out
    assert "### common (1)" in printed and "(specs/rest/b.md)" in printed


# The lifecycle -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "allowed"), [
    ("Draft", "Final", True), ("Draft", "Deprecated", True), ("Final", "Deprecated", True), ("Final", "Final", True),
    ("Final", "Draft", False), ("Deprecated", "Final", False), ("Deprecated", "Draft", False),
    ("Approved", "Draft", None),
])
def test_default_lifecycle_transitions(old: str, new: str, allowed: bool | None) -> None:
    assert SPEC_LIFECYCLE.allows(old, new) is allowed


def test_status_may_not_go_back_from_final(specs: Repo, cli) -> None:
    specs.write("specs/rest/a.md", spec(spec_id="rest/a", status="Draft"))
    specs.add()
    result = cli("headers", "specs/rest/a.md")
    assert result.lines == ["specs/rest/a.md:4:15: SH113 Status may not go from 'Final' (in HEAD) to 'Draft': "
                            "allowed from 'Final': Deprecated"]
    specs.write("specs/rest/b.md", spec(spec_id="rest/b", status="Final"))
    specs.add("specs/rest/b.md")
    assert cli("headers", "specs/rest/b.md").status == 0


def test_transition_follows_a_staged_rename(specs: Repo, cli) -> None:
    specs.git("mv", "specs/rest/a.md", "specs/rest/c.md")
    specs.write("specs/rest/c.md", spec(spec_id="rest/c", status="Draft"))
    specs.add()
    assert cli("headers", "specs/rest/c.md").codes() == ["SH113"]


def test_required_fields_per_status_and_custom_transitions(specs: Repo, cli) -> None:
    specs.write(".spec-hooks.yaml", "types:\n  spec:\n    lifecycle:\n      required:\n        Deprecated: [Superseded by]\n"
                                    "      transitions: {Draft: [Final], Final: [Deprecated, Draft], Deprecated: []}\n")
    specs.write("specs/rest/a.md", spec(spec_id="rest/a", status="Deprecated"))
    specs.write("specs/common/auth.md", spec(spec_id="common/auth", status="Draft"))
    specs.add()
    result = cli("headers", "specs/rest/a.md", "specs/common/auth.md")
    assert result.lines == ["specs/rest/a.md:4:15: SH114 a Deprecated spec must have 'Superseded by'"]


def test_final_spec_linking_to_a_superseded_one(specs: Repo, cli) -> None:
    specs.write("specs/rest/b.md", with_fields(spec(spec_id="rest/b", status="Deprecated"), "- **Superseded by:** rest/a"))
    specs.write("specs/rest/a.md", with_fields(spec(spec_id="rest/a", status="Final"), "- **Replaces:** rest/b")
                + "\nSee [b](b.md) and [auth](../common/auth.md).\n")
    specs.add()
    result = cli("links", "specs/rest/a.md")
    assert result.lines == ["specs/rest/a.md:16:9: SH213 this Final spec links to 'specs/rest/b.md', which is "
                            "Deprecated: superseded by 'rest/a'"]
    assert result.status == 0  # a warning


def test_idle_drafts_warn_in_check(specs: Repo, cli) -> None:
    specs.write(".spec-hooks.yaml", "types:\n  spec:\n    lifecycle:\n      idle_days: {Draft: 30}\n")
    specs.add()
    specs.commit("config")
    result = cli("check", "--skip", "index")
    assert [line for line in result.lines if "SH304" in line] == [
        f"specs/rest/b.md:4:15: SH304 Draft for {(__import__('datetime').date.today() - __import__('datetime').date(2025, 3, 4)).days}"
        " days (last content change 2025-03-04; idle_days allows 30)"]


# Relations -----------------------------------------------------------------------------------------


def test_relation_to_nothing_and_did_you_mean(specs: Repo, cli) -> None:
    specs.write("specs/rest/b.md", with_fields(spec(spec_id="rest/b"), "- **Depends on:** rest/a, rest/aa, none"))
    specs.add()
    assert cli("headers", "specs/rest/b.md").lines == ["specs/rest/b.md:8:27: SH115 Depends on 'rest/aa' names no spec: "
                                                        "did you mean 'rest/a'?"]


def test_one_sided_relation_and_its_fix(specs: Repo, cli) -> None:
    specs.write("specs/rest/b.md", with_fields(spec(spec_id="rest/b", status="Deprecated"), "- **Superseded by:** rest/a"))
    specs.add()
    result = cli("headers", "specs/rest/b.md")
    assert result.lines == ["specs/rest/b.md:8:22: SH116 Superseded by 'rest/a', but 'specs/rest/a.md' does not say "
                            "Replaces: rest/b"]
    fixed = cli("headers", "--fix", "specs/rest/b.md")
    assert fixed.status == 1 and "specs/rest/a.md: added 1 relation" in fixed.out
    assert specs.read("specs/rest/a.md").decode() == with_fields(spec(spec_id="rest/a", status="Final"), "- **Replaces:** rest/b")
    specs.add()
    assert cli("headers", "specs/rest/b.md").status == 0


def test_relation_by_link_and_the_side_a_change_removes(specs: Repo, cli) -> None:
    specs.write("specs/rest/a.md", with_fields(spec(spec_id="rest/a", status="Final"), "- **Replaces:** [B](b.md)"))
    specs.write("specs/rest/b.md", with_fields(spec(spec_id="rest/b", status="Deprecated"), "- **Superseded by:** rest/a"))
    specs.add()
    specs.commit("pair")
    assert cli("headers").status == 0
    specs.write("specs/rest/b.md", spec(spec_id="rest/b", status="Deprecated"))  # drops its side
    specs.add()
    result = cli("headers", "specs/rest/b.md")
    assert result.lines == ["specs/rest/b.md:3:1: SH116 'specs/rest/a.md' says Replaces: b.md, but this spec does "
                            "not say Superseded by: rest/a"]
    cli("headers", "--fix", "specs/rest/b.md")
    assert "- **Superseded by:** rest/a\n" in specs.read("specs/rest/b.md").decode()


# Heading renames and refs --------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    (("goals", "scope"), ("objectives", "scope"), {"goals": "objectives"}),
    (("goals", "scope"), ("objectives", "range"), {"goals": "objectives", "scope": "range"}),
    (("goals", "scope"), ("scope",), {"goals": None}),
    (("goals", "scope"), ("scope", "goals"), {}),
    (("a", "b", "c"), ("a", "x", "y", "c"), {"b": None}),
    (("a", "b"), ("a", "b"), {}),
    # two headings of one text: renaming the first makes the second #example, which links must not follow
    (("example", "example-1"), ("sample", "example"), {"example": "sample", "example-1": "example"}),
    (("example", "example-1"), ("example", "sample"), {"example-1": "sample"}),
    (("a", "example", "x", "example-1"), ("a", "sample", "x", "example"), {"example": "sample", "example-1": "example"}),
    (("step-1", "step-2"), ("step-2", "step-1"), {}),  # a reordering re-points nothing
    (("step-1", "step-2", "step-3"), ("intro", "step-1", "step-2"), {"step-3": None}),  # one added, one dropped
])
def test_heading_renames_table(old: tuple[str, ...], new: tuple[str, ...], expected: dict[str, str | None]) -> None:
    assert heading_renames(Anchors(old, frozenset()), Anchors(new, frozenset())) == expected


@pytest.fixture
def headings(specs: Repo) -> Repo:
    specs.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n## Goals\n\n## Notes\n\n## Scope\n")
    specs.write("specs/rest/a.md", spec(spec_id="rest/a", status="Final") + "\nSee [g](b.md#goals), [s](b.md#scope).\n")
    specs.add()
    specs.commit("headings")
    return specs


def test_renamed_heading_breaks_links_in_untouched_files(headings: Repo, cli) -> None:
    headings.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n## Objectives\n\n## Notes\n")
    headings.add()
    result = cli("links", "--hook", "specs/rest/b.md")
    assert result.lines == [
        "specs/rest/a.md:15:9: SH212 #goals of 'specs/rest/b.md' is renamed to #objectives in the staged change",
        "specs/rest/a.md:15:26: SH205 #scope names a heading of 'specs/rest/b.md' that the staged change removes"]
    fixed = cli("links", "--hook", "--fix", "specs/rest/b.md")
    assert fixed.status == 1
    assert "See [g](b.md#objectives), [s](b.md#scope).\n" in headings.read("specs/rest/a.md").decode()


def test_refs_lists_backlinks(headings: Repo, cli) -> None:
    assert cli("refs", "specs/rest/b.md").lines == ["specs/rest/a.md:15:9: b.md#goals", "specs/rest/a.md:15:26: b.md#scope"]
    assert cli("refs", "specs/rest/b.md#scope").lines == ["specs/rest/a.md:15:26: b.md#scope"]
    missing = cli("refs", "specs/rest/b.md#nope")
    assert missing.lines == [] and "has no heading or anchor #nope" in missing.err
    listed = json.loads(cli("refs", "specs/rest/b.md#goals", "--format", "json").out)
    assert listed["references"] == [{"path": "specs/rest/a.md", "line": 15, "column": 9, "target": "b.md#goals"}]


# new and stale -------------------------------------------------------------------------------------


def test_new_spec_passes_check(specs: Repo, cli) -> None:
    created = cli("new", "specs/rest/webhooks-v3.md")
    assert created.status == 0, created.err
    text = specs.read("specs/rest/webhooks-v3.md").decode()
    from datetime import date

    assert text.startswith("# Webhooks v3\n\n- **Spec ID:** rest/webhooks-v3  \n- **Status:** Draft  \n")
    assert f"- **Updated:** {date.today().isoformat()}  \n" in text and "## 🎯 Goals\n" in text
    assert "List the primary objectives" not in text
    specs.add()
    assert cli("check", "specs/rest/webhooks-v3.md").status == 0
    again = cli("new", "specs/rest/webhooks-v3.md")
    assert again.status == 2 and "already exists" in again.err


def test_new_from_the_repository_template_keeps_instructions_and_repoints_links(specs: Repo, cli) -> None:
    specs.write(".spec-hooks.yaml", "types:\n  spec:\n    template: templates/spec.md\n")
    specs.write("templates/spec.md", "# [Title]\n\n- **Spec ID:** [area/name]\n- **Status:** Draft | Final\n"
                                     "- **Version:** 1.0\n- **Created:** YYYY-MM-DD\n- **Updated:** YYYY-MM-DD\n\n"
                                     "## Context\n\nRead [the guide](../docs/guide.md#rules) first.\n")
    specs.add()
    assert cli("new", "--title", "Orders", "--keep-instructions", "specs/rest/orders.md").status == 0
    text = specs.read("specs/rest/orders.md").decode()
    assert text.startswith("# Orders\n\n- **Spec ID:** rest/orders\n- **Status:** Draft\n")
    assert "Read [the guide](../../docs/guide.md#rules) first.\n" in text


def test_new_rejects_unknown_type(specs: Repo, cli) -> None:
    result = cli("new", "--type", "integratoin", "x.md")
    assert result.status == 2 and "did you mean 'integration'" in result.err


def test_stale_groups_by_owner_and_status(repo: Repo, cli) -> None:
    from conftest import integration

    repo.write("specs/rest/old.md", spec(spec_id="rest/old", updated="2024-01-02", created="2024-01-02"))
    repo.write("integrations/pay.md", integration(updated="2024-01-02"))
    repo.add()
    repo.commit("old", when="2024-01-02T10:00:00+00:00")
    repo.write("specs/rest/new.md", spec(spec_id="rest/new"))
    repo.add()
    repo.commit("new", when="2025-03-04T10:00:00+00:00")
    result = cli("stale", "--days", "365")
    from datetime import date

    age = (date.today() - date(2024, 1, 2)).days
    new_age = (date.today() - date(2025, 3, 4)).days
    # by owner ("(no owner)" first), then status, then the oldest change first
    expected = ["specs/rest/old.md", *(["specs/rest/new.md"] if new_age > 365 else []), "integrations/pay.md"]
    assert [line.split()[0] for line in result.lines if line.startswith("    ")] == expected
    assert f"    specs/rest/old.md  rest/old  last changed 2024-01-02 ({age} days, " in result.out
    listed = json.loads(cli("stale", "--days", str(new_age + 1), "--format", "json").out)
    assert [(item["path"], item["owner"], item["status"], item["last_change"]) for item in listed["stale"]] == [
        ("specs/rest/old.md", "(no owner)", "Draft", "2024-01-02"),
        ("integrations/pay.md", "Payments team", "(no status)", "2024-01-02")]
    markdown = cli("stale", "--days", "365", "--format", "markdown").out
    assert "### Payments team" in markdown and "| [Webhooks v2](specs/rest/old.md) | rest/old | Draft | 2024-01-02 |" in markdown


def test_transitions_against_a_base_commit_in_ci(specs: Repo, cli) -> None:
    base = specs.git("rev-parse", "HEAD").strip()
    specs.write("specs/rest/a.md", spec(spec_id="rest/a", status="Draft"))
    specs.add()
    specs.commit("back to draft")
    assert "SH113" not in cli("check", "--skip", "dates").codes()  # HEAD already holds the change
    result = cli("headers", "--base", base, "specs/rest/a.md")
    assert result.lines == [f"specs/rest/a.md:4:15: SH113 Status may not go from 'Final' (in {base}) to 'Draft': "
                            "allowed from 'Final': Deprecated"]
    assert cli("check", "--base", "nope", "specs/rest/a.md").status == 2


PLACEHOLDER = __import__("re").compile(r"\{\{.*?\}\}|YYYY-MM-DD|(?<!\])\[(?=[^\[\]\n]*[ /])[^\[\]\n]+\](?![(\[])")


@pytest.mark.parametrize(("text", "expected"), [
    ("[Specification Title]", "[Specification Title]"), ("[area/name] (e.g., `rest/x`)", "[area/name]"),
    ("Payments [beta]", None), ("[C++] interop", None), ("Typed [Throwing] closures", None), ("[[1]](a.md) x", None),
    ("{{System name}}", "{{System name}}"), ("YYYY-MM-DD", "YYYY-MM-DD"), ("see [the spec][ref]", None),
])
def test_what_is_a_template_placeholder(text: str, expected: str | None) -> None:
    """The templates' placeholders are names of more than one word; a bracketed word is prose (N1)."""
    from spec_hooks.documents import find_placeholder

    assert find_placeholder(text) == expected


@pytest.mark.parametrize("text", ["{{a}} x", "[area/name] (e.g.)", "[x](y) [z]", "a]][b] c", "[]x[y]", "{{x\n}}{{y}}",
                                  "[a][b]", "]{{ [q]Y YYYY-MM-DD", "[a\n] [b]"])
def test_find_placeholder_table(text: str) -> None:
    from spec_hooks.documents import find_placeholder

    match = PLACEHOLDER.search(text)
    assert find_placeholder(text) == (match.group() if match else None)


def test_find_placeholder_agrees_with_the_regex_it_replaces() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from spec_hooks.documents import find_placeholder

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet="{}[]()YMD- x/\n", max_size=40))
    def agrees(text: str) -> None:
        match = PLACEHOLDER.search(text)
        assert find_placeholder(text) == (match.group() if match else None)

    agrees()


@pytest.mark.parametrize("given", ["../outside.md", "specs/../../outside.md", "/tmp/elsewhere.md"])
def test_new_never_writes_outside_the_repository(specs: Repo, cli, given: str) -> None:
    result = cli("new", given)
    assert result.status == 2 and "outside the repository" in result.err
    assert not (specs.root.parent / "outside.md").exists()


def test_index_fix_rereads_every_block_of_a_file(specs: Repo, cli) -> None:
    two = INDEX + "\n<!-- spec-hooks:index group_by=area -->\n<!-- /spec-hooks:index -->\n"
    specs.write("README.md", two)
    specs.add()
    assert cli("index", "--fix").status == 1
    specs.add()
    assert cli("index", "--check").status == 0
    text = specs.read("README.md").decode()
    assert text.count("### rest (2)") == 1 and text.count("### Final (2)") == 1


def test_the_example_repository_index_is_current(repo: Repo, cli) -> None:
    """examples/spec-repo/README.md holds a generated catalogue; it must stay what the tool generates."""
    import shutil
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "spec-repo"
    shutil.copytree(example, repo.root, dirs_exist_ok=True)
    repo.add()
    assert cli("index", "--check").status == 0
    created = cli("new", "specs/rest/refunds.md")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert created.out.strip() in readme
