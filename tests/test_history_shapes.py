"""Every record shape `git log -z --raw -M --cc --combined-all-paths` writes, made with real git, read by the
history parser; then the commands that read history run on each repository without a traceback. The parser
also meets arbitrary bytes: a clean `LogFormatError`, never another exception."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spec_hooks.findings import SpecHooksError
from spec_hooks.repo.history import Change, History, LogFormatError, parse_commit, parse_raw
from spec_hooks.repo.runner import open_repository

from conftest import Repo, spec

ZERO = "0" * 40


def changes(root: Path) -> list[list[Change]]:
    """Every commit's changes, newest first, as the walk reads them."""
    git = open_repository(root)
    assert git is not None
    try:
        return [list(commit.changes) for commit in History(git).commits()]
    finally:
        git.close()


def blob(repo: Repo, revision: str) -> str:
    return repo.git("rev-parse", revision).strip()


def merge_with_rename(repo: Repo) -> None:
    """The issue's reproduction: a side branch renames a.md, the main line edits it, and they merge."""
    repo.write("a.md", spec("a", created="2025-01-01", updated="2025-01-01") + "one\n")
    repo.add()
    repo.commit("i")
    repo.git("checkout", "-q", "-b", "side")
    repo.git("mv", "a.md", "b.md")
    repo.commit("mv")
    repo.git("checkout", "-q", "main")
    repo.write("a.md", spec("a", created="2025-01-01", updated="2025-01-01") + "one!\n")
    repo.add()
    repo.commit("edit", when="2025-02-02T10:00:00+00:00")
    repo.git("merge", "-q", "side", "-m", "merge")


def test_a_merge_with_a_rename_has_a_path_per_parent(repo: Repo) -> None:
    merge_with_rename(repo)
    merge = changes(repo.root)[0]
    edited = blob(repo, "HEAD^1:a.md")
    assert merge == [Change("RM", ("a.md", "b.md"), "b.md", (edited, blob(repo, "HEAD^2:b.md")), edited)]


def test_a_merge_with_a_rename_dates_from_the_side_it_took(repo: Repo, cli) -> None:
    """The merged file is the main line's edit under the side branch's name: the edit is its last change."""
    merge_with_rename(repo)
    result = cli("dates", "--check")
    assert result.status == 1
    assert result.lines == ["b.md:7:16: SH301 Updated 2025-01-01 but content changed on 2025-02-02 "
                            f"({repo.git('rev-parse', '--short=7', 'HEAD^1').strip()})"]


def _merged(repo: Repo, base: dict[str, str], side: dict[str, str], main: dict[str, str], result: dict[str, str]) -> None:
    """A side branch and the main line from `base`, merged with `result` written in the merge commit."""
    repo.commit_files("i", base)
    repo.git("checkout", "-q", "-b", "side")
    repo.commit_files("side", side)
    repo.git("checkout", "-q", "main")
    repo.commit_files("main", main)
    repo.git("merge", "-q", "--no-commit", "side")
    repo.commit_files("merge", result)


def conflicted_merge(repo: Repo) -> None:
    _merged(repo, {"a.md": "a\n", "b.md": "b\n"}, {"a.md": "a\nside\n"}, {"a.md": "main\na\n"}, {"a.md": "resolved\n"})


def octopus(repo: Repo) -> None:
    repo.write("a.md", "a\n")
    repo.add()
    repo.commit("i")
    for name in ("o1", "o2", "o3"):
        repo.git("checkout", "-q", "-b", name, "main")
        repo.write(f"{name}.md", f"{name}\n")
        repo.add()
        repo.commit(name)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-commit", "o1", "o2", "o3")
    repo.write("a.md", "a all\n")
    repo.add()
    repo.commit("octopus")


def copy(repo: Repo) -> None:
    repo.write("a.md", "".join(f"line {n}\n" for n in range(20)))
    repo.add()
    repo.commit("i")
    repo.write("c.md", repo.read("a.md"))
    repo.add()
    repo.commit("copy")


def type_change(repo: Repo) -> None:
    repo.write("a.md", "a\n")
    repo.write("b.md", "b\n")
    repo.add()
    repo.commit("i")
    (repo.root / "b.md").unlink()
    (repo.root / "b.md").symlink_to("a.md")
    repo.add()
    repo.commit("typechange")


def submodule(repo: Repo) -> None:
    inner = repo.root.parent / "inner"
    subprocess.run(["git", "init", "-q", "-b", "main", str(inner)], check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "s"], cwd=inner, check=True)
    repo.write("a.md", "a\n")
    repo.add()
    repo.commit("i")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "docs.md")
    repo.commit("submodule")


def odd_paths(repo: Repo) -> None:
    repo.commit("root")
    repo.write('new\nline "quoted"\t.md', "x\n")
    repo.write(b"\xff\xfe-latin.md".decode("utf-8", "surrogateescape"), "y\n")
    repo.write("sp ace/ü.md", "z\n")
    repo.add()
    repo.commit("odd")
    repo.git("mv", 'new\nline "quoted"\t.md', "renamed\n.md")
    repo.commit("rename")


def empty_and_root(repo: Repo) -> None:
    repo.commit("empty root")
    repo.write("a.md", "a\n")
    repo.add()
    repo.commit("a")
    repo.commit("empty")


def replaced(repo: Repo) -> None:
    """A replace ref grafts history: `git replace --graft` makes a commit a root."""
    repo.write("a.md", "a\n")
    repo.add()
    repo.commit("i")
    repo.write("a.md", "a\nb\n")
    repo.add()
    repo.commit("b")
    repo.write("a.md", "a\nb\nc\n")
    repo.add()
    repo.commit("c")
    repo.git("replace", "--graft", "HEAD~1")


def merge_adding_a_file(repo: Repo) -> None:
    """A merge whose file one parent lacks and whose text is neither parent's: combined, one zero blob."""
    _merged(repo, {"x.md": "x\n"}, {"a.md": "side\n"}, {"y.md": "y\n"}, {"a.md": "merged\n"})


SHAPES: dict[str, tuple[Callable[[Repo], None], Callable[[Repo, list[list[Change]]], None]]] = {}


def shape(make: Callable[[Repo], None]):
    def register(expect: Callable[[Repo, list[list[Change]]], None]):
        SHAPES[make.__name__] = (make, expect)
        return expect
    return register


@shape(conflicted_merge)
def _conflicted(repo: Repo, log: list[list[Change]]) -> None:
    merge = log[0]
    assert [(c.status, c.old_paths, c.new_path) for c in merge] == [("MM", ("a.md", "a.md"), "a.md")]
    assert merge[0].old_blobs == (blob(repo, "HEAD^1:a.md"), blob(repo, "HEAD^2:a.md"))


@shape(octopus)
def _octopus(repo: Repo, log: list[list[Change]]) -> None:
    entry = next(c for c in log[0] if c.new_path == "a.md")
    parents = len(repo.git("rev-parse", "HEAD^@").split())
    assert parents >= 3 and len(entry.old_blobs) == len(entry.old_paths) == parents and entry.status == "M" * parents


@shape(copy)
def _copy(repo: Repo, log: list[list[Change]]) -> None:
    assert [(c.status[0], c.new_path) for c in log[0]] in ([("A", "c.md")], [("C", "c.md")])


@shape(type_change)
def _type_change(repo: Repo, log: list[list[Change]]) -> None:
    assert [(c.status, c.new_path) for c in log[0]] == [("T", "b.md")]


@shape(submodule)
def _submodule(repo: Repo, log: list[list[Change]]) -> None:
    assert {c.new_path for c in log[0]} == {".gitmodules", "docs.md"}


@shape(odd_paths)
def _odd_paths(repo: Repo, log: list[list[Change]]) -> None:
    assert [(c.status, c.old_path, c.new_path) for c in log[0]] == [("R100", 'new\nline "quoted"\t.md', "renamed\n.md")]
    assert {c.new_path for c in log[1]} == {'new\nline "quoted"\t.md', "\udcff\udcfe-latin.md", "sp ace/ü.md"}


@shape(empty_and_root)
def _empty_and_root(repo: Repo, log: list[list[Change]]) -> None:
    assert [len(commit) for commit in log] == [0, 1, 0]  # the root's files come from its tree


@shape(replaced)
def _replaced(repo: Repo, log: list[list[Change]]) -> None:
    assert len(log) == 2  # the graft made HEAD~1 a root


@shape(merge_adding_a_file)
def _merge_adding(repo: Repo, log: list[list[Change]]) -> None:
    entry = next(c for c in log[0] if c.new_path == "a.md")
    assert entry.old_blobs[0] == ZERO and entry.old_blobs[1] == blob(repo, "HEAD^2:a.md")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_record_shape_is_read(repo: Repo, name: str) -> None:
    make, expect = SHAPES[name]
    make(repo)
    expect(repo, changes(repo.root))


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("command", [("check",), ("dates", "--check"), ("stale",), ("dates", "--check", "--fix")])
def test_history_commands_run_on_every_shape(repo: Repo, cli, name: str, command: tuple[str, ...]) -> None:
    SHAPES[name][0](repo)
    result = cli(*command)
    assert result.status in (0, 1), result.err
    assert "Traceback" not in result.err and "Error" not in result.err


def test_a_shallow_clone_reads_to_its_boundary(repo: Repo, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    merge_with_rename(repo)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{repo.root}", str(clone)], check=True)
    assert len(changes(clone)) == 1
    monkeypatch.chdir(clone)
    assert cli("dates", "--check").status in (0, 1)


def test_a_copy_found_by_copy_detection_is_read(repo: Repo) -> None:
    """`-M` never reports copies, but a user's `diff.renames=copies` could; the parser reads both paths."""
    copy(repo)
    raw = repo.git("log", "-z", "--raw", "-C", "-C", "--no-abbrev", "--format=", "-1").encode()
    [entry] = parse_raw(raw.lstrip(b"\n"))
    assert entry.status.startswith("C") and (entry.old_path, entry.new_path) == ("a.md", "c.md")


@pytest.mark.parametrize("record", [
    b"",
    b"not-an-id\x00\x00\x00",
    b"a" * 40 + b"\x00\x00\x00:100644 100644",
    b"a" * 40 + b"\x00\x00\x00:100644 100644 " + b"b" * 40 + b" " + b"c" * 40 + b" M\x00",
    b"a" * 40 + b"\x00\x00\x00:100644 100644 " + b"b" * 40 + b" " + b"c" * 40 + b" R100\x00old.md\x00",
    b"a" * 40 + b"\x00\x00\x00::100644 100644 100644 " + b"b" * 40 + b" " + b"c" * 40 + b" MM\x00a.md\x00",
    b"a" * 40 + b"\x00\x00\x00:100644 100644 zz" + b"b" * 38 + b" " + b"c" * 40 + b" M\x00a.md\x00",
])
def test_malformed_records_are_a_clean_error(record: bytes) -> None:
    with pytest.raises(LogFormatError, match="unexpected git log output"):
        parse_commit(record)


def test_arbitrary_bytes_never_raise_anything_else() -> None:
    pieces = st.sampled_from([b":", b"::", b"\x00", b" ", b"100644", b"a" * 40, b"0" * 40, b"M", b"R100", b"MM",
                              b"a.md", b"\n", b"\xff", b"1700000000 +0000", b"x"])

    @settings(max_examples=3000, deadline=None)
    @given(st.lists(pieces, max_size=30).map(b"".join) | st.binary(max_size=200))
    def check(record: bytes) -> None:
        try:
            parse_commit(record)
        except SpecHooksError as error:
            assert isinstance(error, LogFormatError)

    check()
