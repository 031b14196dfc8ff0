"""Real git repositories in tmp_path, with a fixed identity and fixed commit dates."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spec_hooks.cli import main

FIXED_DATE = "2025-03-04T10:00:00+00:00"


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    for name, value in {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Author",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Cy Committer",
        "GIT_COMMITTER_EMAIL": "cy@example.com",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Repo:
    root: Path

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, env={**os.environ, **(env or {})}
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        target.write_bytes(content)
        return target

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def add(self, *paths: str) -> None:
        self.git("add", "--", *(paths or (".",)))

    def commit_files(self, message: str, files: dict[str, str], when: str = FIXED_DATE) -> str:
        """Write `files`, stage everything, commit: one step of a history."""
        for path, text in files.items():
            self.write(path, text)
        self.add()
        return self.commit(message, when=when)

    def commit(self, message: str = "change", when: str = FIXED_DATE, author_when: str | None = None) -> str:
        self.git("commit", "-q", "--allow-empty", "-m", message,
                 env={"GIT_AUTHOR_DATE": author_when or when, "GIT_COMMITTER_DATE": when})
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    monkeypatch.chdir(root)
    yield Repo(root)


@contextlib.contextmanager
def committed_folder(files: dict[str, str]) -> Iterator[Path]:
    """A repository in a temporary folder holding `files` in one commit, as the current folder: for a
    module's many generated examples, where a repository per example would cost too much."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        environment = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
                       "GIT_COMMITTER_NAME": "C", "GIT_COMMITTER_EMAIL": "c@example.com",
                       "GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE}
        subprocess.run(["git", "init", "-q", "-b", "main", name], check=True)
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        subprocess.run(["git", "add", "."], cwd=root, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "start"], cwd=root, check=True, env=environment)
        before = os.getcwd()
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(before)


SUMMARY_STARTS = ("Found ", "Checked ", "Run `spec-hooks rule ", "Rules are explained at ", "spec-hooks: changed ")


@dataclass
class Run:
    status: int
    out: str
    err: str

    full: str = ""  # stdout whole; `out` leaves out the closing summary lines (see `summary`)

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def summary(self) -> list[str]:
        return [line for line in self.full.splitlines() if line.startswith(SUMMARY_STARTS)]

    def json(self) -> list[dict[str, object]]:
        records: list[dict[str, object]] = json.loads(self.out)["findings"]
        for record in records:
            record.pop("url")  # the rule's documentation, tested in test_output
        return records

    def codes(self) -> list[str]:
        return [line.split(": ", 1)[1].split(" ", 1)[0] for line in self.lines if ": SH" in line]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> Run:
        status = main(list(args))
        captured = capsys.readouterr()
        out = "".join(line for line in captured.out.splitlines(keepends=True) if not line.startswith(SUMMARY_STARTS))
        return Run(status, out, captured.err, captured.out)

    return run


SPEC = """# Webhooks v2

- **Spec ID:** {spec_id}
- **Status:** {status}
- **Version:** 1.0
- **Created:** {created}
- **Updated:** {updated}

---

## 📖 Overview

Text.
"""

INTEGRATION = """# Pagar.me – Integration Spec

- **System:** Pagar.me
- **Type:** {type}
- **Owner:** Payments team
- **Last updated:** {updated}

---

## 1. Purpose
"""


def spec(spec_id: str = "rest/webhooks-v2", status: str = "Draft", created: str = "2025-01-02",
         updated: str = "2025-03-04") -> str:
    return SPEC.format(spec_id=spec_id, status=status, created=created, updated=updated)


def integration(type: str = "API", updated: str = "2025-03-04") -> str:
    return INTEGRATION.format(type=type, updated=updated)
