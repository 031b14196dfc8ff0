"""Policy, decided in one place for every rule of every family: what the configuration switches off
(`disable`, for the whole repository or per path with `per_file_disable`), what it leaves out
(`exclude`, whichever pass found the problem), and one report line per problem however many checks
found it."""
from __future__ import annotations

from collections.abc import Iterable

from spec_hooks.config import Config
from spec_hooks.findings import Finding
from spec_hooks.globs import selects


def decide(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """The findings to report, in order, each once."""
    kept = {finding for finding in findings if reported(finding, config)}
    return sorted(kept)


def reported(finding: Finding, config: Config) -> bool:
    if not config.enabled(finding.code) or config.excluded(finding.path):
        return False
    return not any(finding.code in codes and selects(pattern, finding.path)
                   for pattern, codes in config.per_file_disabled)
