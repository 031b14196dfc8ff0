"""What GitHub shows of a Markdown text, from GitHub's own renderer (cmark-gfm, through `cmarkgfm`), and
the same facts read from a spec-hooks `Document`, in one comparable shape."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from spec_hooks.markdown import Slugger, parse

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class View:
    links: frozenset[str]  # relative destinations, percent-decoded
    anchors: tuple[str, ...]  # heading anchors in document order


def relative(destination: str) -> str | None:
    destination = destination.strip()
    if not destination or destination.startswith("//") or _SCHEME.match(destination):
        return None
    return unquote(destination)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: set[str] = set()
        self.headings: list[str] = []
        self._heading: list[str] | None = None
        self._skip = 0  # inside a footnote back-reference

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = []
        elif tag == "a" and "href" in found and not {"data-footnote-ref", "data-footnote-backref"} & found.keys():
            self._add(found["href"])
        elif tag == "img" and "src" in found:
            self._add(found["src"])

    def _add(self, value: str | None) -> None:
        destination = relative(value or "")
        if destination is not None:
            self.links.add(destination)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)


def render(text: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_GITHUB_PRE_LANG
    return cmarkgfm.markdown_to_html_with_extensions(
        text, options=options, extensions=["table", "autolink", "tagfilter", "strikethrough", "tasklist"])


def github(text: str) -> View:
    collector = _Collector()
    collector.feed(render(_without_front_matter(text)))
    collector.close()
    slugger = Slugger()
    return View(frozenset(collector.links), tuple(slugger.slug(heading) for heading in collector.headings))


def ours(text: str) -> View:
    parsed = parse(text)
    links = set()
    for link in parsed.links:
        if link.kind == "definition" and not link.used:
            continue
        destination = relative(link.target)
        if destination is not None:
            links.add(destination)
    return View(frozenset(links), parsed.anchors.headings)


def _without_front_matter(text: str) -> str:
    """github.com shows front matter as a table, before cmark-gfm sees the rest (a documented deviation)."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return "\n" * (index + 1) + "\n".join(lines[index + 1 :])
    return text


def spec_examples(path: str) -> list[tuple[str, str]]:
    """(example id, Markdown) of each example of a spec file (```` ```````````` example ```` blocks)."""
    examples = []
    text = Path(path).read_text(encoding="utf-8")
    pattern = re.compile(r"^`{32} example[^\n]*\n(.*?)^\.\n", re.MULTILINE | re.DOTALL)
    for number, match in enumerate(pattern.finditer(text), 1):
        examples.append((f"{path.rsplit('/', 2)[-2]}:{number}", match.group(1).replace("\u2192", "\t")))
    return examples
