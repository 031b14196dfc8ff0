"""Configuration: `.spec-hooks.yaml` or `[tool.spec-hooks]` in pyproject.toml, validated, with defaults."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from spec_hooks.findings import SpecHooksError

CONFIG_FILE = ".spec-hooks.yaml"


@dataclass(frozen=True)
class DocType:
    name: str
    schema: str  # "builtin:NAME" or a path relative to the repository root
    keys: tuple[str, ...]  # header keys that recognise the type; the first alone is enough
    paths: tuple[str, ...] = ()  # globs whose files must carry this type's header
    id_field: str | None = None
    created_field: str | None = None
    updated_field: str | None = None

    @property
    def date_fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.created_field, self.updated_field) if name)


BUILTIN_TYPES = (
    DocType("spec", "builtin:spec", ("Spec ID", "Status", "Version", "Created", "Updated"),
            id_field="Spec ID", created_field="Created", updated_field="Updated"),
    DocType("integration", "builtin:integration", ("System", "Type", "Owner", "Last updated"),
            updated_field="Last updated"),
)


@dataclass(frozen=True)
class Config:
    source: str = "(defaults)"
    types: tuple[DocType, ...] = BUILTIN_TYPES
    disabled: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    timezone: str | None = None
    link_ignore: tuple[str, ...] = ()
    allow_folder_links: bool = True
    ignore_revs_file: str = ".git-blame-ignore-revs"
    date_timezone: str = "author"

    def enabled(self, code: str) -> bool:
        return code not in self.disabled

    def excluded(self, path: str) -> bool:
        return any(glob_match(pattern, path) for pattern in self.exclude)

    def today(self) -> date:
        if self.timezone is None:
            return date.today()
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(self.timezone)).date()


def load_config(root: Path, explicit: str | None = None) -> Config:
    """The repository's configuration; SpecHooksError (exit 2) names the file and what is wrong."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise SpecHooksError(f"{explicit}: configuration file not found")
        data = _read_config_file(path, _display(root, path))
    elif (root / CONFIG_FILE).is_file():
        path = root / CONFIG_FILE
        data = _read_config_file(path, CONFIG_FILE)
    elif (root / "pyproject.toml").is_file() and "spec-hooks" in (root / "pyproject.toml").read_text("utf-8", "replace"):
        path = root / "pyproject.toml"
        data = _read_pyproject(path)
        if data is None:
            return Config()
    else:
        return Config()
    return _build_config(_display(root, path), data)


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_config_file(path: Path, shown: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecHooksError(f"{shown}: cannot read configuration: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecHooksError(f"{shown}{where}: invalid YAML: {reason}") from None


def _read_pyproject(path: Path) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecHooksError(f"pyproject.toml: invalid TOML: {exc}") from None
    return document.get("tool", {}).get("spec-hooks")


def _build_config(source: str, data: Any) -> Config:
    from spec_hooks import rules
    from spec_hooks.validation import builtin_schema, schema_errors

    errors = schema_errors(builtin_schema("config"), data)
    if errors:
        raise SpecHooksError(f"{source}: invalid configuration: {errors[0]}")
    unknown = [name for name in data.get("disable", []) if not rules.is_known(name)]
    if unknown:
        raise SpecHooksError(f"{source}: invalid configuration: disable: unknown rule {unknown[0]!r}")
    timezone = data.get("timezone")
    if timezone is not None:
        _check_timezone(source, timezone)
    links = data.get("links", {})
    dates = data.get("dates", {})
    return Config(
        source=source,
        types=_merge_types(source, data.get("types", {})),
        disabled=rules.codes_for(data.get("disable", [])),
        exclude=tuple(data.get("exclude", [])),
        timezone=timezone,
        link_ignore=tuple(links.get("ignore", [])),
        allow_folder_links=links.get("allow_folders", True),
        ignore_revs_file=dates.get("ignore_revs_file", ".git-blame-ignore-revs"),
        date_timezone=dates.get("timezone", "author"),
    )


def _check_timezone(source: str, timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SpecHooksError(f"{source}: invalid configuration: timezone: unknown time zone {timezone!r}") from None


def _merge_types(source: str, overrides: dict[str, dict[str, Any]]) -> tuple[DocType, ...]:
    by_name = {doc_type.name: doc_type for doc_type in BUILTIN_TYPES}
    user_types = []
    for name, settings in overrides.items():
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in settings.items()}
        if name in by_name:
            by_name[name] = replace(by_name[name], **values)
            continue
        for required in ("schema", "keys"):
            if required not in settings:
                raise SpecHooksError(f"{source}: invalid configuration: types.{name}: {required!r} is required")
        user_types.append(DocType(name=name, **values))
    # User types first: their paths and keys are the more specific claims.
    return tuple(user_types) + tuple(by_name.values())


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: `*` and `?` stay in one folder, `**` spans folders, `/**/` may be empty."""
    out = []
    i = 0
    pattern = pattern.lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?")


def glob_match(pattern: str, path: str) -> bool:
    return _glob_regex(pattern).fullmatch(path) is not None
