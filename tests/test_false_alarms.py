"""Zero false alarms on real Markdown (issue 23): each case a real repository met, through the CLI or as a
table of small inputs."""
from __future__ import annotations

import pytest
from conftest import Repo, spec

from spec_hooks.documents import near_miss

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
