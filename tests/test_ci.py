"""What CI and GitHub Actions see: `spec-hooks check`, SARIF, annotations, the job summary, no network."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from conftest import Repo, spec

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def defects(repo: Repo) -> Repo:
    """One defect of each family, committed with fixed dates."""
    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Approved"))
    repo.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n[a](a.md#nope) [gone](missing.md)\n")
    repo.add()
    repo.commit("specs", when="2025-03-04T10:00:00+00:00")
    repo.write("specs/rest/b.md", spec(spec_id="rest/b") + "\n[a](a.md#nope) [gone](missing.md)\n\nMore.\n")
    repo.add()
    repo.commit("edit", when="2025-06-30T10:00:00+00:00")
    return repo


def test_check_runs_every_family_in_one_report(defects: Repo, cli) -> None:
    result = cli("check")
    assert result.status == 1
    assert result.codes() == ["SH106", "SH301", "SH205", "SH201"]
    assert cli("check", "--skip", "dates", "--skip", "links").codes() == ["SH106"]
    assert cli("check", "--skip", "headers").codes() == ["SH301", "SH205", "SH201"]


def test_sarif_output_is_valid_sarif_2_1_0(defects: Repo, cli) -> None:
    result = cli("check", "--format", "sarif")
    log = json.loads(result.out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert {"shortDescription", "fullDescription", "help"} <= set(rules["SH301"])
    first = run["results"][0]
    assert first["ruleId"] == "SH106"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "specs/rest/a.md"
    assert location["region"] == {"startLine": 4, "startColumn": 15}


def test_job_summary_table(defects: Repo, cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    cli("check")
    docs = "https://github.com/spec-hooks/spec-hooks/blob/main/docs/rules.md"
    text = summary.read_text()
    assert text.startswith("# Earlier step\n<!-- spec-hooks ")
    assert text.split("-->\n", 1)[1] == (
        "### spec-hooks findings\n\n| File | Rule | Findings |\n| --- | --- | --- |\n"
        f"| `specs/rest/a.md` | [SH106]({docs}#sh106-invalid-value) | 1 |\n"
        f"| `specs/rest/b.md` | [SH201]({docs}#sh201-broken-link) | 1 |\n"
        f"| `specs/rest/b.md` | [SH205]({docs}#sh205-broken-fragment) | 1 |\n"
        f"| `specs/rest/b.md` | [SH301]({docs}#sh301-stale-date) | 1 |\n\n"
    )
    cli("check", "--format", "sarif")
    cli("check")
    assert summary.read_text() == text, "a second call with the same findings adds nothing"
    later_step = tmp_path / "step_summary_2"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(later_step))
    (tmp_path / "step_summary_1").write_text(text)
    cli("check")
    assert not later_step.exists(), "nor does a later step of the same job"


def test_annotations_escape_properties_and_messages(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    repo.write("a%b,c:d.md", "# T\n\n[x](gone%25,here.md)\n")
    repo.add()
    result = cli("links", "a%b,c:d.md")
    assert result.lines[-1] == "::error file=a%25b%2Cc%3Ad.md,line=3,col=5,title=SH201::'gone%2525,here.md' does not exist"


_NO_NETWORK = '''
import socket

def _refuse(*args, **kwargs):
    raise OSError("network access attempted")

socket.socket = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


def test_every_hook_runs_with_networking_impossible(defects: Repo, tmp_path: Path) -> None:
    """The hooks run as pre-commit.ci runs them: with no network (here, sockets that raise)."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(_NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard), *sys.path])}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], env=env, capture_output=True, text=True)
    assert "network access attempted" in probe.stderr, "the guard works"
    files = ["specs/rest/a.md", "specs/rest/b.md"]
    for command, expected in ((["headers"], 1), (["links"], 1), (["dates"], 0), (["dates", "--check"], 1),
                              (["check", "--format", "sarif"], 1)):
        result = subprocess.run([sys.executable, "-m", "spec_hooks", *command, *files], cwd=defects.root, env=env,
                                capture_output=True, text=True)
        assert result.returncode == expected, (command, result.stderr)
        assert "network" not in result.stderr and "Traceback" not in result.stderr


def test_sarif_uris_are_percent_encoded(repo: Repo, cli) -> None:
    repo.write("specs/rest/my spec.md", spec(spec_id="rest/x", status="Approved"))
    location = json.loads(cli("headers", "--format", "sarif", "specs/rest/my spec.md").out)["runs"][0]["results"][0]
    assert location["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "specs/rest/my%20spec.md"
