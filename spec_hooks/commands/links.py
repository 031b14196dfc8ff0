"""`spec-hooks links` (hook `check-spec-links`): relative links and #fragments resolve in git's index."""
from __future__ import annotations

from collections.abc import Sequence

from spec_hooks.arguments import CommandParser
from spec_hooks.checks.links import check_links
from spec_hooks.fix import apply_fixes
from spec_hooks.run import (
    add_common_arguments,
    add_hook_argument,
    checked_for_links,
    finish,
    guarded,
    open_project,
    output_of,
    parse_arguments,
    select_files,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(prog="spec-hooks links", description="Check that relative links and #fragments resolve.")
    add_common_arguments(parser)
    add_hook_argument(parser)
    parser.add_argument("--fix", action="store_true",
                        help="rewrite links to files the staged change renames, and wrong-case paths")
    args = parse_arguments(parser, argv)

    def run() -> int:
        project = open_project(args.config)
        paths, whole = select_files(project, args.filenames, args.hook)
        findings, fixes = check_links(project, checked_for_links(project, paths), whole, args.fix)
        findings, lines = apply_fixes(project.root, findings, fixes) if args.fix else (findings, [])
        output = output_of(args, fixing=args.fix)
        return finish(findings, output, project, paths, ("links",), lines)

    return guarded(run)
