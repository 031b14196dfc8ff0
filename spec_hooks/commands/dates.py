"""`spec-hooks dates` (hooks `update-spec-dates`, `check-spec-dates`): Updated dates true to git history."""
from __future__ import annotations

from collections.abc import Sequence

from spec_hooks.arguments import CommandParser
from spec_hooks.checks.dates import RepositoryState, bump, fixed_by_earlier_hooks, verify
from spec_hooks.findings import SpecHooksError
from spec_hooks.fix import apply_fixes
from spec_hooks.run import add_common_arguments, finish, guarded, open_project, output_of, parse_arguments, select_files


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(
        prog="spec-hooks dates",
        description="Set Updated to today in documents whose staged content changed (the fixer), or with "
                    "--check verify every date against git history.",
    )
    add_common_arguments(parser)
    parser.add_argument("--check", action="store_true", help="verify dates against history instead of bumping them")
    parser.add_argument("--fix", action="store_true", help="with --check: rewrite wrong dates from history (backfill)")
    args = parse_arguments(parser, argv)
    if args.fix and not args.check:
        parser.error("--fix goes with --check (without --check, spec-hooks dates already fixes)")

    def run() -> int:
        project = open_project(args.config)
        if not project.in_git:
            raise SpecHooksError("not inside a git repository: dates come from git history")
        paths, _ = select_files(project, args.filenames)
        if not args.check:
            paths += fixed_by_earlier_hooks(project, paths)
        state = RepositoryState(project)
        today = project.config.today()  # the run's one reading of the clock
        findings, fixes = verify(state, paths, today, args.fix) if args.check else bump(state, paths, today)
        findings, lines = apply_fixes(project.root, findings, fixes)
        output = output_of(args, fixing=args.fix or not args.check)
        return finish(findings, output, project, paths, ("dates",) if args.check else (), lines)

    return guarded(run)
