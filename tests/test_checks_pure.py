"""The check families as pure functions (issue 25): given the repository as data (index entries, staged
moves), the documents' texts, the configuration and today, each returns findings and its fixes as data.
No git runs here: the tables below build no repository, and nothing is written but the texts read."""
from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from spec_hooks.checks.dates import judge_dates
from spec_hooks.checks.history import Trace
from spec_hooks.checks.index import Options, blocks_of
from spec_hooks.checks.links import COMPARED_AT_MOST, Repository, check_file
from spec_hooks.config import Config
from spec_hooks.document import Document
from spec_hooks.fix import splice
from spec_hooks.repo.history import Commit
from spec_hooks.run import Project
from spec_hooks.source import Source

from conftest import spec

CHECKS = Path(__file__).resolve().parents[1] / "spec_hooks" / "checks"
BLOB = "0" * 40
TRACKED = {
    "docs/a.md": "# A\n\n## Goals\n\n## Goals\n",
    "docs/guide.md": "# Guide\n",
    "docs/notes.txt": "one\ntwo\n",
    "README.md": "# Readme\n",
}

LINK_CASES = [
    ("a tracked file", "[x](guide.md)", {}, []),
    ("a heading of a tracked file", "[x](a.md#goals)", {}, []),
    ("the second heading of the same text", "[x](a.md#goals-1)", {}, []),
    ("a root-absolute link", "[x](/README.md)", {}, []),
    ("a file nothing holds", "[x](missing.md)", {}, ["SH201"]),
    ("a wrong case", "[x](Guide.md)", {}, ["SH203"]),
    ("a folder (links.allow_folders, the default)", "[x](../docs)", {}, []),
    ("out of the repository", "[x](../../out.md)", {}, ["SH204"]),
    ("a heading nothing has", "[x](a.md#aims)", {}, ["SH205"]),
    ("a heading in the wrong case", "[x](a.md#Goals)", {}, ["SH211"]),
    ("lines past the end of a text file", "[x](notes.txt#L9)", {}, ["SH205"]),
    ("lines within a text file", "[x](notes.txt#L1-L2)", {}, []),
    ("a file the staged change renames", "[x](guide.md)", {"docs/guide.md": "docs/howto.md"}, ["SH209"]),
    ("an unused definition", "[g]: missing.md", {}, ["SH210"]),
    ("an external link", "[x](https://example.com/missing.md)", {}, []),
]


def _repository(root: Path, files: dict[str, str], renames: dict[str, str], config: Config | None = None
                ) -> Repository:
    """The repository as data: the files' texts in a folder (read as a run outside git reads them), each
    at its new path when the staged change renames it, and the index entries and renames given, not asked
    of git."""
    placed = {renames.get(path, path): text for path, text in files.items()}
    for path, text in placed.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    entries = {path: ("100644", BLOB) for path in placed}
    return Repository(Project(root, config or Config()), entries, renames, set())


@pytest.mark.parametrize(("line", "renames", "codes"), [case[1:] for case in LINK_CASES],
                         ids=[case[0] for case in LINK_CASES])
def test_link_rules(tmp_path: Path, line: str, renames: dict[str, str], codes: list[str]) -> None:
    repository = _repository(tmp_path, {**TRACKED, "docs/b.md": f"# B\n\n{line}\n"}, renames)
    findings, _ = check_file(repository, "docs/b.md")
    assert sorted(finding.code for finding in findings) == codes


def test_a_folder_link_when_folders_are_not_allowed(tmp_path: Path) -> None:
    files = {**TRACKED, "docs/b.md": "# B\n\n[x](../docs)\n"}
    repository = _repository(tmp_path, files, {}, replace(Config(), allow_folder_links=False))
    assert [finding.code for finding in check_file(repository, "docs/b.md")[0]] == ["SH207"]


FIX_CASES = [
    ("a renamed file, relative", "[x](guide.md)", {"docs/guide.md": "docs/howto.md"}, "[x](howto.md)"),
    ("a renamed file, in another folder", "[x](guide.md#top)", {"docs/guide.md": "specs/guide.md"},
     "[x](../specs/guide.md#top)"),
    ("a renamed file, root-absolute", "[x](/docs/guide.md)", {"docs/guide.md": "docs/howto.md"},
     "[x](/docs/howto.md)"),
    ("a wrong case", "[x](./Guide.md)", {}, "[x](./guide.md)"),
    ("a heading in the wrong case", "[x](a.md#GOALS)", {}, "[x](a.md#goals)"),
]


@pytest.mark.parametrize(("line", "renames", "fixed"), [case[1:] for case in FIX_CASES],
                         ids=[case[0] for case in FIX_CASES])
def test_link_fixes_are_data(tmp_path: Path, line: str, renames: dict[str, str], fixed: str) -> None:
    """A fix is a file's edits on the text it was computed on: applying them gives the fixed line, and
    nothing is written by the check."""
    text = f"# B\n\n{line}\n"
    repository = _repository(tmp_path, {**TRACKED, "docs/b.md": text}, renames)
    _, fixes = check_file(repository, "docs/b.md")
    assert [fix.path for fix in fixes] == ["docs/b.md"]
    assert fixes[0].checked == text
    assert splice(text, fixes[0].edits) == f"# B\n\n{fixed}\n"
    assert fixes[0].verify is not None and fixes[0].verify(f"# B\n\n{fixed}\n") is None
    assert (tmp_path / "docs/b.md").read_text(encoding="utf-8") == text


def _commit(day: str, offset: str = "+0000") -> Commit:
    seconds = int((date.fromisoformat(day) - date(1970, 1, 1)).total_seconds()) + 12 * 3600
    return Commit("c" * 40, (), seconds, offset, seconds, offset, ())


DATE_CASES = [
    ("Updated on the day of the last change", "2025-03-04", _commit("2025-03-04"), [], {}),
    ("Updated after the last change", "2025-03-10", _commit("2025-03-04"), [], {}),
    ("Updated before the last change", "2025-03-01", _commit("2025-03-04"), ["SH301"], {"Updated": "2025-03-04"}),
    ("a last change beyond a shallow clone", "2025-03-04", None, ["SH302"], {}),
    ("the staged change edits the content today", "2025-03-04", "today", ["SH301"], {"Updated": "2025-06-01"}),
]


@pytest.mark.parametrize(("updated", "changed", "codes", "backfill"), [case[1:] for case in DATE_CASES],
                         ids=[case[0] for case in DATE_CASES])
def test_date_rules(updated: str, changed: Commit | str | None, codes: list[str], backfill: dict[str, str]) -> None:
    document = Document(Source("specs/rest/webhooks-v2.md", spec(updated=updated)))
    _, found = document.meaning(Config())
    assert found is not None
    trace = None if changed == "today" else Trace(found.path, found.path, BLOB, changed if isinstance(changed, Commit)
                                                  else None, unknown=changed is None)
    findings, new_values = judge_dates(found, trace, date(2025, 6, 1), "author")
    assert [finding.code for finding in findings] == codes
    assert new_values == backfill


INDEX_CASES = [
    ("one block", "# I\n\n<!-- spec-hooks:index -->\nold\n<!-- /spec-hooks:index -->\n", 1, []),
    ("no block", "# I\n\ntext\n", 0, []),
    ("a marker in code is text", "# I\n\n```\n<!-- spec-hooks:index -->\n```\n", 0, []),
    ("an opening never closed", "# I\n\n<!-- spec-hooks:index -->\nold\n", 0, ["SH402"]),
    ("a closing with no opening", "# I\n\n<!-- /spec-hooks:index -->\n", 0, ["SH402"]),
]


@pytest.mark.parametrize(("text", "blocks", "codes"), [case[1:] for case in INDEX_CASES],
                         ids=[case[0] for case in INDEX_CASES])
def test_index_blocks(text: str, blocks: int, codes: list[str]) -> None:
    found, problems = blocks_of(Document(Source("INDEX.md", text)), Options())
    assert len(found) == blocks
    assert [problem.code for problem in problems] == codes


# What a check may not do: run git or another program, print, write a file or a cache, read the clock.
FORBIDDEN_CALLS = {"print", "open", "input", "write_fixes", "write_edits", "write_atomic", "write_keyed",
                   "create_exclusive", "apply_fixes"}
FORBIDDEN_METHODS = {"save", "today", "now", "utcnow", "write_text", "write_bytes", "unlink", "replace_file"}
FORBIDDEN_MODULES = {"subprocess", "git", "sys", "time", "shutil", "tempfile"}


def _impurities(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{node.lineno}: calls {node.func.id}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_METHODS:
            found.append(f"{node.lineno}: calls .{node.func.attr}()")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: imports {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"{node.lineno}: imports from {node.module}")
    return found


def test_check_families_neither_write_nor_print_nor_read_the_clock() -> None:
    """Fixes and kept results go back to the session as data (it writes them, and saves the store once);
    today is an argument; git is asked through the repository view only."""
    found = {path.name: problems for path in sorted(CHECKS.glob("*.py"))
             if (problems := _impurities(ast.parse(path.read_text(encoding="utf-8"))))}
    assert found == {}


def test_the_purity_test_sees_what_it_forbids() -> None:
    tree = ast.parse("import subprocess\nfrom sys import stderr\nprint(1)\nstore.save()\nconfig.today()\n"
                     "write_fixes(root, [])\n")
    assert len(_impurities(tree)) == 6


def test_did_you_mean_searches_are_bounded_per_file(tmp_path: Path) -> None:
    """Each search compares a fragment with every anchor of its target: a file's searches compare with
    COMPARED_AT_MOST anchors in all, and each finding past them says it has none (the findings themselves are
    all reported)."""
    anchors = 500
    searches = COMPARED_AT_MOST // anchors
    count = searches + 50
    target = "# X\n\n" + "".join(f"## Section {i}\n\n" for i in range(anchors - 1))
    links = "".join(f"[s{i}](x.md#sectoin-{i})\n" for i in range(count))
    repository = _repository(tmp_path, {"docs/x.md": target, "docs/y.md": f"# Y\n\n{links}"}, {})
    findings, _ = check_file(repository, "docs/y.md")
    assert [finding.code for finding in findings] == ["SH205"] * count
    suggested = [finding for finding in findings if ": did you mean #section-" in finding.message]
    unsearched = [finding for finding in findings if 'no "did you mean"' in finding.message]
    assert len(suggested) == searches and len(unsearched) == count - searches
    assert suggested[0].message.endswith("did you mean #section-0?")


def test_a_fragment_written_as_its_heading_text_is_suggested_without_a_search(tmp_path: Path) -> None:
    links = "".join("[s](<x.md#Section 1>)\n" for _ in range(COMPARED_AT_MOST // 2 + 5))
    repository = _repository(tmp_path, {"docs/x.md": "# X\n\n## Section 1\n", "docs/y.md": f"# Y\n\n{links}"}, {})
    findings, _ = check_file(repository, "docs/y.md")
    assert {finding.message.rpartition(": ")[2] for finding in findings} == {"did you mean #section-1?"}
