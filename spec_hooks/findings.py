"""What every check produces: small immutable findings, and the error that means exit 2."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True, slots=True)  # slots: a file of 100,000 broken links has as many
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = ERROR
    fixable: bool = field(default=True, compare=False)  # False: the rule's fixer would not fix this one


# `Finding`'s own order (its compared fields), as a sort key read at C speed: 100,000 findings of one file
# sorted by the dataclass's generated `__lt__` took two seconds.
IN_ORDER = attrgetter("path", "line", "column", "code", "message", "severity")

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` safe to print on one line of any output: control characters and the undecodable bytes of a
    file name (surrogate escapes) are written as `\\n`, `\\x1b`, `\\xff`."""
    if text.isprintable():
        return text
    out = []
    for character in text:
        code = ord(character)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif character.isprintable() or (character == " "):
            out.append(character)
        else:
            out.append(_ESCAPES.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
    return "".join(out)


def printable_finding(finding: Finding) -> Finding:
    if finding.path.isprintable() and finding.message.isprintable():
        return finding
    return Finding(printable(finding.path), finding.line, finding.column, finding.code, printable(finding.message),
                   finding.severity)


class SpecHooksError(Exception):
    """A usage, configuration or schema problem: one line on stderr per message, exit status 2."""

    @property
    def lines(self) -> list[str]:
        return [str(message) for message in self.args]


T = TypeVar("T")


def checked(path: str, check: Callable[[], list[T]]) -> list[T | Finding]:
    """Run one file's check; a bug shows as a finding on that file instead of a traceback."""
    try:
        return list(check())
    except SpecHooksError:
        raise
    except (RecursionError, MemoryError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        return [Finding(path, 1, 1, "SH000", f"spec-hooks failed on this file ({type(exc).__name__}: {exc}); please report it")]
