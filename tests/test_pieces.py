"""A large text is read in pieces (issue 26: bounded memory): what it finds must be exactly what one whole
parse finds. Each text here is read both ways, with pieces as small as they can be (a piece ends at every
place one may), so every place a piece may end is tried on every construct of the corpora."""
from __future__ import annotations

from pathlib import Path

import pytest

from spec_hooks import markdown
from spec_hooks.markdown import Parsed, parse_from_tokens, parse_in_pieces, parse_tokens, piece_starts

from github_view import spec_examples
from growth import characters_given_to_block_states

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "shared" / "corpus"
SPEC_FILES = ["commonmark-spec/spec.txt", "gfm-spec/spec.txt", "gfm-spec/extensions.txt", "gfm-spec/regression.txt"]


def _whole(text: str) -> Parsed:
    return parse_from_tokens(text, *parse_tokens(text))


def _same(text: str) -> None:
    assert parse_in_pieces(text, size=1) == _whole(text)


def _examples() -> list[str]:
    return [text for spec_file in SPEC_FILES for _, text in spec_examples(str(HERE / "data" / "spec-examples" / spec_file))]


@pytest.mark.parametrize("spec_file", SPEC_FILES)
def test_each_spec_example_reads_the_same_in_pieces(spec_file: str) -> None:
    for _, text in spec_examples(str(HERE / "data" / "spec-examples" / spec_file)):
        _same(text)


def _closed(example: str) -> bool:
    """Whether a piece may start right after the example (it leaves no fence or raw HTML block open)."""
    lines = f"{example}\n\nEnd\n".split("\n")
    return piece_starts(lines, 1)[-1] == len(lines) - 2


def test_the_spec_examples_as_one_document_read_the_same_in_pieces() -> None:
    """Every example after every other (those that close what they open, so that the next may start a
    piece): each construct meets the ones before and after it at a piece's edge."""
    examples = [example for example in _examples() if _closed(example)]
    text = "\n\nBetween\n\n".join(examples)
    assert len(examples) > 900 and len(piece_starts(text.split("\n"), 1)) > 900
    _same(text)


@pytest.mark.parametrize("path", sorted((HERE / "torture").glob("*.md")), ids=lambda path: path.name)
def test_torture_files_read_the_same_in_pieces(path: Path) -> None:
    _same(path.read_bytes().decode("utf-8"))


@pytest.mark.skipif(not (CORPUS / "repos").is_dir(), reason="needs ../shared/corpus (the real repositories)")
def test_real_documents_read_the_same_in_pieces() -> None:
    for path in sorted((CORPUS / "repos").rglob("*.md")):
        _same(path.read_text(encoding="utf-8", errors="replace"))


SPANNING = [
    ("a fence with a blank line and text at column 0", "# A\n\n```\ncode\n\nText [a](a.md)\n```\n\nAfter [b](b.md)\n"),
    ("a tilde fence closed by a longer run", "~~~\n\nText [a](a.md)\n~~~~~\n\nAfter [b](b.md)\n"),
    ("a comment over blank lines", "<!--\n\nText [a](a.md)\n\n-->\n\nAfter [b](b.md)\n"),
    ("a script over blank lines", "<script>\n\nText [a](a.md)\n</script>\n\nAfter [b](b.md)\n"),
    ("a reference defined pieces later", "[use][x] and [^n]\n\n" + "Filler.\n\n" * 20 + "[x]: x.md\n\n[^n]: [f](f.md)\n"),
    ("a definition used before and after", "[x]\n\n[x]: one.md\n\nText\n\n[x]: two.md\n\n[x]\n"),
    ("a list and text after a blank line", "- a\n\n  [in](in.md)\n\nText [out](out.md)\n\n1. b\n\n2. c\n"),
    ("a block quote and text after it", "> a\n>\n> [in](in.md)\n\nText [out](out.md)\n"),
    ("headings of the same text in different pieces", "# T\n\n## Same\n\nText\n\n## Same\n\nText\n\n## Same\n"),
    ("an inline directive", "Text\n\n<!-- spec-hooks: disable-next-line SH201 -->\n[a](gone.md)\n\nText\n"),
]


@pytest.mark.parametrize("text", [case[1] for case in SPANNING], ids=[case[0] for case in SPANNING])
def test_constructs_that_span_blank_lines_read_the_same_in_pieces(text: str) -> None:
    _same(text)


def test_a_large_text_is_read_in_pieces_of_bounded_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: at 1x and 4x the text, no block state is given more than a piece's worth of it,
    however large the file (its tokens, about ten times their text, are what memory holds)."""
    given = characters_given_to_block_states(monkeypatch)
    unit = "Some prose with **bold**, `code` and a [link](target.md#overview) in it.\n\n"
    for scale in (1, 4):
        text = unit * (scale * markdown.PIECE // len(unit) * 3)
        given.clear()
        parsed = markdown.parse(text)
        assert len(parsed.links) == text.count("[link]")
        assert max(given) < markdown.PIECE + 2 * len(unit)
        assert sum(given) < 2 * len(text)  # each piece read once (no definition: no first pass)


# A paragraph's inline text in pieces ---------------------------------------------------------------

def _same_inline(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """The text read with its paragraphs' inline text cut at every place a piece may end, as read whole."""
    whole = _whole(text)
    with monkeypatch.context() as patched:
        patched.setattr(markdown, "INLINE_PIECE", 1)
        assert _whole(text) == whole


@pytest.mark.parametrize("spec_file", SPEC_FILES)
def test_each_spec_example_reads_the_same_with_inline_pieces(monkeypatch: pytest.MonkeyPatch, spec_file: str) -> None:
    for _, text in spec_examples(str(HERE / "data" / "spec-examples" / spec_file)):
        _same_inline(monkeypatch, text)


def test_the_spec_examples_as_one_paragraph_read_the_same_with_inline_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example's lines after every other's, blank lines taken out, as few paragraphs as can be: each
    inline construct meets the ones on the lines before and after it at a piece's edge."""
    lines = [line for example in _examples() for line in example.split("\n") if line.strip()]
    _same_inline(monkeypatch, "\n".join(lines) + "\n")


@pytest.mark.parametrize("path", sorted((HERE / "torture").glob("*.md")), ids=lambda path: path.name)
def test_torture_files_read_the_same_with_inline_pieces(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    _same_inline(monkeypatch, path.read_bytes().decode("utf-8"))


@pytest.mark.skipif(not (CORPUS / "repos").is_dir(), reason="needs ../shared/corpus (the real repositories)")
def test_real_documents_read_the_same_with_inline_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((CORPUS / "repos").rglob("*.md")):
        _same_inline(monkeypatch, path.read_text(encoding="utf-8", errors="replace"))


ACROSS_LINES = [
    ("link text over lines", "[a\nb](b.md) and [c](c.md)\n[d\n\ne](e.md)\n"),
    ("a destination on the next line", "[a](\nb.md) [c](c.md)\n"),
    ("a title over lines", '[a](b.md "one\ntwo") [c](c.md)\n[d](d.md (one\ntwo)) x\n'),
    ("a title with an apostrophe", "[a](b.md 'it)\nis') [c](c.md)\n"),
    ("a code span over lines", "`[a](a.md)\n` [b](b.md) `\nx`\n"),
    ("code spans of different lengths", "``a ` [b](b.md)\n`` [c](c.md)\n"),
    ("raw HTML over lines", '<a\nhref="a.md">x</a> [b](b.md)\n<!-- x\n[c](c.md) -->\n'),
    ("an escape in a code span", "`a\\` [b](b.md)\n`\n"),
    ("an unmatched close and open", "a ] b ) c\n[d](d.md) ( [e\n](e.md)\n"),
    ("a reference on the next line", "[a]\n[b] [c][]\n\n[b]: b.md\n[c]: c.md\n"),
    ("emphasis over lines", "*a [b](b.md)\nc* **d\n[e](e.md)**\n"),
    ("a failed link over lines", "[a](b c\nd) [e] (f.md)\n[g](<h\ni>)\n"),
    ("a bracket closed in a destination", "[a [b](c]d)\n](x y) ![e [f](g]h)\n](img.png)\n"),
    ("a code span holding a bracket", "`a ]` [b](b.md) ``c ` [d\n`` [e](e.md)\n"),
    ("links on one line", "[a](a.md) [b c](b.md) ![d](d.png) [e]: x [f][e] [^g] www.h.com/(i) j\n"),
]


@pytest.mark.parametrize("text", [case[1] for case in ACROSS_LINES], ids=[case[0] for case in ACROSS_LINES])
def test_inline_constructs_over_lines_read_the_same_with_inline_pieces(monkeypatch: pytest.MonkeyPatch,
                                                                       text: str) -> None:
    _same_inline(monkeypatch, text)


def test_a_paragraph_is_cut_at_spaces_outside_brackets_and_not_after_what_may_run_on() -> None:
    text = "See [a b](a.md), `c ] d` and (e [f g](f.md)) here.\nNext"
    pieces = [piece for _, piece in markdown.inline_pieces(text, 1)]
    assert pieces == ["See", "[a b](a.md),", "`c ] d`", "and", "(e [f g](f.md))", "here.", "Next"]
    assert all(text[offset:].startswith(piece) for offset, piece in markdown.inline_pieces(text, 1))
    for opener in ("` x", "<", "\\", "[", "(", '[x](a.md "', "[y [x](a]b)"):
        pieces = [piece for _, piece in markdown.inline_pieces(f"a b {opener} c d", 1)]
        assert pieces[:2] == ["a", "b"] and pieces[2].startswith(opener) and pieces[-1].endswith("c d"), opener


@pytest.mark.parametrize("end", ["\n", " "], ids=["lines", "one line"])
def test_a_paragraph_of_a_hundred_thousand_links_is_walked_a_piece_at_a_time(monkeypatch: pytest.MonkeyPatch,
                                                                             end: str) -> None:
    """Counted, not timed: the inline tokens of one paragraph (of many lines, or one) are held a piece at a
    time (memory), at 1x and 4x its links, and every link is still read where it stands."""
    largest: list[int] = []
    walk = markdown._Walker._inline_tokens

    def counted(walker: markdown._Walker, tokens: list[dict[str, object]], *args: object) -> None:
        largest.append(len(tokens))
        walk(walker, tokens, *args)

    monkeypatch.setattr(markdown._Walker, "_inline_tokens", counted)
    line = "See [link](target.md#overview) and more text here." + end
    sizes = []
    for scale in (1, 4):
        text = "# T\n\n" + line * (scale * 3 * markdown.INLINE_PIECE // len(line))
        largest.clear()
        parsed = markdown.parse(text)
        assert len(parsed.links) == text.count("[link]")
        assert [link.target_start for link in parsed.links[:2]] == [text.index("target.md"), text.index("target.md", 20)]
        sizes.append(max(largest))
    assert sizes[1] <= sizes[0] < 5 * markdown.INLINE_PIECE // len(line)


def test_a_piece_may_start_after_a_fence_or_an_html_block_is_closed() -> None:
    text = "Text\n\n```python\ncode\n\nA [no](no.md)\n```\n\nB [b](b.md)\n\n<!--\n\nC\n-->\n\nD [d](d.md)\n"
    lines = text.split("\n")
    assert [lines[start] for start in piece_starts(lines, 1)] == ["Text", "B [b](b.md)", "D [d](d.md)"]
    _same(text)
