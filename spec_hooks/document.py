"""One file's document: its text as read, its header, links and anchors, each computed once when asked."""
from __future__ import annotations

from functools import cached_property
from typing import Any

from spec_hooks.header import Header, extract_header
from spec_hooks.markdown import Anchors, Link, Parsed, Problem, parse
from spec_hooks.source import Source


class Document:
    """Markdown read as GitHub renders it. The header alone parses only the top of the file; links and
    anchors parse the whole of it (or come from the cache, by the blob id of the text read)."""

    def __init__(self, source: Source, parsed: Parsed | None = None) -> None:
        self.source = source
        if parsed is not None:
            self.__dict__["parsed"] = parsed

    @property
    def text(self) -> str:
        return self.source.text

    @cached_property
    def header(self) -> Header | None:
        return extract_header(self.source.text)

    @cached_property
    def parsed(self) -> Parsed:
        return parse(self.source.text)

    @property
    def links(self) -> list[Link]:
        return self.parsed.links

    @property
    def problems(self) -> list[Problem]:
        return self.parsed.problems

    @cached_property
    def anchors(self) -> Anchors:
        return self.parsed.anchors

    @property
    def ignored_lines(self) -> set[int]:
        return self.parsed.ignored_lines

    def payload(self) -> tuple[Any, ...]:
        """What the cache keeps of the file (plain tuples, for marshal)."""
        parsed = self.parsed
        return (
            tuple((l.kind, l.target, l.target_start, l.target_end, l.exact, l.label, l.used)
                  for l in parsed.links),
            tuple((p.offset, p.code, p.message) for p in parsed.problems),
            tuple(sorted(parsed.ignored_lines)),
            self.anchors.headings,
            tuple(sorted(parsed.explicit)),
        )

    @staticmethod
    def valid_payload(payload: Any) -> bool:
        """Whether a cached payload has exactly the shape `payload()` writes."""
        if not (isinstance(payload, tuple) and len(payload) == 5 and all(isinstance(part, tuple) for part in payload)):
            return False
        links, problems, ignored, headings, explicit = payload
        return (all(_typed(link, _LINK_TYPES) for link in links)
                and all(_typed(problem, (int, str, str)) for problem in problems)
                and set(map(type, ignored)) <= {int} and set(map(type, (*headings, *explicit))) <= {str})

    @classmethod
    def from_payload(cls, source: Source, payload: tuple[Any, ...]) -> Document:
        links, problems, ignored, headings, explicit = payload
        parsed = Parsed([Link(*link) for link in links], [Problem(*problem) for problem in problems],
                        explicit=set(explicit), ignored_lines=set(ignored))
        document = cls(source, parsed)
        document.__dict__["anchors"] = Anchors(tuple(headings), frozenset(explicit))
        return document


_LINK_TYPES = (str, str, int, int, bool, str, bool)


def _typed(values: Any, types: tuple[type, ...]) -> bool:
    return type(values) is tuple and tuple(map(type, values)) == types
