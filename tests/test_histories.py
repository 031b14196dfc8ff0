"""Real repositories with their whole history (`../shared/corpus/histories/*.bundle`, skipped when absent):
every commit of each parses, and every command runs on each with no traceback, exit 0 or 1, the same
findings cold and warm; each fixer changes only what it says it fixes, and a second run changes nothing.

Each bundle is cloned once per session; a test that writes clones that clone again (`--shared`).
Nothing in these repositories was written for spec-hooks: the header styles differ from the templates
(see the corpus README); each is configured with its recipe (docs/recipes.md).
"""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_recipes import BUNDLES as RECIPE_BUNDLES
from test_recipes import RECIPES

from spec_hooks.repo.history import History
from spec_hooks.repo.runner import open_repository

HISTORIES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "histories"
BUNDLES = sorted(path.name.removesuffix(".bundle") for path in HISTORIES.glob("*.bundle")) if HISTORIES.is_dir() else []

pytestmark = pytest.mark.skipif(not BUNDLES, reason="../shared/corpus/histories is not here (a clone of the project alone)")

# Each repository read with its recipe from docs/recipes.md, so that the header rules, the dates, the
# index and the catalogue meet real headers in every form.
CONFIGURATIONS = {bundle: {".spec-hooks.yaml": RECIPES[name]} for name, bundle in RECIPE_BUNDLES.items()}

COMMANDS = [("check",), ("dates", "--check"), ("links",), ("headers",), ("index",), ("stale",)]
FIXERS = [("links", "--fix"), ("dates", "--check", "--fix"), ("headers", "--fix"), ("index", "--fix"), ("dates",)]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def clones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {}
    for name in BUNDLES:
        root = tmp_path_factory.mktemp("histories") / name
        subprocess.run(["git", "clone", "-q", str(HISTORIES / f"{name}.bundle"), str(root)], check=True)
        for path, text in CONFIGURATIONS.get(name, {}).items():
            (root / path).write_text(text)
        made[name] = root
    return made


@pytest.fixture
def writable(clones: dict[str, Path], tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A clone of the session's clone, for a test that writes."""
    name = request.node.callspec.params["name"]
    root = tmp_path / name
    subprocess.run(["git", "clone", "-q", "--shared", str(clones[name]), str(root)], check=True)
    for path, text in CONFIGURATIONS.get(name, {}).items():
        (root / path).write_text(text)
    yield root


@pytest.mark.parametrize("name", BUNDLES)
def test_every_commit_of_the_history_parses(clones: dict[str, Path], name: str) -> None:
    git = open_repository(clones[name])
    assert git is not None
    try:
        commits = list(History(git).commits())
    finally:
        git.close()
    assert len(commits) == int(_git(clones[name], "rev-list", "--count", "HEAD"))
    merges = [commit for commit in commits if len(commit.parents) > 1]
    assert len(merges) == int(_git(clones[name], "rev-list", "--count", "--merges", "HEAD"))
    for commit in merges:
        for change in commit.changes:
            assert len(change.old_paths) == len(change.old_blobs) == len(commit.parents)


def test_the_histories_hold_the_shapes_that_crashed(clones: dict[str, Path]) -> None:
    """The crash of issue 22 came from merges whose combined entry renames a file: the corpus has them."""
    renamed_in_merges = 0
    for root in clones.values():
        git = open_repository(root)
        assert git is not None
        try:
            renamed_in_merges += sum(len(set(change.old_paths)) > 1 or change.old_path != change.new_path
                                     for commit in History(git).commits() if len(commit.parents) > 1
                                     for change in commit.changes)
        finally:
            git.close()
    assert renamed_in_merges > 0


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("name", BUNDLES)
def test_every_command_runs_and_a_warm_run_says_what_a_cold_one_said(
        clones: dict[str, Path], cli, monkeypatch: pytest.MonkeyPatch, name: str, command: tuple[str, ...]) -> None:
    import shutil

    monkeypatch.chdir(clones[name])
    shutil.rmtree(clones[name] / ".git" / "spec-hooks", ignore_errors=True)
    cold = cli(*command)
    assert cold.status in (0, 1), cold.err
    assert "Traceback" not in cold.err and "SH000" not in cold.out
    warm = cli(*command)
    assert (warm.status, warm.out) == (cold.status, cold.out)


@pytest.mark.parametrize("name", BUNDLES)
def test_refs_of_every_linked_file(clones: dict[str, Path], cli, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """refs finds, for files that are linked to, every link the parser resolves to them."""
    from spec_hooks.markdown import parse
    from spec_hooks.paths import is_external, resolve_link

    monkeypatch.chdir(clones[name])
    tracked = _git(clones[name], "ls-files", "*.md").splitlines()
    linked: dict[str, set[str]] = {}
    for path in tracked:
        for link in parse((clones[name] / path).read_bytes().decode("utf-8", "replace")).links:
            target = link.target.strip()
            resolved = resolve_link(path, target) if target and not is_external(target) else None
            if resolved in tracked and not (link.kind == "definition" and not link.used):
                linked.setdefault(resolved, set()).add(path)
    assert linked, "a real repository links its files to each other"
    for target in sorted(linked, key=lambda path: -len(linked[path]))[:3]:
        result = cli("refs", target)
        assert result.status == 0 and "Traceback" not in result.err
        assert {line.split(":", 1)[0] for line in result.lines} == linked[target], target


@pytest.mark.parametrize("fixer", FIXERS, ids=" ".join)
@pytest.mark.parametrize("name", BUNDLES)
def test_fixers_change_only_what_they_fix_and_once(writable: Path, cli, monkeypatch: pytest.MonkeyPatch, name: str,
                                                   fixer: tuple[str, ...]) -> None:
    monkeypatch.chdir(writable)
    check = tuple(argument for argument in fixer if argument != "--fix")
    before = cli(*check)
    first = cli(*fixer)
    assert first.status in (0, 1) and "Traceback" not in first.err
    changed = _git(writable, "diff", "--name-only").split()
    fixed_files = {line.split(":", 1)[0] for line in before.lines if ": SH" in line}
    if fixer != ("dates",):  # the bump writes only what the staged change edits: nothing is staged here
        assert set(changed) <= fixed_files, "a file without a finding was rewritten"
    else:
        assert changed == []
    diff = _git(writable, "diff")
    second = cli(*fixer)
    assert second.status in (0, 1)
    assert _git(writable, "diff") == diff, "a second run changed more"
    if changed:
        _git(writable, "add", "-A")
        after = cli(*check)
        assert len(after.lines) < len(before.lines), "a fix fixed nothing"


REPOS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "repos"


@pytest.fixture(scope="session")
def corpus_repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus's Markdown folders, each committed in a repository of its own."""
    import shutil

    made = {}
    for folder in sorted(REPOS.iterdir()) if REPOS.is_dir() else []:
        root = tmp_path_factory.mktemp("corpus") / folder.name
        shutil.copytree(folder, root)
        env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "C",
               "GIT_COMMITTER_EMAIL": "c@example.com"}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
            subprocess.run(["git", *args], cwd=root, check=True, env={**__import__("os").environ, **env})
        made[folder.name] = root
    return made


LINK_ERRORS = ("SH201", "SH202", "SH203", "SH204", "SH205", "SH207", "SH209", "SH211", "SH212")


def test_every_link_error_is_a_link_github_renders(clones: dict[str, Path], corpus_repos: dict[str, Path], cli,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No false alarm from a destination cut from the wrong place: every link error on the real repositories
    is at a link GitHub's renderer shows with that destination; SH206/SH208 at text it shows as text."""
    pytest.importorskip("cmarkgfm")
    from spec_hooks.markdown import parse
    from spec_hooks.source import Source

    from github_view import github, relative

    counts = {}
    for name, root in {**clones, **corpus_repos}.items():
        monkeypatch.chdir(root)
        findings = [finding for finding in cli("links", "--format", "json").json() if finding["severity"] == "error"]
        for finding in findings:
            text = (root / str(finding["path"])).read_bytes().decode("utf-8", "replace")
            source = Source(str(finding["path"]), text)
            at = {source.position(link.offset): link for link in parse(text).links}
            if finding["code"] in LINK_ERRORS:
                link = at.get((finding["line"], finding["column"]))
                assert link is not None, finding
                destination = relative(link.target)
                assert destination is None or destination in github(text).links, (name, finding, link)
            else:
                assert finding["code"] in ("SH206", "SH208", "SH001", "SH002", "SH003"), finding
        counts[name] = len(findings)
    assert counts, "no repository was checked"
