"""Policy, decided in one place for every rule of every family: what the configuration switches off
(`disable`, for the whole repository, per path with `per_file_disable`, per document type with
`types.NAME.disable`), what it leaves out (`exclude`, whichever pass found the problem; of a template,
all but its links), and one report line per problem however many checks found it."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from spec_hooks.config import Config, DocType
from spec_hooks.findings import Finding
from spec_hooks.globs import selects
from spec_hooks.rules import family


def decide(findings: Iterable[Finding], config: Config,
           type_of: Callable[[str], DocType | None] = lambda path: None) -> list[Finding]:
    """The findings to report, in order, each once. `type_of` tells a file's document type."""
    kept = {finding for finding in findings if reported(finding, config, type_of)}
    return sorted(kept)


def reported(finding: Finding, config: Config, type_of: Callable[[str], DocType | None]) -> bool:
    if not config.enabled(finding.code) or config.user_excluded(finding.path):
        return False
    if config.excluded(finding.path) and family(finding.code) != "links":
        return False  # a template: only its links are checked
    if any(doc_type.disable for doc_type in config.types):
        doc_type = type_of(finding.path)
        if doc_type is not None and finding.code in doc_type.disable:
            return False
    return not any(finding.code in codes and selects(pattern, finding.path)
                   for pattern, codes in config.per_file_disabled)
