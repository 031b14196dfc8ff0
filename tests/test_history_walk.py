"""The date-history walk as a pure function, fed synthetic commits: no repository, no git."""
from __future__ import annotations

import pytest

from spec_hooks.checks.history import _blobs_date_only, _verdict, differ_beyond_keys, trace_history
from spec_hooks.repo.history import Change, Commit

ZERO = "0" * 40


def blob(name: str) -> str:
    return name.ljust(40, "0")


def commit(name: str, parents: tuple[str, ...], *changes: Change) -> Commit:
    return Commit(name, parents, 0, "+0000", 0, "+0000", changes)


def modified(path: str, old: str, new: str, old_path: str | None = None) -> Change:
    return Change("R100" if old_path else "M", (old_path or path,), path, (blob(old),), blob(new))


def added(path: str, new: str) -> Change:
    return Change("A", (path,), path, (ZERO,), blob(new))


DATE_ONLY = {(blob("b1"), blob("b2")), (blob("m1"), blob("b3")), (blob("m2"), blob("b3"))}


def same_but_dates(old: str, new: str, path: str) -> bool:
    return (old, new) in DATE_ONLY


def walk(commits: list[Commit], documents: dict[str, str], ignored: frozenset[str] = frozenset(),
         boundary: frozenset[str] | None = frozenset(), trees: dict[str, dict[str, str]] | None = None):
    traces = trace_history(commits, {path: blob(name) for path, name in documents.items()}, same_but_dates,
                           set(ignored), True, boundary, lambda sha: (trees or {}).get(sha, {}))
    return {trace.document: (trace.changed and trace.changed.sha, trace.created and trace.created.sha, trace.unknown)
            for trace in traces}


LINEAR = [
    commit("c3", ("c2",), modified("a.md", "b1", "b2")),  # date-only
    commit("c2", ("c1",), modified("a.md", "b0", "b1")),  # content
    commit("c1", (), ),  # root: its additions come as its tree
]


@pytest.mark.parametrize(("name", "commits", "documents", "ignored", "boundary", "trees", "expected"), [
    ("a date-only change is skipped", LINEAR, {"a.md": "b2"}, frozenset(), frozenset(),
     {"c1": {"a.md": blob("b0")}}, {"a.md": ("c2", "c1", False)}),
    ("an ignored revision is skipped", LINEAR, {"a.md": "b2"}, frozenset({"c2"}), frozenset(),
     {"c1": {"a.md": blob("b0")}}, {"a.md": ("c1", "c1", False)}),
    ("a rename carries history to the new path",
     [commit("c2", ("c1",), modified("new.md", "b0", "b0", old_path="old.md")), commit("c1", (), added("old.md", "b0"))],
     {"new.md": "b0"}, frozenset(), frozenset(), {}, {"new.md": ("c1", "c1", False)}),
    ("a merge that changed only dates against both parents is skipped",
     [commit("m", ("p1", "p2"), Change("MM", ("a.md", "a.md"), "a.md", (blob("m1"), blob("m2")), blob("b3"))),
      commit("p1", ("r",), modified("a.md", "b0", "m1")), commit("p2", ("r",)), commit("r", (), added("a.md", "b0"))],
     {"a.md": "b3"}, frozenset(), frozenset(), {}, {"a.md": ("p1", "r", False)}),
    ("a change on a side branch the merge threw away does not count",
     [commit("m", ("p1", "p2")), commit("p2", ("r",), modified("a.md", "b0", "x9")),
      commit("p1", ("r",)), commit("r", (), added("a.md", "b0"))],
     {"a.md": "b0"}, frozenset(), frozenset(), {}, {"a.md": ("r", "r", False)}),
    ("history cut by a shallow clone is unknown", LINEAR[:2] + [commit("c1", ())], {"a.md": "b2"}, frozenset(),
     frozenset({"c1"}), {"c1": {"a.md": blob("b0")}}, {"a.md": ("c2", None, False)}),
    ("a document whose chain reaches a cut before any content change is unknown",
     [commit("c3", ("c2",), modified("a.md", "b1", "b2")), commit("c2", ())], {"a.md": "b2"}, frozenset(),
     frozenset({"c2"}), {"c2": {"a.md": blob("b1")}}, {"a.md": (None, None, True)}),
    ("a document no commit produced is unknown", LINEAR, {"z.md": "zz"}, frozenset(), frozenset(), {},
     {"z.md": (None, None, True)}),
])
def test_walk(name: str, commits: list[Commit], documents: dict[str, str], ignored: frozenset[str],
              boundary: frozenset[str] | None, trees: dict[str, dict[str, str]],
              expected: dict[str, tuple[str | None, str | None, bool]]) -> None:
    assert walk(commits, documents, ignored, boundary, trees) == expected, name


@pytest.mark.parametrize(("change", "expected"), [
    (modified("a.md", "b1", "b2"), True),
    (modified("a.md", "b0", "b1"), False),
    (modified("b.md", "b0", "b0", old_path="a.md"), True),  # a pure rename keeps the content
    (Change("MM", ("a.md", "a.md"), "a.md", (blob("m1"), blob("m2")), blob("b3")), True),
    (Change("MM", ("a.md", "a.md"), "a.md", (blob("m1"), blob("xx")), blob("b3")), False),  # content against one parent
])
def test_is_date_only(change: Change, expected: bool) -> None:
    """From the blob ids when they tell (an unchanged blob), else from comparing against every parent."""
    verdict = _verdict(change)
    assert (not verdict if verdict is not None else _blobs_date_only(change, same_but_dates)) is expected


@pytest.mark.parametrize(("old", "new", "whitespace", "surely", "content"), [
    (b"# T\n- **Updated:** 2025-01-01\nText\n", b"# T\n- **Updated:** 2025-02-02\nText\n", False, False, False),
    (b"# T\n- **Updated:** 2025-01-01\nText\n", b"# T\n- **Updated:** 2025-01-01\nOther\n", False, True, True),
    (b"# T\n- __Updated__: 2025-01-01\n", b"# T\n- __Updated__: 2025-02-02\n", False, False, False),
    (b"# T\n- <b>Updated:</b> 1\n", b"# T\n- <b>Updated:</b> 2\n", False, False, True),  # no header item after all
    (b"# T\r\nText\r\n", b"# T\nText\n", False, True, True),  # line endings are content
    (b"# T\n", b"# T\n\n", False, False, True),  # the same lines, one more time: the documents tell
    (b"A\nB\n", b"B\nA\n", False, False, True),  # the same lines in another order
    (b"# T\nText  \n", b"# T\nText\n", True, False, False),  # trailing-whitespace
    (b"# T\nText  \n", b"# T\nText\n", False, True, True),
    (b"# T\r\nText\r\n", b"# T\nText\n", True, False, False),  # mixed-line-ending
    (b"# T\nText", b"# T\nText\n", True, False, False),  # end-of-file-fixer
    (b"# T\nText\n\n\n", b"# T\nText\n", True, False, False),
    (b"# T\nText\n", b"# T\n Text\n", True, True, True),  # leading whitespace is content (it can make code)
    (b"# T\nText \nOther\n", b"# T\nText\nText\t\n", True, True, True),  # Other is gone, whitespace aside
    (b"# T\nA\n\nB\n", b"# T\nA\nB\n", True, False, True),  # a blank line between paragraphs is content
    (b"x\n" + b"".join(b"line %d \n" % n for n in range(100)), b"x\n" + b"".join(b"line %d\n" % n for n in range(100)),
     True, False, False),  # many lines differ in whitespace only: each is stripped once
])
def test_differ_beyond_keys(old: bytes, new: bytes, whitespace: bool, surely: bool, content: bool) -> None:
    """`surely`: the quick test alone says content; `content`: the answer once the documents are compared."""
    from spec_hooks.config import BUILTIN_TYPES
    from spec_hooks.document import Document
    from spec_hooks.documents import without_date_lines
    from spec_hooks.source import Source

    assert differ_beyond_keys(old, new, whitespace) is surely
    assert differ_beyond_keys(new, old, whitespace) is surely
    documents = [Document(Source("a.md", text.decode())) for text in (old, new)]
    compared = [without_date_lines(document, BUILTIN_TYPES, whitespace) for document in documents]
    assert (surely or compared[0] != compared[1]) is content


def test_only_the_changes_that_decide_a_date_are_read() -> None:
    """Rounds, newest first: a document's older changes are read only while the newer ones are date-only."""
    commits = [
        commit("c4", ("c3",), modified("a.md", "b1", "b2"), modified("z.md", "z1", "z2")),  # a: date-only
        commit("c3", ("c2",), modified("a.md", "b0", "b1"), modified("z.md", "z0", "z1")),  # both content
        commit("c2", ("c1",), modified("a.md", "a9", "b0"), modified("z.md", "y9", "z0")),  # never needed
        commit("c1", ()),
    ]
    rounds: list[set[str]] = []

    def fetch(blobs: list[str]) -> list[str]:
        rounds.append(set(blobs))
        return blobs

    traces = trace_history(commits, {"a.md": blob("b2"), "z.md": blob("z2")}, same_but_dates, set(), False,
                           frozenset(), lambda sha: {}, fetch)
    assert {trace.document: trace.changed and trace.changed.sha for trace in traces} == {"a.md": "c3", "z.md": "c4"}
    assert rounds == [{blob("b1"), blob("b2"), blob("z1"), blob("z2")}, {blob("b0"), blob("b1")}]


def test_known_answers_are_not_read_again() -> None:
    commits = [commit("c3", ("c2",), modified("a.md", "b1", "b2")), commit("c2", ("c1",), modified("a.md", "b0", "b1")),
               commit("c1", ())]
    rounds: list[list[str]] = []

    def fetch(blobs: list[str]) -> list[str]:
        rounds.append(blobs)
        return blobs

    answers = {(blob("b1"), blob("b2")): True, (blob("b0"), blob("b1")): False}
    traces = trace_history(commits, {"a.md": blob("b2")}, lambda *args: pytest.fail("compared again"), set(), False,
                           frozenset(), lambda sha: {}, fetch, lambda old, new: answers.get((old, new)))
    assert traces[0].changed is not None and traces[0].changed.sha == "c2"
    assert all(not blobs for blobs in rounds)


_PIECES = ["# T", "- **Updated:** 2025-01-0", "- **Created:** 1", "Text", " Text", "Text ", "Text\t", "", " ", "<b>x</b>",
           "__a__", "\r"]


def _texts():
    from hypothesis import strategies as st

    line = st.lists(st.sampled_from(_PIECES), max_size=3).map("".join)
    return st.lists(line, max_size=8).map("\n".join)


def test_the_quick_test_is_sound() -> None:
    """Whenever it says content, the documents differ in more than their date lines."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from spec_hooks.config import BUILTIN_TYPES
    from spec_hooks.document import Document
    from spec_hooks.documents import without_date_lines
    from spec_hooks.source import Source

    @settings(max_examples=1500, deadline=None)
    @given(_texts(), _texts(), st.booleans())
    def check(old: str, new: str, whitespace: bool) -> None:
        if differ_beyond_keys(old.encode(), new.encode(), whitespace):
            compared = [without_date_lines(Document(Source("a.md", text)), BUILTIN_TYPES, whitespace) for text in (old, new)]
            assert compared[0] != compared[1]

    check()
