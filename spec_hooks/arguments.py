"""The command-line parser every command uses: argparse, plus `did you mean` for a mistyped choice or option."""
from __future__ import annotations

import argparse
from typing import Any, NoReturn

from spec_hooks.text import did_you_mean


class CommandParser(argparse.ArgumentParser):
    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = [str(choice) for choice in action.choices]
            raise argparse.ArgumentError(action, f"invalid choice: {str(value)[:80]!r}{did_you_mean(str(value), choices)} "
                                                 f"(choose from {', '.join(choices)})")

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix) and message[len(prefix):].startswith("-"):
            given = message[len(prefix):].split()[0].split("=")[0]
            options = [option for action in self._actions for option in action.option_strings]
            message += did_you_mean(given, options)
        super().error(message)
