"""Every link form inside every inline container and block, generated combinatorially and compared with
GitHub's renderer (cmark-gfm): the same destinations, each reported on a line of the block GitHub renders
it in (cmark-gfm's `data-sourcepos`), at a span whose text is the destination (the parser's, never text cut
from the source). A link inside `~~strikethrough~~` was once checked at a destination cut from the wrong
offset (`'](c.'`)."""
from __future__ import annotations

import html
import itertools
import re
from html.parser import HTMLParser

import pytest

from spec_hooks.markdown import Link, parse
from spec_hooks.source import Source

from github_view import relative

pytest.importorskip("cmarkgfm")

FORMS = {  # a link to D, and what must stand elsewhere in the document for it
    "inline": ("[x](D)", ""),
    "inline with title": ('[x](D "t")', ""),
    "angle brackets": ("[x](<D>)", ""),
    "full reference": ("[x][rN]", "[rN]: D"),
    "collapsed reference": ("[rN][]", "[rN]: D"),
    "shortcut reference": ("[rN]", "[rN]: D"),
    "image": ("![x](D)", ""),
    "html link": ('<a href="D">x</a>', ""),
    "html image": ('<img src="D">', ""),
    "autolink": ("<https://example.com/D>", ""),
}
CONTAINERS = {
    "plain": "{}", "*": "*a {} b*", "_": "_a {} b_", "**": "**a {} b**", "__": "__a {} b__", "~": "~a {} b~",
    "~~": "~~a {} b~~", "nested": "**a ~~b *c {} d* e~~ f**", "code spans": "`c` {} `d`", "~~ twice": "~~a~~ ~~{}~~",
    "in link text": "[a {} b](outer.md)",
}
BLOCKS = {
    "paragraph": "{}", "heading": "## H {}", "list item": "- item {}", "nested list": "- a\n  - b {}",
    "block quote": "> q {}", "quoted list": "> - q {}", "table cell": "| h |\n| --- |\n| {} |",
    "footnote": "Text[^1].\n\n[^1]: note {}",
}


def _document(form: str, container: str, block: str, number: int) -> tuple[str, str]:
    link, definition = FORMS[form]
    destination = f"t{number}.md"
    inner = link.replace("D", destination).replace("rN", f"r{number}")
    text = "# T\n\n" + BLOCKS[block].format(CONTAINERS[container].format(inner)) + "\n"
    if definition:
        text += "\n" + definition.replace("D", destination).replace("rN", f"r{number}") + "\n"
    return text, destination


class _Positions(HTMLParser):
    """Each rendered href/src with the line range of the innermost block (data-sourcepos) it stands in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int] | None]] = []
        self.found: list[tuple[str, tuple[int, int] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        where = re.match(r"(\d+):\d+-(\d+):\d+", found.get("data-sourcepos") or "")
        span = (int(where.group(1)), int(where.group(2))) if where else None
        value = found.get("href") if tag == "a" else found.get("src") if tag == "img" else None
        if value is not None and not {"data-footnote-ref", "data-footnote-backref"} & found.keys():
            block = next((each for _, each in reversed(self.stack) if each is not None), None)
            self.found.append((value, block))
        if tag not in ("img", "br", "hr", "input"):
            self.stack.append((tag, span))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def _github_positions(text: str) -> list[tuple[str, tuple[int, int] | None]]:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_SOURCEPOS
    rendered = cmarkgfm.markdown_to_html_with_extensions(
        text, options=options, extensions=["table", "autolink", "tagfilter", "strikethrough", "tasklist"])
    collector = _Positions()
    collector.feed(rendered)
    return [(destination, block) for value, block in collector.found
            if (destination := relative(html.unescape(value))) is not None]


def _ours(text: str) -> list[Link]:
    return [link for link in parse(text).links
            if not (link.kind == "definition" and not link.used) and relative(link.target) is not None]


CASES = list(itertools.product(FORMS, CONTAINERS, BLOCKS))
# Where cmark-gfm and mistune read a combination differently: each is pinned by the test below.
DEVIATIONS: set[tuple[str, str, str]] = set()


@pytest.mark.parametrize(("form", "container", "block"), [case for case in CASES if case not in DEVIATIONS])
def test_every_link_form_in_every_container_stands_where_github_renders_it(form: str, container: str, block: str) -> None:
    text, destination = _document(form, container, block, 7)
    theirs = _github_positions(text)
    ours = _ours(text)
    assert sorted(relative(link.target) for link in ours) == sorted(value for value, _ in theirs), text
    source = Source("a.md", text)
    for link in ours:
        line, _ = source.position(link.offset)
        blocks = [block_lines for value, block_lines in theirs if value == relative(link.target)]
        # A definition stands on its own line, outside the block where GitHub renders its use.
        if link.kind != "definition":
            assert any(span is None or span[0] <= line <= span[1] for span in blocks), (text, link, blocks)
        assert link.exact, (text, link)
        written = text[link.target_start : link.target_end]
        assert html.unescape(written.replace("\\", "")) == link.target, (text, link, written)
    if form != "autolink":
        assert theirs, f"GitHub renders no link in {text!r}: the generator is wrong"


def test_the_reported_destination_is_never_cut_from_the_wrong_place() -> None:
    """The issue's two lines, and every destination of the whole product in one document."""
    text = ("- ~~[Lacks ignored reason](https://github.com/rust-lang/rust/issues/49359#issuecomment-715877950)~~\n\n"
            "~~a [b](c.md) d~~ and [e](f.md)\n")
    assert [(link.target, link.exact) for link in parse(text).links] == [
        ("https://github.com/rust-lang/rust/issues/49359#issuecomment-715877950", True), ("c.md", True), ("f.md", True)]
    assert [text[link.target_start : link.target_end] for link in parse(text).links][1:] == ["c.md", "f.md"]
