"""`spec-hooks index`: the catalogue of specs, printed or kept true in a `<!-- spec-hooks:index -->` block."""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from spec_hooks.arguments import CommandParser
from spec_hooks.checks.index import GROUPS, NO_BLOCK, Options, catalogue_json, check_index, render
from spec_hooks.findings import SpecHooksError
from spec_hooks.fix import apply_fixes
from spec_hooks.run import add_common_arguments, finish, guarded, open_project, output_of, parse_arguments


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(
        prog="spec-hooks index",
        description="Print the catalogue of specs, or keep the <!-- spec-hooks:index --> block of a Markdown file true.")
    add_common_arguments(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="fail when an index block is out of date (SH401)")
    action.add_argument("--fix", action="store_true", help="rewrite every index block that is out of date")
    parser.add_argument("--group-by", choices=GROUPS, default=None,
                        help="how the printed catalogue is split into sections (default: index.group_by, status)")
    args = parse_arguments(parser, argv)

    def run() -> int:
        project = open_project(args.config)
        if not project.in_git:
            raise SpecHooksError("not inside a git repository: the index lists the specs git tracks")
        project.documents.whole_repository = True  # the index is of every spec: what the cache keeps is what it met
        catalogue = project.catalogue
        if not (args.check or args.fix):
            specs = catalogue.every
            project.save()
            if args.format == "json":
                print(json.dumps(catalogue_json(specs), indent=2, ensure_ascii=False))
            else:
                options = Options(args.group_by or project.config.index_group, project.config.index_graph)
                sys.stdout.write(render(project, specs, options, ""))
            return 0
        output = output_of(args, fixing=args.fix)
        checked = check_index(project, catalogue)
        if not checked.blocks and not checked.findings and not args.quiet:
            print(NO_BLOCK, file=sys.stderr)
        findings, lines = (apply_fixes(project.root, checked.findings, checked.fixes) if args.fix
                           else (checked.findings, []))
        return finish(findings, output, project, [], ("index",), lines)

    return guarded(run)
