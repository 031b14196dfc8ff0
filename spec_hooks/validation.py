"""Loading JSON Schemas: built-in ones from package data, a repository's own from its files.

A repository's schemas may `$ref` each other by relative path; references resolve from local files
only, never over the network.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from spec_hooks.findings import SpecHooksError
from spec_hooks.loading import read_small_text, safe_yaml
from spec_hooks.source import inside
from spec_hooks.text import did_you_mean, shorten

BUILTIN_SCHEMAS = ("spec", "integration", "any")
MAX_SCHEMA = 4 << 20  # bytes: a schema larger than this is not a header schema


@cache
def builtin_schema(name: str) -> dict[str, Any]:
    from importlib import resources  # a built-in schema is read only when a header is validated

    text = resources.files("spec_hooks.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Short `where: what` messages for a configuration-like document (what they quote is cut short)."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=lambda error: list(map(str, error.path)))
    return [shorten(f"{'.'.join(map(str, error.path)) or '(top level)'}: {message}")
            for error in errors for message in _said(error)]


def _said(error: Any) -> list[str]:
    """What a validation error says, with `did you mean` for a mistyped key."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict) or error.validator_value is not False:
        return [error.message]
    known = list(error.schema.get("properties", {}))
    return [f"unknown key {key!r}{did_you_mean(key, known)}" for key in error.instance if key not in known]


def load_validator(schema_ref: str, root: Path) -> Callable[[Any], list[Any]]:
    """A format-checking validation function for a doc type's schema ("builtin:NAME" or a path inside
    the repository)."""
    if schema_ref.startswith("builtin:"):
        name = schema_ref.removeprefix("builtin:")
        if name not in BUILTIN_SCHEMAS:
            raise SpecHooksError(f"schema {shorten(schema_ref, 80)!r}: no such built-in schema "
                                 f"(the built-ins are {', '.join('builtin:' + known for known in BUILTIN_SCHEMAS)})")
        return _validator(builtin_schema(name), "", root)
    path = _inside(root, root / schema_ref, schema_ref)
    return _validator(_read_schema_file(path, schema_ref), path.as_uri(), root)


def _inside(root: Path, path: Path, shown: str) -> Path:
    """`path` with its symlinks resolved, which must stay in the repository: schemas are the repository's."""
    if not inside(root, path):
        raise SpecHooksError(f"{shorten(shown, 200)}: schema is outside the repository: not read")
    return path.resolve()


def _read_schema_file(path: Path, shown: str) -> Any:
    text = read_small_text(path, shown, "schema", MAX_SCHEMA)
    try:
        if path.suffix in (".yaml", ".yml"):
            return safe_yaml(text)
        return json.loads(text)
    except (RecursionError, MemoryError):
        raise SpecHooksError(f"{shown}: invalid schema: nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise SpecHooksError(f"{shown}: invalid schema: not valid JSON: {shorten(str(exc))}") from None
    except Exception as exc:  # yaml.YAMLError, without importing yaml for JSON schemas
        raise SpecHooksError(f"{shown}: invalid schema: not valid YAML: {shorten(str(exc).splitlines()[0])}") from None


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
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        from urllib.parse import unquote, urlparse

        path = _inside(root, Path(unquote(urlparse(uri).path)), _shown(uri, root))
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
            reason: BaseException | None = exc
            while reason is not None and not isinstance(reason, SpecHooksError):
                reason = reason.__cause__
            if reason is not None:  # the file it names is outside, too large, not JSON...
                raise SpecHooksError(
                    f"{shown}: invalid schema: cannot resolve $ref {shorten(str(getattr(exc, 'ref', '')), 200)}: {reason}"
                ) from None
            raise SpecHooksError(
                f"{shown}: invalid schema: cannot resolve $ref {shorten(str(getattr(exc, 'ref', exc)), 200)} "
                "(only local files are read)"
            ) from None
        except RecursionError:  # a $ref cycle that never reaches a constraint
            raise SpecHooksError(f"{shown}: invalid schema: its $refs refer to each other without end") from None

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
