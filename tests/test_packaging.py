"""The schemas ship inside the wheel and an installed copy finds them, away from the source tree."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(PROJECT)],
        check=True, capture_output=True,
    )
    return next(out.glob("spec_hooks-*.whl"))


def test_wheel_contains_the_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in sorted((PROJECT / "schemas").glob("*.json")):
        assert f"spec_hooks/schemas/{schema.name}" in names


def test_installed_copy_loads_its_schemas(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    probe = (
        "import spec_hooks, spec_hooks.validation as v; "
        "print(spec_hooks.__file__); print(sorted(v.builtin_schema('spec')['required']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    module_file, required = result.stdout.splitlines()
    assert module_file.startswith(str(target)), "the installed copy, not the source tree, was imported"
    assert required == "['Created', 'Spec ID', 'Status', 'Updated', 'Version']"


@pytest.mark.parametrize("name", ["spec", "integration", "config"])
def test_builtin_schemas_are_valid_2020_12(name: str) -> None:
    from jsonschema import Draft202012Validator

    from spec_hooks.validation import builtin_schema

    schema = builtin_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
