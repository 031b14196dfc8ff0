"""`spec-hooks stale`: specs whose true last content change (from history, date-only and ignored
commits left out, as `dates --check` computes it) is older than --days N, grouped by owner and status."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spec_hooks.arguments import CommandParser
from spec_hooks.catalogue import field_value, identifier, status
from spec_hooks.checks.dates import RepositoryState, last_changes
from spec_hooks.checks.history import commit_dates
from spec_hooks.escape import literal as _escape
from spec_hooks.findings import SpecHooksError, printable
from spec_hooks.paths import destination
from spec_hooks.run import Project, guarded, open_project, parse_arguments, select_files

NO_OWNER = "(no owner)"
NO_STATUS = "(no status)"


@dataclass(frozen=True)
class Stale:
    path: str
    id: str
    title: str
    owner: str
    status: str
    last_change: date | None  # None: beyond a shallow clone's history
    commit: str | None
    days: int | None


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(prog="spec-hooks stale",
                                     description="List specs whose content has not changed for --days days.")
    parser.add_argument("filenames", nargs="*", metavar="FILE", help="specs to consider (default: every tracked one)")
    parser.add_argument("--days", type=int, default=None, help="the age in days (default: stale.days, 180)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--config", metavar="PATH", default=None, help="configuration file")
    args = parse_arguments(parser, argv)

    def run() -> int:
        project = open_project(args.config)
        if not project.in_git:
            raise SpecHooksError("not inside a git repository: staleness comes from git history")
        days = project.config.stale_days if args.days is None else args.days
        if days < 0:
            raise SpecHooksError(f"--days must be 0 or more, not {days}")
        paths, _ = select_files(project, args.filenames)
        found = stale_specs(project, paths, days)
        project.save()  # what history's walk judged is kept for the next run
        print({"text": as_text, "markdown": as_markdown, "json": as_json}[args.format](found, days), end="")
        return 0

    return guarded(run)


def stale_specs(project: Project, paths: list[str], days: int) -> list[Stale]:
    """The specs among `paths` last changed more than `days` days ago (or whose last change a shallow
    clone hides), oldest first."""
    today = project.config.today()
    state = RepositoryState(project)
    result = []
    # Every spec, dated or not: staleness is the last content change in history, whatever a header says.
    for spec, trace in last_changes(state, paths, undated=True)[0]:
        if trace is not None and (trace.unknown or trace.changed is None):
            last, sha = None, None
        elif trace is None:
            continue  # the staged change edits it today
        else:
            assert trace.changed is not None
            last, sha = commit_dates(trace.changed, project.config.date_timezone)[0], trace.changed.sha
        age = None if last is None else (today - last).days
        if age is None or age > days:
            result.append(Stale(spec.path, identifier(spec), spec.header.title, field_value(spec, "Owner") or NO_OWNER,
                                status(spec) or NO_STATUS, last, sha, age))
    return sorted(result, key=lambda item: (item.owner, item.status, item.last_change or date.min, item.path))


def _grouped(found: list[Stale]) -> dict[str, dict[str, list[Stale]]]:
    groups: dict[str, dict[str, list[Stale]]] = {}
    for item in found:
        groups.setdefault(item.owner, {}).setdefault(item.status, []).append(item)
    return groups


def _when(item: Stale) -> str:
    if item.last_change is None:
        return "last change beyond this shallow clone's history"
    return f"last changed {item.last_change} ({item.days} days, {item.commit[:7] if item.commit else ''})"


def as_text(found: list[Stale], days: int) -> str:
    if not found:
        return f"No spec has gone more than {days} days without a content change.\n"
    lines = [f"{len(found)} spec{'s' * (len(found) != 1)} unchanged for more than {days} days:"]
    for owner, statuses in _grouped(found).items():
        lines.append(f"{owner}:")
        for name, items in statuses.items():
            lines.append(f"  {name}:")
            lines.extend(f"    {item.path}  {item.id}  {_when(item)}" for item in items)
    return "".join(printable(line) + "\n" for line in lines)


def as_markdown(found: list[Stale], days: int) -> str:
    if not found:
        return f"No spec has gone more than {days} days without a content change.\n"
    lines = [f"## Specs unchanged for more than {days} days ({len(found)})", ""]
    for owner, statuses in _grouped(found).items():
        lines.extend([f"### {_escape(owner)}", "", "| Spec | ID | Status | Last content change | Days |",
                      "| --- | --- | --- | --- | --- |"])
        for name, items in statuses.items():
            lines.extend(f"| [{_escape(item.title or item.path)}]({destination(item.path)}) | {_escape(item.id)} | {_escape(name)} | "
                         f"{item.last_change or 'unknown (shallow clone)'} | {'' if item.days is None else item.days} |"
                         for item in items)
        lines.append("")
    return "\n".join(lines)


def as_json(found: list[Stale], days: int) -> str:
    records = [{**item.__dict__, "last_change": item.last_change.isoformat() if item.last_change else None}
               for item in found]
    return json.dumps({"version": 1, "days": days, "stale": records}, indent=2, ensure_ascii=False) + "\n"
