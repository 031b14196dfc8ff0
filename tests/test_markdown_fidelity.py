"""Differential tests: what spec-hooks reads as links and headings is what GitHub's renderer shows.

The truth is cmark-gfm (through `cmarkgfm`, GitHub's binding), rendered with GitHub's extensions,
footnotes and raw HTML on. Compared per text: the set of relative link destinations and the list of
heading anchors. The corpora are the CommonMark and GFM spec examples (vendored in `tests/data/spec-examples`),
two real spec repositories (`../shared/corpus`, skipped when absent), plus the torture files in
`tests/torture/`, one per way the old scanner went wrong.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from spec_hooks.markdown import parse

from github_view import github, ours, spec_examples

pytest.importorskip("cmarkgfm")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEEDS = Path(__file__).parent / "data" / "seeds"
SPEC_EXAMPLES = Path(__file__).parent / "data" / "spec-examples"
TORTURE = Path(__file__).parent / "torture"
SPEC_FILES = ["commonmark-spec/spec.txt", "gfm-spec/spec.txt", "gfm-spec/extensions.txt", "gfm-spec/regression.txt"]

# Where mistune and cmark-gfm still disagree, each pinned by `test_known_deviations_still_differ`.
KNOWN_DEVIATIONS = {
    # A shortcut reference inside brackets: mistune leaves `[[*foo* bar]]` as text.
    "[[*foo* bar]]\n\n[*foo* bar]: /url \"title\"\n",
}


def _corpus_files() -> list[Path]:
    return sorted((CORPUS / "repos").rglob("*.md")) if (CORPUS / "repos").is_dir() else []


def _mismatches(examples: list[tuple[str, str]]) -> list[str]:
    found = []
    for name, text in examples:
        if text in KNOWN_DEVIATIONS:
            continue
        theirs, mine = github(text), ours(text)
        if theirs != mine:
            found.append(f"{name}: GitHub {theirs} != ours {mine}")
    return found


@pytest.mark.parametrize("spec_file", SPEC_FILES)
def test_spec_examples_agree_with_github(spec_file: str) -> None:
    examples = spec_examples(str(SPEC_EXAMPLES / spec_file))
    assert len(examples) > 10
    assert _mismatches(examples) == []


@pytest.mark.parametrize("path", sorted(TORTURE.glob("*.md")), ids=lambda path: path.name)
def test_torture_files_agree_with_github(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    view = github(text)
    assert view.links or view.anchors, "a torture file must hold something to compare"
    assert ours(text) == view


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda path: str(path.relative_to(CORPUS / "repos")))
def test_real_repositories_agree_with_github(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert ours(text) == github(text)


def test_the_vendored_examples_are_the_corpus_examples() -> None:
    """tests/data holds the spec examples, unchanged, so that a clone without ../shared tests as much."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    for spec_file in SPEC_FILES:
        assert spec_examples(str(SPEC_EXAMPLES / spec_file)) == spec_examples(str(CORPUS / spec_file))


def test_real_repositories_are_here_or_skipped_cleanly() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    assert len(_corpus_files()) > 100


def test_known_deviations_still_differ() -> None:
    """When mistune fixes one of these, this fails: take it off the list."""
    for text in KNOWN_DEVIATIONS:
        assert ours(text) != github(text), text


def _unescaped(raw: str) -> str:
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw))


def _all_texts() -> list[tuple[str, str]]:
    texts = [(path.name, path.read_bytes().decode("utf-8")) for path in sorted(TORTURE.glob("*.md"))]
    texts += [(str(path), path.read_bytes().decode("utf-8", errors="replace")) for path in _corpus_files()]
    for spec_file in SPEC_FILES:
        texts += spec_examples(str(SPEC_EXAMPLES / spec_file))
    return texts


def test_the_header_of_a_whole_parse_is_the_header_of_the_top() -> None:
    """A links run reads the header from its whole-document parse, a headers run from the top of the
    file: on every text (templates, torture files, real repositories, spec examples) both agree."""
    from spec_hooks.document import Document
    from spec_hooks.header import extract_header
    from spec_hooks.source import Source

    texts = _all_texts() + [(path.name, path.read_text()) for path in sorted(SEEDS.glob("*.md"))]
    headers = 0
    for name, text in texts:
        document = Document(Source(name, text))
        _ = document.parsed
        assert document.header == extract_header(text), name
        headers += document.header is not None
    assert headers >= 2


def test_every_destination_stands_exactly_where_it_is_reported() -> None:
    """Positions are proven, not trusted: the characters at each span are the destination, unescaped."""
    checked = 0
    for name, text in _all_texts():
        for link in parse(text).links:
            raw = text[link.target_start : link.target_end]
            assert link.exact, (name, link)
            assert (html.unescape(raw) if link.kind == "html" else _unescaped(raw)) == link.target, (name, link, raw)
            checked += 1
    assert checked > 300  # the vendored spec examples alone hold 331


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # positions survive CRLF, a lone CR, a byte-order mark and tabs
        ("\ufeff# T\r\n\r\n[a](a.md)\r\n", ["a.md"]),
        ("x\r[a](a.md)\r", ["a.md"]),
        ("-\t[a](a.md)\n  - [b](b.md)\n", ["a.md", "b.md"]),
        ("> - > [a](a.md)\n>   > [b](b.md)\n", ["a.md", "b.md"]),
        ("1. x\n\n   | h |\n   |---|\n   | [a](a.md) |\n", ["a.md"]),
        ("[a]\n\n[a]:\n  <a b.md>\n", ["a b.md"]),
        ('<a href="x.md"\n   title="t">x</a>\n', ["x.md"]),
    ],
)
def test_positions_in_odd_places(text: str, expected: list[str]) -> None:
    links = parse(text).links
    assert [link.target for link in links] == expected
    for link in links:
        assert link.exact and _unescaped(text[link.target_start : link.target_end]) == link.target
