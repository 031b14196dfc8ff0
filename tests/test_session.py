"""One run, one view of the repository (issue 10): the shared snapshot, policy in one place, and the
regression tests for the bugs that per-hook policy and unchecked git calls produced."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, spec

PATH = "specs/rest/webhooks-v2.md"
TEMPLATE = "templates/spec-template.md"


def _spec_repo(repo: Repo) -> None:
    repo.write(PATH, spec(updated="2025-01-02"))
    repo.write("specs/rest/other.md", spec(spec_id="rest/other", updated="2025-01-02"))
    repo.write("rfcs/001.md", "# RFC\n")
    repo.add()
    repo.commit("specs", when="2025-01-02T10:00:00+00:00")


# Bug 1: `disable` applies to every rule of every family, and a finding is computed once ------------


def test_disable_switches_off_a_date_rule(repo: Repo, cli) -> None:
    repo.write(PATH, spec(created="2024-06-01", updated="2024-06-01"))  # older than its commit: SH301
    repo.add()
    repo.commit(when="2025-01-02T10:00:00+00:00")
    assert cli("dates", "--check").codes() == ["SH301"]
    repo.write(".spec-hooks.yaml", "disable: [SH301]\n")
    for command in (("dates", "--check"), ("check",)):
        result = cli(*command)
        assert (result.status, result.out) == (0, ""), command


def test_disable_by_name_holds_in_check_as_in_headers(repo: Repo, cli) -> None:
    repo.write(PATH, spec(updated="2999-01-01"))
    repo.add()
    repo.commit()
    assert cli("check").codes() == ["SH109"], "reported once, by the headers family"
    assert cli("check", "--skip", "headers").codes() == ["SH109"], "without headers, dates reports it"
    repo.write(".spec-hooks.yaml", "disable: [future-date]\n")
    for command in ("headers", "check"):
        assert cli(command).out == "", command


def test_per_file_disable(repo: Repo, cli) -> None:
    repo.write(PATH, spec(status="Approved"))
    repo.write("specs/legacy/old.md", spec(spec_id="legacy/old", status="Approved"))
    repo.add()
    repo.commit()
    repo.write(".spec-hooks.yaml", "per_file_disable:\n  'specs/legacy/**': [invalid-value]\n")
    result = cli("headers")
    assert [line.split(":")[0] for line in result.lines] == [PATH]
    repo.write(".spec-hooks.yaml", "per_file_disable:\n  'specs/**': [SH999]\n")
    assert "per_file_disable.specs/**: unknown rule 'SH999'" in cli("headers").err


# Bug 2: `exclude` holds in the rename and deletion pass, for findings and for the fixer ------------


def test_excluded_file_is_neither_reported_nor_rewritten_when_its_target_moves(repo: Repo, cli) -> None:
    _spec_repo(repo)
    template = "# Template\n\nSee [the RFC](../rfcs/001.md).\n"
    repo.write(TEMPLATE, template)
    repo.write("specs/uses.md", "# Uses\n\nSee [the RFC](../rfcs/001.md).\n")
    repo.write(".spec-hooks.yaml", "exclude: ['templates/**']\n")
    repo.add()
    repo.commit()
    repo.git("mv", "rfcs/001.md", "rfcs/002.md")
    result = cli("links", "rfcs/002.md")
    assert [line.split(":")[0] for line in result.lines] == ["specs/uses.md"]
    fixed = cli("links", "--fix", "rfcs/002.md")
    assert fixed.out == "specs/uses.md: rewrote 1 link\n"
    assert repo.read(TEMPLATE).decode() == template


def test_excluded_file_is_no_duplicate_spec_id(repo: Repo, cli) -> None:
    repo.write(TEMPLATE, spec())
    repo.write(PATH, spec())
    repo.write(".spec-hooks.yaml", "exclude: ['templates/**']\n")
    repo.add()
    assert cli("headers", PATH).out == ""


# Bug 5: failures of git are errors, never silently partial answers --------------------------------


def test_a_failing_git_grep_is_an_error_not_an_empty_answer(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from spec_hooks import document

    _spec_repo(repo)
    monkeypatch.setattr(document, "READ_AT_MOST", 0)  # every header not kept yet is searched for by git grep
    # A pathspec magic git grep does not know makes it fail (exit 128) where it used to be read as "no match".
    repo.git("config", "grep.patternType", "nonsense")
    result = cli("headers", PATH)
    assert result.status == 2
    assert result.err.startswith("spec-hooks: error: git grep failed: ")
    assert "\n" not in result.err.rstrip("\n")


def test_a_failing_git_is_one_line_with_git_s_reason(repo: Repo, cli) -> None:
    _spec_repo(repo)
    repo.write("specs/new.md", "# New\n\n[x](untracked.md)\n")
    repo.add("specs/new.md")
    exclude = repo.root / ".git" / "info" / "exclude"
    exclude.unlink(missing_ok=True)
    exclude.mkdir(parents=True)  # git cannot use a folder as its rules: fatal, exit 128
    result = cli("links", "specs/new.md")
    assert result.status == 2, result.out
    assert result.err.startswith("spec-hooks: error: git ")
    assert result.err.endswith("failed: fatal: cannot use .git/info/exclude as an exclude file\n")


def test_check_ignore_is_not_asked_what_makes_it_fail(repo: Repo, cli) -> None:
    """git check-ignore dies (exit 128) on a path beyond a symbolic link: such a path is not asked about,
    and a failure of check-ignore is no longer read as "nothing is ignored"."""
    _spec_repo(repo)
    repo.write("real/u.md", "# U\n")
    os.symlink("real", repo.root / "linked")
    repo.write("specs/new.md", "# New\n\n[x](../linked/u.md) and [y](../ignored.md)\n")
    repo.write(".gitignore", "ignored.md\n")
    repo.write("ignored.md", "# Ignored\n")
    repo.add("linked", "specs/new.md", ".gitignore")
    result = cli("links", "specs/new.md")
    assert result.status == 1, result.err
    assert result.codes() == ["SH202", "SH202"]
    assert "'linked/u.md' is not tracked by git" in result.out
    assert "'ignored.md' is ignored by git (.gitignore:1: ignored.md)" in result.out


def test_unreadable_shallow_list_gives_unknown_dates_not_wrong_ones(tmp_path: Path, cli,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    origin = Repo(tmp_path / "origin")
    origin.root.mkdir()
    origin.git("init", "-q", "-b", "main")
    origin.write(PATH, spec(updated="2025-01-02"))
    origin.add()
    origin.commit(when="2025-01-02T10:00:00+00:00")
    origin.write(PATH, spec(updated="2025-02-03").replace("Text.", "More."))
    origin.add()
    origin.commit(when="2025-02-03T10:00:00+00:00")
    origin.write("other.md", "# Other\n")
    origin.add()
    origin.commit(when="2025-03-04T10:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    assert cli("dates", "--check").codes() == ["SH302"]
    # An unreadable list of cut commits (git can stat it; spec-hooks cannot read it: as root, a file's mode
    # does not stop reading, so the reading is made to fail).
    from spec_hooks.repo.snapshot import Snapshot

    monkeypatch.setattr(Snapshot, "shallow_boundary", property(lambda self: None))
    result = cli("dates", "--check")
    assert result.codes() == ["SH302"], result.out + result.err


def test_history_walk_with_an_unknown_shallow_boundary_says_unknown() -> None:
    from spec_hooks.checks.history import trace_history
    from spec_hooks.repo.history import Commit

    cut = Commit("c" * 40, (), 0, "+0000", 0, "+0000", ())
    tree = {"a.md": "b" * 40}
    for boundary, unknown in ((frozenset(), False), (None, True), (frozenset({"c" * 40}), True)):
        [trace] = trace_history([cut], {"a.md": "b" * 40}, lambda *_: False, set(), False, boundary, lambda _: tree)
        assert trace.unknown is unknown, boundary
        assert (trace.changed is cut) is not unknown


# Bug 7: a sparse checkout's files outside the cone are read from the index ----------------------


def test_sparse_checkout_files_outside_the_cone_are_read_from_the_index(repo: Repo, cli) -> None:
    repo.write("specs/rest/webhooks-v2.md", spec() + "\nSee [auth](../common/auth.md#-overview).\n")
    repo.write("specs/common/auth.md", spec(spec_id="common/auth"))
    repo.add()
    repo.commit()
    repo.git("sparse-checkout", "set", "--no-cone", "/specs/rest/")
    assert not (repo.root / "specs/common/auth.md").exists()
    for command in ("headers", "links", "check"):
        result = cli(command)
        assert "SH001" not in result.out, (command, result.out)
        assert result.status == 0, (command, result.out, result.err)
    assert cli("links", PATH).out == "", "a fragment into a file outside the cone is checked against the index"


# The shared snapshot: one git command of each kind, each file read once, each header extracted once --


def _git_commands(trace: Path) -> list[str]:
    commands = []
    for line in trace.read_text().splitlines():
        match = re.search(r"trace: built-in: (git .*)$", line)
        if match:
            commands.append(re.sub(r"spec-hooks-[0-9a-f]+", "spec-hooks-MARKER", match.group(1)))
    return commands


def test_one_check_run_starts_no_git_command_twice(repo: Repo, tmp_path: Path) -> None:
    _spec_repo(repo)
    repo.write("specs/rest/other.md", spec(spec_id="rest/other").replace("Text.", "Edited [x](webhooks-v2.md)."))
    repo.git("mv", "rfcs/001.md", "rfcs/002.md")
    repo.add()
    trace = tmp_path / "trace.log"
    subprocess.run([sys.executable, "-m", "spec_hooks", "check"], cwd=repo.root, env={**os.environ, "GIT_TRACE": str(trace)},
                   capture_output=True, check=False)
    commands = [command for command in _git_commands(trace) if command != "git version"]  # GitPython's own check at import
    assert commands, "the run used git"
    repeated = sorted({command for command in commands if commands.count(command) > 1})
    assert repeated == []
    kinds = {command.split()[1] for command in commands}
    assert {"ls-files", "diff", "diff-files", "log", "cat-file"} <= kinds


def test_one_check_run_reads_each_file_once_and_extracts_each_header_once(
    repo: Repo, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spec_hooks import document, header, source

    _spec_repo(repo)
    repo.write("specs/rest/other.md", spec(spec_id="rest/other").replace("Text.", "See [w](webhooks-v2.md#overview)."))
    repo.add()
    reads: list[str] = []
    headers: list[str] = []
    real_read, real_header = source.read_source, header.extract_header

    def counted_read(root: Path, path: str, regular: bool = False) -> object:
        reads.append(path)
        return real_read(root, path, regular)

    def counted_header(text: str, *args: object) -> object:
        headers.append(text)
        return real_header(text, *args)

    def counted_header_of_tokens(text: str, *args: object) -> object:
        headers.append(text)
        return real_of_tokens(text, *args)

    real_of_tokens = header.header_of_tokens
    monkeypatch.setattr(source, "read_source", counted_read)
    # Both ways a document gets its header: reading the top of the file, or from a whole parse.
    monkeypatch.setattr(document, "extract_header", counted_header)
    monkeypatch.setattr(document, "header_of_tokens", counted_header_of_tokens)
    cli("check")
    assert headers, "headers were extracted through the patched functions"
    assert sorted(reads) == sorted(set(reads)) and len(reads) >= 3, reads
    assert len(headers) == len(set(headers)), "a header extracted twice"


def test_check_on_one_file_takes_its_kept_parse(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` reads the file's header before the links family opens the cache: the document already read
    still takes the parse the first run kept (100,000 links: a second `check` took 5.1 s, now 1.8 s)."""
    from spec_hooks import document

    _spec_repo(repo)
    parsed: list[str] = []
    real = document.parse_tokens

    def counted(text: str) -> object:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(document, "parse_tokens", counted)
    first = cli("check", "specs/rest/webhooks-v2.md")
    assert parsed, "the first run parses the file"
    parsed.clear()
    second = cli("check", "specs/rest/webhooks-v2.md")
    assert parsed == [] and second.out == first.out


@pytest.mark.parametrize("args", [("check",), ("check", "--hook", PATH, "specs/rest/other.md")])
def test_one_run_builds_one_spec_per_blob_one_catalogue_and_saves_once(
    repo: Repo, cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """What a header means is worked out once per blob whichever family asks; the run keeps what it
    parsed once, at its end, each cache file written at most once."""
    from spec_hooks import cache, catalogue, document

    _spec_repo(repo)
    other = spec(spec_id="rest/other").replace("Text.", "See [w](webhooks-v2.md#overview).")
    repo.write("specs/rest/other.md", other.replace("- **Version:**", "- **Supersedes:** rest/webhooks-v2\n- **Version:**"))
    repo.add()
    built: list[tuple[str, str]] = []
    saves: list[bool] = []
    written: list[str] = []
    catalogues: list[object] = []
    real_as_spec, real_save, real_write = document.as_spec, document.DocumentStore.save, cache.write_keyed
    real_init = catalogue.Catalogue.__init__

    def counted_as_spec(config: object, source: object, *rest: object) -> object:
        built.append((source.path, source.blob))  # type: ignore[attr-defined]
        return real_as_spec(config, source, *rest)  # type: ignore[arg-type]

    def counted_save(store: document.DocumentStore) -> None:
        saves.append(store.whole_repository)
        real_save(store)

    def counted_write(path: Path, key: str, entries: object, *version: int) -> None:
        written.append(str(path))
        real_write(path, key, entries, *version)

    def counted_init(self: catalogue.Catalogue, project: object) -> None:
        catalogues.append(self)
        real_init(self, project)  # type: ignore[arg-type]

    monkeypatch.setattr(document, "as_spec", counted_as_spec)
    monkeypatch.setattr(document.DocumentStore, "save", counted_save)
    monkeypatch.setattr(cache, "write_keyed", counted_write)
    monkeypatch.setattr(catalogue.Catalogue, "__init__", counted_init)
    for _ in range(2):  # cold, then with every cache warm
        built.clear(), saves.clear(), written.clear(), catalogues.clear()
        result = cli(*args)
        assert result.status in (0, 1) and not result.err, result
        assert built, "specs were built through the patched function"
        assert len(built) == len(set(built)), f"a spec built twice: {sorted(built)}"
        assert saves == [args == ("check",)], "saved once, at the end, pruned only by a whole-repository run"
        assert len(written) == len(set(written)), f"a cache file written twice: {sorted(written)}"
        assert len(catalogues) <= 1


# GitPython finds the repository and runs every command (one module); objects come through one cat-file


def test_objects_stream_through_the_one_persistent_cat_file(repo: Repo) -> None:
    """Many objects in one pass, in the order asked (missing ones as None, large ones whole); a reader
    that stops early leaves nothing unread for the next read of the same process."""
    from spec_hooks.repo.runner import open_repository

    large = "".join(f"line {number}\n" for number in range(40_000)).encode()  # far past one 64 KiB block
    small = [f"# {number}\n".encode() for number in range(300)]
    blobs: list[str] = []
    for number, data in enumerate([large, *small]):
        repo.write(f"f{number}.md", data)
        blobs.append(repo.git("hash-object", "-w", f"f{number}.md").strip())
    missing = "0123456789" * 4
    git = open_repository(repo.root)
    assert git is not None
    names = [blobs[1], missing, blobs[0], *blobs[2:]]
    answers = list(git.stream_objects(names))
    assert [name for name, _ in answers] == names
    assert dict(answers) == {missing: None, blobs[0]: large, **dict(zip(blobs[1:], small, strict=True))}
    stopped = git.stream_objects(list(reversed(blobs)))
    assert next(stopped) == (blobs[-1], small[-1])
    stopped.close()
    assert git.read_object(blobs[0]) == large, "the answers left behind were drained"
    git.close()


def test_git_runs_only_through_the_runner() -> None:
    """One module starts git (pre-commit's model): only the runner imports GitPython or subprocess, and
    nothing uses GitPython's index or diffs (`repo.index` ignores GIT_INDEX_FILE inside hooks and cannot
    read index v4; its diffs report renames backwards): the plumbing is read by our own code."""
    import ast

    package = Path(__file__).resolve().parents[1] / "spec_hooks"
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] in ("git", "subprocess"):
                    assert path.name == "runner.py", (path, node.lineno)
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("diff", "iter_commits", "IndexFile"), (path, node.lineno)


def test_outside_a_repository_is_one_line(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.md").write_text("# A\n")
    result = cli("links", "a.md")
    assert result.status == 2
    assert result.err == "spec-hooks: error: not inside a git repository: links are resolved against git's index\n"


def test_missing_git_is_one_line(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _spec_repo(repo)
    import git

    monkeypatch.setattr(git.Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    result = cli("links")
    assert (result.status, result.err) == (2, "spec-hooks: error: git is not installed or not on PATH\n")


def test_index_version_4_is_read(repo: Repo, cli) -> None:
    _spec_repo(repo)
    repo.git("update-index", "--index-version", "4")
    repo.git("mv", "rfcs/001.md", "rfcs/002.md")
    repo.write("specs/uses.md", "# Uses\n\n[r](../rfcs/001.md)\n")
    repo.add()
    assert (repo.root / ".git" / "index").read_bytes()[4:8] == b"\0\0\0\x04"
    result = cli("links", "rfcs/002.md")
    assert result.codes() == ["SH209"]


def test_fixer_messages_never_mix_into_machine_output(repo: Repo, cli) -> None:
    import json

    repo.write(PATH, spec(updated="2024-06-01"))
    repo.add()
    repo.commit(when="2025-01-02T10:00:00+00:00")
    for name in ("json", "sarif"):
        repo.write(PATH, spec(updated="2024-06-01"))
        result = cli("dates", "--check", "--fix", "--format", name, PATH)
        json.loads(result.out)
        assert f"{PATH}: Updated 2024-06-01 -> 2025-01-02" in result.err


def test_setext_heading_of_seven_equals_is_no_conflict(repo: Repo, cli) -> None:
    text = spec().replace("## 📖 Overview", "Overview\n=======")
    repo.write(PATH, text)
    repo.add()
    repo.commit()
    repo.write(PATH, text.replace("Text.", "Changed.\n\n=======\n"))
    repo.add()
    result = cli("dates", PATH)
    assert result.status == 1 and "SH303" not in result.out and "Updated" in result.out


def test_hostile_bytes_in_history_are_escaped(repo: Repo, cli) -> None:
    name = "specs/odd\x01name.md"
    repo.write(name, spec(spec_id="odd\x01name").replace("Text.", "A \x01 byte."))
    repo.add()
    repo.commit()
    result = cli("check", "--format", "json")
    assert result.status in (0, 1) and "Traceback" not in result.err
    assert "\x01" not in result.out


def test_a_run_never_writes_the_index(repo: Repo) -> None:
    """The run reads the index and never writes it (no refresh: GIT_OPTIONAL_LOCKS=0)."""
    _spec_repo(repo)
    index = repo.root / ".git" / "index"
    before = os.stat(index)[stat.ST_MTIME], index.read_bytes()
    subprocess.run([sys.executable, "-m", "spec_hooks", "check"], cwd=repo.root, capture_output=True, check=False)
    assert (os.stat(index)[stat.ST_MTIME], index.read_bytes()) == before


def test_a_folder_on_the_command_line_means_its_tracked_markdown_files(repo: Repo, cli) -> None:
    _spec_repo(repo)
    repo.write("specs/rest/untracked.md", spec(status="Approved"))
    repo.write("specs/rest/bad.md", spec(spec_id="rest/bad", status="Approved"))
    repo.add("specs/rest/bad.md")
    result = cli("headers", "specs")
    assert [line.split(":")[0] for line in result.lines] == ["specs/rest/bad.md"]
    os.chdir(repo.root / "specs")
    assert [line.split(":")[0] for line in cli("headers", "rest").lines] == ["specs/rest/bad.md"]
    assert cli("headers", ".").status == 1


def test_a_folder_outside_a_repository_means_its_markdown_files(tmp_path: Path, cli,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "specs" / "rest").mkdir(parents=True)
    (tmp_path / "specs" / "rest" / "a.md").write_text(spec(spec_id="rest/a", status="Approved"))
    (tmp_path / "specs" / "notes.txt").write_text("not Markdown")
    result = cli("headers", "specs")
    assert [line.split(":")[0] for line in result.lines] == ["specs/rest/a.md"]


# Repository-wide questions of a hook run come from the header lines kept by blob id -----------------


def _traced(repo: Repo, trace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    trace.unlink(missing_ok=True)
    return subprocess.run([sys.executable, "-m", "spec_hooks", *args], cwd=repo.root, capture_output=True, text=True,
                          env={**os.environ, "GIT_TRACE": str(trace), "PRE_COMMIT": "1"}, check=False)


def test_a_hook_run_finds_duplicate_ids_from_kept_header_lines(repo: Repo, tmp_path: Path) -> None:
    from spec_hooks.document import READ_AT_MOST

    for number in range(READ_AT_MOST + 20):  # more headers than a run reads itself: git grep, until kept
        repo.write(f"specs/rest/s{number:03}.md", spec(spec_id=f"rest/s{number:03}"))
    repo.write("specs/rest/copy.md", spec(spec_id="rest/s007"))
    repo.add()
    repo.commit()
    trace = tmp_path / "trace.log"
    cold = _traced(repo, trace, "headers", "specs/rest/s007.md")
    assert any(command.startswith("git grep") for command in _git_commands(trace)), "nothing kept yet: git grep"
    assert "SH110" in cold.stdout and "specs/rest/copy.md" in cold.stdout
    assert _traced(repo, trace, "headers").returncode == 1  # a whole-repository run keeps every header's lines
    warm = _traced(repo, trace, "headers", "specs/rest/s007.md")
    assert not any(command.startswith("git grep") for command in _git_commands(trace))
    assert warm.stdout == cold.stdout
    repo.write("specs/rest/copy.md", spec(spec_id="rest/copy"))  # a new blob: its header is read, not guessed
    repo.add()
    assert "SH110" not in _traced(repo, trace, "headers", "specs/rest/s007.md").stdout
    kept = repo.root / ".git" / "spec-hooks" / "headers"
    kept.write_bytes(b"\x00not marshal")  # a broken file is a slower run, never another answer
    assert "SH110" not in _traced(repo, trace, "headers", "specs/rest/s007.md").stdout
    repo.write("specs/rest/copy.md", spec(spec_id="rest/s007"))
    repo.add()
    assert "SH110" in _traced(repo, trace, "headers", "specs/rest/s007.md").stdout


INDEX_RECORDS = [
    [],
    ["H 100644 " + "a" * 40 + " 0\tspecs/a b.md", "S 100644 " + "b" * 40 + " 0\tsparse/x.md"],
    ["M 100644 " + "c" * 40 + " 1\tboth.md", "M 100644 " + "d" * 40 + " 2\tboth.md", "H 120000 " + "e" * 40 + " 0\tlink.md"],
    ["H 100644 " + "f" * 64 + " 0\tsha256/\ttab and \\ quote\".md"],  # SHA-256 ids; a tab in a path
    ["H 100644 " + "a" * 40 + " 0\ta.md", "H 100644 " + "b" * 64 + " 0\tmixed.md"],  # not one width: the regex reads it
]


@pytest.mark.parametrize("records", INDEX_RECORDS)
def test_the_index_reads_alike_by_slicing_and_by_regex(records: list[str]) -> None:
    from spec_hooks.repo import snapshot

    by_regex = snapshot._index_of(snapshot._INDEX_RECORD.findall("".join(record + "\0" for record in records)))
    by_slicing = snapshot._fixed_width_index(records)
    assert by_slicing is None if records and len({record.find("\t") for record in records}) > 1 else by_slicing == by_regex
    assert len(by_regex.entries) == len({record.split("\t", 1)[1] for record in records})
    assert by_regex.skip_worktree == frozenset(record.split("\t", 1)[1] for record in records if record[0] == "S")
