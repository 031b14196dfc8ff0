"""`spec-hooks headers` (hook `check-spec-headers`): every spec's header validated against its type's schema."""
from __future__ import annotations

import argparse
from collections.abc import Sequence

from spec_hooks.arguments import CommandParser
from spec_hooks.checks.headers import check_paths
from spec_hooks.checks.lifecycle import Fixes, relation_fixes
from spec_hooks.fix import apply_fixes
from spec_hooks.run import add_common_arguments, finish, guarded, open_project, output_of, parse_arguments, select_files


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(prog="spec-hooks headers", description="Validate spec headers against their schemas.")
    add_common_arguments(parser)
    parser.add_argument("--fix", action="store_true",
                        help="add the missing side of one-sided relations (Replaces / Superseded by) to the other spec")
    add_base_argument(parser)
    args = parse_arguments(parser, argv)

    def run() -> int:
        project = open_project(args.config)
        paths, whole = select_files(project, args.filenames)
        fixes: Fixes = {}
        findings = check_paths(project, paths, whole, project.config.today(), fixes, args.base)
        lines: list[str] = []
        if args.fix and fixes:
            findings, lines = apply_fixes(project.root, findings, relation_fixes(project, fixes))
        output = output_of(args, fixing=args.fix)
        return finish(findings, output, project, paths, ("headers",), lines)

    return guarded(run)


def add_base_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REV", default=None,
                        help="judge status transitions against this commit instead of HEAD (a pull request's "
                             "target in CI, e.g. origin/main)")
