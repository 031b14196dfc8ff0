"""Configuration: `.spec-hooks.yaml` or `[tool.spec-hooks]` in pyproject.toml, validated, with defaults."""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from spec_hooks import rules
from spec_hooks.findings import SpecHooksError
from spec_hooks.globs import glob_problem, matches
from spec_hooks.loading import read_small_text, safe_yaml
from spec_hooks.source import inside
from spec_hooks.text import did_you_mean
from spec_hooks.validation import BUILTIN_SCHEMAS, builtin_schema, schema_errors

CONFIG_FILES = (".spec-hooks.yaml", ".spec-hooks.yml")
# Files whose name ends with the word "template" (`spec-template.md`, `TEMPLATE.md`, not `contemplate.md`,
# `email-template-api.md` or `template-leftover.md`, which may well be specs), or kept in a templates folder:
# their headers and dates are not checked or filled (their links are). A name with the word elsewhere is a
# template only while its header still holds the template's placeholders (see run.select_files).
# (Spelled with literal letters, not a class per letter: a path without "emplate" is passed over at once.)
DEFAULT_TEMPLATES = ("**/{,*[-_. ]}[Tt]emplate.{md,markdown}", "**/{,*[-_. ]}TEMPLATE.{md,markdown}",
                     "**/templates/**", "**/Templates/**")

# The forms a header may be written in (spec_hooks.header reads each).
HEADER_FORMS = ("bold-list", "list", "paragraph", "front-matter")
# Where no type says its header's form: bold-key items, in the first bullet list after the first H1 and
# before any other heading (paragraphs between are passed over), as our templates have always been read.
LENIENT = "lenient"
DEFAULT_FORMS = frozenset({"bold-list", LENIENT})


@dataclass(frozen=True)
class DocType:
    name: str
    schema: str  # "builtin:NAME" or a path relative to the repository root
    keys: tuple[str, ...]  # header keys that recognise the type; the first alone is enough
    paths: tuple[str, ...] = ()  # globs whose files must carry this type's header
    id_field: str | None = None
    id_pattern: str | None = None  # a regex whose group `id` is the ID, searched in the path
    disable: frozenset[str] = frozenset()  # rule codes switched off in documents of this type
    created_field: str | None = None
    updated_field: str | None = None
    lifecycle: Lifecycle | None = None
    template: str | None = None  # the file `spec-hooks new` starts from (default: the bundled seed)
    header: tuple[str, ...] = ()  # the forms its header is written in (header.HEADER_FORMS); () the default
    title_field: str | None = None  # a field that is the title (front matter's `title`), else the title heading
    id_from_path: str | None = None  # the ID built from the path: `SE-{number}` with id_pattern's `number`
    name_field: str | None = None  # a field naming the document (integration's System): `new` writes the title in

    @property
    def forms(self) -> frozenset[str]:
        """The forms its header is read in."""
        return frozenset(self.header) if self.header else DEFAULT_FORMS

    def id_of_path(self, path: str) -> str | None:
        """The ID id_pattern finds in `path` (its `id` group, or id_from_path filled from its groups);
        None without a pattern, or when it does not match."""
        import re

        match = re.search(self.id_pattern, path) if self.id_pattern is not None else None
        if match is None:
            return None
        if self.id_from_path is not None:
            return self.id_from_path.format_map({name: value or "" for name, value in match.groupdict().items()})
        return match.group("id")

    @property
    def date_fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.created_field, self.updated_field) if name)


@dataclass(frozen=True)
class Lifecycle:
    """How a document type's status may change, and what each status asks of its documents."""

    field: str = "Status"
    transitions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # status -> the statuses it may become
    required: tuple[tuple[str, tuple[str, ...]], ...] = ()  # status -> fields a document in it must have
    stable: tuple[str, ...] = ()  # statuses whose documents should link only to documents in one of them
    idle_days: tuple[tuple[str, int], ...] = ()  # status -> days without a content change before a warning

    def allows(self, old: str, new: str) -> bool | None:
        """Whether `old` may become `new`; None when `old` is not a status the lifecycle knows."""
        following = dict(self.transitions).get(old)
        return None if following is None else new == old or new in following

    def required_fields(self, status: str) -> tuple[str, ...]:
        return dict(self.required).get(status, ())

    @property
    def statuses(self) -> list[str]:
        """Every status named, in the order the lifecycle lists them."""
        named = [old for old, _ in self.transitions] + [new for _, news in self.transitions for new in news]
        return list(dict.fromkeys(named + [status for status, _ in self.required] + list(self.stable)))


SPEC_LIFECYCLE = Lifecycle(
    transitions=(("Draft", ("Final", "Deprecated")), ("Final", ("Deprecated",)), ("Deprecated", ())),
    stable=("Final",),
)
# Relation keys and the key the other document answers with (None: one-sided, as a dependency is).
DEFAULT_RELATIONS = (("Replaces", "Superseded by"), ("Superseded by", "Replaces"), ("Depends on", None))


BUILTIN_TYPES = (
    DocType("spec", "builtin:spec", ("Spec ID", "Status", "Version", "Created", "Updated"),
            id_field="Spec ID", created_field="Created", updated_field="Updated", lifecycle=SPEC_LIFECYCLE),
    DocType("integration", "builtin:integration", ("System", "Type", "Owner", "Last updated"),
            updated_field="Last updated", name_field="System"),
)


@dataclass(frozen=True)
class Config:
    source: str = "(defaults)"
    types: tuple[DocType, ...] = BUILTIN_TYPES
    disabled: frozenset[str] = frozenset()
    per_file_disabled: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes), ruff's per-file-ignores
    exclude: tuple[str, ...] = ()
    templates: tuple[str, ...] = DEFAULT_TEMPLATES
    timezone: str | None = None
    link_ignore: tuple[str, ...] = ()
    allow_folder_links: bool = True
    link_repository: str | None = None  # this repository's URL (https://github.com/OWNER/REPO); default: origin
    ignore_revs_file: str = ".git-blame-ignore-revs"
    date_timezone: str = "author"
    ignore_whitespace: bool = True  # whitespace-only changes leave dates alone
    relations: tuple[tuple[str, str | None], ...] = DEFAULT_RELATIONS
    index_file: str | None = None  # where the catalogue block lives (default: every file holding its marker)
    index_group: str = "status"
    index_graph: bool = False
    stale_days: int = 180

    def header_forms(self, path: str) -> frozenset[str]:
        """The forms a header at `path` is read in: those of the type whose paths claim it, else every
        form a type names (a header is then read in the first that finds one)."""
        return _header_forms(self.types, path)

    @property
    def plain_keys(self) -> bool:
        """Whether some type's header keys may stand without bold markup (`* Status: x`, front matter)."""
        return any(doc_type.forms - DEFAULT_FORMS for doc_type in self.types)

    @property
    def header_reading(self) -> str:
        """What decides how headers are read: a part of the key of every kept header."""
        return repr([(doc_type.paths, doc_type.header) for doc_type in self.types if doc_type.header])

    def reciprocal(self, key: str) -> str | None:
        return dict(self.relations).get(key)

    def enabled(self, code: str) -> bool:
        return code not in self.disabled

    def excluded(self, path: str) -> bool:
        """Left out of the header and date checks, the catalogue and every fixer: excluded, or a template."""
        return _excluded(self.exclude, self.templates, path)

    def user_excluded(self, path: str) -> bool:
        """Left out of everything, links too: the `exclude` setting."""
        return bool(self.exclude) and _excluded(self.exclude, (), path)

    def is_template(self, path: str) -> bool:
        return _excluded((), self.templates, path)

    def today(self) -> date:
        if self.timezone is None:
            return date.today()
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(self.timezone)).date()


@lru_cache(maxsize=1 << 12)
def _header_forms(types: tuple[DocType, ...], path: str) -> frozenset[str]:
    for doc_type in types:
        if doc_type.paths and matches(doc_type.paths, path):
            return doc_type.forms
    return frozenset().union(*(doc_type.forms for doc_type in types))


@lru_cache(maxsize=1 << 17)  # every family, the catalogue and the policy ask about the same paths
def _excluded(exclude: tuple[str, ...], templates: tuple[str, ...], path: str) -> bool:
    return matches(exclude, path) or matches(templates, path)


MAX_CONFIG = 1 << 20  # bytes: far beyond any real configuration


def load_config(root: Path, explicit: str | None = None) -> Config:
    """The repository's configuration; SpecHooksError (exit 2) names the file and what is wrong.
    A configuration found in the repository (not named with --config) must lie in it: a symlink that
    leads out is not followed."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise SpecHooksError(f"{explicit}: configuration file not found")
        data = _read_config_file(path, _display(root, path))
    elif found := [name for name in CONFIG_FILES if (root / name).is_file()]:
        if len(found) > 1:
            raise SpecHooksError(f"both {' and '.join(found)} exist: keep one (they would not be merged)")
        path = _in_repository(root, found[0])
        data = _read_config_file(path, found[0])
    elif (root / "pyproject.toml").is_file():
        path = _in_repository(root, "pyproject.toml")
        text = read_small_text(path, "pyproject.toml", "configuration", MAX_CONFIG)
        data = _read_pyproject(text) if "spec-hooks" in text else None
        if data is None:
            return Config()
    else:
        return Config()
    source = _display(root, path)
    try:
        config = _build_config(source, data)
    except RecursionError:
        raise SpecHooksError(f"{source}: invalid configuration: nested too deeply") from None
    if errors := _path_errors(root, config):
        raise SpecHooksError(*(f"{source}: invalid configuration: {error}" for error in errors))
    return config


def _path_errors(root: Path, config: Config) -> list[str]:
    """Every file the configuration names lies in the repository (nothing outside it is read), and the
    schemas and templates exist: a mistyped name is said when the configuration is read, not only
    once some document happens to have the type."""
    errors = []
    for doc_type in config.types:
        if doc_type.schema.startswith("builtin:"):
            if doc_type.schema.removeprefix("builtin:") not in BUILTIN_SCHEMAS:
                known = [f"builtin:{name}" for name in BUILTIN_SCHEMAS]
                errors.append(f"types.{doc_type.name}.schema: no such built-in schema {doc_type.schema[:80]!r}"
                              f"{did_you_mean(doc_type.schema, known)}")
        else:
            errors.extend(_file_errors(root, f"types.{doc_type.name}.schema", doc_type.schema, True))
        if doc_type.template is not None:
            errors.extend(_file_errors(root, f"types.{doc_type.name}.template", doc_type.template, True))
    if config.index_file is not None:
        errors.extend(_file_errors(root, "index.file", config.index_file, False))
    return errors


def _file_errors(root: Path, where: str, name: str, must_exist: bool) -> list[str]:
    path = root / name
    shown = repr(name[:200])
    if not name or not inside(root, path) or os.path.realpath(path) == os.path.realpath(root):
        return [f"{where}: {shown} is outside the repository: not read"]
    if must_exist and not path.is_file():
        return [f"{where}: {shown} does not exist" if not path.exists() else f"{where}: {shown} is not a file"]
    return []


def _in_repository(root: Path, name: str) -> Path:
    if not inside(root, root / name):
        raise SpecHooksError(f"{name}: is a symbolic link that leads outside the repository: not read "
                             "(name it with --config to use it)")
    return root / name


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_config_file(path: Path, shown: str) -> Any:
    import yaml

    text = read_small_text(path, shown, "configuration", MAX_CONFIG)
    try:
        return safe_yaml(text) or {}
    except (RecursionError, MemoryError):
        raise SpecHooksError(f"{shown}: invalid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecHooksError(f"{shown}{where}: invalid YAML: {reason}") from None


def _read_pyproject(text: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except (RecursionError, MemoryError):
        raise SpecHooksError("pyproject.toml: invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecHooksError(f"pyproject.toml: invalid TOML: {exc}") from None
    tool = document.get("tool", {})
    return tool.get("spec-hooks") if isinstance(tool, dict) else None


def _build_config(source: str, data: Any) -> Config:
    errors = schema_errors(builtin_schema("config"), data)
    if not errors:
        errors = _rule_errors(data) + _glob_errors(data) + _pattern_errors(data)
        if (timezone := data.get("timezone")) is not None:
            errors.extend(_timezone_errors(timezone))
    if errors:
        raise SpecHooksError(*(f"{source}: invalid configuration: {error}" for error in errors))
    per_file = data.get("per_file_disable", {})
    links = data.get("links", {})
    dates = data.get("dates", {})
    index = data.get("index", {})
    return Config(
        source=source,
        types=_merge_types(source, data.get("types", {})),
        disabled=rules.codes_for(data.get("disable", [])),
        per_file_disabled=tuple((pattern, rules.codes_for(names)) for pattern, names in per_file.items()),
        exclude=tuple(data.get("exclude", [])),
        templates=tuple(data.get("templates", DEFAULT_TEMPLATES)),
        timezone=data.get("timezone"),
        link_ignore=tuple(links.get("ignore", [])),
        allow_folder_links=links.get("allow_folders", True),
        link_repository=links.get("repository"),
        ignore_revs_file=dates.get("ignore_revs_file", ".git-blame-ignore-revs"),
        date_timezone=dates.get("timezone", "author"),
        ignore_whitespace=dates.get("ignore_whitespace", True),
        relations=tuple(data["relations"].items()) if "relations" in data else DEFAULT_RELATIONS,
        index_file=index.get("file"),
        index_group=index.get("group_by", "status"),
        index_graph=index.get("graph", False),
        stale_days=data.get("stale", {}).get("days", 180),
    )


def _rule_errors(data: dict[str, Any]) -> list[str]:
    named = [("disable", name) for name in data.get("disable", [])]
    named += [(f"per_file_disable.{pattern}", name) for pattern, names in data.get("per_file_disable", {}).items()
              for name in names]
    named += [(f"types.{type_name}.disable", name) for type_name, settings in data.get("types", {}).items()
              for name in settings.get("disable", [])]
    return [f"{where}: unknown rule {name[:80]!r}{did_you_mean(name, rules.all_names())}"
            for where, name in named if not rules.is_known(name)]


def _glob_errors(data: dict[str, Any]) -> list[str]:
    globs = [("exclude", pattern) for pattern in data.get("exclude", [])]
    globs += [("templates", pattern) for pattern in data.get("templates", [])]
    globs += [("per_file_disable", pattern) for pattern in data.get("per_file_disable", {})]
    globs += [(f"types.{name}.paths", pattern) for name, settings in data.get("types", {}).items()
              for pattern in settings.get("paths", [])]
    return [f"{where}: {problem}" for where, pattern in globs if (problem := glob_problem(pattern))]


def _pattern_errors(data: dict[str, Any]) -> list[str]:
    import re

    errors = []
    for name, settings in data.get("types", {}).items():
        template = settings.get("id_from_path")
        if (pattern := settings.get("id_pattern")) is None:
            if template is not None:
                errors.append(f"types.{name}.id_from_path: needs an id_pattern whose groups it names, e.g. "
                              "id_pattern: '(?P<number>[0-9]{4})-'")
            continue
        try:
            groups = re.compile(pattern).groupindex
        except re.error as exc:
            errors.append(f"types.{name}.id_pattern: {pattern[:80]!r} is not a regular expression: {exc}")
            continue
        if template is None and "id" not in groups:
            errors.append(f"types.{name}.id_pattern: {pattern[:80]!r} has no group named id: write (?P<id>...)")
        elif template is not None:
            errors.extend(f"types.{name}.id_from_path: {problem}" for problem in _template_problems(template, groups))
    return errors


def _template_problems(template: str, groups: Mapping[str, int]) -> list[str]:
    """What is wrong with an id_from_path template: `{name}` must name a group of the id_pattern."""
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return [f"{template[:80]!r}: {exc} (write a literal brace as {{{{ or }}}})"]
    if not names:
        return [f"{template[:80]!r} names no group of id_pattern: write e.g. 'SE-{{number}}'"]
    return [f"{template[:80]!r}: id_pattern has no group named {name!r}" for name in names
            if name not in groups or not name.isidentifier()]


def _timezone_errors(timezone: str) -> list[str]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"timezone: unknown time zone {timezone!r}"]
    return []


def _lifecycle(settings: dict[str, Any] | None, builtin: DocType | None) -> Lifecycle | None:
    """A type's lifecycle: the built-in one with the settings given replacing its parts; null for none."""
    if settings is None:
        return None
    base = builtin.lifecycle if builtin is not None and builtin.lifecycle is not None else Lifecycle()
    return Lifecycle(
        field=settings.get("field", base.field),
        transitions=tuple((old, tuple(new)) for old, new in settings["transitions"].items())
        if "transitions" in settings else base.transitions,
        required=tuple((status, tuple(fields)) for status, fields in settings["required"].items())
        if "required" in settings else base.required,
        stable=tuple(settings.get("stable", base.stable)),
        idle_days=tuple(settings["idle_days"].items()) if "idle_days" in settings else base.idle_days,
    )


def _merge_types(source: str, overrides: dict[str, dict[str, Any]]) -> tuple[DocType, ...]:
    by_name = {doc_type.name: doc_type for doc_type in BUILTIN_TYPES}
    user_types = []
    for name, settings in overrides.items():
        values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in settings.items()}
        if isinstance(values.get("header"), str):
            values["header"] = (values["header"],)
        if "disable" in values:
            values["disable"] = rules.codes_for(list(values["disable"]))
        if "lifecycle" in values:
            values["lifecycle"] = _lifecycle(settings["lifecycle"], by_name.get(name))
        if name in by_name:
            by_name[name] = replace(by_name[name], **values)
            continue
        if "keys" not in settings:
            raise SpecHooksError(f"{source}: invalid configuration: types.{name}: 'keys' is required")
        values.setdefault("schema", "builtin:any")  # no schema: the header's form and dates are still checked
        user_types.append(DocType(name=name, **values))
    # User types first: their paths and keys are the more specific claims.
    return tuple(user_types) + tuple(by_name.values())
