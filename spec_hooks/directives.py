"""Inline directives, as markdownlint and remark-lint have them, in HTML comments GitHub does not show:

    <!-- spec-hooks: disable SH201 broken-fragment -->   from this line on (until `enable`)
    <!-- spec-hooks: enable SH201 -->
    <!-- spec-hooks: disable-line SH205 -->              the comment's own line
    <!-- spec-hooks: disable-next-line SH205 -->         the line after the comment
    <!-- spec-hooks: disable-file SH111 -->              the whole file

Rules are codes or names, separated by spaces or commas (`disable=SH201,SH205` works too); none means
every rule. Only comments Markdown reads as comments count: one inside code is text. A directive that
is not understood is `SH004`; one that suppresses nothing, when every rule it names was checked, `SH005`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spec_hooks import rules
from spec_hooks.findings import WARNING, Finding
from spec_hooks.rules import RULES, family
from spec_hooks.source import Source
from spec_hooks.text import did_you_mean

KINDS = ("disable", "enable", "disable-line", "disable-next-line", "disable-file")
ALL_FAMILIES = frozenset(("headers", "links", "dates"))  # what a directive naming no rule is judged against


@dataclass(frozen=True)
class Directive:
    kind: str
    codes: frozenset[str] | None  # None: every rule
    line: int  # the comment's first line
    end_line: int  # its last line
    column: int

    def names(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def read_directives(source: Source, comments: Iterable[tuple[int, int, str]]) -> tuple[list[Directive], list[Finding]]:
    """The directives of a file's `spec-hooks:` comments, and SH004 for those not understood."""
    directives, problems = [], []
    searches = _Searches()
    # In text order: the parse meets footnotes after the rest, and `enable` must follow its `disable`.
    for start, end, comment in sorted(comments):
        body = comment.removeprefix("<!--").removesuffix("-->").split("spec-hooks:", 1)[-1]
        words = [word for word in re.split(r"[\s,=]+", body.strip()) if word]
        if words and words[0] == "index":
            continue  # an index block's marker (see checks.index), not a directive
        line, column = source.position(start)
        if not words or words[0] not in KINDS:
            given = words[0] if words else ""
            problems.append(source.finding(start, "SH004", f"unknown directive {given[:40]!r}"
                                           f"{searches.hint(given, rule=False)} (known: {', '.join(KINDS)})", WARNING))
            continue
        unknown = [word for word in words[1:] if not rules.is_known(word)]
        for word in unknown:
            problems.append(source.finding(start, "SH004", f"unknown rule {word[:80]!r} in the directive"
                                           f"{searches.hint(word, rule=True)}", WARNING))
        codes = rules.codes_for(words[1:]) if len(words) > 1 else None
        if codes is not None and not codes:
            continue  # only unknown rules: reported above, suppresses nothing
        directives.append(Directive(words[0], codes, line, source.position(max(start, end - 1))[0], column))
    return directives, problems


SEARCHED_AT_MOST = 100  # distinct unknown words of a file given a "did you mean" (each compares with every name)


class _Searches:
    """The "did you mean" of a file's unknown words: once per word, for at most SEARCHED_AT_MOST words
    (20,000 unclosed openers on one line are 60,000 unknown words; their findings stay, their searches
    do not multiply)."""

    def __init__(self) -> None:
        self._hints: dict[tuple[str, bool], str] = {}

    def hint(self, word: str, rule: bool) -> str:
        """The hint for an unknown rule (`rule`) or an unknown kind of directive."""
        if (word, rule) not in self._hints:
            searched = len(self._hints) < SEARCHED_AT_MOST
            self._hints[word, rule] = did_you_mean(word, rules.all_names() if rule else list(KINDS)) if searched else ""
        return self._hints[word, rule]


class Suppressions:
    """A file's directives, indexed so that each finding is looked up in time logarithmic in their
    number (a file of a thousand lines each with a finding and a directive is no quadratic case)."""

    def __init__(self, directives: list[Directive]) -> None:
        from bisect import insort


        self.whole_file = [directive for directive in directives if directive.kind == "disable-file"]
        self.by_line: dict[int, list[Directive]] = {}
        self.regions: dict[str, list[tuple[int, int, Directive]]] = {}  # code -> (line, order, directive)
        for order, directive in enumerate(directives):
            if directive.kind == "disable-line":
                for line in range(directive.line, directive.end_line + 1):
                    self.by_line.setdefault(line, []).append(directive)
            elif directive.kind == "disable-next-line":
                self.by_line.setdefault(directive.end_line + 1, []).append(directive)
            elif directive.kind in ("disable", "enable"):
                for code in RULES if directive.codes is None else directive.codes:
                    insort(self.regions.setdefault(code, []), (directive.line, order, directive),
                           key=lambda entry: entry[:2])

    def find(self, finding: Finding) -> Directive | None:
        """The directive that silences the finding, if any."""
        from bisect import bisect_right

        for directive in (*self.whole_file, *self.by_line.get(finding.line, [])):
            if directive.names(finding.code):
                return directive
        region = self.regions.get(finding.code, [])
        at = bisect_right(region, finding.line, key=lambda entry: entry[0])
        latest: Directive | None = region[at - 1][2] if at else None
        return latest if latest is not None and latest.kind == "disable" else None


def suppressing(directives: list[Directive], finding: Finding) -> Directive | None:
    """The directive that silences the finding, if any."""
    return Suppressions(directives).find(finding)


def apply_directives(
    findings: Iterable[Finding], by_path: dict[str, tuple[list[Directive], list[Finding]]], families: frozenset[str]
) -> list[Finding]:
    """The findings no directive silences, the directives' own problems (SH004), and SH005 for each
    directive that silenced nothing although every rule it names was checked in this run."""
    kept: list[Finding] = []
    used: set[tuple[str, Directive]] = set()
    indexes = {path: Suppressions(directives) for path, (directives, _) in by_path.items()}
    for finding in findings:
        directive = indexes[finding.path].find(finding) if finding.path in indexes else None
        if directive is None:
            kept.append(finding)
        else:
            used.add((finding.path, directive))
    for path, (directives, problems) in by_path.items():
        kept.extend(problems)
        for directive in directives:
            judged = ALL_FAMILIES if directive.codes is None else {family(code) for code in directive.codes} - {None}
            if (path, directive) not in used and judged <= families and directive.kind != "enable":
                named = "every rule" if directive.codes is None else ", ".join(sorted(directive.codes))
                kept.append(Finding(path, directive.line, directive.column, "SH005",
                                    f"the directive {directive.kind} {named} suppresses nothing here", WARNING))
    return kept
