"""Loading JSON Schemas: built-in ones from package data, a repository's own from its files.

A repository's schemas may `$ref` each other by relative path; references resolve from local files
only, never over the network.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from spec_hooks.findings import SpecHooksError


@cache
def builtin_schema(name: str) -> dict[str, Any]:
    text = resources.files("spec_hooks.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Short `where: what` messages for a configuration-like document."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=lambda error: list(error.path))
    return [f"{'.'.join(map(str, error.path)) or '(top level)'}: {error.message}" for error in errors]


def load_validator(schema_ref: str, root: Path) -> Callable[[Any], list[Any]]:
    """A format-checking validation function for a doc type's schema ("builtin:NAME" or a repository path)."""
    if schema_ref.startswith("builtin:"):
        return _validator(builtin_schema(schema_ref.removeprefix("builtin:")), "", root)
    path = (root / schema_ref).resolve()
    return _validator(_read_schema_file(path, schema_ref), path.as_uri(), root)


def _read_schema_file(path: Path, shown: str) -> Any:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecHooksError(f"{shown}: cannot read schema: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise SpecHooksError(f"{shown}: invalid schema: not valid JSON: {exc}") from None
    except Exception as exc:  # yaml.YAMLError, without importing yaml for JSON schemas
        raise SpecHooksError(f"{shown}: invalid schema: not valid YAML: {str(exc).splitlines()[0]}") from None


def _validator(schema: Any, base_uri: str, root: Path) -> Callable[[Any], list[Any]]:
    from jsonschema import Draft202012Validator, exceptions, validators
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012

    shown = _shown(base_uri, root)
    if not isinstance(schema, dict):
        raise SpecHooksError(f"{shown}: invalid schema: the top level must be an object")
    cls = validators.validator_for(schema, default=Draft202012Validator)
    if base_uri:  # built-in schemas are checked against the metaschema by the test suite, not every run
        try:
            cls.check_schema(schema)
        except exceptions.SchemaError as exc:
            where = "/".join(map(str, exc.path)) or "(top level)"
            raise SpecHooksError(f"{shown}: invalid schema at {where}: {exc.message}") from None

    def retrieve(uri: str) -> Resource[Any]:
        if not uri.startswith("file:"):
            raise NoSuchResource(ref=uri)
        from urllib.parse import unquote, urlparse

        path = Path(unquote(urlparse(uri).path))
        return Resource.from_contents(_read_schema_file(path, _shown(uri, root)), default_specification=DRAFT202012)

    registry: Registry[Any] = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    if base_uri:
        schema = {**schema, "$id": schema.get("$id", base_uri)}
    validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)

    def validate(instance: Any) -> list[Any]:
        from referencing.exceptions import Unresolvable

        try:
            return list(validator.iter_errors(instance))
        except Unresolvable as exc:  # a broken $ref is the schema's fault: exit 2, not a traceback
            raise SpecHooksError(
                f"{shown}: invalid schema: cannot resolve $ref {getattr(exc, 'ref', exc)!s} (only local files are read)"
            ) from None

    return validate


def _shown(uri: str, root: Path) -> str:
    if not uri:
        return "built-in schema"
    if not uri.startswith("file:"):
        return uri
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(uri).path))
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
