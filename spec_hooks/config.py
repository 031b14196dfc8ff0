"""Configuration: `.spec-hooks.yaml` or `[tool.spec-hooks]` in pyproject.toml, validated, with defaults."""
from __future__ import annotations

import re
import sys
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
    per_file_disabled: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, codes), ruff's per-file-ignores
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
    elif (root / CONFIG_FILE).is_file():
        path = _in_repository(root, CONFIG_FILE)
        data = _read_config_file(path, CONFIG_FILE)
    elif (root / "pyproject.toml").is_file():
        path = _in_repository(root, "pyproject.toml")
        text = read_small_text(path, "pyproject.toml", "configuration", MAX_CONFIG)
        data = _read_pyproject(text) if "spec-hooks" in text else None
        if data is None:
            return Config()
    else:
        return Config()
    try:
        return _build_config(_display(root, path), data)
    except RecursionError:
        raise SpecHooksError(f"{_display(root, path)}: invalid configuration: nested too deeply") from None


def _in_repository(root: Path, name: str) -> Path:
    from spec_hooks.source import inside

    if not inside(root, root / name):
        raise SpecHooksError(f"{name}: is a symbolic link that leads outside the repository: not read "
                             "(name it with --config to use it)")
    return root / name


def read_small_text(path: Path, shown: str, what: str, limit: int) -> str:
    """A configuration or schema file's UTF-8 text, read no further than `limit` bytes (a 3 GB file or
    /dev/zero is not read into memory); SpecHooksError says why it cannot be."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise SpecHooksError(f"{shown}: cannot read {what}: larger than {limit >> 20} MiB")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecHooksError(f"{shown}: cannot read {what}: {getattr(exc, 'strerror', None) or exc}") from None


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


def safe_yaml(text: str) -> Any:
    """YAML's plain data, without aliases: nine nested aliases of nine items each (a "billion laughs")
    are a billion strings to whatever walks the result, and no configuration or schema needs one."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", event.start_mark)
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=Loader)


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
    from spec_hooks import rules
    from spec_hooks.validation import builtin_schema, schema_errors

    errors = schema_errors(builtin_schema("config"), data)
    if errors:
        raise SpecHooksError(f"{source}: invalid configuration: {errors[0]}")
    per_file = data.get("per_file_disable", {})
    for key, names in [("disable", data.get("disable", [])), *(("per_file_disable", v) for v in per_file.values())]:
        unknown = [name for name in names if not rules.is_known(name)]
        if unknown:
            raise SpecHooksError(f"{source}: invalid configuration: {key}: unknown rule {unknown[0][:80]!r}")
    timezone = data.get("timezone")
    if timezone is not None:
        _check_timezone(source, timezone)
    links = data.get("links", {})
    dates = data.get("dates", {})
    return Config(
        source=source,
        types=_merge_types(source, data.get("types", {})),
        disabled=rules.codes_for(data.get("disable", [])),
        per_file_disabled=tuple((pattern, rules.codes_for(names)) for pattern, names in per_file.items()),
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
        values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in settings.items()}
        if name in by_name:
            by_name[name] = replace(by_name[name], **values)
            continue
        for required in ("schema", "keys"):
            if required not in settings:
                raise SpecHooksError(f"{source}: invalid configuration: types.{name}: {required!r} is required")
        user_types.append(DocType(name=name, **values))
    # User types first: their paths and keys are the more specific claims.
    return tuple(user_types) + tuple(by_name.values())


_LITERAL, _ONE, _STAR, _ANY, _FOLDERS = range(5)  # a char; `?`; `*`; `**`; `**/` (any folders, or none)


@cache
def _glob_tokens(pattern: str) -> tuple[tuple[int, str], ...]:
    """gitignore-like globs: `*` and `?` stay in one folder, `**` spans folders, `/**/` may be empty."""
    tokens = []
    i = 0
    pattern = pattern.lstrip("/")
    while i < len(pattern):
        for text, kind in (("**/", _FOLDERS), ("**", _ANY), ("*", _STAR), ("?", _ONE)):
            if pattern.startswith(text, i):
                tokens.append((kind, ""))
                i += len(text)
                break
        else:
            tokens.append((_LITERAL, pattern[i]))
            i += 1
    return tuple(tokens)


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = {_ONE: "[^/]", _STAR: "[^/]*", _ANY: ".*", _FOLDERS: "(?:.*/)?"}
    body = "".join(parts[kind] if kind != _LITERAL else re.escape(char) for kind, char in _glob_tokens(pattern))
    return re.compile(body + "(?:/.*)?")  # a folder's pattern matches what is in it


def glob_match(pattern: str, path: str) -> bool:
    """Whether `path` matches the glob `pattern` (or lies in a folder it matches). Time is linear in the
    path for any pattern: a regex with three or more wildcards can backtrack exponentially
    (`*a*a*a*a*a*a*a*a*a*a*a*a*b.md` took 24 s on a 30-character name), so those are run as an automaton."""
    tokens = _glob_tokens(pattern)
    if sum(kind in (_STAR, _ANY, _FOLDERS) for kind, _ in tokens) < 3:
        return _glob_regex(pattern).fullmatch(path) is not None
    return _glob_automaton(tokens, path)


def _glob_automaton(tokens: tuple[tuple[int, str], ...], path: str) -> bool:
    """Every way of matching at once: a state is (token index, inside a `**/` that has consumed text);
    index len(tokens) with `inside` is the `/…` under a matched folder."""
    end = len(tokens)
    states = _closure(tokens, {(0, False)})
    for char in path:
        following = set()
        for index, inside in states:
            if index == end:
                if inside or char == "/":
                    following.add((end, True))
                continue
            kind, literal = tokens[index]
            if kind == _LITERAL and char == literal or kind == _ONE and char != "/":
                following.add((index + 1, False))
            elif kind == _STAR and char != "/" or kind == _ANY:
                following.add((index, False))
            elif kind == _FOLDERS:
                following.add((index, True))
                if char == "/":
                    following.add((index + 1, False))
        states = _closure(tokens, following)
        if not states:
            return False
    return (end, False) in states or (end, True) in states


def _closure(tokens: tuple[tuple[int, str], ...], states: set[tuple[int, bool]]) -> set[tuple[int, bool]]:
    """The states reachable without reading a character: a wildcard may match nothing."""
    pending = list(states)
    while pending:
        index, inside = pending.pop()
        skippable = index < len(tokens) and (tokens[index][0] in (_STAR, _ANY) or (tokens[index][0] == _FOLDERS and not inside))
        if skippable and (index + 1, False) not in states:
            states.add((index + 1, False))
            pending.append((index + 1, False))
    return states
