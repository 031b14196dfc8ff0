"""The header forms (issue 24) as pure functions: `extract_header(text, forms)` on tables of small inputs,
every field's key and value placed at its exact line:col, and what is never a header."""
from __future__ import annotations

import pytest

from spec_hooks.config import DEFAULT_FORMS
from spec_hooks.header import Header, extract_header, other_form
from spec_hooks.source import Source

from growth import characters_given_to_block_states

LIST = frozenset({"list"})
BOLD = frozenset({"bold-list"})
PARAGRAPH = frozenset({"paragraph"})
FRONT = frozenset({"front-matter"})


def _read(text: str, forms: frozenset[str]) -> tuple[str, str, list[tuple[str | None, str, str, str, bool]]] | None:
    """(form, title, [(key, value, key at, value at, exact)]) with positions as line:col."""
    header = extract_header(text, forms)
    if header is None:
        return None
    source = Source("a.md", text)

    def at(offset: int) -> str:
        line, column = source.position(offset)
        return f"{line}:{column}"

    return header.form, header.title, [(field.key, field.value, at(field.key_offset), at(field.value_offset), field.exact)
                                       for field in header.fields]


CASES = [
    ("plain bullets under an H1",
     LIST, "# Title\n\n* Proposal: SE-0001\n* Status: Draft\n",
     ("list", "Title", [("Proposal", "SE-0001", "3:3", "3:13", True), ("Status", "Draft", "4:3", "4:11", True)])),
    ("a value with markup starts where its markup does",
     LIST, "# T\n\n* Proposal: [SE-0001](0001-x.md)\n* Status: **Implemented (Swift 2.2)**\n",
     ("list", "T", [("Proposal", "SE-0001", "3:3", "3:13", False),
                    ("Status", "Implemented (Swift 2.2)", "4:3", "4:11", False)])),
    ("bold keys are read in the list form too",
     LIST, "# T\n\n- **Type**: Design proposal\n- Author(s): Ada\n",
     ("list", "T", [("Type", "Design proposal", "3:5", "3:13", True), ("Author(s)", "Ada", "4:3", "4:14", True)])),
    ("an empty value stands right after its key",
     LIST, "# T\n\n* Implemented in:\n* Status: Draft\n",
     ("list", "T", [("Implemented in", "", "3:3", "3:18", True), ("Status", "Draft", "4:3", "4:11", True)])),
    ("a URL is no key",
     LIST, "# T\n\n* https://example.com/a\n* Status: Draft\n",
     ("list", "T", [(None, "https://example.com/a", "3:3", "3:3", False), ("Status", "Draft", "4:3", "4:11", True)])),
    ("a setext title, then the list",
     LIST, "HTTP CONNECT Proxy Support\n--------------------------\n* Status: Implemented\n",
     ("list", "HTTP CONNECT Proxy Support", [("Status", "Implemented", "3:3", "3:11", True)])),
    ("a rule under an ATX title",
     LIST, "# A28: routing\n----\n* Status: Final\n",
     ("list", "A28: routing", [("Status", "Final", "3:3", "3:11", True)])),
    ("HTML comments above the title",
     PARAGRAPH, "<!-- markdownlint-disable MD026 -->\n\n# Target Framework Names\n\n**Owner** Immo\n",
     ("paragraph", "Target Framework Names", [("Owner", "Immo", "5:3", "5:11", True)])),
    ("the header first, before any heading",
     LIST, "- Feature Name: `let_else`\n- Start Date: 2021-05-31\n\n# Summary\n",
     ("list", "", [("Feature Name", "let_else", "1:3", "1:18", True), ("Start Date", "2021-05-31", "2:3", "2:15", True)])),
    ("a paragraph of key lines, one going on over the next",
     PARAGRAPH, "# Better Obsoletion\n\n**Owner** [Immo](https://x.org/i) |\n**Work Items** [A](https://a.org) |\n"
                "[B](https://b.org)\nStatus: Draft\n",
     ("paragraph", "Better Obsoletion", [("Owner", "Immo", "3:3", "3:11", False),
                                         ("Work Items", "A | B", "4:3", "4:16", False),
                                         ("Status", "Draft", "6:1", "6:9", True)])),
    ("front matter: scalars, quoted, lists, empty",
     FRONT, '---\neip: 1\ntitle: "EIP Purpose: and Guidelines"\nauthor: [Ada, Bob]\nreplaces:\n'
            "created: 2015-10-27\n---\n\n# Heading\n",
     ("front-matter", "Heading", [("eip", "1", "2:1", "2:6", True),
                                  ("title", "EIP Purpose: and Guidelines", "3:1", "3:9", True),
                                  ("author", "Ada, Bob", "4:1", "4:9", False),
                                  ("replaces", "", "5:1", "5:10", True),
                                  ("created", "2015-10-27", "6:1", "6:10", True)])),
    ("front matter with CRLF line ends",
     FRONT, "---\r\nstatus: accepted\r\ndate: 2025-03-04\r\n---\r\n# T\r\n",
     ("front-matter", "T", [("status", "accepted", "2:1", "2:9", True), ("date", "2025-03-04", "3:1", "3:7", True)])),
    ("front matter that is not YAML says so",
     FRONT, "---\nstatus: [accepted\n---\n# T\n",
     ("front-matter", "T", [(None, "front matter: expected ',' or ']', but got '<stream end>'", "3:1", "3:1", False)])),
    ("the default reads the first list after the H1, over a paragraph",
     DEFAULT_FORMS, "# T\n\nIntro.\n\n- **Status:** Draft\n",
     ("bold-list", "T", [("Status", "Draft", "5:5", "5:15", True)])),
    ("a type's forms are tried before the default",
     DEFAULT_FORMS | LIST, "# T\n\n* Status: Draft\n\nText.\n\n- **Status:** Final\n",
     ("list", "T", [("Status", "Draft", "3:3", "3:11", True)])),
]


@pytest.mark.parametrize(("forms", "text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_header_is_read_in_its_form(forms: frozenset[str], text: str, expected: object) -> None:
    assert _read(text, forms) == expected


NOT_A_HEADER = [
    ("a body list after a paragraph, once the type says its form", LIST, "# T\n\nIntro.\n\n* Status: Draft\n"),
    ("a body list after another heading", LIST, "# T\n\n## Motivation\n\n* Status: Draft\n"),
    ("a leading list with an item that has no key", LIST, "- Feature Name: x\n- just text\n\n# Summary\n"),
    ("a paragraph whose first line has no key", PARAGRAPH, "# T\n\nThe .NET team.\n**Owner** Immo\n"),
    ("plain items in the bold form, with no title", BOLD, "* Status: Draft\n"),
    ("front matter never closed", FRONT, "---\nstatus: accepted\n\n# T\n"),
    ("front matter in the list form", LIST, "---\nstatus: accepted\n---\n\n# T\n\nText.\n"),
    ("an ordered list", LIST, "# T\n\n1. Status: Draft\n"),
]


@pytest.mark.parametrize(("forms", "text"), [case[1:] for case in NOT_A_HEADER], ids=[case[0] for case in NOT_A_HEADER])
def test_what_is_not_a_header(forms: frozenset[str], text: str) -> None:
    assert extract_header(text, forms) is None


@pytest.mark.parametrize(("text", "forms", "found"), [
    ("# T\n\n* Status: Draft\n", DEFAULT_FORMS, ("list", 5)),
    ("---\nstatus: x\n---\n# T\n", DEFAULT_FORMS, ("front-matter", 4)),
    ("# T\n\n**Owner** Immo\n", LIST, ("paragraph", 5)),
    ("# T\n\nNo header here.\n", DEFAULT_FORMS, None),
])
def test_the_form_a_header_is_found_in_when_not_the_expected_one(text: str, forms: frozenset[str],
                                                                  found: tuple[str, int] | None) -> None:
    assert other_form(text, forms) == found


def test_a_header_in_a_long_file_is_read_from_its_top_only() -> None:
    """The header of a type's form costs the same in a large file: only a prefix is parsed."""
    body = "Text [a](b.md).\n\n" * 50_000
    header = extract_header("# T\n\n* Status: Draft\n\n" + body, LIST)
    assert isinstance(header, Header) and header.fields[0].value == "Draft"


@pytest.mark.parametrize("forms", [LIST, PARAGRAPH, FRONT, DEFAULT_FORMS | LIST | PARAGRAPH],
                         ids=["list", "paragraph", "front-matter", "all"])
def test_reading_a_header_in_any_form_parses_a_bounded_prefix(monkeypatch: pytest.MonkeyPatch,
                                                              forms: frozenset[str]) -> None:
    """However large the file and whatever it holds (a header in another form, none, front matter that
    never closes), the header costs a bounded prefix of it."""
    read = characters_given_to_block_states(monkeypatch)

    def parsed(count: int) -> list[int]:
        body = "Text, and more text.\n\n" * count
        sums = []
        for text in ("# T\n\n* Status: x\n\n" + body, "# T\n\n" + body, "---\nstatus: x\n" + body,
                     "# T\n\n" + "* Key: value\n" * count):
            read.clear()
            extract_header(text, forms)
            sums.append(sum(read))
        return sums

    small, large = parsed(100_000), parsed(400_000)  # 2.2 and 8.8 MB of body
    assert small == large, "the work grew with the file"
    assert max(large) < 1_500_000
