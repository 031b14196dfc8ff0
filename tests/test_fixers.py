"""The fixers on real repositories: each case in which one once wrote over the user's text, reproduced."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from conftest import Repo, spec

TODAY = date.today().isoformat()


def _committed(repo: Repo, files: dict[str, str]) -> None:
    for path, text in files.items():
        repo.write(path, text)
    repo.add()
    repo.commit("init")


def test_links_fix_never_applies_the_staged_texts_offsets_to_the_work_tree(repo: Repo, cli) -> None:
    """A file that is both a fragment target and a linking file, with unstaged changes: the fix was
    computed on the staged text, so it is not applied to the different text on disk."""
    _committed(repo, {"a.md": "# A\n\nSee [z](z.md#sec).\n",
                      "z.md": "# Z\n\n## Sec\n\nSee [hub](hub.md) for details.\n", "hub.md": "# Hub\n"})
    repo.git("mv", "hub.md", "hub2.md")
    on_disk = "# Z\n\nA new introduction paragraph, not staged yet.\n\n## Sec\n\nSee [hub](hub.md) for details.\n"
    repo.write("z.md", on_disk)
    result = cli("links", "--fix")
    assert result.status == 1
    assert repo.read("z.md").decode() == on_disk, "not one byte written"
    assert "z.md: not fixed: the file on disk differs from the text that was checked" in result.out
    assert "SH209" in result.out and "checked the staged content of z.md" in result.err
    repo.add("z.md")
    fixed = cli("links", "--fix")
    assert (fixed.status, fixed.out) == (1, "z.md: rewrote 1 link\n")
    assert repo.read("z.md").decode() == on_disk.replace("(hub.md)", "(hub2.md)")
    again = cli("links", "--fix")
    assert (again.status, again.out) == (0, ""), "the fix already on disk is recognised, not applied twice"


def test_links_fix_reads_the_work_tree_under_pre_commit(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside pre-commit the work tree is the staged content plus earlier hooks' fixes (here a date that
    got 4 characters shorter): the link fix is computed on, and applied to, that one text."""
    _committed(repo, {"specs/a.md": "# A\n\n- **Updated:** {{YYYY-MM-DD}}\n\nSee [the hub](../hub.md#overview).\n",
                      "hub.md": "# Hub\n\n## Overview\n"})
    repo.git("mv", "hub.md", "hub2.md")
    repo.write("specs/a.md", f"# A\n\n- **Updated:** {TODAY}\n\nSee [the hub](../hub.md#overview).\n")
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = cli("links", "--fix", "hub2.md")
    assert result.out == "specs/a.md: rewrote 1 link\n"
    assert repo.read("specs/a.md").decode() == f"# A\n\n- **Updated:** {TODAY}\n\nSee [the hub](../hub2.md#overview).\n"


@pytest.mark.parametrize("item", [
    "- **Up*dat*ed:** 2025-03-04",
    "- **Up\\_dated:** 2025-03-04",
    "- **`Updated`:** 2025-03-04",
    "-\n  **Updated:** 2025-03-04",
    "- # **Updated:** 2025-03-04",
])
def test_date_fixer_writes_the_date_where_it_stands(repo: Repo, cli, item: str) -> None:
    head = f"# Spec\n\n- **Spec ID:** a\n- **Status:** Draft\n{item}\n\nText.\n"
    _committed(repo, {"a.md": head})
    repo.write("a.md", head.replace("Text.", "New text."))
    repo.add()
    result = cli("dates", "a.md")
    assert result.status == 1 and result.out == f"a.md: Updated 2025-03-04 -> {TODAY}\n"
    assert repo.read("a.md").decode() == head.replace("Text.", "New text.").replace("2025-03-04", TODAY)


def test_date_fixers_keep_cr_only_line_endings(repo: Repo, cli) -> None:
    text = spec(updated="2025-01-02").replace("\n", "\r")
    _committed(repo, {"specs/rest/webhooks-v2.md": text})
    repo.write("specs/rest/webhooks-v2.md", text.replace("Text.", "Changed."))
    repo.add()
    result = cli("dates", "specs/rest/webhooks-v2.md")
    assert result.status == 1
    assert repo.read("specs/rest/webhooks-v2.md") == text.replace("Text.", "Changed.").replace(
        "Updated:** 2025-01-02", f"Updated:** {TODAY}").encode()


def test_backfill_never_replaces_a_symlink(repo: Repo, cli, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    original = spec(spec_id="x", updated="2020-01-01", created="2020-01-01")
    outside.write_text(original)
    repo.write("specs/real.md", spec(spec_id="real", updated="2020-01-01", created="2020-01-01"))
    os.symlink(outside, repo.root / "specs/x.md")
    os.symlink("real.md", repo.root / "specs/alias.md")
    repo.add()
    repo.commit("init", when="2025-03-04T10:00:00+00:00")
    result = cli("dates", "--check", "--fix")
    assert result.status == 1
    assert "specs/x.md:1:1: SH001" in result.out, "a link out of the repository is reported, not read"
    assert "specs/alias.md" not in result.out, "a symlink has no dates of its own; its target is checked"
    assert (repo.root / "specs/x.md").is_symlink() and outside.read_text() == original
    assert (repo.root / "specs/alias.md").is_symlink()
    assert "specs/real.md: Updated 2020-01-01 -> 2025-03-04" in result.out


@pytest.mark.parametrize(("new_name", "written"), [
    ("hub (v2).md", "hub%20%28v2%29.md"),
    ("hub).md", "hub%29.md"),
    ("my <hub>.md", "my%20%3Chub%3E.md"),
    ("50% & more.md", "50%25%20%26%20more.md"),
])
def test_rewritten_destinations_stay_links_and_resolve(repo: Repo, cli, new_name: str, written: str) -> None:
    _committed(repo, {"a.md": "# A\n\nSee [hub](hub.md#goals), ![i](./hub.md) and <a href=\"hub.md\">it</a>.\n",
                      "hub.md": "# Hub\n\n## Goals\n"})
    repo.git("mv", "hub.md", new_name)
    fixed = cli("links", "--fix", new_name)
    assert fixed.out == "a.md: rewrote 3 links\n"
    assert repo.read("a.md").decode() == (
        f"# A\n\nSee [hub]({written}#goals), ![i](./{written}) and <a href=\"{written}\">it</a>.\n")
    repo.add()
    again = cli("links", "a.md")
    assert (again.status, again.out) == (0, ""), "every rewritten link resolves, fragment included"


def test_angle_bracket_destinations_keep_their_brackets(repo: Repo, cli) -> None:
    _committed(repo, {"a.md": "# A\n\nSee [hub](<my hub.md>).\n", "my hub.md": "# Hub\n"})
    repo.git("mv", "my hub.md", "our hub (new).md")
    cli("links", "--fix", "our hub (new).md")
    assert repo.read("a.md").decode() == "# A\n\nSee [hub](<our hub %28new%29.md>).\n"
    repo.add()
    assert cli("links", "a.md").status == 0


def test_fixer_messages_never_enter_json_output(repo: Repo, cli) -> None:
    import json

    _committed(repo, {"a.md": "# A\n\n[h](hub.md)\n", "hub.md": "# Hub\n",
                      "s.md": spec(spec_id="s", updated="2020-01-01", created="2020-01-01")})
    repo.git("mv", "hub.md", "hub2.md")
    for args in (("links", "--fix", "--format", "json", "hub2.md"), ("dates", "--check", "--fix", "--format", "json")):
        result = cli(*args)
        json.loads(result.out)
        assert result.status == 1 and ": " in result.err, args


@pytest.mark.parametrize(("text", "expected"), [
    ("a\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> side\n", 2),
    ("<<<<<<< HEAD\r\nx\r\n||||||| base\r\nw\r\n=======\r\ny\r\n>>>>>>> side\r\n", 1),
    ("Title\n=======\n\ntext\n", None),  # a setext heading underlined with exactly seven '='
    ("a\n=======\nb\n", None),
    ("<<<<<<< HEAD\nno end\n", None),
    ("x <<<<<<< HEAD\n=======\n>>>>>>> side\n", None),  # not at a line start
    ("=======\n<<<<<<< HEAD\n>>>>>>> side\n=======\n", None),  # out of order
])
def test_conflict_markers_are_recognised_as_git_writes_them(text: str, expected: int | None) -> None:
    from spec_hooks.checks.dates import conflict_start

    found = conflict_start(text)
    assert (None if found is None else text.count("\n", 0, found) + 1) == expected


def test_a_setext_heading_of_seven_equals_signs_is_not_a_conflict(repo: Repo, cli) -> None:
    text = spec(spec_id="a", updated="2025-01-02").replace("## 📖 Overview", "Overview\n=======")
    _committed(repo, {"a.md": text})
    repo.write("a.md", text.replace("Text.", "More text."))
    repo.add()
    result = cli("dates", "a.md")
    assert result.status == 1 and result.out == f"a.md: Updated 2025-01-02 -> {TODAY}\n"


# Output that cannot be forged or broken by a file's name ---------------------------------------


def test_a_file_name_cannot_forge_a_finding_line(repo: Repo, cli) -> None:
    name = "evil\nspecs/x.md:1:1: SH999 injected.md"
    _committed(repo, {name: "# T\n\n[x](missing.md)\n"})
    result = cli("links")
    assert result.status == 1
    assert not any(line.startswith("specs/x.md") for line in result.lines)
    assert result.lines == ["evil\\nspecs/x.md:1:1: SH999 injected.md:3:5: SH201 'missing.md' does not exist"]


def test_output_survives_a_file_name_that_is_not_utf8(repo: Repo) -> None:
    import json
    import subprocess
    import sys

    raw = b"bad\xff.md"
    (repo.root / raw.decode("utf-8", "surrogateescape")).write_bytes(b"# T\n\n[x](missing.md)\n")
    repo.git("add", "-A")
    for format_name in ("text", "json", "sarif", "github"):
        result = subprocess.run([sys.executable, "-m", "spec_hooks", "links", "--format", format_name],
                                cwd=repo.root, capture_output=True, check=False)
        assert result.returncode == 1 and result.stderr == b"", (format_name, result.stderr)
        if format_name == "json":
            assert json.loads(result.stdout)["findings"][0]["path"] == "bad\\xff.md"
        elif format_name == "sarif":
            location = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]
            assert location["physicalLocation"]["artifactLocation"]["uri"] == "bad%5Cxff.md"
        else:
            assert b"bad\\xff.md" in result.stdout


def test_a_closed_pipe_ends_quietly(repo: Repo) -> None:
    import subprocess
    import sys

    for index in range(400):
        repo.write(f"d{index}.md", "# T\n\n" + "[x](missing.md)\n" * 20)
    repo.add()
    for format_name in ("text", "json"):
        process = subprocess.Popen([sys.executable, "-m", "spec_hooks", "links", "--format", format_name],
                                   cwd=repo.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()  # as `| head -c 10` does
        error = process.stderr.read()
        assert process.wait() == 1 and error == b"", error


# The ignore-revs file ------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "error"), [
    ("1\n", ".git-blame-ignore-revs:1: '1' is not a full commit id"),
    ("# ok\n" + "a" * 39 + "\n", ".git-blame-ignore-revs:2: "),
])
def test_ignore_revs_lines_must_be_full_commit_ids(repo: Repo, cli, content: str, error: str) -> None:
    _committed(repo, {"a.md": spec(spec_id="a"), ".git-blame-ignore-revs": content})
    result = cli("dates", "--check")
    assert result.status == 2 and error in result.err and len(result.err.splitlines()) == 1


@pytest.mark.parametrize("configured", ["/dev/zero", "../outside-revs"])
def test_ignore_revs_file_must_be_inside_the_repository(repo: Repo, cli, configured: str) -> None:
    (repo.root.parent / "outside-revs").write_text("a" * 40 + "\n")
    _committed(repo, {"a.md": spec(spec_id="a"), ".spec-hooks.yaml": f"dates:\n  ignore_revs_file: {configured}\n"})
    result = cli("dates", "--check")
    assert result.status == 2 and "is outside the repository" in result.err


def test_a_symlink_leading_outside_the_repository_is_reported_not_read(repo: Repo, cli, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\n- **Spec ID:** x\n- **Status:** Nope\n")
    os.symlink(secret, repo.root / "linked.md")
    os.symlink(tmp_path, repo.root / "folder")
    repo.add("linked.md")
    repo.commit("link")
    for args in (("headers", "linked.md"), ("headers", "folder/secret.md"), ("links", "linked.md")):
        result = cli(*args)
        assert result.status == 1 and "SH001" in result.out and "leads outside the repository" in result.out, args
        assert "Nope" not in result.out
