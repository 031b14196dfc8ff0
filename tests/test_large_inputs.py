"""Large files cost their size (issue 26): the work a command does on each shape of large input, counted, not
timed, grows linearly between an input and one SCALE times larger. Each shape is the issue's (100,000 broken
links, a line of links, a paragraph of links, broken fragments into a file of many headings, unclosed
directive openers, a header of many items, duplicate items, a value of brackets, deep nesting), at a size
the suite can afford; bench/bench_large.py times them at full size against mistune alone.

Counted, through the real CLI in a real repository: the characters the block reader is given, the inline
tokens walked, the links checked, the "did you mean" comparisons (names a search compares with), the
header keys looked up as near misses of known ones, and the findings printed (every one is printed, however many)."""
from __future__ import annotations

import difflib
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from spec_hooks import documents, markdown
from spec_hooks.checks import links
from spec_hooks.source import Source

from growth import SCALE

HEADER = ("# Big\n\n- **Spec ID:** rest/big\n- **Status:** Final\n- **Version:** 1.0\n- **Created:** 2025-01-14\n"
          "- **Updated:** 2025-03-04\n")
BODY = "\n---\n\n## Overview\n\n"
BASE = 1_500  # links, items or levels of the small input


@dataclass(frozen=True)
class Shape:
    files: Callable[[int, str], dict[str, str]]  # (count, a name for this size) -> the files to commit
    command: str
    findings: Callable[[int], int]  # the link findings the command prints for `count` (-1: not counted)
    counted: tuple[str, ...]  # the counts that must be more than nothing (what this shape exercises)


def _spec(body: str, header: str = "") -> str:
    return HEADER + header + BODY + body


def _broken_links(n: int, name: str) -> dict[str, str]:
    return {f"{name}.md": _spec("".join(f"[l{i}](missing-{i % 50}.md)\n" for i in range(n)))}


SHAPES = {
    "broken links on lines": Shape(_broken_links, "links", lambda n: n, ("links", "compared")),
    "broken links, check": Shape(_broken_links, "check", lambda n: n, ("links", "compared")),
    "links on one line": Shape(
        lambda n, name: {f"{name}.md": _spec("".join(f"[l{i}](target.md#overview) " for i in range(n)) + "\n"),
                         "target.md": "# T\n\n## Overview\n"},
        "links", lambda n: 0, ("links", "inline")),
    "a paragraph of links": Shape(
        lambda n, name: {f"{name}.md": _spec("".join(f"See [link {i}](target.md#overview) and text.\n" for i in range(n))),
                         "target.md": "# T\n\n## Overview\n"},
        "links", lambda n: 0, ("links", "inline")),
    "broken fragments into many headings": Shape(
        lambda n, name: {f"{name}.md": _spec("".join(f"[s{i}](t-{name}.md#sectoin-{i})\n" for i in range(n))),
                         f"t-{name}.md": "# T\n\n" + "".join(f"## Section {i}\n\n" for i in range(n))},
        "links", lambda n: n, ("links", "compared")),
    "unclosed directive openers": Shape(
        lambda n, name: {f"{name}.md": _spec("[x](nope.md)\n\n" + "<!-- spec-hooks: disable-file " * n + "\n")},
        "links", lambda n: -1, ("compared",)),
    "a header of many items": Shape(
        lambda n, name: {f"{name}.md": _spec("", "".join(f"- **Key {i}:** value {i}\n" for i in range(n)))},
        "headers", lambda n: -1, ("near misses",)),
    "duplicate header items": Shape(
        lambda n, name: {f"{name}.md": _spec("", "- **Status:** Final\n" * n)},
        "check", lambda n: -1, ("block",)),
    "a header value of brackets": Shape(
        lambda n, name: {f"{name}.md": _spec("", "- **Owner:** " + "[" * (20 * n) + "\n")},
        "headers", lambda n: -1, ("block",)),
    "a list nested ever deeper": Shape(
        lambda n, name: {f"{name}.md": _spec("".join("  " * i + f"- [l{i}](target.md)\n" for i in range(n // 5))),
                         "target.md": "# T\n"},
        "links", lambda n: -1, ("links", "block")),
}


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts of the work done while the test runs, by the functions that do it."""
    counts: Counter[str] = Counter()
    process, inline_tokens = markdown._State.process, markdown._Walker._inline_tokens
    check_link, close_matches = links._check_link, difflib.get_close_matches

    def counted_process(state: markdown._State, src: str) -> None:
        counts["block"] += len(src)
        process(state, src)

    def counted_inline(walker: markdown._Walker, tokens: list[dict[str, Any]], *args: Any) -> None:
        counts["inline"] += len(tokens)
        inline_tokens(walker, tokens, *args)

    def counted_check(*args: Any, **kwargs: Any) -> Any:
        counts["links"] += 1
        return check_link(*args, **kwargs)

    def counted_matches(word: Any, possibilities: Any, *args: Any, **kwargs: Any) -> Any:
        possibilities = list(possibilities)
        counts["compared"] += len(possibilities)
        return close_matches(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(markdown._State, "process", counted_process)
    monkeypatch.setattr(markdown._Walker, "_inline_tokens", counted_inline)
    monkeypatch.setattr(links, "_check_link", counted_check)
    monkeypatch.setattr(difflib, "get_close_matches", counted_matches)
    yield counts


@pytest.mark.parametrize("name", SHAPES)
def test_the_work_on_a_large_file_grows_with_its_size(repo, cli, work: Counter[str], name: str) -> None:
    shape = SHAPES[name]
    for scale in (1, SCALE):
        repo.commit_files(f"size {scale}", shape.files(BASE * scale, f"s{scale}"))
    counts: dict[int, Counter[str]] = {}
    for scale in (1, SCALE):
        work.clear()
        documents._near_miss.cache_clear()
        result = cli(shape.command, f"s{scale}.md")
        work["near misses"] = documents._near_miss.cache_info().misses  # keys compared with the known ones
        assert "Traceback" not in result.err and result.status in (0, 1), result.err
        if shape.findings(BASE) >= 0:
            printed = [line for line in result.lines if line.startswith(f"s{scale}.md:") and ": SH2" in line]
            assert len(printed) == shape.findings(BASE * scale)
        counts[scale] = Counter(work)
    for kind in shape.counted:
        assert counts[1][kind] > 0, f"{name}: no {kind} counted: the test would see nothing"
    for kind, small in counts[1].items():
        assert counts[SCALE][kind] <= 1.25 * SCALE * small + 200, f"{name}: {kind} {small} -> {counts[SCALE][kind]}"


def _held(make: Callable[[], Any]) -> tuple[Any, int]:
    """What `make` returns, and the bytes it still holds once made (Python's allocations, counted)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_parsed_link_holds_a_record_not_a_copy_of_its_destination() -> None:
    """Memory is bounded by the file (issue 26): links to one destination share its string, so a line of
    350,000 links costs its records, not 350,000 copies of the destination (23 MB of them before)."""
    count = 20_000
    text = "# T\n\n" + "".join(f"[l{i}](target.md#a-rather-long-fragment-{i % 3}) " for i in range(count)) + "\n"
    parsed, held = _held(lambda: markdown.parse(text))
    assert len(parsed.links) == count
    assert len({id(link.target) for link in parsed.links}) == 3
    assert held / count < 180, f"{held / count:.0f} bytes a link"


def test_a_line_table_costs_eight_bytes_a_line() -> None:
    """Positions come from a table of line starts kept with the text: a list of ints held 40 bytes a line
    (120 MB for a 50 MB file of short lines), an array holds 8."""
    text = "x\n" * 100_000
    source = Source("a.md", text)
    starts, held = _held(source.line_starts)
    assert len(starts) == 100_001 and starts[1] == 2 and source.position(5) == (3, 2)
    assert held / len(starts) < 10
