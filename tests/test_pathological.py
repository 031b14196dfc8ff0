"""Bounded time on any input: the shapes that hung the old scanner and those cmark-gfm is tested with.

A hook has no timeout, so a quadratic corner is a blocked commit. Each 100 KB file must be read (links,
anchors and header) in well under a second; the bound here is loose (2 s) so that a slow CI machine
does not fail it, while the quadratic cases it guards against took from 6 s to minutes.
"""
from __future__ import annotations

import time

import pytest

from spec_hooks.header import extract_header
from spec_hooks.markdown import parse

SIZE = 100_000
BOUND = 2.0  # seconds


def _repeat(unit: str) -> str:
    return unit * (SIZE // len(unit))


SHAPES = {
    "](": _repeat("]("),
    "[a\\n](x.md)": _repeat("[a\n](x.md)"),
    "<!--": _repeat("<!--"),
    "<a ": _repeat("<a "),
    "[": _repeat("["),
    "{{": _repeat("{{"),
    "backticks": _repeat("`"),
    "title of spaces": "# a" + " " * SIZE + "b\n",
    "second-line title of spaces": "x\n# a" + " " * SIZE + "b\n",
    "header value of backticks": "# T\n\n- **Spec ID:** " + "`" * SIZE + "\n",
    "header value of [": "# T\n\n- **Spec ID:** " + "[" * SIZE + "\n",
    "header value of {{": "# T\n\n- **Spec ID:** " + "{{" * (SIZE // 2) + "\n",
    "links on one line": _repeat("[a](b.md) "),
    "nested brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "nested emphasis": _repeat("*a **a "),
    "runs of *": _repeat("*"),
    "runs of _": _repeat("_"),
    "nested block quotes": _repeat(">"),
    "nested lists": _repeat("- "),
    "unclosed titles": _repeat('[a](b "'),
    "many definitions": "".join(f"[l{index}]: x{index}.md\n" for index in range(SIZE // 16)),
    "images": _repeat("!["),
    "[](": _repeat("[]("),
    "<": _repeat("<"),
    "indented lists": "\n".join(" " * (index % 40) + "- [a](a.md)" for index in range(SIZE // 30)),
    "footnotes": "".join(f"x[^{index}]\n\n[^{index}]: y\n" for index in range(SIZE // 20)),
    "table rows": "|a|\n|-|\n" + _repeat("|[b](b.md)|\n"),
    "html headings": _repeat("<h2>a</h2>\n"),
    "one long tag of hyphenated words": "<a " + _repeat("b-") + ">\n",
    "one long inline tag of dotted words": "x <span " + _repeat("b.") + ">\n",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_a_100_kb_file_of_any_shape_is_read_in_bounded_time(text: str) -> None:
    start = time.perf_counter()
    parsed = parse(text)
    extract_header(text)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"{elapsed:.1f} s"
    for link in parsed.links:
        assert 0 <= link.target_start <= link.target_end <= len(text)
    for heading in parsed.headings:
        assert 0 <= heading.offset <= len(text)


def test_a_header_value_that_is_not_quite_a_link_is_read_not_a_crash() -> None:
    header = extract_header("# T\n\n- **Spec ID:** [x](a b) [y][nope]\n")
    assert header is not None and header.get("Spec ID") is not None
    assert header.get("Spec ID").value == "[x](a b) [y][nope]"  # type: ignore[union-attr]


def test_ignore_directive_on_lines_ending_in_a_lone_cr() -> None:
    text = "[a](a.md) <!-- spec-hooks: ignore-link -->\r[b](b.md)\r<!-- spec-hooks: ignore-link -->\r[c](c.md)\r[d](d.md)\r"
    parsed = parse(text)
    from spec_hooks.markdown import line_start

    silenced = [link.target for link in parsed.links if line_start(text, link.offset) in parsed.ignored_lines]
    assert silenced == ["a.md", "c.md"]
