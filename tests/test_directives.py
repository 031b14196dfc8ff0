"""Inline directives: pure rules over small tables, then through the CLI."""
from __future__ import annotations

import pytest

from spec_hooks.directives import Directive, apply_directives, read_directives, suppressing
from spec_hooks.findings import Finding
from spec_hooks.markdown import parse
from spec_hooks.source import Source

from conftest import Repo, spec


def directives_of(text: str) -> tuple[list[Directive], list[Finding]]:
    return read_directives(Source("a.md", text), parse(text).directives)


@pytest.mark.parametrize(("text", "line", "code", "silenced"), [
    ("<!-- spec-hooks: disable-next-line SH201 -->\nx\ny\n", 2, "SH201", True),
    ("<!-- spec-hooks: disable-next-line SH201 -->\nx\ny\n", 3, "SH201", False),
    ("<!-- spec-hooks: disable-next-line SH201 -->\nx\n", 2, "SH205", False),
    ("<!-- spec-hooks: disable-next-line broken-link -->\nx\n", 2, "SH201", True),
    ("<!-- spec-hooks: disable-next-line -->\nx\n", 2, "SH205", True),  # no rule named: every rule
    ("x <!-- spec-hooks: disable-line SH201 -->\n", 1, "SH201", True),
    ("<!--\nspec-hooks: disable-line SH201\n-->\n", 2, "SH201", True),  # a comment over three lines
    ("<!-- spec-hooks: disable=SH201,SH205 -->\n\nx\n\n<!-- spec-hooks: enable SH201 -->\n\ny\n", 3, "SH201", True),
    ("<!-- spec-hooks: disable=SH201,SH205 -->\n\nx\n\n<!-- spec-hooks: enable SH201 -->\n\ny\n", 7, "SH201", False),
    ("<!-- spec-hooks: disable=SH201,SH205 -->\n\nx\n\n<!-- spec-hooks: enable SH201 -->\n\ny\n", 7, "SH205", True),
    ("x\n\n<!-- spec-hooks: disable SH201 -->\n", 1, "SH201", False),  # only from its line on
    ("x\n\n<!-- spec-hooks: disable-file SH111 -->\n", 1, "SH111", True),
    ("```\n<!-- spec-hooks: disable-file -->\n```\n", 1, "SH201", False),  # code is text, not a comment
    ("    <!-- spec-hooks: disable-file -->\n", 1, "SH201", False),  # indented code too
])
def test_what_a_directive_silences(text: str, line: int, code: str, silenced: bool) -> None:
    directives, problems = directives_of(text)
    assert problems == []
    assert (suppressing(directives, Finding("a.md", line, 1, code, "m")) is not None) is silenced


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- spec-hooks: disabel SH201 -->\n", "unknown directive 'disabel': did you mean 'disable'? (known: "
                                             "disable, enable, disable-line, disable-next-line, disable-file)"),
    ("<!-- spec-hooks: -->\n", "unknown directive ''"),
    ("<!-- spec-hooks: disable SH999 -->\n", "unknown rule 'SH999' in the directive"),
    ("<!-- spec-hooks: disable brokn-link -->\n", "unknown rule 'brokn-link' in the directive: did you mean 'broken-link'?"),
])
def test_a_directive_not_understood_is_sh004(text: str, message: str) -> None:
    _, problems = directives_of(text)
    assert [(p.code, p.severity) for p in problems] == [("SH004", "warning")]
    assert problems[0].message.startswith(message)


def test_unused_directives_are_judged_only_for_rules_that_ran() -> None:
    directives, _ = directives_of("<!-- spec-hooks: disable-next-line SH201 -->\nx\n<!-- spec-hooks: disable-file SH301 -->\n")
    by_path = {"a.md": (directives, [])}
    after_links = apply_directives([], by_path, frozenset({"links"}))
    assert [(f.code, f.line, f.message) for f in after_links] == [
        ("SH005", 1, "the directive disable-next-line SH201 suppresses nothing here")]
    assert apply_directives([Finding("a.md", 2, 1, "SH201", "m")], by_path, frozenset({"links"})) == []
    assert [f.line for f in apply_directives([], by_path, frozenset({"links", "dates"}))] == [1, 3]


def test_directives_through_the_cli(repo: Repo, cli) -> None:
    repo.write("specs/rest/webhooks-v2.md", spec().replace(
        "Text.\n", "<!-- spec-hooks: disable-next-line SH201 -->\n[gone](gone.md)\n\n[also gone](gone2.md)\n\n"
                   "[x](#nope) <!-- spec-hooks: disable-line broken-fragment -->\n"
                   "<!-- spec-hooks: disable SH205 -->\n"))
    repo.add()
    result = cli("links", "specs/rest/webhooks-v2.md")
    assert result.lines == [
        "specs/rest/webhooks-v2.md:16:13: SH201 'gone2.md' does not exist",
        "specs/rest/webhooks-v2.md:19:1: SH005 the directive disable SH205 suppresses nothing here",
    ]
    headers = cli("headers", "specs/rest/webhooks-v2.md")
    assert headers.status == 0 and headers.lines == [], "a headers run does not judge link directives"
    repo.write(".spec-hooks.yaml", "disable: [unused-directive]\n")
    assert cli("links", "specs/rest/webhooks-v2.md").codes() == ["SH201"]


def test_a_directive_silences_header_rules(repo: Repo, cli) -> None:
    repo.write("specs/x.md", spec(spec_id="rest/other") + "\n<!-- spec-hooks: disable-file spec-id-path-mismatch -->\n")
    repo.add()
    assert cli("headers", "specs/x.md").codes() == []
    assert cli("check", "--skip", "dates", "specs/x.md").codes() == []


def test_directives_apply_in_text_order_whatever_order_the_parse_met_them() -> None:
    text = "<!-- spec-hooks: disable SH201 -->\n\nx\n\n<!-- spec-hooks: enable SH201 -->\n\ny\n"
    comments = parse(text).directives
    directives, _ = read_directives(Source("a.md", text), list(reversed(comments)))
    assert [directive.kind for directive in directives] == ["disable", "enable"]
    assert suppressing(directives, Finding("a.md", 7, 1, "SH201", "m")) is None


def test_many_directives_and_findings_through_the_cli(repo: Repo, cli) -> None:
    lines = "".join(f"[x{n}](gone.md) <!-- spec-hooks: disable-line SH205 -->\n\n" for n in range(300))
    repo.write("a.md", "# A\n\n<!-- spec-hooks: disable SH210 -->\n<!-- spec-hooks: enable SH210 -->\n\n" + lines)
    repo.add()
    codes = [finding["code"] for finding in cli("links", "--format", "json", "a.md").json()]
    assert codes.count("SH201") == 300 and codes.count("SH005") == 301


def test_each_finding_is_looked_up_not_searched_for() -> None:
    """A file with a finding and a directive on each of 10,000 lines: searching every directive for
    every finding was 10^8 steps (over 20 s); the index makes the cost grow linearly."""
    from growth import LINEAR, growth

    def lines(count: int) -> tuple[list[Finding], list[Directive]]:
        directives = [Directive("disable-line", frozenset({"SH205"}), line, line, 1) for line in range(1, count + 1)]
        directives += [Directive(kind, frozenset({"SH210"}), line, line, 1)
                       for line in range(1, count + 1) for kind in ("disable", "enable")]
        return [Finding("a.md", line, 2, "SH201" if line % 2 else "SH205", "m") for line in range(1, count + 1)], directives

    def apply(scale: int):
        findings, directives = lines(2_500 * scale)
        return lambda: apply_directives(findings, {"a.md": (directives, [])}, frozenset({"links"}))

    assert growth(apply) < LINEAR
    count = 10_000
    findings, directives = lines(count)
    kept = apply_directives(findings, {"a.md": (directives, [])}, frozenset({"links"}))
    assert sum(finding.code == "SH201" for finding in kept) == count // 2
    assert sum(finding.code == "SH205" for finding in kept) == 0


def test_did_you_mean_for_unknown_words_is_searched_once_per_word_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unclosed openers repeat the same few unknown words thousands of times (N20): each word is searched
    once, and a file gets at most SEARCHED_AT_MOST searches, however many distinct words it holds; every
    unknown word still has its finding."""
    from spec_hooks import directives

    searched: list[str] = []
    real = directives.did_you_mean
    monkeypatch.setattr(directives, "did_you_mean", lambda word, known: searched.append(word) or real(word, known))
    distinct = [f"rule-{i}" for i in range(directives.SEARCHED_AT_MOST + 50)]
    text = "# A\n\n<!-- spec-hooks: disable " + " ".join(distinct * 3) + " -->\n"
    _, problems = read_directives(Source("a.md", text), parse(text).directives)
    assert len(problems) == 3 * len(distinct)
    assert len(searched) == directives.SEARCHED_AT_MOST == len(set(searched))
