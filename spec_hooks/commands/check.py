"""`spec-hooks check` (hook `check-specs`): headers, links and dates together, one report, one status."""
from __future__ import annotations

from collections.abc import Sequence

from spec_hooks.arguments import CommandParser
from spec_hooks.checks.dates import RepositoryState, verify
from spec_hooks.checks.headers import check_paths
from spec_hooks.checks.index import check_index
from spec_hooks.checks.links import check_links
from spec_hooks.commands.headers import add_base_argument
from spec_hooks.findings import Finding, SpecHooksError
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

FAMILIES = ("headers", "links", "dates", "index")  # index: whole-repository runs only (the catalogue is of every spec)


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(
        prog="spec-hooks check",
        description="Run the header, link and date checks (dates --check: nothing is written) in one go.",
    )
    add_common_arguments(parser)
    add_hook_argument(parser)
    parser.add_argument("--skip", action="append", default=[], choices=FAMILIES, metavar="FAMILY",
                        help=f"leave out a family of rules ({', '.join(FAMILIES)}); repeatable")

    add_base_argument(parser)
    args = parse_arguments(parser, argv)

    def run() -> int:
        project = open_project(args.config)
        paths, whole = select_files(project, args.filenames, args.hook)
        families = [family for family in FAMILIES if family not in args.skip]
        if not project.in_git:
            families = [family for family in families if family != "index"]
        if not project.in_git and any(family != "headers" for family in families):
            raise SpecHooksError("not inside a git repository: links and dates need git (or pass --skip links --skip dates)")
        findings: list[Finding] = []
        today = project.config.today()  # the run's one reading of the clock
        if "headers" in families:
            findings.extend(check_paths(project, paths, whole, today, base=args.base))
        if "links" in families:
            findings.extend(check_links(project, checked_for_links(project, paths), whole, fix=False)[0])
        if "dates" in families:
            state = RepositoryState(project)
            findings.extend(verify(state, paths, today, fix=False, header_problems="headers" not in families)[0])
        if "index" in families and whole:
            findings.extend(check_index(project, project.catalogue).findings)
        return finish(findings, output_of(args), project, paths, families)

    return guarded(run)
