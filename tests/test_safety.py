"""The newer fixers and commands as safe as the old ones (issue 27): nothing written outside the work
tree or over a file, no traceback, no text injected. Each test names the defect (N1-N18) it pins; the
reproductions are in ../shared/reliability-cases/."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import Repo, spec


@pytest.fixture
def started(repo: Repo) -> Repo:
    repo.write("README.md", "# R\n")
    repo.add()
    repo.commit("init")
    return repo


# N5: `new` on a path it cannot create: one line on stderr, exit 2 ---------------------------------------------


@pytest.mark.parametrize(("given", "said"), [
    ("README.md/x.md", "README.md/x.md: cannot create it: README.md on its way is a file"),
    ("specs/dangling/x.md", "specs/dangling/x.md: cannot create it: dangling on its way is a broken symbolic link"),
    ("specs/" + "n" * 300 + ".md", "cannot create it: File name too long"),
])
def test_new_says_why_it_cannot_create_a_file(started: Repo, cli, tmp_path: Path, given: str, said: str) -> None:
    (started.root / "specs").mkdir()
    (started.root / "specs" / "dangling").symlink_to(tmp_path / "nowhere")
    result = cli("new", given)
    assert result.status == 2 and result.out == ""
    assert result.err.startswith("spec-hooks: error: ") and said in result.err and result.err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_new_in_a_folder_it_may_not_write(started: Repo, cli) -> None:
    locked = started.root / "specs" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0o555)
    try:
        result = cli("new", "specs/locked/x.md")
    finally:
        locked.chmod(0o755)
    assert result.status == 2 and result.err == "spec-hooks: error: specs/locked/x.md: cannot create it: Permission denied\n"


# N15: nothing under the git directory -------------------------------------------------------------------------


@pytest.mark.parametrize("given", [".git/hooks/pre-commit.md", "sub/.git/x.md", ".GIT/x.md"])
def test_new_writes_nothing_under_the_git_directory(started: Repo, cli, given: str) -> None:
    result = cli("new", given)
    assert result.status == 2 and "lies in the git directory" in result.err
    assert not (started.root / given).exists()


def test_new_writes_nothing_into_a_linked_git_directory(started: Repo, cli) -> None:
    (started.root / "hooks-link").symlink_to(started.root / ".git" / "hooks")
    result = cli("new", "hooks-link/x.md")
    assert result.status == 2 and "lies in the git directory" in result.err
    assert not (started.root / ".git" / "hooks" / "x.md").exists()


# N2: two `new` of one path: one creates, the other is told it exists ------------------------------------------


def test_concurrent_new_never_overwrites(started: Repo) -> None:
    """Real processes racing for one name, 10 times: exactly one says created each time, and the file is
    whole (never a mix of two)."""
    script = "import sys; from spec_hooks.cli import main; sys.exit(main(sys.argv[1:]))"
    for attempt in range(10):
        path = f"specs/rest/race-{attempt}.md"
        barrier = threading.Barrier(2)
        results: list[subprocess.CompletedProcess[str]] = []

        def run(title: str, path: str, barrier: threading.Barrier, results: list[subprocess.CompletedProcess[str]]) -> None:
            barrier.wait()
            results.append(subprocess.run([sys.executable, "-c", script, "new", "--title", title, path],
                                          cwd=started.root, capture_output=True, text=True))

        threads = [threading.Thread(target=run, args=(title, path, barrier, results)) for title in ("First", "Second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(result.returncode for result in results) == [0, 2], [r.stderr for r in results]
        winner = next(result for result in results if result.returncode == 0)
        loser = next(result for result in results if result.returncode == 2)
        assert "already exists; spec-hooks new never overwrites a file" in loser.stderr
        text = (started.root / path).read_text()
        assert text.startswith("# First\n" if "First" in winner.args else "# Second\n")
    assert not [name for name in os.listdir(started.root / "specs" / "rest") if name.endswith(".tmp")]


def test_new_keeps_the_umask(started: Repo, cli) -> None:
    old = os.umask(0o027)
    try:
        assert cli("new", "specs/rest/mode.md").status == 0
    finally:
        os.umask(old)
    assert (started.root / "specs" / "rest" / "mode.md").stat().st_mode & 0o777 == 0o640


# N18: a title is one line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Pay\n- **Status:** Final", "Pay\rx", "Pay\x1b[31m"])
def test_new_refuses_a_title_that_is_not_one_line(started: Repo, cli, title: str) -> None:
    result = cli("new", "--title", title, "specs/rest/pay.md")
    assert result.status == 2 and "--title must be one line" in result.err
    assert not (started.root / "specs" / "rest" / "pay.md").exists()


def test_a_created_spec_passes_its_own_check(started: Repo, cli) -> None:
    assert cli("new", "--title", "Pay [beta] *now*", "specs/rest/pay.md").status == 0
    started.add()
    assert cli("headers", "specs/rest/pay.md").lines == []
    assert spec  # the conftest template and `new` agree on the header's shape (see test_catalogue)


# N1: a title written by a fixer is escaped for where it lands, and read back -----------------------------------


@pytest.mark.parametrize("title", ["Pay x](evil.md) [y", "Payments [beta]", "A *b* `c` <d> | e & f #", "Back\\slash\\"])
def test_relations_fix_writes_another_specs_title_as_text(started: Repo, cli, title: str) -> None:
    started.write("integrations/pay.md", f"# {title}\n\n- **System:** Pay\n- **Type:** API\n- **Owner:** P\n"
                  "- **Last updated:** 2025-03-04\n- **Superseded by:** [B](../specs/rest/b.md)\n\n---\n")
    started.write("specs/rest/b.md", spec(spec_id="rest/b", status="Final"))
    started.add()
    shown = cli("headers").err  # noqa: F841 (the title may itself be reported; the fix is what is tested)
    cli("headers", "--fix")
    started.add()
    from spec_hooks.header import extract_header
    from spec_hooks.markdown import parse

    text = started.read("specs/rest/b.md").decode()
    header = extract_header(text)
    assert header is not None
    replaces = header.get("Replaces")
    assert replaces is not None
    pay = extract_header(started.read("integrations/pay.md").decode())
    assert pay is not None and replaces.value == " ".join(pay.title.split()), "the link text shows the title"
    assert [link.target for link in parse(text).links] == ["../../integrations/pay.md"], "no link injected"
    assert [code for code in cli("headers").codes() if code in ("SH107", "SH115", "SH116")] == []


# N3: a symlinked cache folder is never followed -----------------------------------------------------------------


@pytest.mark.parametrize("linked", ["spec-hooks", "spec-hooks/documents"])
def test_a_symlinked_cache_folder_is_not_followed(started: Repo, cli, tmp_path: Path, linked: str) -> None:
    outside = tmp_path / "outside-cache"
    outside.mkdir()
    for number in range(25):  # more than a hook's handful: the caches are used
        started.write(f"specs/rest/s{number}.md", spec(spec_id=f"rest/s{number}") + f"[n](s{(number + 1) % 25}.md)\n")
    started.add()
    link = started.root / ".git" / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    first = cli("check")
    assert first.status in (0, 1) and "Traceback" not in first.err
    assert cli("check").lines == first.lines, "a run without its caches says the same"
    assert list(outside.rglob("*")) == []
    assert link.is_symlink(), "the link itself is left as it is"


# N8, N9: the repositories git itself reads ------------------------------------------------------------------------


def _history_of_six(repo: Repo) -> None:
    for number in range(1, 7):
        repo.write("specs/rest/a.md", spec(spec_id="rest/a", created="2025-01-14", updated=f"2025-03-0{number}")
                   + f"Change {number}.\n")
        repo.add()
        repo.commit(f"c{number}", when=f"2025-03-0{number}T10:00:00+00:00")
    repo.git("config", "uploadpack.allowFilter", "true")
    repo.git("config", "uploadpack.allowAnySHA1InWant", "true")


@pytest.mark.parametrize("kind", ["tree:0", "blob:none"])
def test_a_partial_clone_reads_its_history(repo: Repo, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           kind: str) -> None:
    """A treeless clone (actions/checkout's `filter: tree:0`) has no trees: they are fetched in one request."""
    _history_of_six(repo)
    full = cli("dates", "--check")
    clone = tmp_path / "partial"
    subprocess.run(["git", "clone", "-q", f"--filter={kind}", repo.root.as_uri(), str(clone)], check=True)
    monkeypatch.chdir(clone)
    for command in (("dates", "--check"), ("check",), ("stale",)):
        result = cli(*command)
        assert result.status in (0, 1) and result.err == "", (command, result.err)
    assert cli("dates", "--check").lines == full.lines


def test_a_bare_git_dir_with_a_work_tree(repo: Repo, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("specs/rest/a.md", spec(spec_id="rest/a"))
    repo.add()
    repo.commit()
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(bare)], check=True)
    work = tmp_path / "wt"
    work.mkdir()
    monkeypatch.setenv("GIT_DIR", str(bare))
    monkeypatch.setenv("GIT_WORK_TREE", str(work))
    monkeypatch.chdir(work)
    subprocess.run(["git", "checkout", "-q", "-f", "HEAD"], check=True)
    subprocess.run(["git", "reset", "-q"], check=True)
    result = cli("check")
    assert (result.status, result.err) == (0, "") and result.summary == ["Checked 1 file: no problems."]


# N13: a directive is an HTML comment as the parser sees one -------------------------------------------------------


def test_a_directive_inside_an_attribute_value_is_text(started: Repo, cli) -> None:
    started.write("a.md", '# A\n\n<a title="<!-- spec-hooks: disable-file -->" href="missing.md">x</a> '
                          "[y](also-missing.md)\n")
    started.add()
    assert [line.split(" ", 2)[1:] for line in cli("check").lines] == [
        ["SH201", "'missing.md' does not exist"], ["SH201", "'also-missing.md' does not exist"]]


# N12: a lone CR ends a line ---------------------------------------------------------------------------------------


def test_cr_only_files_have_lines(started: Repo, cli) -> None:
    started.write("a.md", "# A\r\r[x](nope1.md)\r<!-- spec-hooks: disable-next-line SH201 -->\r[y](nope2.md)\r")
    started.add()
    assert cli("links").lines == ["a.md:3:5: SH201 'nope1.md' does not exist"]


def test_the_index_is_written_into_a_cr_only_file_with_its_line_endings(started: Repo, cli) -> None:
    started.write("specs/rest/a.md", spec(spec_id="rest/a"))
    started.write("README.md", "# Index\r\r<!-- spec-hooks:index -->\r<!-- /spec-hooks:index -->\r")
    started.add()
    assert cli("index", "--fix").status == 1
    written = started.read("README.md")
    assert b"\n" not in written and b"| [Webhooks v2](specs/rest/a.md) |" in written
    started.add()
    assert cli("index", "--check").status == 0 and cli("index", "--fix").status == 0


# N7: one rule for every fixer: run twice before `git add`, the second run exits 0 ---------------------------------


def test_every_fixer_recognises_its_own_edit_on_disk(started: Repo, cli) -> None:
    started.write("specs/rest/a.md", spec(spec_id="rest/a", status="Deprecated").replace(
        "- **Updated:** 2025-03-04\n", "- **Updated:** 2025-03-04\n- **Superseded by:** rest/b\n"))
    started.write("specs/rest/b.md", spec(spec_id="rest/b", status="Final"))
    started.write("README.md", "# Index\n\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n")
    started.add()
    for fixer in (("index", "--fix"), ("headers", "--fix")):
        first = cli(*fixer)
        written = {path: started.read(path) for path in ("README.md", "specs/rest/b.md")}
        assert first.status == 1, fixer
        second = cli(*fixer)
        assert (second.status, second.lines) == (0, []), (fixer, second.out)
        assert {path: started.read(path) for path in written} == written


# N14: a stray marker does not stop the good block from being written ------------------------------------------------


def test_index_fix_writes_the_good_block_beside_a_stray_marker(started: Repo, cli) -> None:
    started.write("specs/rest/a.md", spec(spec_id="rest/a"))
    started.write("README.md", "# I\n\n<!-- spec-hooks:index -->\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n")
    started.add()
    result = cli("index", "--fix")
    assert result.status == 1 and "please report it" not in result.out + result.err
    assert result.codes() == ["SH402"] and "README.md: rewrote the index" in result.out
    assert "| [Webhooks v2](specs/rest/a.md) |" in started.read("README.md").decode()


# N6: what `headers` calls fixable, `headers --fix` fixes; the rest says what to write by hand ------------------------

SUPERSEDED = "- **Updated:** 2025-03-04\n- **Superseded by:** rest/b\n"


def _b_with(started: Repo, b_text: str, *others: str) -> None:
    for name in others or ("a",):
        started.write(f"specs/rest/{name}.md", spec(spec_id=f"rest/{name}", status="Deprecated").replace(
            "- **Updated:** 2025-03-04\n", SUPERSEDED))
    started.write("specs/rest/b.md", b_text)
    started.add()


@pytest.mark.parametrize(("b_text", "others", "expected"), [
    (spec(spec_id="rest/b", status="Final"), ("a", "c"), "- **Replaces:** rest/a, rest/c\n"),
    (spec(spec_id="rest/b", status="Final").replace("- **Updated:** 2025-03-04\n",
                                                   "- **Updated:** 2025-03-04\n- **Replaces:**\n"), ("a",),
     "- **Replaces:** rest/a\n"),
    (spec(spec_id="rest/b", status="Final").split("\n\n---")[0], ("a",), "\n- **Replaces:** rest/a"),
    (spec(spec_id="rest/b", status="Final").replace("\n", "\r"), ("a",), "\r- **Replaces:** rest/a\r"),
])
def test_the_relations_fixer_fixes_what_it_calls_fixable(started: Repo, cli, b_text: str, others: tuple[str, ...],
                                                       expected: str) -> None:
    _b_with(started, b_text, *others)
    before = cli("headers")
    assert f"({len(others)} fixable with `spec-hooks headers --fix`)" in before.summary[0]
    fixed = cli("headers", "--fix")
    assert fixed.status == 1 and "not fixed" not in fixed.out
    assert expected in started.read("specs/rest/b.md").decode()
    started.add()
    assert cli("headers").lines == []


def test_a_relation_the_fixer_cannot_write_says_so(started: Repo, cli) -> None:
    """A continued last item: no place to add a line that spec-hooks can prove; not counted as fixable."""
    _b_with(started, spec(spec_id="rest/b", status="Final").replace("- **Updated:** 2025-03-04\n",
                                                                    "- **Updated:**\n  2025-03-04\n"))
    result = cli("headers")
    sh116 = [line for line in result.lines if " SH116 " in line]
    assert len(sh116) == 1 and sh116[0].endswith("(write it in 'specs/rest/b.md' by hand: its header is written in a "
                                                 "form spec-hooks does not rewrite)")
    assert "fixable" not in result.summary[0]
    before = started.read("specs/rest/b.md")
    assert cli("headers", "--fix").status == 1 and started.read("specs/rest/b.md") == before


# N11, N16, N17: symbolic links and files deleted from the work tree ---------------------------------------------------


def test_a_symlinked_readme_is_not_an_index_of_its_own(started: Repo, cli) -> None:
    started.write("specs/rest/a.md", spec(spec_id="rest/a"))
    started.write("docs/index.md", "# Index\n\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n")
    (started.root / "README.md").unlink()
    (started.root / "README.md").symlink_to("docs/index.md")
    started.add()
    assert cli("index", "--fix").status == 1
    started.add()
    assert cli("index", "--check").status == 0
    assert cli("check", "--skip", "dates").lines == []


def test_symlinks_are_not_documents_and_never_lead_out(started: Repo, cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    started.write("specs/rest/a.md", spec(spec_id="rest/a", status="Final") + "[d](linkdir/secret.md) [e](alias.md)\n")
    (started.root / "specs" / "rest" / "linkdir").symlink_to(outside)
    (started.root / "specs" / "rest" / "alias.md").symlink_to("a.md")
    started.add()
    assert cli("check", "--skip", "dates").lines == ["specs/rest/a.md:14:5: SH204 link 'linkdir/secret.md' goes through the symbolic link "
                                  "'specs/rest/linkdir', which leads outside the repository"]


def test_a_target_deleted_only_in_the_work_tree_is_read_from_the_index(started: Repo, cli) -> None:
    started.write("gone.md", "# Gone\n\n## X\n")
    started.write("a.md", "# A\n\n[x](gone.md#x)\n")
    started.add()
    started.commit()
    (started.root / "gone.md").unlink()
    result = cli("links")
    assert result.lines == [] and "checked the staged content of gone.md" in result.err


# N10: heading renames in a moved file, and fragments that differ in case --------------------------------------------


def test_a_heading_renamed_in_a_moved_file_is_followed(started: Repo, cli) -> None:
    started.commit_files("start", {"x.md": "# X\n\n## Intro\n\nText.\n\n## Goals\n\nText.\n\n## Other\n\nMore text.\n",
                                   "y.md": "# Y\n\n[g](x.md#goals)\n"})
    started.write("x.md", started.read("x.md").decode().replace("## Goals", "## Objectives"))
    started.add("x.md")
    started.git("mv", "x.md", "z.md")
    assert cli("links").lines == ["y.md:3:5: SH209 'x.md' is renamed to 'z.md' in the staged change: link 'z.md#objectives'"]
    cli("links", "--fix")
    assert started.read("y.md") == b"# Y\n\n[g](z.md#objectives)\n"
    started.add()
    assert cli("links").lines == []


@pytest.mark.parametrize("hook", [False, True])
def test_a_fragment_differing_in_case_from_a_renamed_heading_is_fixed(started: Repo, cli, hook: bool) -> None:
    started.commit_files("start", {"x.md": "# X\n\n## Goals\n\nText.\n", "y.md": "# Y\n\n[g](x.md#Goals)\n"})
    started.write("x.md", "# X\n\n## Objectives\n\nText.\n")
    started.add()
    args = ("links", "--hook", "x.md") if hook else ("links",)  # a hook passes the edited file only
    assert cli(*args).lines == ["y.md:3:5: SH212 #Goals of 'x.md' is renamed to #objectives in the staged change"]
    cli(*args, "--fix")
    assert started.read("y.md") == b"# Y\n\n[g](x.md#objectives)\n"


def test_new_leaves_no_folder_behind_when_it_cannot_create_the_file(started: Repo, cli) -> None:
    result = cli("new", "specs/deep/er/" + "n" * 300 + ".md")
    assert result.status == 2 and not (started.root / "specs").exists()
