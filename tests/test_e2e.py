"""The real pre-commit, driving this repository's hooks in a temporary downstream repository.

Slow (pre-commit builds the hooks' virtualenv once per session): skip with `pytest -m "not e2e"`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import Repo, spec

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text()


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project as pre-commit clones it: its current files, committed in a repository of their own."""
    root = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = raw.decode()
        source = PROJECT / relative
        if source.is_file() and not relative.startswith("bench/out/"):
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / relative)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "spec-hooks"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    return root, sha


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def pre_commit(pre_commit_home: Path, repo: Repo):
    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo.root, capture_output=True,
                              text=True, env={**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), **(env or {})})

    return run


def readme_config(hook_repo: tuple[Path, str]) -> str:
    """The README's `repos:` snippet, pointed at the local copy of this repository."""
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", README, re.S)
    assert snippet is not None
    root, sha = hook_repo
    text = re.sub(r"repo: \S+", f"repo: {root.as_uri()}", snippet.group(1))
    return re.sub(r"rev: \S+", f"rev: {sha}", text)


def git(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo.root, capture_output=True, text=True)


@pytest.fixture
def downstream(repo: Repo) -> Repo:
    repo.write("specs/rest/webhooks.md", spec(spec_id="rest/webhooks", updated="2025-03-04")
               + "\nSee [the proposal](../../proposals/2025/001-webhooks.md#goals).\n")
    repo.write("proposals/2025/001-webhooks.md", "# Proposal\n\n## Goals\n")
    repo.add()
    repo.commit("specs", when="2025-03-04T10:00:00+00:00")
    return repo


def test_try_repo_passes_clean_specs_and_fails_planted_defects(downstream: Repo, pre_commit, hook_repo) -> None:
    for hook in ("check-spec-headers", "check-spec-links", "check-spec-dates", "check-specs"):
        clean = pre_commit("try-repo", str(hook_repo[0]), hook, "--all-files", "--verbose")
        assert clean.returncode == 0, (hook, clean.stdout + clean.stderr)
        assert clean.stdout.count("Checked 2 files: no problems.") == 1, (hook, "one summary, not one per batch",
                                                                          clean.stdout)
    downstream.write("specs/rest/webhooks.md", downstream.read("specs/rest/webhooks.md").decode()
                     .replace("**Status:** Draft", "**Status:** Approved").replace("#goals", "#goal"))
    downstream.add()
    headers = pre_commit("try-repo", str(hook_repo[0]), "check-spec-headers", "--all-files")
    links = pre_commit("try-repo", str(hook_repo[0]), "check-spec-links", "--all-files")
    assert headers.returncode == 1
    assert "specs/rest/webhooks.md:4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated" in headers.stdout
    assert links.returncode == 1
    assert ("specs/rest/webhooks.md:15:20: SH205 #goal matches no heading or anchor in "
            "'proposals/2025/001-webhooks.md': did you mean #goals?") in links.stdout


def test_annotations_pass_through_pre_commit(downstream: Repo, pre_commit, hook_repo) -> None:
    downstream.write("specs/rest/webhooks.md", spec(spec_id="rest/webhooks", status="Approved"))
    downstream.add()
    result = pre_commit("try-repo", str(hook_repo[0]), "check-spec-headers", "--all-files", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert ("\n::error file=specs/rest/webhooks.md,line=4,col=15,title=SH106::"
            "Status 'Approved' is not one of Draft, Final, Deprecated\n") in result.stdout


def test_commit_with_the_readme_config(downstream: Repo, pre_commit, hook_repo) -> None:
    downstream.write(".pre-commit-config.yaml", readme_config(hook_repo))
    downstream.add()
    downstream.commit("pre-commit config")
    installed = pre_commit("install")
    assert installed.returncode == 0, installed.stderr

    # The date fixer: the commit stops, the file is bumped; once staged, the next commit passes.
    downstream.write("specs/rest/webhooks.md", downstream.read("specs/rest/webhooks.md").decode().replace("Text.", "New text."))
    downstream.add()
    first = git(downstream, "commit", "-m", "edit webhooks")
    output = first.stdout + first.stderr
    assert first.returncode != 0
    assert "files were modified by this hook" in output
    assert f"specs/rest/webhooks.md: Updated 2025-03-04 -> {date.today().isoformat()}" in output
    downstream.add()
    second = git(downstream, "commit", "-m", "edit webhooks")
    assert second.returncode == 0, second.stdout + second.stderr

    # A renamed proposal breaks a link in a spec the commit does not touch.
    git(downstream, "mv", "proposals/2025/001-webhooks.md", "proposals/2025/001-webhooks-v2.md")
    renamed = git(downstream, "commit", "-m", "rename proposal")
    assert renamed.returncode != 0
    assert ("specs/rest/webhooks.md:15:20: SH209 'proposals/2025/001-webhooks.md' is renamed to "
            "'proposals/2025/001-webhooks-v2.md' in the staged change") in renamed.stdout + renamed.stderr

    # A header defect stops the commit too.
    git(downstream, "mv", "proposals/2025/001-webhooks-v2.md", "proposals/2025/001-webhooks.md")
    downstream.write("specs/rest/new.md", spec(spec_id="rest/other", created="2025-13-01"))
    downstream.add()
    defect = git(downstream, "commit", "-m", "new spec")
    assert defect.returncode != 0
    assert "specs/rest/new.md:6:16: SH106 Created '2025-13-01' is not a real date (YYYY-MM-DD)" in defect.stdout + defect.stderr


def test_date_fixer_then_link_fixer_in_one_commit(repo: Repo, pre_commit, hook_repo) -> None:
    """The two fixers in one commit, on one file: the date placeholder gets 4 characters shorter before
    the link fixer runs. Each fix lands on its own characters; everything else is byte-exact."""
    root, sha = hook_repo
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {root.as_uri()}\n    rev: {sha}\n    hooks:\n"
                                          "      - id: bump-spec-dates\n      - id: check-spec-links\n"
                                          "        args: [--fix]\n")
    spec_text = ("# Pagar.me\r\n\r\n- **System:** Pagar.me  \r\n- **Type:** API  \r\n- **Owner:** Payments  \r\n"
                 "- **Last updated:** {{YYYY-MM-DD}}  \r\n\r\n## Overview\r\n\r\nSee [the hub](../hub.md#overview).")
    repo.write("integrations/pagarme.md", spec_text)
    repo.write("hub.md", "# Hub\n\n## Overview\n")
    repo.add()
    repo.commit("start")
    assert pre_commit("install").returncode == 0
    edited = spec_text.replace("## Overview", "## Overview\r\n\r\nA new paragraph.")
    repo.write("integrations/pagarme.md", edited)
    repo.git("mv", "hub.md", "hub2.md")
    repo.add()
    first = git(repo, "commit", "-m", "rename the hub")
    assert first.returncode != 0 and "files were modified by this hook" in first.stdout + first.stderr
    today = date.today().isoformat()
    assert repo.read("integrations/pagarme.md").decode() == (
        edited.replace("{{YYYY-MM-DD}}", today).replace("../hub.md#overview", "../hub2.md#overview"))
    repo.add()
    second = git(repo, "commit", "-m", "rename the hub")
    assert second.returncode == 0, second.stdout + second.stderr


def test_hooks_read_the_index_git_hands_them(repo: Repo, pre_commit, hook_repo) -> None:
    """Inside a hook git names the index being committed in GIT_INDEX_FILE: `.git/index.lock` under
    `git commit -a`, a `next-index-*.lock` under `git commit PATH`. Reading `.git/index` instead (as
    GitPython's `repo.index` does, GitPython#1388) would pass both commits below."""
    root, sha = hook_repo
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {root.as_uri()}\n    rev: {sha}\n    hooks:\n"
                                          "      - id: check-spec-links\n")
    repo.write("specs/a.md", "# A\n\nSee [target](target.md).\n")
    repo.write("specs/target.md", "# Target\n")
    repo.add()
    repo.commit("start")
    assert pre_commit("install").returncode == 0

    # git commit -a: the deletion of target.md is staged only in index.lock.
    (repo.root / "specs/target.md").unlink()
    repo.write("specs/a.md", "# A\n\nSee [target](target.md), still.\n")
    all_ = git(repo, "commit", "-a", "-m", "edit a")
    assert all_.returncode != 0
    assert "specs/a.md:3:14: SH201 'specs/target.md' is deleted in the staged change" in all_.stdout + all_.stderr
    repo.git("checkout", "--", ".")

    # git commit PATH: new.md is staged in .git/index but is not part of this commit.
    repo.write("specs/new.md", "# New\n")
    repo.add("specs/new.md")
    repo.write("specs/a.md", "# A\n\nSee [target](target.md) and [new](new.md).\n")
    only = git(repo, "commit", "-m", "edit a", "specs/a.md")
    assert only.returncode != 0
    assert "specs/a.md:3:35: SH202 'specs/new.md' is not tracked by git" in only.stdout + only.stderr
    both = git(repo, "commit", "-m", "edit a", "specs/a.md", "specs/new.md")
    assert both.returncode == 0, both.stdout + both.stderr


def test_first_week_commits_through_pre_commit(repo: Repo, pre_commit, hook_repo) -> None:
    """Issue 12's problems 2, 3 and 7, each a real commit: a deletion alone runs the link hook, a rename
    with --fix stops the commit once (links rewritten and the rewritten spec's date bumped in the same
    run), and a whitespace-only clean-up bumps no date."""
    root, sha = hook_repo
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {root.as_uri()}\n    rev: {sha}\n    hooks:\n"
                                          "      - id: check-spec-headers\n      - id: check-spec-links\n"
                                          "        args: [--fix]\n      - id: bump-spec-dates\n")
    template_style = spec(spec_id="rest/webhooks").replace("\n- **", "  \n- **").replace("2025-03-04\n", "2025-03-04  \n")
    repo.write("specs/rest/webhooks.md", template_style + "\nSee [the proposal](../../proposals/p.md).\n")
    repo.write("proposals/p.md", "# Proposal\n")
    repo.add()
    repo.commit("start")
    assert pre_commit("install").returncode == 0

    # 7: trailing-whitespace's clean-up commits without a date bump.
    stripped = repo.read("specs/rest/webhooks.md").decode().replace("  \n", "\n")
    repo.write("specs/rest/webhooks.md", stripped)
    repo.add()
    cleanup = git(repo, "commit", "-m", "strip trailing whitespace")
    assert cleanup.returncode == 0, cleanup.stdout + cleanup.stderr
    assert repo.read("specs/rest/webhooks.md").decode() == stripped

    # 2: a commit that only deletes the linked proposal is stopped by the link hook.
    repo.git("rm", "-q", "proposals/p.md")
    deleted = git(repo, "commit", "-m", "drop the proposal")
    assert deleted.returncode != 0
    assert "specs/rest/webhooks.md:15:20: SH201 'proposals/p.md' is deleted in the staged change" in deleted.stdout + deleted.stderr
    repo.git("reset", "-q", "--hard")

    # 3: a rename with --fix stops once; staging what the hooks wrote is enough.
    repo.git("mv", "proposals/p.md", "proposals/q.md")
    renamed = git(repo, "commit", "-m", "rename the proposal")
    assert renamed.returncode != 0
    text = repo.read("specs/rest/webhooks.md").decode()
    assert "(../../proposals/q.md)" in text and f"**Updated:** {date.today().isoformat()}" in text
    repo.add()
    again = git(repo, "commit", "-m", "rename the proposal")
    assert again.returncode == 0, again.stdout + again.stderr


def test_collection_rules_through_pre_commit(repo: Repo, pre_commit, hook_repo) -> None:
    """Issue 13 through real commits: the index hook writes its block once and then leaves it, a Final
    spec cannot go back to Draft, and renaming a heading stops the commit once, with the link in the
    untouched file rewritten."""
    root, sha = hook_repo
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {root.as_uri()}\n    rev: {sha}\n    hooks:\n"
                                          "      - id: check-spec-headers\n      - id: check-spec-links\n"
                                          "        args: [--fix]\n      - id: update-spec-index\n")
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Final") + "\nSee [goals](b.md#goals).\n")
    repo.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n## Goals\n\n## Notes\n")
    repo.write("README.md", "# Specs\n\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n")
    repo.add()
    repo.commit("start")
    assert pre_commit("install").returncode == 0

    # The index: the first commit after adding a spec stops once, with the block written.
    repo.write("specs/rest/c.md", spec(spec_id="rest/c"))
    repo.add()
    first = git(repo, "commit", "-m", "add c")
    assert first.returncode != 0 and "README.md: rewrote the index" in first.stdout + first.stderr
    assert "| [Webhooks v2](specs/rest/c.md) | rest/c | Draft | 1.0 | 2025-03-04 |" in repo.read("README.md").decode()
    repo.add()
    second = git(repo, "commit", "-m", "add c")
    assert second.returncode == 0, second.stdout + second.stderr

    # The lifecycle: Final never goes back to Draft.
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Draft") + "\nSee [goals](b.md#goals).\n")
    repo.add()
    back = git(repo, "commit", "-m", "back to draft")
    assert back.returncode != 0
    assert "specs/rest/a.md:4:15: SH113 Status may not go from 'Final' (in HEAD) to 'Draft'" in back.stdout + back.stderr
    repo.git("reset", "-q", "--hard")

    # A heading rename in b breaks a's link; --fix rewrites it, and staging that is enough.
    repo.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n## Objectives\n\n## Notes\n")
    repo.add("specs/rest/b.md")
    renamed = git(repo, "commit", "-m", "rename a heading")
    assert renamed.returncode != 0
    assert "specs/rest/a.md: rewrote 1 link" in renamed.stdout + renamed.stderr
    assert "See [goals](b.md#objectives).\n" in repo.read("specs/rest/a.md").decode()
    repo.add()
    again = git(repo, "commit", "-m", "rename a heading")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.parametrize(("path", "text", "config"), [
    ("A17-health.md", "Client-Side Health Checking\n----\n* Author(s): Ada\n* Status: Draft\n"
                      "* Last updated: 2025-03-04\n\n## Abstract\n\nText.\n",
     "types:\n  proposal:\n    keys: [Author(s), Status, Last updated]\n    paths: ['A*.md']\n    header: list\n"
     "    updated_field: Last updated\n"),
    ("docs/decisions/0001-use-yaml.md", "---\nstatus: accepted\ndate: '2025-03-04'\n---\n\n# Use YAML\n\nText.\n",
     "types:\n  decision:\n    keys: [status, date]\n    paths: ['docs/decisions/*.md']\n    header: front-matter\n"
     "    updated_field: date\n"),
], ids=["plain list", "front matter"])
def test_the_date_hooks_keep_every_header_form_through_pre_commit(repo: Repo, pre_commit, hook_repo, path: str,
                                                                  text: str, config: str) -> None:
    """A team's own header style through the real hooks (issue 24): the bump writes today's date in place,
    byte-exact elsewhere; the next commit passes; the date-only commit is no content change to the check."""
    root, sha = hook_repo
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {root.as_uri()}\n    rev: {sha}\n    hooks:\n"
                                          "      - id: bump-spec-dates\n      - id: check-spec-dates\n"
                                          "      - id: check-spec-headers\n")
    repo.write(".spec-hooks.yaml", config)
    repo.write(path, text)
    repo.add()
    repo.commit("start")
    assert pre_commit("install").returncode == 0
    edited = text.replace("Text.", "Text, edited.")
    repo.write(path, edited)
    repo.add()
    first = git(repo, "commit", "-m", "edit")
    assert first.returncode != 0 and "files were modified by this hook" in first.stdout + first.stderr
    assert repo.read(path).decode() == edited.replace("2025-03-04", date.today().isoformat(), 1)
    repo.add()
    second = git(repo, "commit", "-m", "edit")
    assert second.returncode == 0, second.stdout + second.stderr
    run = pre_commit("run", "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
