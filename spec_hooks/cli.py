"""`spec-hooks COMMAND ...`: dispatches to the hook modules, importing only the one that runs."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import import_module

from spec_hooks import __version__
from spec_hooks.text import did_you_mean

COMMANDS = {  # name: (module, function, what it does)
    "headers": ("spec_hooks.commands.headers", "main", "validate spec headers against their JSON Schemas"),
    "links": ("spec_hooks.commands.links", "main", "check that relative links and #fragments resolve in git's index"),
    "dates": ("spec_hooks.commands.dates", "main",
              "bump Updated dates on content changes; --check verifies them against history"),
    "check": ("spec_hooks.commands.check", "main", "headers, links and dates --check together: what CI runs"),
    "index": ("spec_hooks.commands.index", "main",
              "print the catalogue of specs; --check / --fix keep a file's <!-- spec-hooks:index --> block true"),
    "refs": ("spec_hooks.commands.refs", "main", "list every link to a file or heading (backlinks)"),
    "new": ("spec_hooks.commands.new", "main", "start a new spec from the repository's template"),
    "stale": ("spec_hooks.commands.stale", "main", "list specs whose content has not changed for --days N"),
    "rule": ("spec_hooks.explain", "rule_main", "explain a rule: what, why, an example, how to fix or switch it off"),
    "rules": ("spec_hooks.explain", "rules_main", "list every rule with its default severity"),
}

USAGE = """usage: spec-hooks [-V | --version] COMMAND [options] [FILE ...]

commands:
{commands}

Run 'spec-hooks COMMAND --help' for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        stream = sys.stdout if args else sys.stderr
        stream.write(USAGE.format(commands="\n".join(f"  {name:<9} {text}" for name, (_, _, text) in COMMANDS.items())))
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        print(f"spec-hooks {__version__}")
        return 0
    if args[0] not in COMMANDS:
        print(f"spec-hooks: error: unknown command {args[0][:80]!r}{did_you_mean(args[0], list(COMMANDS))} "
              f"(choose from {', '.join(COMMANDS)})", file=sys.stderr)
        return 2
    module_name, function, _ = COMMANDS[args[0]]
    try:
        status: int = getattr(import_module(module_name), function)(args[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`spec-hooks check | head`): stop quietly, and keep Python's exit-time
        # flush of stdout from failing too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
