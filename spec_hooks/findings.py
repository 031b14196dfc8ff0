"""What every check produces: small immutable findings, and the error that means exit 2."""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = ERROR


class SpecHooksError(Exception):
    """A usage, configuration or schema problem: one line on stderr, exit status 2."""
