"""One file's document, and the store that gives every check of a run the same one.

A `Document` is Markdown read as GitHub renders it: its header (the top of the file only), its links and
anchors (the whole of it), each computed once when asked. The `DocumentStore` reads each file once
(through `Contents`, so every check sees the same text), keeps what was parsed by the blob id of that
text in one cache shared by the headers, links and dates hooks, and parses on every core when a run
needs many documents that the cache does not hold.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Protocol

from spec_hooks.cache import CACHE_ROOT, DocumentCache, HeaderLines, typed
from spec_hooks.config import DEFAULT_FORMS, Config, DocType
from spec_hooks.documents import Spec, as_spec, classify
from spec_hooks.findings import Finding
from spec_hooks.header import (
    Header,
    extract_header,
    header_from_payload,
    header_of_tokens,
    header_payload,
    header_reading,
    reading_of,
    valid_header_payload,
)
from spec_hooks.markdown import (
    PIECE,
    Anchors,
    Link,
    Parsed,
    Problem,
    parse_from_tokens,
    parse_in_pieces,
    parse_tokens,
)
from spec_hooks.paths import MARKDOWN_SUFFIXES
from spec_hooks.progress import Progress
from spec_hooks.source import Source

if TYPE_CHECKING:
    from spec_hooks.run import Project

HEADER, BODY = 0, 1  # the two parts of a document a check can ask for (and the cache keeps)
Entry = tuple[Any, Any]  # (header payload or None, body payload or None): what the cache holds of a blob


class Document:
    """Markdown read as GitHub renders it. The header alone parses only the top of the file; links and
    anchors parse the whole of it. Parts found in the cache are taken from it, not parsed."""

    def __init__(self, source: Source, entry: Entry = (None, None), forms: frozenset[str] = DEFAULT_FORMS) -> None:
        self.source = source
        self.forms = forms  # the header forms it is read in (`Config.header_forms`)
        entry = self._readable(entry)
        self.entry_read = entry
        self._meaning: tuple[Config, DocType | None, Spec | None] | None = None
        if entry[HEADER] is not None:
            self.__dict__["header"] = header_from_payload(entry[HEADER])
        if entry[BODY] is not None:
            self._adopt_body(entry[BODY])

    @property
    def text(self) -> str:
        return self.source.text

    def meaning(self, config: Config) -> tuple[DocType | None, Spec | None]:
        """The type the document is of (by its path or its header's keys), and the spec its header makes
        it: worked out once per document and configuration, whichever check asks first."""
        if self._meaning is None or self._meaning[0] is not config:
            header = self.header
            doc_type = classify(self.path, header, config.types)
            spec = None if header is None or doc_type is None else as_spec(config, self.source, header, doc_type, self.forms)
            self._meaning = (config, doc_type, spec)
        return self._meaning[1], self._meaning[2]

    @property
    def path(self) -> str:
        return self.source.path

    def _readable(self, entry: Entry) -> Entry:
        """The entry without its header when that was read in other forms (a path another type claims)."""
        if entry[HEADER] is not None and header_reading(entry[HEADER]) != reading_of(self.forms):
            return None, entry[BODY]
        return entry

    @cached_property
    def header(self) -> Header | None:
        return extract_header(self.source.text, self.forms)

    @cached_property
    def parsed(self) -> Parsed:
        """The whole text parsed; the header, if not known yet, is read from the same parse."""
        text = self.source.text
        if len(text) > PIECE:
            return parse_in_pieces(text)  # in bounded memory; the header is read from its own prefix
        tokens, env = parse_tokens(text)
        if not self.has(HEADER):
            self.__dict__["header"] = header_of_tokens(text, tokens, env, self.forms)
        return parse_from_tokens(text, tokens, env)

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

    @property
    def directives(self) -> list[tuple[int, int, str]]:
        return self.parsed.directives

    def has(self, part: int) -> bool:
        return ("header", "parsed")[part] in self.__dict__

    def ensure(self, parts: Iterable[int]) -> None:
        for part in parts:
            _ = self.header if part == HEADER else self.anchors

    def entry(self) -> Entry:
        """Every part known so far, in the cache's form (plain tuples, for marshal); parts read from the
        cache are passed on as they were read."""
        header, body = self.entry_read
        if header is None and self.has(HEADER):
            header = header_payload(self.header, self.forms)
        if body is None and self.has(BODY):
            body = self.payload()
        return header, body

    def grown(self) -> bool:
        """Whether this run computed a part the cache did not hold."""
        return any(self.has(part) and self.entry_read[part] is None for part in (HEADER, BODY))

    def adopt(self, entry: Entry) -> None:
        """Take parts another process computed for this same text."""
        entry = self._readable(entry)
        if entry[HEADER] is not None and not self.has(HEADER):
            self.__dict__["header"] = header_from_payload(entry[HEADER])
        if entry[BODY] is not None and not self.has(BODY):
            self._adopt_body(entry[BODY])

    def payload(self) -> tuple[Any, ...]:
        """The body's part of the cache entry."""
        parsed = self.parsed
        return (
            tuple((link.kind, link.target, link.target_start, link.target_end, link.exact, link.label, link.used)
                  for link in parsed.links),
            tuple((p.offset, p.code, p.message) for p in parsed.problems),
            tuple(sorted(parsed.ignored_lines)),
            self.anchors.headings,
            tuple(sorted(parsed.explicit)),
            tuple(parsed.directives),
        )

    def _adopt_body(self, payload: tuple[Any, ...]) -> None:
        links, problems, ignored, headings, explicit, directives = payload
        self.__dict__["parsed"] = Parsed([Link(*link) for link in links], [Problem(*problem) for problem in problems],
                                         explicit=set(explicit), ignored_lines=set(ignored),
                                         directives=list(directives))
        self.__dict__["anchors"] = Anchors(tuple(headings), frozenset(explicit))

    @staticmethod
    def valid_payload(payload: Any) -> bool:
        """Whether a body payload has exactly the shape `payload()` writes."""
        if not (isinstance(payload, tuple) and len(payload) == 6 and all(isinstance(part, tuple) for part in payload)):
            return False
        links, problems, ignored, headings, explicit, directives = payload
        return (all(typed(link, _LINK_TYPES) for link in links)
                and all(typed(problem, (int, str, str)) for problem in problems)
                and all(typed(directive, (int, int, str)) for directive in directives)
                and set(map(type, ignored)) <= {int} and set(map(type, (*headings, *explicit))) <= {str})

    @staticmethod
    def valid_entry(entry: Any) -> bool:
        """Whether a cache entry has exactly the shape `entry()` writes."""
        return (type(entry) is tuple and len(entry) == 2
                and (entry[HEADER] is None or valid_header_payload(entry[HEADER]))
                and (entry[BODY] is None or Document.valid_payload(entry[BODY])))



_LINK_TYPES = (str, str, int, int, bool, str, bool)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as CommonMark (and Source.position) ends lines
_KEPT_HEADER_AT_MOST = 1 << 20  # characters: a longer header is read again when asked, not kept


def header_lines(document: Document) -> tuple[int, str] | None:
    """The text of the document's header items, from the first item's line to the end of the last one's,
    and the number of that first line; (0, "") without a header; None when too long to keep."""
    header = document.header
    if header is None or not header.fields:
        return 0, ""
    text = document.text
    start = text.rfind("\n", 0, header.fields[0].key_offset) + 1
    last = header.fields[-1]
    end = text.find("\n", last.value_offset + (len(last.value) if last.exact else 0))
    lines = text[start : len(text) if end < 0 else end]
    # The line number from the few lines above the header, not from the whole text's line table.
    number = len(_LINE_BREAK.findall(text, 0, start)) + 1
    return (number, lines) if len(lines) <= _KEPT_HEADER_AT_MOST else None


class HeaderText:
    """Header lines of many files in one string, searched at C speed: one `find` pass per string
    wanted, however many files there are. `owners` name the files (paths, or blob ids)."""

    def __init__(self, owners: Sequence[str], firsts: Sequence[int], lengths: Sequence[int], text: str) -> None:
        self.owners, self.firsts, self.text = owners, firsts, text
        self.starts = list(accumulate((length + 1 for length in lengths), initial=0))
        self._breaks: dict[int, list[int]] = {}  # the line breaks of each owner's lines that held a string

    def _number(self, owner: int, start: int) -> int:
        """The line number of the line starting at `start` in `owner`'s lines: its line breaks are found
        once, however many of its lines hold a string (a header of 10,000 items holding them all)."""
        breaks = self._breaks.get(owner)
        if breaks is None:
            text, end = self.text, self.starts[owner + 1] - 1
            breaks = self._breaks[owner] = []
            at = text.find("\n", self.starts[owner], end)
            while at >= 0:
                breaks.append(at)
                at = text.find("\n", at + 1, end)
        return self.firsts[owner] + bisect_right(breaks, start - 1)

    @classmethod
    def of(cls, known: list[tuple[str, tuple[int, str]]]) -> HeaderText:
        return cls([owner for owner, _ in known], [first for _, (first, _) in known],
                   [len(lines) for _, (_, lines) in known], "\n".join(lines for _, (_, lines) in known))

    def lines_holding(self, wanted: Sequence[str]) -> list[tuple[str, int, str]]:
        """(owner, line number, text) of each line holding one of `wanted`, each line once, in order."""
        text, found = self.text, {}
        for string in wanted:
            at = text.find(string)
            while at >= 0:
                start = text.rfind("\n", 0, at) + 1
                end = text.find("\n", at)
                end = len(text) if end < 0 else end
                if start not in found:
                    owner = bisect_right(self.starts, start) - 1
                    found[start] = (self.owners[owner], self._number(owner, start), text[start:end])
                at = text.find(string, max(end, at + 1))  # a string that starts with a line break moves on too
        return [found[start] for start in sorted(found)]


CACHE_FOLDER = "spec-hooks/documents"
READ_AT_MOST = 100  # headers not kept yet: more than this, and one `git grep` finds the lines instead
CACHE_FROM = 20  # files; a headers or dates run on fewer parses them faster than it finds the cache
PARALLEL_FROM = 400  # documents to parse; below this, starting a second process costs more than it saves


class Memo(Protocol):
    """Results a check keeps between runs, written by the store's one save."""

    def save(self) -> None: ...


class DocumentStore:
    """Every document of one run: each file read once, each text parsed at most once, by path or blob id."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._by_path: dict[str, Document | Finding] = {}
        self._by_blob: dict[str, Document] = {}
        self._kept: set[str] = set()
        self.without_directives: set[str] = set()  # files known to have no inline directive without reading them
        self.cache: DocumentCache | None = None
        self._header_lines: HeaderLines | None = None
        self.whole_repository = False  # whether the run reads every document: what the cache keeps is what it met
        self._memos: list[Memo] = []  # the checks' other kept results (link findings, date verdicts)

    def open_cache(self) -> None:
        """Keep parts between runs in `.git/spec-hooks/documents/` (a run that reads a handful of headers
        is faster without looking). Documents already read take what it kept for them."""
        if self.cache is None and self.project.in_git:
            self.cache = DocumentCache(self.project.snapshot.cache_folder(CACHE_FOLDER), Document.valid_entry)
            for document in self._by_blob.values():  # read before (`check` reads headers first): not parsed again
                entry = self.cache.get(document.source.blob)
                if entry is not None:
                    document.adopt(entry)
                    document.entry_read = entry

    def read(self, path: str) -> Document | Finding:
        """The document at `path` as this run reads it (see `Contents`), or why it cannot be read."""
        if path not in self._by_path:
            source = self.project.contents.read(path)
            self._by_path[path] = source if isinstance(source, Finding) else self.of(source)
        return self._by_path[path]

    def of(self, source: Source) -> Document:
        """The document of a text read some other way (HEAD's side of a change): the same blob, the same document."""
        blob = source.blob
        known = self._by_blob.get(blob)
        if known is not None and known.source.path == source.path:
            return known
        entry = self.cache.get(blob) if self.cache is not None else None
        document = Document(source, entry if entry is not None else (None, None),
                            self.project.config.header_forms(source.path))
        if known is not None:
            document.adopt(known.entry())
        self._by_blob[blob] = document
        return document

    def read_all(self, paths: Iterable[str], parts: tuple[int, ...]) -> None:
        """Read `paths` and compute `parts` of each now: on every core when many are not in the cache."""
        paths = list(paths)
        if len(paths) > CACHE_FROM:
            self.project.contents.know_regular_files()  # one git command saves looking at each path
        documents = [document for path in paths if isinstance(document := self.read(path), Document)]
        missing = list({d.source.blob: d for d in documents if not all(d.has(part) for part in parts)}.values())
        progress = Progress(len(missing), "parsing")
        if len(missing) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and _can_fork():
            if self.project.git is not None:
                self.project.git.before_fork()
            for document, entry in zip(missing, _in_workers(missing, parts, progress), strict=True):
                document.adopt(entry)
        for document in documents:
            if not all(document.has(part) for part in parts):
                document.ensure(parts)
                progress.advance()
        progress.close()

    def keep(self, blob: str) -> None:
        """Keep the cached document of `blob` through a whole-repository save although this run did not
        read it (its findings came from elsewhere)."""
        self._kept.add(blob)

    def remember(self, memo: Memo) -> None:
        """Save `memo` with the documents, at the run's end: a check keeps results, it never writes them."""
        self._memos.append(memo)

    def save(self) -> None:
        """Keep every part parsed in this run, and the memos the checks filled, once, at its end."""
        self._save_documents()
        for memo in self._memos:
            memo.save()
        self._memos.clear()

    def _save_documents(self) -> None:
        """After a whole-repository run, the cache keeps only the blobs this run met (files, and HEAD's side
        of changes): old versions go. Header lines are kept for every header read, once a run has asked for
        them or read the whole repository."""
        whole_repository = self.whole_repository
        live = set(self._by_blob) | self._kept if whole_repository else None
        if whole_repository and self.project.in_git:
            self._header_table()
        table = self._header_lines
        if table is not None:
            for blob, document in self._by_blob.items():
                if document.has(HEADER) and not table.knows(blob) and (kept := header_lines(document)) is not None:
                    table.put(blob, kept)
            table.save(live)
        if self.cache is None:
            return
        for blob, document in self._by_blob.items():
            if document.grown():
                document.entry_read = document.entry()
                self.cache.put(blob, document.entry_read)
        self.cache.save(live=live)

    def lines_in_headers(self, strings: Sequence[str]) -> list[tuple[str, int, str]]:
        """(path, line number, text) of each header line of a tracked Markdown file that holds one of
        `strings`: from the header lines kept by blob id (one search of them all, whatever the repository's
        size), reading the few headers not kept yet, or, when many are not, one `git grep`."""
        wanted = [string for string in strings if string]
        if not wanted or not self.project.in_git:
            return []
        markdown = self._markdown_blobs
        read = {path: document for path, document in self._by_path.items() if isinstance(document, Document)}
        paths_of = self._paths_of_blob
        found = [(path, number, line) for blob, number, line in self._kept_headers.lines_holding(wanted)
                 for path in paths_of.get(blob, ()) if path not in read]
        new, unknown_all = self._not_in_base
        unknown = [path for path in unknown_all if path not in read]
        others = [(path, lines) for path, lines in new if path not in read]
        others += [(path, lines) for path, document in read.items() if path in markdown
                   and (lines := header_lines(document)) is not None]
        if len(unknown) > READ_AT_MOST:
            unread = set(unknown)
            found += [line for line in self.project.snapshot.lines_containing(wanted) if line[0] in unread]
            unknown = []
        others += [(path, lines) for path in unknown if isinstance(document := self.read(path), Document)
                   and (lines := header_lines(document)) is not None]
        return found + HeaderText.of(others).lines_holding(wanted)

    @cached_property
    def _kept_headers(self) -> HeaderText:
        """Every header a whole-repository run kept, by blob id, ready to search."""
        blobs, firsts, lengths, text = self._header_table().base
        return HeaderText(blobs, firsts, lengths, text)

    @cached_property
    def _not_in_base(self) -> tuple[list[tuple[str, tuple[int, str]]], list[str]]:
        """The tracked Markdown files whose header lines hook runs kept since the last whole-repository
        run (with those lines), and the files whose header lines nothing kept."""
        table = self._header_table()
        new, base = table.new, table.base_blobs
        kept_since: list[tuple[str, tuple[int, str]]] = []
        unknown = []
        for path, blob in self._markdown_blobs.items():
            lines = new.get(blob)
            if lines is not None:
                kept_since.append((path, lines))
            elif blob not in base:
                unknown.append(path)
        return kept_since, unknown

    @cached_property
    def _paths_of_blob(self) -> dict[str, list[str]]:
        """The tracked Markdown files holding each blob (copies of one text share it)."""
        paths: dict[str, list[str]] = {}
        for path, blob in self._markdown_blobs.items():
            paths.setdefault(blob, []).append(path)
        return paths

    @cached_property
    def _markdown_blobs(self) -> dict[str, str]:
        """The blob of each tracked Markdown file (regular files: links and submodules have no header)."""
        return {path: entry.blob for path, entry in self.project.snapshot.index.entries.items()
                if entry.mode in ("100644", "100755") and path.lower().endswith(MARKDOWN_SUFFIXES)}

    def _header_table(self) -> HeaderLines:
        if self._header_lines is None:
            self._header_lines = HeaderLines(self.project.snapshot.cache_folder(CACHE_ROOT),
                                             self.project.config.header_reading)
        return self._header_lines


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_WORK: tuple[list[Document], tuple[int, ...]] | None = None


def _work(indices: list[int]) -> list[Entry]:
    assert _WORK is not None
    documents, parts = _WORK
    entries = []
    for index in indices:
        documents[index].ensure(parts)
        entries.append(documents[index].entry())
    return entries


def _in_workers(documents: list[Document], parts: tuple[int, ...], progress: Progress) -> list[Entry]:
    """Each document's entry with `parts` computed, by forked workers (which share the texts read)."""
    import multiprocessing

    global _WORK
    workers = min(os.cpu_count() or 2, 4)
    slices = [list(range(start, len(documents), workers * 8)) for start in range(workers * 8)]
    _WORK = (documents, parts)
    results = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for found in pool.imap(_work, slices, chunksize=1):
                results.append(found)
                progress.advance(len(found))
    finally:
        _WORK = None
    entries: list[Entry] = [(None, None)] * len(documents)
    for indices, found in zip(slices, results, strict=True):
        for index, entry in zip(indices, found, strict=True):
            entries[index] = entry
    return entries
