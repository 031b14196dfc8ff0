"""Bounded time on any input: the shapes that hung the old scanner and those cmark-gfm is tested with.

A hook has no timeout, so a quadratic corner is a blocked commit. Each shape is read (links, anchors and
header) at two sizes, and the cost must grow linearly (see `growth`): the quadratic cases this guards
against took from 6 s to minutes at 100 KB. Seconds per size are measured in bench/bench_sizes.py.
"""
from __future__ import annotations

import pytest

from spec_hooks.header import extract_header
from spec_hooks.markdown import parse

from growth import LINEAR, SCALE, characters_given_to_block_states, growth

SIZE = 12_500  # the small input; the large one is SCALE times this


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
        # Nesting: a list that keeps going deeper, block quotes and list markers deeper than DEEPEST on every line.
        "a list ever deeper": "".join("  " * (index % 300) + "- [a](a.md)\n" for index in range(size // 300)),
        "deep block quotes on every line": repeat(">" * 300 + " [a](a.md)\n"),
        "deep list markers on every line": repeat("- " * 150 + "[a](a.md)\n"),
    }


SHAPES, LARGE = shapes(SIZE), shapes(SCALE * SIZE)


@pytest.mark.parametrize("name", SHAPES)
def test_a_file_of_any_shape_is_read_in_linear_time(name: str) -> None:
    def read(scale: int):
        text = (SHAPES if scale == 1 else LARGE)[name]
        return lambda: (parse(text), extract_header(text))

    assert growth(read) < LINEAR
    text = LARGE[name]
    parsed = parse(text)
    for link in parsed.links:
        assert 0 <= link.target_start <= link.target_end <= len(text)
    for heading in parsed.headings:
        assert 0 <= heading.offset <= len(text)


@pytest.mark.parametrize("name", SHAPES)
def test_a_file_of_any_shape_is_read_in_pieces_in_linear_time(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The same shapes cut into the smallest pieces the large-file reader makes (blocks and inline text):
    still linear, and what is read is what one whole parse reads."""
    from spec_hooks import markdown

    whole = parse(LARGE[name])
    monkeypatch.setattr(markdown, "INLINE_PIECE", 1)

    def read(scale: int):
        text = (SHAPES if scale == 1 else LARGE)[name]
        return lambda: markdown.parse_in_pieces(text, 1)

    assert growth(read) < LINEAR
    assert markdown.parse_in_pieces(LARGE[name], 1) == whole


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


HEADER_SHAPES = {name: (lambda size, name=name: shapes(size)[name]) for name in SHAPES
                 if name.startswith(("header value", "title"))} | {
    "title of {{": lambda size: "# " + "{{" * (size // 2) + "\n\n- **Spec ID:** a/b\n",
    "title of [": lambda size: "# " + "[" * size + "\n\n- **Spec ID:** a/b\n",
    "relation of {{": lambda size: "# T\n\n- **Spec ID:** a/b\n- **Replaces:** " + "{{" * (size // 2) + "\n",
    "status of an unclosed brace list": lambda size: "# T\n\n- **Spec ID:** a/b\n- **Status:** {" + "," * size + "\n",
    "relation of commas": lambda size: "# T\n\n- **Spec ID:** a/b\n- **Depends on:** " + "a/b, " * (size // 5) + "\n",
}


@pytest.mark.parametrize("name", HEADER_SHAPES)
def test_the_header_rules_take_linear_time(repo, cli, name: str) -> None:
    """The rules, not only the reading: the placeholder pattern once rescanned a line from every `{{`
    and took 50 s on one 100 KB header value."""
    def check(scale: int):
        path = f"a/b{scale}.md"
        repo.write(path, HEADER_SHAPES[name](scale * SIZE))
        repo.add()

        def run() -> None:
            result = cli("check", path)
            assert result.status in (0, 1) and "Traceback" not in result.err
        return run

    assert growth(check, repeats=2) < LINEAR


def test_heading_renames_take_linear_time() -> None:
    from spec_hooks.checks.links import heading_renames
    from spec_hooks.markdown import Anchors

    def headings(count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        old = tuple(f"h{index}" for index in range(count))
        return old, tuple(f"{'h' if index % 2 else 'g'}{index}" for index in range(count))

    def shapes_of(scale: int):
        old, interleaved = headings(20_000 * scale)  # large enough that the clock measures the work
        news = (interleaved, (*interleaved, "extra"), ("first", *old[::-1]))
        return lambda: [heading_renames(Anchors(old, frozenset()), Anchors(new, frozenset())) for new in news]

    assert growth(shapes_of) < LINEAR
    old, interleaved = headings(20_000)
    renamed = heading_renames(Anchors(old, frozenset()), Anchors(interleaved, frozenset()))
    assert renamed["h0"] == "g0" and "h1" not in renamed


def _nested_list(levels: int, after: str = "") -> str:
    return "# N\n\n[first](a.md)\n\n" + "".join("  " * level + f"- [l{level}](l{level}.md)\n" for level in range(levels)) + after


def test_nesting_deeper_than_any_document_is_reported_once_and_the_rest_is_read() -> None:
    """Lines whose containers reach DEEPEST columns are read as blank: one SH214 names them, links above and
    below them are read, links in them are not (none is made up from their text)."""
    from spec_hooks.markdown import DEEPEST

    deep_from = DEEPEST // 2 - 1  # two columns a level, and the marker's two: `- ` counts as nesting too
    text = _nested_list(deep_from + 50, after="\n[after](after.md)\n")
    parsed = parse(text)
    problems = [problem for problem in parsed.problems if problem.code == "SH214"]
    assert len(problems) == 1
    first_deep = 5 + deep_from  # the title, a blank, [first], a blank, then one line a level
    assert problems[0].message.startswith(f"50 lines from line {first_deep} to {first_deep + 49} not checked")
    assert text[problems[0].offset :].startswith(" " * (DEEPEST - 2) + f"- [l{deep_from}]")
    targets = [link.target for link in parsed.links]
    assert targets[0] == "a.md" and targets[-1] == "after.md"
    assert f"l{deep_from}.md" not in targets and f"l{deep_from - 1}.md" in targets


@pytest.mark.parametrize("text", [
    _nested_list(7),  # as deep as the corpus's deepest document
    "# N\n\n```\n" + " " * 200 + "code indented 200 columns\n```\n",
    "# N\n\n" + "> " * 10 + "[a](a.md)\n",
    "# N\n\n* * * * * * * *\n",
])
def test_real_nesting_is_read_whole(text: str) -> None:
    assert [problem.code for problem in parse(text).problems] == []


def test_a_list_ten_thousand_levels_deep_costs_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """N22: 10,000 levels (100 MB) took over 300 s and 4.3 GB: the reader copies the rest of the text into
    every level it descends. Counted, not timed: the characters the block states are given stay within a
    few times the text at 1x and 4x the levels; without the limit they are many times it."""
    from spec_hooks import markdown

    given = characters_given_to_block_states(monkeypatch)
    for levels in (500, 2000):
        text = _nested_list(levels)
        given.clear()
        parse(text)
        assert sum(given) < 3 * len(text)
    monkeypatch.setattr(markdown, "DEEPEST", 10**9)
    given.clear()
    parse(text)
    assert sum(given) > 10 * len(text)  # what the limit saves: the test sees the copies it bounds
