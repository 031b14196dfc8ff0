"""The README documents what the code does: every rule, and the commands CI runs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from spec_hooks.rules import RULES

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text()


def test_every_rule_is_in_the_readme_table() -> None:
    rows = {match.group(1): match.group(2) for match in re.finditer(r"^\| (SH\d{3}) \| ([a-z0-9-]+) \|", README, re.M)}
    assert rows == {code: rule.name for code, rule in RULES.items()}


def test_every_rule_code_the_documentation_names_exists() -> None:
    """A code in a schema's description, the README, the docs or the Action that no rule has sends a user
    looking for nothing (the configuration schema once named SH406 for SH304)."""
    places = [*sorted((PROJECT / "schemas").glob("*.json")), PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md")),
              PROJECT / "action.yml", PROJECT / ".pre-commit-hooks.yaml"]
    named = {(place.name, code) for place in places for code in re.findall(r"\bSH\d{3}\b", place.read_text())}
    assert {(place, code) for place, code in named if code not in RULES} == set()


def test_ci_runs_the_readme_test_command() -> None:
    command = next(line for line in README.splitlines() if "pytest" in line and line.startswith("python3 -m venv"))
    assert command in (PROJECT / ".ci" / "run").read_text().splitlines()
    assert 'acceptance="../shared/acceptance/run"' in (PROJECT / ".ci" / "run").read_text(), "and the acceptance scenarios"


def test_every_hook_reports_once() -> None:
    """pre-commit splits a hook's files into a batch per CPU unless it is serial: each batch would print
    its own findings' summary (and open the repository again)."""
    manifest = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in manifest if not (hook.get("require_serial") or hook.get("pass_filenames") is False)] == []


def test_readme_hooks_exist_in_the_manifest() -> None:
    manifest = {hook["id"]: hook for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    snippet = re.search(r"```yaml\nrepos:\n(.*?)```", README, re.S)
    assert snippet is not None
    used = re.findall(r"- id: ([\w-]+)", snippet.group(1))
    assert used and set(used) <= set(manifest)
    for hook in manifest.values():
        assert hook["types"] == ["markdown"] and hook["language"] == "python"
        assert hook["entry"].startswith("spec-hooks ")


def _spec_hooks_env(**extra: str) -> dict[str, str]:
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **extra}


@pytest.fixture
def flawed(repo):
    from conftest import spec

    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Approved"))
    repo.add()
    repo.commit("a", when="2025-03-04T10:00:00+00:00")
    return repo


def test_readme_workflow_commands_run(flawed, tmp_path: Path) -> None:
    import subprocess

    block = re.search(r"```yaml\n(name: specs\n.*?)```", README, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["specs"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    commands = [step["run"] for step in steps if "run" in step and step["run"].startswith("spec-hooks")]
    assert commands == ['spec-hooks check --sarif-file "$RUNNER_TEMP/spec-hooks.sarif"']
    summary = tmp_path / "summary.md"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = _spec_hooks_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(runner_temp))
    results = [subprocess.run(["bash", "-c", command], cwd=flawed.root, env=env, capture_output=True, text=True)
               for command in commands]
    assert [result.returncode for result in results] == [1]
    assert "::error file=specs/rest/a.md,line=4,col=15,title=SH106::" in results[0].stdout
    assert "| `specs/rest/a.md` | [SH106](" in summary.read_text()
    rerun = subprocess.run(["bash", "-c", commands[0]], cwd=flawed.root, env=env, capture_output=True, text=True)
    assert rerun.returncode == 1
    assert summary.read_text().count("### spec-hooks findings") == 1, "a second call adds no second table"
    sarif = json.loads((runner_temp / "spec-hooks.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "SH106"
    assert flawed.git("status", "--porcelain", "--untracked-files=all") == "", "nothing left in the work tree"


def _action_steps() -> dict[str, dict[str, object]]:
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return {step["name"]: step for step in action["runs"]["steps"]}


def _run_step(step: dict[str, object], cwd: Path, tmp_path: Path, **env: str):
    """One shell step as the runner runs it: bash, the GITHUB_* files set; its outputs read back."""
    import subprocess

    outputs = tmp_path / "github_output"
    outputs.write_text("")
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", str(step["run"])], cwd=cwd, capture_output=True,
                            text=True, env=_spec_hooks_env(GITHUB_OUTPUT=str(outputs), GITHUB_ACTION_PATH=str(PROJECT),
                                                           RUNNER_TEMP=str(tmp_path), **env))
    pairs = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return result, pairs


def test_action_locates_python_and_keys_its_cache_by_its_own_files(tmp_path: Path) -> None:
    import sys

    step = _action_steps()["Locate Python"]
    result, outputs = _run_step(step, tmp_path, tmp_path, SPEC_HOOKS_PYTHON=sys.executable, RUNNER_OS="Linux")
    assert result.returncode == 0, result.stderr
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert outputs["python"] == sys.executable
    assert re.fullmatch(rf"spec-hooks-Linux-\S+-py{re.escape(version)}-[0-9a-f]{{16}}", outputs["key"])
    assert outputs["venv"].startswith(str(tmp_path) + "/spec-hooks-venv-")
    again, same = _run_step(step, tmp_path, tmp_path, SPEC_HOOKS_PYTHON=sys.executable, RUNNER_OS="Linux")
    assert same["key"] == outputs["key"]


def test_action_check_step(flawed, tmp_path: Path) -> None:
    import sys

    step = _action_steps()["Check specs"]
    assert step["working-directory"] == "${{ inputs.working-directory }}"
    flawed.write("specs/rest/my spec.md", "# Mine\n\n[gone](gone.md)\n")
    flawed.add()
    base = {"SPEC_HOOKS_VENV": sys.prefix, "SPEC_HOOKS_CONFIG": "", "SPEC_HOOKS_FORMAT": "", "GITHUB_ACTIONS": "true"}
    result, outputs = _run_step(step, flawed.root, tmp_path, **base, SPEC_HOOKS_SARIF_FILE="out.sarif",
                                SPEC_HOOKS_FILES="specs/rest/a.md\nspecs/rest/my spec.md\n")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "specs/rest/a.md:4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated",
        "specs/rest/my spec.md:3:8: SH201 'gone.md' does not exist"]
    assert "::error file=specs/rest/a.md,line=4,col=15,title=SH106::" in result.stdout, "annotations and SARIF at once"
    assert outputs == {"errors": "2", "warnings": "0", "sarif-file": "out.sarif"}
    assert json.loads((flawed.root / "out.sarif").read_text())["version"] == "2.1.0"
    (flawed.root / "out.sarif").unlink()
    spaced, counts = _run_step(step, flawed.root, tmp_path, **base, SPEC_HOOKS_SARIF_FILE="",
                               SPEC_HOOKS_FILES="specs/rest/a.md")
    assert spaced.returncode == 1 and {name: counts[name] for name in ("errors", "warnings")} == {"errors": "1", "warnings": "0"}
    assert counts["sarif-file"].startswith(str(tmp_path) + "/spec-hooks-") and Path(counts["sarif-file"]).is_file()
    assert "??" not in flawed.git("status", "--porcelain", "--untracked-files=all"), "the default leaves nothing untracked"
    flawed.write("docs/ok.md", "# OK\n")
    flawed.add()
    clean, none = _run_step(step, flawed.root, tmp_path, **{**base, "SPEC_HOOKS_FORMAT": "json"},
                            SPEC_HOOKS_SARIF_FILE="", SPEC_HOOKS_FILES="docs/ok.md")
    assert clean.returncode == 0 and json.loads(clean.stdout)["findings"] == [] and none["errors"] == "0"


@pytest.mark.e2e
def test_action_installs_into_a_virtual_environment_of_its_own(tmp_path: Path) -> None:
    import subprocess
    import sys

    steps = _action_steps()
    _, located = _run_step(steps["Locate Python"], tmp_path, tmp_path, SPEC_HOOKS_PYTHON=sys.executable)
    result, _ = _run_step(steps["Install spec-hooks"], tmp_path, tmp_path,
                          SPEC_HOOKS_PYTHON=located["python"], SPEC_HOOKS_VENV=located["venv"])
    assert result.returncode == 0, result.stderr
    version = subprocess.run([str(Path(located["venv"]) / "bin" / "spec-hooks"), "--version"], capture_output=True,
                             text=True)
    assert version.stdout.startswith("spec-hooks ")


def test_readme_demo_command(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(["bash", str(PROJECT / "examples" / "demo.sh")], capture_output=True, text=True,
                            env=_spec_hooks_env())
    assert result.returncode == 1, result.stderr
    codes = set(re.findall(r": (SH\d{3}) ", result.stdout))
    assert {"SH106", "SH107", "SH103", "SH111", "SH201", "SH205", "SH301"} <= codes
    assert result.stdout.rstrip().endswith("(exit status 1)")


def test_readme_configuration_example_is_valid(repo) -> None:
    """The example in "Configuration" passes the shipped schema and loads (with the files it names)."""
    from jsonschema import Draft202012Validator

    from spec_hooks.config import load_config

    block = re.search(r"```yaml\n(# \.spec-hooks\.yaml\n.*?)```", README, re.S)
    assert block is not None
    schema = json.loads((PROJECT / "schemas" / "config.schema.json").read_text())
    assert schema["$id"].endswith("/schemas/config.schema.json")
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(yaml.safe_load(block.group(1)))) == []
    repo.write(".spec-hooks.yaml", block.group(1))
    for doc_type in yaml.safe_load(block.group(1)).get("types", {}).values():
        for name in (doc_type.get("schema", "builtin:"), doc_type.get("template")):
            if name and not name.startswith("builtin:"):
                repo.write(name, "{}\n")  # the files it names: configuration must name files that exist
    config = load_config(repo.root)
    rfc = next(doc_type for doc_type in config.types if doc_type.name == "rfc")
    assert rfc.id_pattern and config.is_template("scaffolds/x.md") and config.excluded("docs/archive/old.md")
    assert not config.excluded("docs/archive/index.md")
    modeline = f"# yaml-language-server: $schema={schema['$id']}"
    assert modeline in README
