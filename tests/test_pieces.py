"""A large text is read in pieces (issue 26: bounded memory): what it finds must be exactly what one whole
parse finds. Each text here is read both ways, with pieces as small as they can be (a piece ends at every
place one may), so every place a piece may end is tried on every construct of the corpora."""
from __future__ import annotations

from pathlib import Path

import pytest

from spec_hooks import markdown
from spec_hooks.markdown import Parsed, parse_from_tokens, parse_in_pieces, parse_tokens, piece_starts

from github_view import spec_examples

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
    given: list[int] = []
    process = markdown._State.process

    def counted(state: markdown._State, src: str) -> None:
        given.append(len(src))
        process(state, src)

    monkeypatch.setattr(markdown._State, "process", counted)
    unit = "Some prose with **bold**, `code` and a [link](target.md#overview) in it.\n\n"
    for scale in (1, 4):
        text = unit * (scale * markdown.PIECE // len(unit) * 3)
        given.clear()
        parsed = markdown.parse(text)
        assert len(parsed.links) == text.count("[link]")
        assert max(given) < markdown.PIECE + 2 * len(unit)
        assert sum(given) < 2 * len(text)  # each piece read once (no definition: no first pass)
