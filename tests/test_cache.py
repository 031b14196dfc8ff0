"""The parsed-document cache is never trusted: anything odd in a shard discards and rewrites it."""
from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from spec_hooks.cache import DocumentCache
from spec_hooks.document import Document
from spec_hooks.source import Source

from conftest import Repo

BLOB = "ab" + "0" * 38


def _payload(text: str = "# T\n\n[a](a.md)\n") -> tuple:
    return Document(Source("x.md", text)).payload()


def _cache(folder: Path) -> DocumentCache:
    return DocumentCache(folder, Document.valid_payload)


def test_round_trip_and_one_shard_per_first_byte(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    cache.put(BLOB, _payload())
    cache.put("cd" + "1" * 38, _payload("# U\n"))
    cache.save()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ab", "cd"]
    again = _cache(tmp_path)
    assert again.get(BLOB) == _payload()
    document = Document(Source("x.md", "# T\n\n[a](a.md)\n"), (None, again.get(BLOB)))
    assert [link.target for link in document.links] == ["a.md"] and document.anchors.headings == ("t",)


def _shard(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "ab"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "entries",
    [
        {BLOB: ("not", "the", "shape")},
        {BLOB: ((("inline", "a.md", "0", 0, True, "", True),), (), (), (), ())},  # a string for an int
        {BLOB: ((), (), (), (1,), ())},  # an anchor that is not text
        {42: _payload()},
    ],
)
def test_a_shard_with_one_entry_of_the_wrong_shape_is_discarded_and_rewritten(tmp_path: Path, entries: dict) -> None:
    cache = _cache(tmp_path)
    path = _shard(tmp_path, marshal.dumps((cache.key, {"ab" + "2" * 38: _payload(), **entries})))
    assert cache.get(BLOB) is None and cache.get("ab" + "2" * 38) is None
    cache.save()
    assert marshal.loads(path.read_bytes()) == (cache.key, {}), "the broken shard was rewritten"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00garbage", marshal.dumps(("another version", {BLOB: _payload()})), marshal.dumps([1, 2, 3])[:5],
     b"[" + b"\xff" * 64],  # a marshal list claiming billions of items
)
def test_unreadable_or_foreign_shards_are_ignored(tmp_path: Path, data: bytes) -> None:
    _shard(tmp_path, data)
    assert _cache(tmp_path).get(BLOB) is None


def test_a_fifo_at_a_shard_path_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ab")
    cache = _cache(tmp_path)
    assert cache.get(BLOB) is None
    cache.put(BLOB, _payload())
    cache.save()
    assert (tmp_path / "ab").is_file() and _cache(tmp_path).get(BLOB) == _payload()


def test_an_oversized_shard_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spec_hooks import cache as module

    cache = _cache(tmp_path)
    _shard(tmp_path, marshal.dumps((cache.key, {BLOB: _payload()})))
    monkeypatch.setattr(module, "MAX_SHARD", 10)
    assert _cache(tmp_path).get(BLOB) is None


def test_a_poisoned_cache_changes_no_finding(repo: Repo, cli) -> None:
    """A shard that claims a file has no links must not hide its broken link: wrong shapes are caught,
    and a well-formed lie is keyed by the blob id of other content, so it is never met."""
    repo.write("a.md", "# A\n\n[x](missing.md)\n")
    repo.add()
    first = cli("links")
    assert first.codes() == ["SH201"]
    folder = repo.root / ".git" / "spec-hooks" / "documents"
    for shard in folder.iterdir():
        key, entries = marshal.loads(shard.read_bytes())
        shard.write_bytes(marshal.dumps((key, {blob: "bomb" for blob in entries})))
    assert cli("links").lines == first.lines
    assert cli("links").lines == first.lines, "the run that found the shard broken rewrote it"


def test_headers_of_a_large_run_share_the_links_cache_with_the_same_findings(repo: Repo, cli) -> None:
    for index in range(25):
        status = "Approved" if index == 7 else "Draft"
        repo.write(f"specs/a/s{index:02d}.md", f"# S{index}\n\n- **Spec ID:** a/s{index:02d}\n- **Status:** {status}\n"
                   "- **Version:** 1.0\n- **Created:** 2025-01-01\n- **Updated:** 2025-01-01\n")
    repo.add()
    cold = cli("headers")
    assert cold.codes() == ["SH106"]
    folder = repo.root / ".git" / "spec-hooks" / "documents"
    assert _entries(folder) and all(header is not None and body is None for header, body in _entries(folder))
    assert cli("headers").lines == cold.lines
    cli("links")  # the links hook adds each blob's links and anchors to the same entries
    assert all(header is not None and body is not None for header, body in _entries(folder))
    assert cli("headers").lines == cold.lines


def _entries(folder: Path) -> list[tuple]:  # type: ignore[type-arg]
    return [entry for shard in folder.iterdir() for entry in marshal.loads(shard.read_bytes())[1].values()]


# The answers of the history pass: whether a pair of blobs differs in more than dates -------------


def _dated_history(repo: Repo) -> None:
    from conftest import spec

    for when, updated, text in (("2025-02-14", "2025-02-14", "Text."), ("2025-03-01", "2025-03-01", "Changed."),
                                ("2025-04-01", "2025-03-15", "Changed.")):  # the last is date-only
        repo.write("specs/rest/webhooks-v2.md", spec(updated=updated).replace("Text.", text))
        repo.add()
        repo.commit(when=f"{when}T10:00:00+00:00")
    repo.write("specs/rest/other.md", spec(spec_id="rest/other", created="2025-01-01", updated="2025-01-01"))
    repo.add()
    repo.commit(when="2025-05-01T10:00:00+00:00")


def test_verdicts_are_kept_and_a_second_run_reads_no_blob_of_history(repo: Repo, cli, tmp_path: Path) -> None:
    import subprocess
    import sys

    _dated_history(repo)
    first = cli("dates", "--check")
    assert first.codes() == ["SH301"]  # other.md says 2025-01-01, added 2025-05-01
    path = repo.root / ".git" / "spec-hooks" / "changes"
    key, verdicts = marshal.loads(path.read_bytes())
    assert "whitespace True" in key and sorted(verdicts.values()) == [False, True]
    trace = tmp_path / "trace.log"
    subprocess.run([sys.executable, "-m", "spec_hooks", "dates", "--check"], cwd=repo.root, check=False,
                   capture_output=True, env={**os.environ, "GIT_TRACE_PACKET": "", "GIT_TRACE": str(trace)})
    assert "cat-file" not in trace.read_text(), "every pair was answered from the kept verdicts"
    assert cli("dates", "--check").lines == first.lines


@pytest.mark.parametrize("data", [b"garbage", b"", marshal.dumps(("another key", {})), marshal.dumps(("k", [1]))])
def test_kept_verdicts_that_cannot_be_trusted_are_ignored_and_rewritten(repo: Repo, cli, data: bytes) -> None:
    _dated_history(repo)
    first = cli("dates", "--check")
    path = repo.root / ".git" / "spec-hooks" / "changes"
    path.write_bytes(data)
    assert cli("dates", "--check").lines == first.lines
    assert len(marshal.loads(path.read_bytes())[1]) == 2, "rewritten with what this run compared"


def test_a_well_formed_lie_in_the_kept_verdicts_is_keyed_by_settings(repo: Repo, cli) -> None:
    """A verdict is only met for the same pair of blobs under the same date fields and whitespace setting."""
    _dated_history(repo)
    first = cli("dates", "--check")
    path = repo.root / ".git" / "spec-hooks" / "changes"
    key, verdicts = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((key.replace("whitespace True", "whitespace False"), dict.fromkeys(verdicts, False))))
    assert cli("dates", "--check").lines == first.lines
    path.write_bytes(marshal.dumps((key, dict.fromkeys(verdicts, False))))
    assert cli("dates", "--check").codes() == ["SH301", "SH301"], "the same lie under this run's key is believed"


# Each file's link findings, kept with what they depend on -------------------------------------------


def _linked_repository(repo: Repo) -> None:
    repo.write("target.md", "# Target\n\n## Kept heading\n\n## Old heading\n")
    repo.write("docs/a.md", "# A\n\n[t](../target.md#old-heading) [k](../target.md#kept-heading) [m](../missing.md)\n")
    repo.write("docs/b.md", "# B\n\n<!-- spec-hooks: disable-next-line SH201 -->\n[gone](gone.md)\n\n[x](../target.md)\n")
    for index in range(22):
        repo.write(f"docs/n{index:02d}.md", f"# N{index}\n\n[a](a.md)\n")
    repo.add()
    repo.commit()


def _links_file(repo: Repo) -> Path:
    return repo.root / ".git" / "spec-hooks" / "links"


def test_kept_link_findings_are_replayed_without_reading_a_file(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from spec_hooks import source

    _linked_repository(repo)
    first = cli("links")
    assert first.codes() == ["SH201"] and _links_file(repo).exists()
    reads: list[str] = []
    real = source.read_source
    monkeypatch.setattr(source, "read_source", lambda root, path, regular=False: reads.append(path) or real(root, path, regular))
    again = cli("links")
    assert again.lines == first.lines and again.summary == first.summary
    assert reads == ["docs/b.md"], "only the file with an inline directive is read, to apply it"
    repo.write("docs/n00.md", "# N0\n\nEdited, [a](a.md).\n")
    repo.add("docs/n00.md")
    reads.clear()
    assert cli("links").lines == first.lines
    assert sorted(reads) == ["docs/b.md", "docs/n00.md"], "a staged edit elsewhere leaves the other files' findings"


def test_a_changed_target_makes_its_referrers_checked_again(repo: Repo, cli) -> None:
    _linked_repository(repo)
    assert cli("links").codes() == ["SH201"]
    repo.write("target.md", "# Target\n\n## Kept heading\n\n## New heading\n")  # staged: the text hooks read
    repo.add("target.md")
    assert sorted(cli("links").codes()) == ["SH201", "SH212"], "renamed in the staged change"
    repo.commit()
    assert sorted(cli("links").codes()) == ["SH201", "SH205"], "the target's new blob, nothing staged"


def test_a_path_that_appears_changes_the_findings_that_named_it(repo: Repo, cli) -> None:
    _linked_repository(repo)
    assert cli("links").codes() == ["SH201"]
    repo.write("missing.md", "# Now here\n")
    assert cli("links").codes() == ["SH202"], "untracked now"
    repo.add("missing.md")
    assert cli("links").codes() == []
    repo.git("rm", "-q", "--cached", "missing.md")
    (repo.root / "missing.md").unlink()
    repo.write("Missing.md", "# Another case\n")
    repo.add("Missing.md")
    assert cli("links").codes() == ["SH203"], "a path elsewhere decides a case-only match"


def test_settings_and_staged_moves_are_part_of_the_key(repo: Repo, cli) -> None:
    _linked_repository(repo)
    assert cli("links").codes() == ["SH201"]
    repo.write(".spec-hooks.yaml", "disable: [SH201]\n")
    assert cli("links").codes() == []
    (repo.root / ".spec-hooks.yaml").unlink()
    repo.git("mv", "target.md", "moved.md")
    assert sorted(cli("links").codes()) == ["SH201", "SH209", "SH209", "SH209"]


@pytest.mark.parametrize("data", [b"", b"junk", marshal.dumps(("x", {})), marshal.dumps(("key", ("d", {"a": 1})))])
def test_kept_link_findings_that_cannot_be_trusted_are_ignored(repo: Repo, cli, data: bytes) -> None:
    _linked_repository(repo)
    first = cli("links")
    key = marshal.loads(_links_file(repo).read_bytes())[0]
    _links_file(repo).write_bytes(data.replace(b"key", key.encode()) if b"key" in data else data)
    assert cli("links").lines == first.lines
    assert marshal.loads(_links_file(repo).read_bytes())[0] == key, "rewritten"


def test_a_well_formed_lie_in_the_kept_findings_is_believed_only_for_the_same_blob(repo: Repo, cli) -> None:
    _linked_repository(repo)
    assert cli("links").codes() == ["SH201"]
    key, (digest, results) = marshal.loads(_links_file(repo).read_bytes())
    lied = {path: (entry[0], (), *entry[2:]) for path, entry in results.items()}
    _links_file(repo).write_bytes(marshal.dumps((key, (digest, lied))))
    assert cli("links").codes() == ["SH005"], "what is kept for an unchanged file is believed (b.md's directive now silences nothing)"
    repo.write("docs/a.md", repo.read("docs/a.md") + b"\nMore.\n")
    repo.add("docs/a.md")
    assert cli("links").codes() == ["SH201", "SH005"], "a changed file is checked again; b.md's lie stands"


def test_findings_that_depend_on_the_list_of_paths_go_when_a_partial_run_sees_it_change(repo: Repo, cli) -> None:
    _linked_repository(repo)
    repo.write("docs/a.md", "# A\n\n[o](Other.md)\n")
    repo.add()
    assert cli("links").codes() == ["SH201"]
    repo.write("docs/other.md", "# Other\n")
    repo.add("docs/other.md")
    cli("links", *(f"docs/n{index:02d}.md" for index in range(22)))  # a.md is not among them
    assert cli("links").codes() == ["SH203"], "a.md's link differs in case from a path added since"


# Header lines kept by blob id: what a hook run's repository-wide questions read -----------------------

HEADER_LINES_CASES = [
    ("# T\n\nText.\n", (0, "")),
    ("# T\n\n- **Spec ID:** a/b\n- **Status:** Draft\n\nBody **Spec ID:** x\n", (3, "- **Spec ID:** a/b\n- **Status:** Draft")),
    ("# T\r\n\r\n- **Spec ID:** a/b\r\n- **Status:** Draft\r\n", (3, "- **Spec ID:** a/b\r\n- **Status:** Draft\r")),
    ("# T\n\n- **Spec ID:** a/b", (3, "- **Spec ID:** a/b")),
    ("# T\n\n- **Spec ID:** " + "x" * (1 << 20) + "\n", None),  # too long to keep: read again when asked
]


@pytest.mark.parametrize(("text", "expected"), HEADER_LINES_CASES)
def test_header_lines_are_the_header_items_and_nothing_after(text: str, expected: tuple[int, str] | None) -> None:
    from spec_hooks.document import header_lines

    assert header_lines(Document(Source("x.md", text))) == expected


def test_header_text_finds_each_line_once_with_its_file_and_number() -> None:
    from spec_hooks.document import HeaderText

    known = [("a.md", (3, "- **Spec ID:** a\n- **Supersedes:** b, c")), ("empty.md", (0, "")),
             ("b.md", (5, "- **Spec ID:** b"))]
    headers = HeaderText.of(known)
    assert headers.lines_holding(["b"]) == [("a.md", 4, "- **Supersedes:** b, c"), ("b.md", 5, "- **Spec ID:** b")]
    assert headers.lines_holding(["b, c", "Supersedes"]) == [("a.md", 4, "- **Supersedes:** b, c")]
    assert headers.lines_holding(["Spec ID"]) == [("a.md", 3, "- **Spec ID:** a"), ("b.md", 5, "- **Spec ID:** b")]
    assert headers.lines_holding(["zzz"]) == []
    assert HeaderText.of([]).lines_holding(["a"]) == []
    # A wanted text that starts with a line break (a value spanning lines) is found and the search ends.
    assert headers.lines_holding(["\n- **Supersedes"]) == [("a.md", 3, "- **Spec ID:** a")]


def test_header_text_numbers_every_line_of_a_large_header_in_one_pass() -> None:
    """A header of 10,000 items each holding the wanted string: every line numbered right, the owner's line
    breaks found once (not counted again from its start for each line: that was quadratic)."""
    from spec_hooks.document import HeaderText

    items = "\n".join(f"- **Key{i}:** value {i}" for i in range(10_000))
    headers = HeaderText.of([("small.md", (3, "- **Key:** value")), ("big.md", (7, items))])
    found = headers.lines_holding(["value"])
    assert found[0] == ("small.md", 3, "- **Key:** value")
    assert [number for _, number, _ in found[1:]] == list(range(7, 10_007))
    assert found[-1] == ("big.md", 10_006, "- **Key9999:** value 9999")
    assert headers._breaks[0] == [] and len(headers._breaks[1]) == 9_999  # found once per owner


def _header_key(folder: Path) -> str:
    from spec_hooks.cache import HeaderLines

    table = HeaderLines(folder)
    _ = table.base
    return table.key


BASE_SHAPES = [b"", b"\x00junk", "key", ((), (), ()), (("ab",), (1,), (3,), "xyz!"), (("ab",), (1,), (-1,), ""),
               (("ab", "cd"), (1, 2), (1, 1), "a\nb\n"), ((3,), (1,), (1,), "a"), (("ab",), ("1",), (1,), "a")]


@pytest.mark.parametrize("stored", BASE_SHAPES)
def test_kept_header_lines_of_a_wrong_shape_are_discarded(tmp_path: Path, stored: object) -> None:
    from spec_hooks.cache import HeaderLines, write_keyed

    folder = tmp_path / "spec-hooks"
    folder.mkdir()
    for name in ("headers", "headers-new"):
        if isinstance(stored, bytes):
            (folder / name).write_bytes(stored)
        else:
            write_keyed(folder / name, _header_key(tmp_path / "none"), stored)
    table = HeaderLines(folder)
    assert table.base == ((), (), (), "") and table.new == {}
    table.put(BLOB, (1, "- **A:** b"))
    table.save()
    assert HeaderLines(folder).new == {BLOB: (1, "- **A:** b")}


def test_kept_header_lines_join_the_large_file_at_a_whole_run_and_old_ones_go(tmp_path: Path) -> None:
    from spec_hooks.cache import HeaderLines

    folder = tmp_path / "spec-hooks"
    other = "cd" + "1" * 38
    table = HeaderLines(folder)
    table.put(BLOB, (3, "- **A:** b\n- **C:** d"))
    table.put(other, (0, ""))
    table.save()  # a hook run: only the small file
    assert not (folder / "headers").exists() and (folder / "headers-new").exists()
    table = HeaderLines(folder)
    table.save(live={BLOB, other})
    table = HeaderLines(folder)
    assert table.new == {} and table.base == ((BLOB, other), (3, 0), (21, 0), "- **A:** b\n- **C:** d\n")
    table.save(live={other})  # a whole run that no longer met BLOB
    assert HeaderLines(folder).base == ((other,), (0,), (0,), "")


def test_a_document_shard_is_written_in_memory_of_about_its_size(tmp_path: Path) -> None:
    """marshal's newer formats keep a table of every object written that something else refers to: for a
    file of 350,000 links, 100 MB more at the run's peak. The shard of a parsed document is written without
    one: writing it takes about twice its size (the bytes, then the file), and it reads back the same."""
    import tracemalloc

    starts = [10**6 + 30 * index for index in range(50_000)]
    links = tuple(("inline", f"t{index}.md", start, start + 4, True, "", True) for index, start in enumerate(starts))
    held = list(links)  # referred to from elsewhere, as the run's links are
    payload = (links, (), (), ("a",), (), ())
    cache = _cache(tmp_path / "documents")
    cache.put("ab" * 20, payload)
    tracemalloc.start()
    try:
        cache.save()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    written = (tmp_path / "documents" / "ab").stat().st_size
    assert peak < 2.5 * written, (peak, written)  # format 4 here: 4.3x
    assert _cache(tmp_path / "documents").get("ab" * 20) == payload and held
