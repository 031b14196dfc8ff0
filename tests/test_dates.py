"""bump-spec-dates and check-spec-dates on real repositories with fixed commit dates."""
from __future__ import annotations

import os
import stat
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import Repo, integration, spec

TODAY = date.today().isoformat()
PATH = "specs/rest/webhooks-v2.md"


def committed(repo: Repo, text: str, when: str = "2025-01-02T10:00:00+00:00", path: str = PATH) -> str:
    repo.write(path, text)
    repo.add(path)
    return repo.commit(f"edit {path}", when=when)


# The fixer ------------------------------------------------------------------------------------


def test_content_change_bumps_updated_and_only_the_date_characters(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"))
    changed = spec(updated="2025-01-02").replace("Text.", "New text.")
    repo.write(PATH, changed)
    repo.add(PATH)
    result = cli("dates", PATH)
    assert (result.status, result.out) == (1, f"{PATH}: Updated 2025-01-02 -> {TODAY}\n")
    assert repo.read(PATH) == changed.replace("**Updated:** 2025-01-02", f"**Updated:** {TODAY}").encode()
    assert "**Updated:** 2025-01-02" in repo.git("show", f":{PATH}"), "the fixer never stages"
    again = cli("dates", PATH)
    assert (again.status, again.out) == (0, ""), "running twice changes nothing"


def test_date_only_change_is_not_a_content_change(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"))
    repo.write(PATH, spec(updated="2025-02-03", created="2025-01-01"))
    repo.add(PATH)
    result = cli("dates", PATH)
    assert (result.status, result.out) == (0, "")


def test_unchanged_and_unstaged_documents_are_left_alone(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"))
    assert cli("dates", PATH).out == ""
    repo.write(PATH, spec(updated="2025-01-02").replace("Text.", "Unstaged edit."))
    assert cli("dates", PATH).out == "", "compares the staged content, which has not changed"


def test_new_documents_get_created_and_updated(repo: Repo, cli) -> None:
    repo.commit("start")
    repo.write(PATH, spec(created="YYYY-MM-DD", updated="YYYY-MM-DD"))
    repo.write("integrations/pagarme.md", integration(updated="{{YYYY-MM-DD}}"))
    repo.write("specs/rest/kept.md", spec(spec_id="rest/kept", created="2024-05-06", updated="2024-05-06"))
    repo.add()
    result = cli("dates", PATH, "integrations/pagarme.md", "specs/rest/kept.md")
    assert result.status == 1
    assert result.lines == [
        f"{PATH}: Created YYYY-MM-DD -> {TODAY}, Updated YYYY-MM-DD -> {TODAY}",
        f"integrations/pagarme.md: Last updated {{{{YYYY-MM-DD}}}} -> {TODAY}",
        f"specs/rest/kept.md: Updated 2024-05-06 -> {TODAY}",
    ]
    assert "**Created:** 2024-05-06" in repo.read("specs/rest/kept.md").decode(), "a real Created date is kept"


def test_empty_date_values_are_filled(repo: Repo, cli) -> None:
    text = spec().replace("**Created:** 2025-01-02", "**Created:**").replace("**Updated:** 2025-03-04", "**Updated:**  ")
    repo.write(PATH, text)
    repo.add()
    assert cli("dates", PATH).status == 1
    assert repo.read(PATH).decode() == text.replace("**Created:**\n", f"**Created:** {TODAY}\n").replace(
        "**Updated:**  \n", f"**Updated:** {TODAY}  \n")


def test_crlf_bom_and_hard_breaks_survive_byte_for_byte(repo: Repo, cli) -> None:
    original = ("\ufeff" + spec(updated="2025-01-02").replace("\n", "  \r\n")).encode("utf-8")
    committed_bytes = original
    repo.write(PATH, committed_bytes)
    repo.add()
    repo.commit("crlf")
    changed = committed_bytes.replace(b"Text.", b"Other text.")
    repo.write(PATH, changed)
    repo.add()
    assert cli("dates", PATH).status == 1
    assert repo.read(PATH) == changed.replace(b"2025-01-02  \r\n- **Created", b"2025-01-02  \r\n- **Created").replace(
        b"**Updated:** 2025-01-02", f"**Updated:** {TODAY}".encode())


def test_write_is_atomic_and_keeps_the_mode(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"))
    target = repo.write(PATH, spec(updated="2025-01-02").replace("Text.", "More."))
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    repo.add()
    assert cli("dates", PATH).status == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode, "written to a temporary file and renamed over"
    assert sorted(p.name for p in target.parent.iterdir()) == ["webhooks-v2.md"], "no temporary file left"


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_configured_time_zone_decides_today(repo: Repo, cli, zone: str) -> None:
    repo.write(".spec-hooks.yaml", f"timezone: {zone}\n")
    committed(repo, spec(updated="2025-01-02"))
    repo.write(PATH, spec(updated="2025-01-02").replace("Text.", "More."))
    repo.add(PATH)
    expected = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert cli("dates", PATH).out == f"{PATH}: Updated 2025-01-02 -> {expected}\n"


def test_configured_date_fields(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "types:\n  spec:\n    updated_field: Version\n")
    committed(repo, spec(updated="2025-01-02"))
    repo.write(PATH, spec(updated="2025-01-02").replace("Text.", "More."))
    repo.add(PATH)
    assert cli("dates", PATH).out == f"{PATH}: Version 1.0 -> {TODAY}\n"


# The verifier -------------------------------------------------------------------------------


def test_stale_date_is_reported_with_the_commit(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    sha = committed(repo, spec(updated="2025-02-14").replace("Text.", "Changed."), when="2025-06-30T10:00:00+00:00")
    result = cli("dates", "--check")
    assert result.status == 1
    assert result.lines == [f"{PATH}:7:16: SH301 Updated 2025-02-14 but content changed on 2025-06-30 ({sha[:7]})"]


def test_date_only_commits_do_not_count(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    committed(repo, spec(updated="2025-02-20"), when="2025-06-30T10:00:00+00:00")  # a date-only commit
    assert cli("dates", "--check").out == ""


def test_a_date_item_outside_the_header_is_content(repo: Repo, cli) -> None:
    """Only the header's date items are dates: a changelog list further down that happens to use
    `**Updated:**` is the document's content, in history and in the staged change alike."""
    log = "\n## Changelog\n\n- **Updated:** {day} by the API team\n"
    committed(repo, spec(updated="2025-02-14") + log.format(day="2025-02-01"), when="2025-02-14T10:00:00+00:00")
    sha = committed(repo, spec(updated="2025-02-14") + log.format(day="2025-06-30"), when="2025-06-30T10:00:00+00:00")
    assert cli("dates", "--check").lines == [
        f"{PATH}:7:16: SH301 Updated 2025-02-14 but content changed on 2025-06-30 ({sha[:7]})"]
    repo.write(PATH, spec(updated="2025-02-14") + log.format(day="2025-07-01"))
    repo.add(PATH)
    assert cli("dates", PATH).out == f"{PATH}: Updated 2025-02-14 -> {TODAY}\n"


def test_a_date_item_written_another_way_is_still_a_date(repo: Repo, cli) -> None:
    """What makes a header item a date item is what GitHub renders (`__Updated__:` is `**Updated:**`),
    not one way of writing it."""
    text = spec(updated="2025-02-14").replace("- **Updated:** 2025-02-14", "- __Updated__: 2025-02-14")
    committed(repo, text, when="2025-02-14T10:00:00+00:00")
    committed(repo, text.replace("2025-02-14", "2025-02-20"), when="2025-06-30T10:00:00+00:00")
    assert cli("dates", "--check").out == ""
    sha = committed(repo, text.replace("2025-02-14", "2025-02-20").replace("Text.", "New."), when="2025-07-01T10:00:00+00:00")
    assert cli("dates", "--check").lines == [
        f"{PATH}:7:16: SH301 Updated 2025-02-20 but content changed on 2025-07-01 ({sha[:7]})"]


@pytest.mark.parametrize("byte", [b"\x01", b"\x00\x01", b"\x01spec-hooks-\x01"])
def test_any_byte_in_history_is_read_as_data(repo: Repo, cli, byte: bytes) -> None:
    """Issue 10, bug 6: one 0x01 in a changed file or a file name crashed every later run."""
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    repo.write("data.txt", b"a" + byte + b"b\n")
    repo.write("we\x01ird.txt", b"x")
    committed(repo, spec(updated="2025-02-20"), when="2025-06-30T10:00:00+00:00")  # date-only, beside the odd bytes
    repo.write("data.txt", b"c" + byte + b"d\n")
    repo.add()
    repo.commit("data", when="2025-07-01T10:00:00+00:00")
    assert (cli("dates", "--check").out, cli("dates", "--check", "--fix").out) == ("", "")


def test_future_and_created_after_updated(repo: Repo, cli) -> None:
    committed(repo, spec(created="2999-02-01", updated="2999-01-01"), when="2025-01-02T10:00:00+00:00")
    result = cli("dates", "--check")
    assert result.codes() == ["SH108", "SH109", "SH109"]


def test_author_to_committer_window_is_accepted(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"), when="2025-01-02T10:00:00+00:00")
    text = spec(updated="2025-06-29").replace("Text.", "Amended later.")
    repo.write(PATH, text)
    repo.add()
    repo.commit("amend", when="2025-07-02T10:00:00+00:00", author_when="2025-06-29T10:00:00+00:00")
    assert cli("dates", "--check").out == ""
    repo.write(PATH, text.replace("2025-06-29", "2025-06-28"))
    repo.add()
    repo.commit("date-only", when="2025-07-03T10:00:00+00:00")
    assert cli("dates", "--check").codes() == ["SH301"]


def test_dates_are_read_in_the_authors_time_zone(repo: Repo, cli) -> None:
    # 23:30 in New York is already the next day in UTC.
    committed(repo, spec(updated="2025-06-30"), when="2025-06-30T23:30:00-04:00")
    assert cli("dates", "--check").out == ""
    repo.write(".spec-hooks.yaml", "dates:\n  timezone: utc\n")
    assert cli("dates", "--check").lines[0].endswith("SH301 Updated 2025-06-30 but content changed on 2025-07-01 "
                                                     f"({repo.git('rev-parse', '--short=7', 'HEAD').strip()})")


def test_backfill_rewrites_dates_from_history(repo: Repo, cli) -> None:
    committed(repo, spec(created="YYYY-MM-DD", updated="YYYY-MM-DD"), when="2025-02-14T10:00:00+00:00")
    committed(repo, spec(created="YYYY-MM-DD", updated="YYYY-MM-DD").replace("Text.", "B."), when="2025-06-30T10:00:00+00:00")
    result = cli("dates", "--check", "--fix")
    assert result.status == 1
    assert result.out == f"{PATH}: Created YYYY-MM-DD -> 2025-02-14, Updated YYYY-MM-DD -> 2025-06-30\n"
    repo.add()
    repo.commit("backfill", when="2025-07-01T10:00:00+00:00")
    assert cli("dates", "--check").out == ""


def test_renames_carry_history(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    repo.git("mv", PATH, "specs/rest/hooks.md")
    repo.commit("rename", when="2025-06-30T10:00:00+00:00")
    result = cli("dates", "--check")
    assert result.out == "", "a rename is no content change"
    repo.write("specs/rest/hooks.md", spec(updated="2025-02-14").replace("Text.", "After the rename."))
    repo.add()
    sha = repo.commit("edit", when="2025-08-01T10:00:00+00:00")
    assert cli("dates", "--check", "specs/rest/hooks.md").lines == [
        f"specs/rest/hooks.md:7:16: SH301 Updated 2025-02-14 but content changed on 2025-08-01 ({sha[:7]})"
    ]


def test_ignored_revisions_are_not_content_changes(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    sha = committed(repo, spec(updated="2025-02-14").replace("Text.", "Text, reformatted."), when="2025-06-30T10:00:00+00:00")
    assert cli("dates", "--check").codes() == ["SH301"]
    repo.write(".git-blame-ignore-revs", f"# formatting\n{sha}\n")
    assert cli("dates", "--check").out == ""


def test_merges_count_what_they_change_not_what_they_throw_away(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    repo.git("checkout", "-q", "-b", "side")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "Side text."), when="2025-03-01T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "-s", "ours", "--no-edit", "side", env={"GIT_COMMITTER_DATE": "2025-03-02T10:00:00+00:00"})
    assert cli("dates", "--check").out == "", "the side change was thrown away by the merge"
    # A merge that resolves a conflict by writing new content changes it, on the merge's date.
    repo.git("checkout", "-q", "-b", "other", "HEAD~1")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "Other text."), when="2025-04-01T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "Main text."), when="2025-04-02T10:00:00+00:00")
    subprocess.run(["git", "merge", "-q", "other"], cwd=repo.root, capture_output=True)
    repo.write(PATH, spec(updated="2025-04-02").replace("Text.", "Resolved text."))
    repo.add()
    merge = repo.commit("merge other", when="2025-04-05T10:00:00+00:00")
    assert len(repo.git("rev-list", "--parents", "-n1", "HEAD").split()) == 3
    assert cli("dates", "--check").lines == [
        f"{PATH}:7:16: SH301 Updated 2025-04-02 but content changed on 2025-04-05 ({merge[:7]})"
    ]


def test_shallow_clone_reports_unknown_not_stale(repo: Repo, cli, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    committed(repo, spec(updated="2025-02-14"), path="specs/rest/other.md", when="2025-03-01T10:00:00+00:00")
    repo.write("specs/rest/other.md", spec(updated="2025-02-14").replace("Text.", "Edited."))
    repo.add()
    repo.commit("edit other", when="2025-04-01T10:00:00+00:00")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    result = cli("dates", "--check")
    assert result.lines == [
        "specs/rest/other.md:7:16: SH301 Updated 2025-02-14 but content changed on 2025-04-01 "
        f"({subprocess.run(['git', 'rev-parse', '--short=7', 'HEAD'], cwd=clone, capture_output=True, text=True).stdout.strip()})",
        f"{PATH}:7:16: SH302 cannot verify Updated: its last change lies beyond this shallow clone's history",
    ]
    assert result.err == ("spec-hooks: note: 1 date cannot be verified in this shallow clone: fetch the whole history "
                          "(actions/checkout: `fetch-depth: 0`; or `git fetch --filter=blob:none --unshallow`)\n")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(tmp_path / "one")], check=True)
    monkeypatch.chdir(tmp_path / "one")
    depth_one = cli("dates", "--check")
    assert depth_one.codes() == ["SH302", "SH302"] and depth_one.status == 0, "never a wrong date reported as stale"


# Git edge states ----------------------------------------------------------------------------


def test_repository_with_no_commits(repo: Repo, cli) -> None:
    repo.write(PATH, spec(created="YYYY-MM-DD", updated="YYYY-MM-DD"))
    repo.add()
    assert cli("dates", "--check").codes() == []
    assert cli("dates", PATH).lines == [f"{PATH}: Created YYYY-MM-DD -> {TODAY}, Updated YYYY-MM-DD -> {TODAY}"]


def test_detached_head(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "X."), when="2025-06-30T10:00:00+00:00")
    repo.git("checkout", "-q", "--detach", "HEAD")
    assert cli("dates", "--check").codes() == ["SH301"]


def test_merge_in_progress_with_conflict_markers(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    repo.git("checkout", "-q", "-b", "side")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "Side."), when="2025-03-01T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    committed(repo, spec(updated="2025-02-14").replace("Text.", "Main."), when="2025-03-02T10:00:00+00:00")
    subprocess.run(["git", "merge", "-q", "side"], cwd=repo.root, capture_output=True)
    assert b"<<<<<<<" in repo.read(PATH)
    for args in (("dates", PATH), ("dates", "--check", PATH)):
        result = cli(*args)
        assert result.status == 1 and result.codes() == ["SH303"], args
        assert result.lines[0].startswith(f"{PATH}:13:1: SH303 unresolved merge conflict markers"), "at the marker"
    assert b"<<<<<<<" in repo.read(PATH), "nothing written into a conflicted file"


def test_outside_a_repository(tmp_path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(spec())
    result = cli("dates", "--check", "a.md")
    assert (result.status, result.err) == (2, "spec-hooks: error: not inside a git repository: dates come from git history\n")


def test_fix_without_check_is_a_usage_error(repo: Repo, cli) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("dates", "--fix")
    assert exited.value.code == 2


def test_non_ascii_paths_survive_the_history_walk(repo: Repo, cli) -> None:
    path = "specs/rest/crédit café.md"
    committed(repo, spec(spec_id="rest/x", updated="2025-02-14"), path=path, when="2025-02-14T10:00:00+00:00")
    sha = committed(repo, spec(spec_id="rest/x", updated="2025-02-14").replace("Text.", "Ç."), path=path,
                    when="2025-06-30T10:00:00+00:00")
    assert cli("dates", "--check").lines == [f"{path}:7:16: SH301 Updated 2025-02-14 but content changed on 2025-06-30 ({sha[:7]})"]


def test_fixer_compares_a_renamed_document_with_its_old_path(repo: Repo, cli) -> None:
    committed(repo, spec(updated="2025-01-02"))
    repo.git("mv", PATH, "specs/rest/hooks.md")
    assert cli("dates", "specs/rest/hooks.md").out == "", "a rename alone is no content change"
    repo.write("specs/rest/hooks.md", spec(updated="2025-01-02").replace("Text.", "Renamed and edited."))
    repo.add()
    assert cli("dates", "specs/rest/hooks.md").out == f"specs/rest/hooks.md: Updated 2025-01-02 -> {TODAY}\n"


def test_blobless_partial_clone_fetches_markdown_history_once(repo: Repo, cli, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git fetch --filter=blob:none --unshallow` leaves a partial clone: its history has no blobs until asked."""
    committed(repo, spec(updated="2025-02-14"), when="2025-02-14T10:00:00+00:00")
    sha = committed(repo, spec(updated="2025-02-14").replace("Text.", "Changed."), when="2025-06-30T10:00:00+00:00")
    repo.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "blobless"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", f"file://{repo.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    expected = [f"{PATH}:7:16: SH301 Updated 2025-02-14 but content changed on 2025-06-30 ({sha[:7]})"]
    assert cli("dates", "--check").lines == expected
    subprocess.run(["git", "remote", "set-url", "origin", str(tmp_path / "gone")], cwd=clone, check=True)
    assert cli("dates", "--check").lines == expected, "the blobs were fetched once; no network is needed now"
    other = tmp_path / "unreachable"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", f"file://{repo.root}", str(other)], check=True)
    subprocess.run(["git", "remote", "set-url", "origin", str(tmp_path / "gone")], cwd=other, check=True)
    monkeypatch.chdir(other)
    result = cli("dates", "--check")
    assert result.status == 2
    assert result.err.startswith("spec-hooks: error: this partial clone lacks 1 historical Markdown blob(s) and fetching "
                                 "them from 'origin' failed (fatal: ")


@pytest.mark.parametrize("key", ["**Updated:**", "**Up\\_dated:**", "**Up*dat*ed:**", "**`Updated`:**", "__Updated:__",
                                 "**updated:**"])
def test_the_backfill_is_idempotent_for_every_key_shape_the_header_reads(repo: Repo, cli, key: str) -> None:
    """The extractor, the bump decision and the fixer agree on which line is the date line: once the
    backfilled date is staged, the next run sees a date-only change and leaves it."""
    path = "specs/rest/a.md"
    text = spec(spec_id="rest/a", created="2025-01-14").replace("- **Updated:**", f"- {key}")
    repo.write(path, text)
    repo.add()
    repo.commit("init", when="2025-03-04T10:00:00+00:00")
    repo.write(path, text + "A change in June.\n")
    repo.add()
    repo.commit("june", when="2025-06-30T10:00:00+00:00")
    cli("dates", "--check", "--fix")
    fixed = repo.read(path)
    assert f"- {key} 2025-06-30\n".encode() in fixed, fixed
    repo.add()
    again = cli("dates", "--check", "--fix")
    assert repo.read(path) == fixed and again.status == 0, again.out
    assert cli("dates", path).status == 0 and repo.read(path) == fixed, "the bump sees a date-only change too"
