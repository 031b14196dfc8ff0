"""Hostile and odd input through the real CLI: a finding or one line on stderr with exit 2, never a
traceback, and nothing read outside the repository (issue 11)."""
from __future__ import annotations

import os
import subprocess

import pytest

from conftest import Repo, spec

PATH = "specs/rest/webhooks-v2.md"


@pytest.mark.parametrize("name", ["-rf.md", "--format=json.md", "--", "-"])
def test_file_names_that_look_like_options_are_files(repo: Repo, cli, name: str) -> None:
    """pre-commit passes names as they are: `spec-hooks headers -rf.md` must check the file."""
    if name in ("--", "-"):
        name += "x.md"
    repo.write(name, spec(spec_id="rest/x"))
    repo.write("b.md", spec(spec_id="rest/x"))
    result = cli("headers", "--format", "text", name, "b.md")
    assert result.status == 1, result.err
    assert f"{name}:3:16: SH110 Spec ID 'rest/x' is also used by b.md" in result.lines
    with pytest.raises(SystemExit) as usage:  # an option that names no file is still an option
        cli("headers", "--bogus", "b.md")
    assert usage.value.code == 2


def test_relative_git_dir_from_a_subdirectory(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(PATH, spec(spec_id="other/id"))
    repo.add()
    monkeypatch.chdir(repo.root / "specs")
    monkeypatch.setenv("GIT_DIR", "../.git")
    monkeypatch.setenv("GIT_WORK_TREE", "..")
    result = cli("headers")
    assert (result.status, result.err) == (1, "")
    assert result.codes() == ["SH111"]


def _commit_object(repo: Repo, author: str, committer: str) -> None:
    """A commit git itself would not write, made by hand: git accepts and shows it."""
    tree = repo.git("write-tree").strip()
    parent = repo.git("rev-parse", "HEAD").strip()
    body = f"tree {tree}\nparent {parent}\nauthor {author}\ncommitter {committer}\n\nhand-made\n"
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=repo.root,
                          input=body, capture_output=True, text=True, check=True, env=os.environ)
    repo.git("update-ref", "HEAD", made.stdout.strip())


@pytest.mark.parametrize(
    ("author", "committer", "message"),
    [
        ("A <a@example.com>", "C <c@example.com> 1751277600 +0000", "content changed on 2025-06-30"),
        ("A <a@example.com> 253402300800 +0000", "C <c@example.com> 253402300800 +0000",
         "content changed on 9999-12-31"),
    ],
    ids=["author line without a date", "past year 9999"],
)
def test_odd_commit_dates_are_read_not_a_crash(repo: Repo, cli, author: str, committer: str, message: str) -> None:
    repo.write(PATH, spec(updated="2025-02-14"))
    repo.add()
    repo.commit("first", when="2025-02-14T10:00:00+00:00")
    repo.write(PATH, spec(updated="2025-02-14").replace("Text.", "Changed."))
    repo.add()
    _commit_object(repo, author, committer)
    result = cli("dates", "--check")
    assert result.status == 1 and result.err == ""
    assert result.lines[0].startswith(f"{PATH}:7:16: SH301 Updated 2025-02-14 but {message}")


def test_utf16_files_are_named_as_such_not_binary(repo: Repo, cli) -> None:
    repo.write("u16.md", "# Title\n\n[a](a.md)\n".encode("utf-16"))
    repo.add()
    result = cli("links", "u16.md")
    assert result.lines == ["u16.md:1:1: SH002 is UTF-16 (it starts with a UTF-16 byte-order mark): spec-hooks reads "
                            "UTF-8, as git diffs and most tools do; save it as UTF-8"]


def test_a_fragment_into_a_file_in_conflict_cannot_be_checked(repo: Repo, cli) -> None:
    repo.write("b.md", "# B\n\n## Old\n")
    repo.write("a.md", "# A\n\n[x](b.md#new)\n")
    repo.add()
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("b.md", "# B\n\n## New\n")
    repo.add()
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("b.md", "# B\n\n## Other\n")
    repo.add()
    repo.commit("main")
    subprocess.run(["git", "merge", "-q", "side"], cwd=repo.root, capture_output=True, env=os.environ)
    result = cli("links", "a.md")
    assert result.lines == ["a.md:3:5: SH205 cannot check #new: 'b.md' has an unresolved merge conflict: "
                            "its headings are not settled"]


def test_links_into_a_submodule_are_the_submodules(repo: Repo, cli, tmp_path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(library)], check=True)
    (library / "guide.md").write_text("# Guide\n")
    subprocess.run(["git", "add", "."], cwd=library, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "guide"], cwd=library, check=True, env=os.environ)
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "vendor/library")
    repo.write("a.md", "# A\n\n[ok](vendor/library/guide.md) [gone](vendor/library/missing.md)\n")
    repo.add()
    result = cli("links", "a.md")
    assert result.lines == ["a.md:3:38: SH201 'vendor/library/missing.md' does not exist in the submodule "
                            "'vendor/library' (as checked out)"]


def test_the_date_fixer_rewrites_a_file_with_a_newline_in_its_name(repo: Repo, cli) -> None:
    name = "specs/rest/new\nline.md"
    repo.write(name, spec(updated="2025-02-14"))
    repo.add()
    repo.commit("first", when="2025-02-14T10:00:00+00:00")
    repo.write(name, spec(updated="2025-02-14").replace("Text.", "Changed."))
    repo.add()
    result = cli("dates", name)
    assert result.status == 1
    assert result.out.startswith("specs/rest/new\\nline.md: Updated 2025-02-14 -> "), "the name is escaped, not raw"
    assert b"**Updated:** 2025-02-14" not in repo.read(name)
