"""Zero false alarms on real Markdown (issue 23): each case a real repository met, through the CLI or as a
table of small inputs."""
from __future__ import annotations

import pytest

from spec_hooks.documents import near_miss

from conftest import Repo, spec

KNOWN = ["Spec ID", "Status", "Version", "Created", "Updated", "Replaces", "Superseded by", "Depends on", "Last updated"]


@pytest.mark.parametrize(("key", "expected"), [
    ("Supersedes", None), ("Depends", None), ("Superseeded by", "Superseded by"), ("Udpated", "Updated"),
    ("Updatd", "Updated"), ("Spec-Id", "Spec ID"), ("Replace", "Replaces"), ("Last update", "Last updated"),
    ("Dependson", "Depends on"), ("Verison", "Version"),
])
def test_a_near_miss_is_a_typo_never_another_word(key: str, expected: str | None) -> None:
    assert near_miss(key, KNOWN) == expected


def test_supersedes_is_not_read_as_superseded_by(repo: Repo, cli) -> None:
    """Read as its near miss, `Supersedes` inverted the relation: false SH115/SH116 and a declined fix."""
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Deprecated"))
    repo.write("specs/rest/b.md", spec(spec_id="rest/b", status="Final").replace(
        "- **Updated:** 2025-03-04\n", "- **Updated:** 2025-03-04\n- **Supersedes:** rest/a\n"))
    repo.add()
    codes = cli("headers").codes()
    assert "SH115" not in codes and "SH116" not in codes, codes
    assert cli("headers", "--fix").status in (0, 1) and b"Replaces" not in repo.read("specs/rest/a.md")


@pytest.mark.parametrize(("status", "expected"), [
    ("{Draft, In Review, Final}", ["SH107"]), ("Draft | Final | Deprecated", ["SH107"]), ("{Draft}", ["SH106"]),
    ("Final", []),
])
def test_a_leftover_list_of_choices_is_a_placeholder(repo: Repo, cli, status: str, expected: list[str]) -> None:
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status=status))
    repo.add()
    assert cli("headers").codes() == expected


@pytest.mark.parametrize(("text", "codes"), [
    ("# Unsafe[Mutable][Raw][Buffer]Pointer\n", []),  # notation inside a word (swift-evolution 0184)
    ("Use matrix[i][j] here.\n", []),
    ('Read x["a"]["b"].\n', []),
    ("Call Array[Int](repeating: 0, count: 3).\n", []),
    ("See [T][f(x)] there.\n", []),
    ("resolver is expected to perform [RFC-6724][6724] address sorting.\n", ["SH206"]),  # meant as a link
    ("(see [revision 3][rev-3]). This\n", ["SH206"]),
    ("* Check the [extraction directory](Extraction Location) first\n", ["SH208"]),
    ("[Examples are below.](## Examples and Definitions)\n", ["SH208"]),
])
def test_bracket_notation_is_not_a_missed_link(text: str, codes: list[str]) -> None:
    from spec_hooks.markdown import parse

    assert [problem.code for problem in parse(text).problems] == codes


TEMPLATE_TEXT = ("# [Specification Title]\n\n- **Spec ID:** [area/name]\n- **Status:** Draft | Final | Deprecated\n"
                 "- **Version:** 1.0\n- **Created:** YYYY-MM-DD\n- **Updated:** YYYY-MM-DD\n\n---\n\n"
                 "See [the guideline](/docs/guide.md).\n")


def test_no_spec_about_templates_is_lost_and_every_template_is_counted(repo: Repo, cli) -> None:
    """`template-leftover.md` and `email-template-api.md` are specs (checked); `spec-template.md`, `TEMPLATE.md`,
    `templates/` and a name with the word whose header still holds placeholders are templates: counted,
    their links checked."""
    specs = {"specs/rest/template-leftover.md": spec(spec_id="rest/template-leftover", status="Approved"),
             "specs/email-template-api.md": spec(spec_id="email-template-api", status="Approved")}
    templates = {"spec-template.md": TEMPLATE_TEXT, "TEMPLATE.md": TEMPLATE_TEXT, "templates/rfc.md": TEMPLATE_TEXT,
                 "rfc_template_v2.md": TEMPLATE_TEXT}
    for path, text in {**specs, **templates}.items():
        repo.write(path, text)
    repo.add()
    result = cli("check", "--skip", "dates")
    assert {line.split(":")[0] for line in result.lines if " SH106 " in line} == set(specs), "the specs are checked"
    assert {line.split(":")[0] for line in result.lines if " SH201 " in line} == set(templates), "templates' links too"
    assert not [line for line in result.lines if line.split(":")[0] in templates and " SH201 " not in line]
    assert result.summary[0].endswith("Left out: 4 templates (only their links checked); -v lists them.")
    listed = cli("check", "--skip", "dates", "-v").err.splitlines()
    assert sorted(line for line in listed if line.startswith("spec-hooks: left out: ")) == sorted(
        f"spec-hooks: left out: {path} (a template: only its links are checked)" for path in templates)
    repo.write("rfc_template_v2.md", spec(spec_id="rfc_template_v2", status="Approved"))  # filled in: a spec now
    repo.add()
    assert "rfc_template_v2.md" in {line.split(":")[0] for line in cli("check", "--skip", "dates").lines}


@pytest.mark.parametrize(("url", "base"), [
    ("git@github.com:Swiftlang/Swift-Evolution.git", "https://github.com/swiftlang/swift-evolution"),
    ("https://github.com/swiftlang/swift-evolution.git", "https://github.com/swiftlang/swift-evolution"),
    ("https://github.com/swiftlang/swift-evolution", "https://github.com/swiftlang/swift-evolution"),
    ("ssh://git@github.com/o/r", "https://github.com/o/r"), ("https://user@ghe.example.com/o/r/", "https://ghe.example.com/o/r"),
    ("/srv/git/repo.bundle", None), ("not a url", None),
])
def test_a_remote_names_its_github_pages(url: str, base: str | None) -> None:
    from spec_hooks.paths import github_base

    assert github_base(url) == base


def test_links_to_the_repositorys_own_github_pages_are_checked(repo: Repo, cli) -> None:
    repo.git("remote", "add", "origin", "git@github.com:Swiftlang/Swift-Evolution.git")
    own = "https://github.com/swiftlang/swift-evolution"
    repo.write("proposals/0001-a.md", "# A\n\n## Motivation\n")
    repo.write("proposals/b.md", "# B\n\n" + " ".join([
        f"[ok]({own}/blob/main/proposals/0001-a.md#motivation)", f"[gone]({own}/blob/main/proposals/0002-gone.md)",
        f"[frag]({own}/blob/main/proposals/0001-a.md#nope)", f"[folder]({own}/tree/main/proposals)",
        "[other](https://github.com/apple/swift/blob/main/x.md)",
        f"[permalink]({own}/blob/0123456789abcdef0123456789abcdef01234567/gone.md)",
        f"[placeholder]({own}/blob/...commit-ID.../gone.md)"]) + "\n")
    repo.add()
    assert [line.split(" ", 2)[1] + " " + line.split("'")[1] for line in cli("links").lines] == [
        "SH201 /proposals/0002-gone.md", "SH205 proposals/0001-a.md"]
    repo.write(".spec-hooks.yaml", "links:\n  repository: https://github.com/someone/else\n")
    assert cli("links").lines == [], "links.repository names the repository"
    assert cli("links", "--fix").status == 0, "never rewritten"


def test_a_rename_that_breaks_a_templates_link_is_caught_by_the_hook(repo: Repo, cli) -> None:
    """The hook given no file looks for links the staged rename breaks in untouched files: templates too."""
    repo.commit_files("start", {"templates/spec-template.md": TEMPLATE_TEXT.replace("/docs/guide.md", "../guide.md"),
                                "guide.md": "# Guide\n"})
    repo.git("mv", "guide.md", "guideline.md")
    assert cli("links", "--hook").codes() == ["SH209"]


def test_a_finding_no_fixer_rewrites_stays_unfixable_when_replayed(repo: Repo, cli) -> None:
    """Kept link findings (runs of more than 20 files) keep whether the fixer can fix them."""
    repo.git("remote", "add", "origin", "https://github.com/o/r.git")
    files = {f"docs/f{number}.md": f"# F{number}\n" for number in range(25)}
    files["docs/f0.md"] = "# F0\n\n[case](https://github.com/o/r/blob/main/docs/F1.md)\n"  # SH203: fixable as a path
    repo.commit_files("start", files)
    for run in ("cold", "warm"):
        result = cli("links")
        assert result.codes() == ["SH203"], run
        assert "fixable" not in result.summary[0], run
