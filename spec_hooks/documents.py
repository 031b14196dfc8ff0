"""What a header means: which document type it is, and which field stands for which key."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from spec_hooks.config import DEFAULT_FORMS, Config, DocType
from spec_hooks.findings import ERROR, Finding
from spec_hooks.globs import matches
from spec_hooks.header import Field, Header
from spec_hooks.source import Source
from spec_hooks.text import shorten

if TYPE_CHECKING:
    from spec_hooks.document import Document


@dataclass(frozen=True)
class Spec:
    """A document recognised as one of the configured types."""

    source: Source
    doc_type: DocType
    header: Header
    fields: dict[str, Field]  # by the key they stand for (a near-miss key stands for the key it misspells)
    forms: frozenset[str] = DEFAULT_FORMS  # the header forms it was read in (a fixed text is read back in them)

    @property
    def path(self) -> str:
        return self.source.path

    def at(self, offset: int, code: str, message: str, severity: str = ERROR) -> Finding:
        return self.source.finding(offset, code, message, severity)


@lru_cache(maxsize=4096)
def normalize_key(key: str) -> str:
    return "".join(character for character in key.lower() if character.isalnum())


def classify(path: str, header: Header | None, types: Sequence[DocType]) -> DocType | None:
    """A type whose paths claim the file (an index page excepted); else, of the types without paths, the
    type the header's keys identify: its first key (`Spec ID`, `System`), or two of its keys and no key
    foreign to it."""
    keys = header.keys() if header else []
    for doc_type in types:
        if doc_type.paths and matches(doc_type.paths, path) and not is_index_page(path, keys):
            return doc_type
    best, best_score = None, 0
    present = {normalize_key(key) for key in keys}
    for doc_type in types:
        if doc_type.paths:
            continue  # a type that says where its documents are claims no file elsewhere by its keys
        own = {normalize_key(key) for key in doc_type.keys}
        score = len(present & own)
        if score > best_score and (normalize_key(doc_type.keys[0]) in present
                                   or score >= 2 and _only_own_keys(keys, own, doc_type.keys)):
            best, best_score = doc_type, score
    return best


def _only_own_keys(keys: list[str], own: set[str], known: Sequence[str]) -> bool:
    """Whether every key is the type's, or a misspelling of one."""
    return all(normalize_key(key) in own or near_miss(key, known) is not None for key in keys)


_INDEX_NAMES = ("readme.md", "readme.markdown", "index.md", "index.markdown")


def is_index_page(path: str, keys: list[str]) -> bool:
    """`specs/README.md` listing the specs of its folder: not a spec, though the folder's files are."""
    return path.rsplit("/", 1)[-1].lower() in _INDEX_NAMES and not keys


def near_miss(key: str, known: Sequence[str]) -> str | None:
    """The known key that `key` misspells (case, spacing, punctuation or a small typo), if any."""
    if key in known:
        return None
    return (_near_miss if len(key) <= 200 else _near_miss.__wrapped__)(key, tuple(known))  # a long key is not kept


# Every document of a run, and every version the history pass compares, asks alike; a header of 10,000
# distinct keys asks for each twice (its fields, then its items' findings), which a smaller cache forgot.
@lru_cache(maxsize=1 << 16)
def _near_miss(key: str, known: tuple[str, ...]) -> str | None:
    normal = normalize_key(key)
    normals = _normals(known)
    for candidate, candidate_normal, _ in normals:
        if candidate_normal == normal:
            return candidate
    if len(normal) < 4:
        return None
    import difflib

    # A typo drops, adds or swaps a letter or two; a word with another ending is another word: `Supersedes`
    # is not `Superseded by` (the opposite relation), `Depends` is not `Dependents`. Candidates whose letters
    # alone rule them out (difflib's `quick_ratio`, an upper bound of its ratio, below the cutoff) are turned
    # away before difflib builds its matcher: a header of 10,000 unknown keys asks 20,000 times.
    letters = Counter(normal)
    alike = [candidate_normal for _, candidate_normal, counts in normals
             if abs(len(candidate_normal) - len(normal)) <= 1
             and 2.0 * sum(min(count, letters[letter]) for letter, count in counts.items())
             >= 0.8 * (len(candidate_normal) + len(normal))]
    close = difflib.get_close_matches(normal, alike, n=1, cutoff=0.8) if alike else []
    return next((candidate for candidate, candidate_normal, _ in normals if close and candidate_normal == close[0]),
                None)


@lru_cache(maxsize=256)
def _normals(known: tuple[str, ...]) -> tuple[tuple[str, str, Counter[str]], ...]:
    """Each known key, its normal form and the letters of that form (asked for every key of every header)."""
    return tuple((candidate, normal, Counter(normal)) for candidate in known for normal in (normalize_key(candidate),))


def as_spec(config: Config, source: Source, header: Header, doc_type: DocType,
            forms: frozenset[str] = DEFAULT_FORMS) -> Spec:
    """A header read as its type's: a near-miss of one of the type's keys or of a relation key stands
    for that key; the type's title field, when it has one, is the title."""
    known = (*doc_type.keys, *(key for key, _ in config.relations))
    fields = named_fields(header, known)
    if doc_type.title_field is not None and (title := fields.get(doc_type.title_field)) is not None:
        header = replace(header, title=title.value, title_offset=title.value_offset)
    return Spec(source, doc_type, header, fields, forms)


def named_fields(header: Header, known: Sequence[str]) -> dict[str, Field]:
    named: dict[str, Field] = {}
    for field in header.fields:
        if field.key is not None:
            named.setdefault(near_miss(field.key, known) or field.key, field)
    return named


def without_date_lines(document: Document, types: Sequence[DocType], whitespace: bool = False) -> list[str]:
    """The document's lines without the lines of its header items that hold a date field (of any type):
    two versions that agree on these differ only in their dates, which is no content change. With
    `whitespace`, without trailing whitespace, trailing blank lines and line endings too (what
    pre-commit-hooks' trailing-whitespace, end-of-file-fixer and mixed-line-ending change); without
    it, the line endings are compared as well (the last item)."""
    header = document.header
    names = sorted({name for doc_type in types for name in doc_type.date_fields})
    text = document.text
    # A date item is read as the header reads it (`named_fields`): `**Up\_dated:**` is Updated there, so
    # it is here, or the fixer's own edit would count as content and bump the date again.
    dropped = {len(_LINE_BREAK.findall(text, 0, field.key_offset)) for field in header.fields
               if field.key is not None and (near_miss(field.key, names) or field.key) in names} if header else set()
    lines = [line for number, line in enumerate(_LINE_BREAK.split(text)) if number not in dropped]
    if not whitespace:
        return [*lines, "".join(_LINE_BREAK.findall(text))]
    lines = [line.rstrip(" \t\f\v") for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def find_placeholder(text: str) -> str | None:
    """The first template placeholder in `text`: `{{...}}`, `YYYY-MM-DD`, or a bracketed name of more than
    one word (`[area/name]`, `[Specification Title]`: not `[beta]`, `[C++]` or a bracket inside brackets)
    that is not a link's text, each within one line. It is what the regex
    `\\{\\{.*?\\}\\}|YYYY-MM-DD|(?<!\\])\\[(?=[^\\[\\]\n]*[ /])[^\\[\\]\n]+\\](?![(\\[])` finds, found in linear time
    (a regex rescanning the rest of a line from every `{{` took 50 s on a 100 KB value of `{{`)."""
    for line in text.split("\n"):
        found = [match for match in (_braces(line), _date(line), _brackets(line)) if match is not None]
        if found:
            return min(found)[1]
    return None


def placeholder_of(plain: str, text: str, offset: int) -> str | None:
    """A template placeholder in a title or header value as it is written (`plain` is what it shows, from
    `offset` in `text`): `\\[beta\\]`, escaped as the fixers write a title with brackets, shows `[beta]`
    but is no placeholder."""
    found = find_placeholder(plain)
    return found if found is not None and found in _item_text(text, offset) else None


_ITEM_END = re.compile(r"\n[ \t]*(?:[-*+][ \t]|\r?\n)")


def _item_text(text: str, offset: int) -> str:
    """The text of the header item (or title) from `offset`: up to the next item, blank line or end."""
    end = _ITEM_END.search(text, offset)
    return text[offset : end.start() if end else len(text)]


def _braces(line: str) -> tuple[int, str] | None:
    start = line.find("{{")
    end = line.find("}}", start + 2) if start >= 0 else -1
    return (start, line[start : end + 2]) if end >= 0 else None


def _date(line: str) -> tuple[int, str] | None:
    start = line.find("YYYY-MM-DD")
    return (start, "YYYY-MM-DD") if start >= 0 else None


def _brackets(line: str) -> tuple[int, str] | None:
    """The first innermost `[text]` whose text has a space or a slash, not right after a `]` and not
    followed by `(` or `[`: innermost pairs never overlap, so one scan finds them in order."""
    opened = -1
    for at, character in enumerate(line):
        if character == "[":
            opened = at
        elif character == "]" and opened >= 0:
            inside = line[opened + 1 : at]
            if (inside and (" " in inside or "/" in inside) and not (opened > 0 and line[opened - 1] == "]")
                    and line[at + 1 : at + 2] not in ("(", "[")):
                return opened, line[opened : at + 1]
            opened = -1
    return None


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def field_date(field: Field | None) -> date | None:
    """The field's value as a date, when it is a real YYYY-MM-DD date."""
    if field is None or not _DATE.fullmatch(field.value):
        return None
    try:
        return date.fromisoformat(field.value)
    except ValueError:
        return None


def date_problems(fields: dict[str, Field], doc_type: DocType, today: date) -> list[tuple[int, str, str]]:
    """(offset, code, message) for a date field that holds no date (SH106: a schema need not say so), dates
    after today (SH109) and Created after Updated (SH108)."""
    problems = [(field.value_offset, "SH106", f"{name} {shorten(field.value, 60)!r} is not a real date (YYYY-MM-DD)")
                for name in doc_type.date_fields if (field := fields.get(name)) is not None and field.value.strip()
                and field_date(field) is None and find_placeholder(field.value) is None]  # a placeholder is SH107
    dates = {name: (day, fields[name].value_offset) for name in doc_type.date_fields if (day := field_date(fields.get(name)))}
    for name, (day, offset) in dates.items():
        if day > today:
            problems.append((offset, "SH109", f"{name} {day} is in the future (today is {today})"))
    created, updated = doc_type.created_field, doc_type.updated_field
    if created in dates and updated in dates and dates[created][0] > dates[updated][0]:
        problems.append((dates[created][1], "SH108", f"{created} {dates[created][0]} is after {updated} {dates[updated][0]}"))
    return problems
