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


def shapes(size: int) -> dict[str, str]:
    """Each pathological shape, about `size` characters long (bench/bench_sizes.py times them by size)."""

    def repeat(unit: str) -> str:
        return unit * (size // len(unit))

    return {
        "](": repeat("]("),
        "[a\\n](x.md)": repeat("[a\n](x.md)"),
        "<!--": repeat("<!--"),
        "<a ": repeat("<a "),
        "[": repeat("["),
        "{{": repeat("{{"),
        "backticks": repeat("`"),
        "title of spaces": "# a" + " " * size + "b\n",
        "second-line title of spaces": "x\n# a" + " " * size + "b\n",
        "paragraphs under a title": "# T\n\n" + repeat("a\n\n"),
        "header value of backticks": "# T\n\n- **Spec ID:** " + "`" * size + "\n",
        "header value of [": "# T\n\n- **Spec ID:** " + "[" * size + "\n",
        "header value of {{": "# T\n\n- **Spec ID:** " + "{{" * (size // 2) + "\n",
        "links on one line": repeat("[a](b.md) "),
        "nested brackets": "[" * (size // 2) + "]" * (size // 2),
        "nested emphasis": repeat("*a **a "),
        "runs of *": repeat("*"),
        "runs of _": repeat("_"),
        "nested block quotes": repeat(">"),
        "nested lists": repeat("- "),
        "unclosed titles": repeat('[a](b "'),
        "many definitions": "".join(f"[l{index}]: x{index}.md\n" for index in range(size // 16)),
        "images": repeat("!["),
        "[](": repeat("[]("),
        "<": repeat("<"),
        "indented lists": "\n".join(" " * (index % 40) + "- [a](a.md)" for index in range(size // 30)),
        "footnotes": "".join(f"x[^{index}]\n\n[^{index}]: y\n" for index in range(size // 20)),
        "table rows": "|a|\n|-|\n" + repeat("|[b](b.md)|\n"),
        "html headings": repeat("<h2>a</h2>\n"),
        "one long tag of hyphenated words": "<a " + repeat("b-") + ">\n",
        "one long inline tag of dotted words": "x <span " + repeat("b.") + ">\n",
    }


SHAPES = shapes(SIZE)


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


HEADER_SHAPES = {name: text for name, text in SHAPES.items() if name.startswith(("header value", "title"))} | {
    "title of {{": "# " + "{{" * (SIZE // 2) + "\n\n- **Spec ID:** a/b\n",
    "title of [": "# " + "[" * SIZE + "\n\n- **Spec ID:** a/b\n",
    "relation of {{": "# T\n\n- **Spec ID:** a/b\n- **Replaces:** " + "{{" * (SIZE // 2) + "\n",
    "relation of commas": "# T\n\n- **Spec ID:** a/b\n- **Depends on:** " + "a/b, " * (SIZE // 5) + "\n",
}


@pytest.mark.parametrize("name", HEADER_SHAPES)
def test_the_header_rules_take_bounded_time(repo, cli, name: str) -> None:
    """The rules, not only the reading: the placeholder pattern once rescanned a line from every `{{`
    and took 50 s on one 100 KB header value."""
    repo.write("a/b.md", HEADER_SHAPES[name])
    repo.add()
    start = time.perf_counter()
    result = cli("check", "a/b.md")
    elapsed = time.perf_counter() - start
    assert result.status in (0, 1) and "Traceback" not in result.err
    assert elapsed < 3 * BOUND, f"{elapsed:.1f} s"


def test_heading_renames_take_bounded_time() -> None:
    from spec_hooks.checks.links import heading_renames
    from spec_hooks.markdown import Anchors

    old = tuple(f"h{index}" for index in range(20_000))
    interleaved = tuple(f"{'h' if index % 2 else 'g'}{index}" for index in range(20_000))
    for new in (interleaved, (*interleaved, "extra"), ("first", *old[::-1])):
        start = time.perf_counter()
        heading_renames(Anchors(old, frozenset()), Anchors(new, frozenset()))
        assert time.perf_counter() - start < BOUND
    renamed = heading_renames(Anchors(old, frozenset()), Anchors(interleaved, frozenset()))
    assert renamed["h0"] == "g0" and "h1" not in renamed
