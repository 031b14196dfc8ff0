"""Policy, decided in one place for every rule of every family: what the configuration switches off
(`disable`, for the whole repository, per path with `per_file_disable`, per document type with
`types.NAME.disable`), what it leaves out (`exclude`, whichever pass found the problem; of a template,
all but its links), and one report line per problem however many checks found it."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from spec_hooks.config import Config, DocType
from spec_hooks.findings import IN_ORDER, Finding
from spec_hooks.globs import selects
from spec_hooks.rules import family


def decide(findings: Iterable[Finding], config: Config,
           type_of: Callable[[str], DocType | None] = lambda path: None) -> list[Finding]:
    """The findings to report, in order, each once. `type_of` tells a file's document type. What depends
    on the path alone is decided once per file (a file may hold 100,000 findings)."""
    of_path: dict[str, tuple[bool, bool, DocType | None]] = {}
    typed = any(doc_type.disable for doc_type in config.types)
    kept = set()
    for finding in findings:
        path = finding.path
        if path not in of_path:
            of_path[path] = (config.user_excluded(path), config.excluded(path), type_of(path) if typed else None)
        if _reported(finding, config, *of_path[path]):
            kept.add(finding)
    return sorted(kept, key=IN_ORDER)


def _reported(finding: Finding, config: Config, user_excluded: bool, excluded: bool, doc_type: DocType | None) -> bool:
    if not config.enabled(finding.code) or user_excluded:
        return False
    if excluded and family(finding.code) != "links":
        return False  # a template: only its links are checked
    if doc_type is not None and finding.code in doc_type.disable:
        return False
    return not any(finding.code in codes and selects(pattern, finding.path)
                   for pattern, codes in config.per_file_disabled)
