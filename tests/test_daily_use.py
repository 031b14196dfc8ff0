"""Small things a new user met in daily use on real repositories (issue 22), each through the CLI."""
from __future__ import annotations

import json
import re

import pytest

from conftest import Repo
from github_view import render


def test_links_and_check_report_a_title_problem_once_where_it_is(repo: Repo, cli) -> None:
    """The header's title was parsed twice in a whole-document parse, and its second parse reported the
    problem again at 1:1, where no directive could reach it; a hook run (one file) and a cached run
    gave one copy."""
    repo.write("c.md", "# Uses [the spec][nope]\n\n* Proposal: [SE-1](c.md)\n\n## Intro\n")
    repo.add()
    expected = ["c.md:1:8: SH206 reference [nope] is not defined in this file"]
    for command in (("links",), ("links",), ("links", "c.md"), ("check", "--skip", "dates")):  # cold, warm, one file
        assert cli(*command).lines == expected, command
    repo.write("c.md", "<!-- spec-hooks: disable-next-line SH206 -->\n" + repo.read("c.md").decode())
    repo.add()
    assert cli("links").lines == [] and cli("check", "--skip", "dates").lines == []


def test_a_file_moved_to_another_folder_gets_its_own_links_fixed(repo: Repo, cli) -> None:
    repo.commit_files("start", {"specs/a/a.md": "# A\n\nSee [b](../b/b.md), [c](c.md#c) and [self](#a).\n",
                                "specs/b/b.md": "# B\n", "specs/a/c.md": "# C\n\n## C\n"})
    (repo.root / "docs" / "x").mkdir(parents=True)
    repo.git("mv", "specs/a/a.md", "docs/x/a.md")
    result = cli("links")
    assert result.lines == [
        "docs/x/a.md:3:9: SH209 '../b/b.md' does not exist since the staged change moved this file from "
        "'specs/a/a.md': link '../../specs/b/b.md'",
        "docs/x/a.md:3:25: SH209 'c.md#c' does not exist since the staged change moved this file from "
        "'specs/a/a.md': link '../../specs/a/c.md#c'"]
    assert cli("links", "--fix").status == 1
    assert repo.read("docs/x/a.md") == b"# A\n\nSee [b](../../specs/b/b.md), [c](../../specs/a/c.md#c) and [self](#a).\n"
    repo.add()
    assert cli("links").lines == [] and cli("links", "--fix").status == 0


def test_directives_inside_a_list_keep_the_list_whole(repo: Repo, cli) -> None:
    """The forms the README gives for lists: GitHub renders one list, and each directive silences its link."""
    text = ("# A\n\n- [a](a.md) <!-- spec-hooks: disable-line SH201 -->\n- [b](b.md)\n- item\n"
            "  <!-- spec-hooks: disable-next-line SH201 -->\n- [c](c.md)\n")
    assert render(text).count("<ul>") == 1
    repo.write("x.md", text)
    repo.add()
    assert [line.split(" SH")[0] for line in cli("links").lines] == ["x.md:4:7:"]


def test_a_mistyped_option_says_what_was_meant(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from spec_hooks.cli import main

    for args, said in [(("check", "--format", "sarf"), "invalid choice: 'sarf': did you mean 'sarif'?"),
                       (("links", "--formt", "json"), "unrecognized arguments: --formt: did you mean '--format'?"),
                       (("check", "--skip", "link"), "invalid choice: 'link': did you mean 'links'?"),
                       (("check", "--color", "allways"), "invalid choice: 'allways': did you mean 'always'?")]:
        with pytest.raises(SystemExit) as stopped:
            main(list(args))
        assert stopped.value.code == 2
        assert said in capsys.readouterr().err.splitlines()[-1], args


def test_refs_of_a_folder_lists_every_link_into_it(repo: Repo, cli) -> None:
    repo.write("specs/a/a.md", "# A\n\n[b](../b/b.md) [c](../b/sub/c.md#x) [folder](../b/) [elsewhere](../z.md)\n")
    repo.write("specs/b/b.md", "# B\n\n[sibling](sub/c.md)\n")
    repo.write("specs/b/sub/c.md", "# C\n\n## X\n")
    repo.write("specs/z.md", "# Z\n")
    repo.add()
    result = cli("refs", "specs/b")
    assert result.lines == ["specs/a/a.md:3:5: ../b/b.md", "specs/a/a.md:3:20: ../b/sub/c.md#x",
                            "specs/a/a.md:3:46: ../b/", "specs/b/b.md:3:11: sub/c.md"]
    assert cli("refs", "specs/b/").lines == result.lines
    data = json.loads(cli("refs", "--format", "json", "specs/b").out)
    assert data["folder"] is True and len(data["references"]) == 4
    missing = cli("refs", "specs/nothing.md")
    assert missing.status == 0 and missing.lines == []
    assert missing.err == ("spec-hooks: note: 'specs/nothing.md' is not a tracked file or folder\n"
                           "spec-hooks: note: no tracked Markdown file links to 'specs/nothing.md'\n")


def test_an_error_about_the_whole_header_does_not_quote_it(repo: Repo, cli) -> None:
    repo.write("schemas/rfc.json", json.dumps({
        "type": "object", "properties": {"RFC": {"type": "string"}, "Status": {"type": "string"}},
        "anyOf": [{"properties": {"Status": {"enum": ["Draft", "Final"]}}, "required": ["Status", "Owner"]},
                  {"required": ["Champion"]}]}))
    repo.write(".spec-hooks.yaml", "types:\n  rfc:\n    schema: schemas/rfc.json\n    keys: [RFC]\n")
    repo.write("rfcs/1.md", "# R\n\n- **RFC:** 1\n- **Status:** Bogus\n- **Notes:** " + "long " * 100 + "\n")
    repo.add()
    [line] = cli("headers").lines
    assert re.fullmatch(r"rfcs/1\.md:3:1: SH106 header does not satisfy the rfc schema's anyOf: closest: .{1,120}", line), line
    assert "long long" not in line


def test_renaming_one_of_two_headings_of_the_same_text_re_points_no_link(repo: Repo, cli) -> None:
    repo.commit_files("start", {"t.md": "# T\n\n## Example\n\none\n\n## Example\n\ntwo\n",
                                "l.md": "# L\n\n[1](t.md#example) [2](t.md#example-1)\n"})
    repo.write("t.md", "# T\n\n## Sample\n\none\n\n## Example\n\ntwo\n")
    repo.add()
    assert cli("links").codes() == ["SH212", "SH212"]
    assert cli("links", "--fix").status == 1
    assert repo.read("l.md") == b"# L\n\n[1](t.md#sample) [2](t.md#example)\n"
    repo.add()
    assert cli("links").lines == []
