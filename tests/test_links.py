"""check-spec-links on real repositories: link kinds, resolution in the index, anchors, renames, --fix."""
from __future__ import annotations

import os

import pytest

from spec_hooks.markdown import Slugger, github_slug, parse

from conftest import Repo, spec

PROPOSAL = "proposals/2025/001-webhooks-improvements.md"


@pytest.fixture
def specs(repo: Repo) -> Repo:
    repo.write("specs/rest/webhooks-v2.md", spec())
    repo.write("specs/common/auth.md", spec(spec_id="common/auth"))
    repo.write(PROPOSAL, "# Proposal\n\n## Goals\n\n## Goals\n\n<a name=\"custom-anchor\"></a>\n")
    repo.write("rfcs/2025/001-example.md", "# RFC\n")
    repo.write("data/sample.json", "{\n  \"a\": 1\n}\n")
    repo.add()
    repo.commit("specs")
    return repo


def links_of(repo: Repo, body: str, cli, *extra: str, path: str = "specs/rest/new.md"):
    repo.write(path, "# New\n\n" + body)
    repo.add(path)
    return cli("links", *extra, path)


# Which links ---------------------------------------------------------------------------------


def test_every_kind_of_link_is_checked_at_its_own_position(specs: Repo, cli) -> None:
    body = (
        "Inline [a](missing-a.md), image ![b](missing-b.png),\n"
        "html <a href=\"missing-c.md\">c</a> and <img src=\"missing-d.png\">,\n"
        "reference [e][ref-e] and [f][undefined].\n\n"
        "[ref-e]: missing-e.md\n"
    )
    result = links_of(specs, body, cli)
    assert result.status == 1
    assert [line.split(" SH")[0] + " SH" + line.split(" SH")[1][:3] for line in result.lines] == [
        "specs/rest/new.md:3:12: SH201",
        "specs/rest/new.md:3:38: SH201",
        "specs/rest/new.md:4:15: SH201",
        "specs/rest/new.md:4:49: SH201",
        "specs/rest/new.md:5:26: SH206",
        "specs/rest/new.md:7:10: SH201",
    ]
    assert "reference [undefined] is not defined in this file" in result.out


def test_what_is_not_a_link_is_not_checked(specs: Repo, cli) -> None:
    body = (
        "Code span `[x](missing.md)` and ``[y](missing.md)``.\n\n"
        "```markdown\n[z](missing.md)\n```\n\n"
        "    [indented](missing.md)\n\n"
        "<!-- [commented](missing.md) -->\n\n"
        "[external](https://example.com/missing.md) [mail](mailto:a@b.c) [proto](//host/x.md)\n"
        "Escaped \\[not](missing.md) and a shortcut [area/name] with no definition.\n"
    )
    result = links_of(specs, body, cli)
    assert (result.status, result.out) == (0, "")


def test_angle_brackets_percent_encoding_and_query(specs: Repo, cli) -> None:
    specs.write("proposals/2025/004-with space.md", "# Spaced\n\n## Part two\n")
    specs.add()
    body = (
        "[a](<../../proposals/2025/004-with space.md#part-two>) "
        "[b](../../proposals/2025/004-with%20space.md?plain=1#part-two) "
        "[c](/proposals/2025/004-with%20space.md)\n"
    )
    assert links_of(specs, body, cli).out == ""


# Resolution against git's index -------------------------------------------------------------


def test_relative_and_root_absolute_links_resolve(specs: Repo, cli) -> None:
    body = f"[rel](../../{PROPOSAL}) [root](/{PROPOSAL}) [dot](./webhooks-v2.md) [rfc](/rfcs/2025/001-example.md)\n"
    assert links_of(specs, body, cli).out == ""


def test_untracked_and_ignored_targets(specs: Repo, cli) -> None:
    specs.write(".gitignore", "drafts/\n")
    specs.write("drafts/idea.md", "# Idea\n")
    specs.write("specs/rest/later.md", "# Later\n")
    specs.git("add", ".gitignore")
    result = links_of(specs, "[a](../../drafts/idea.md) [b](later.md)\n", cli)
    assert result.lines == [
        "specs/rest/new.md:3:5: SH202 'drafts/idea.md' is ignored by git (.gitignore:1: drafts/), so it will not be committed",
        "specs/rest/new.md:3:31: SH202 'specs/rest/later.md' is not tracked by git; git add it?",
    ]


def test_a_file_removed_from_the_index_but_on_disk_is_untracked(specs: Repo, cli) -> None:
    specs.git("rm", "-q", "--cached", "rfcs/2025/001-example.md")
    assert (specs.root / "rfcs/2025/001-example.md").exists()
    result = links_of(specs, "[rfc](../../rfcs/2025/001-example.md)\n", cli)
    assert result.codes() == ["SH202"]


def test_case_mismatch_is_caught_even_where_the_file_system_would_not(specs: Repo, cli) -> None:
    body = "[p](../../Proposals/2025/001-webhooks-improvements.md)\n"
    result = links_of(specs, body, cli)
    assert result.lines == [
        "specs/rest/new.md:3:5: SH203 '../../Proposals/2025/001-webhooks-improvements.md' differs in case from the "
        f"tracked '{PROPOSAL}' (breaks on Linux and GitHub): did you mean '../../{PROPOSAL}'?"
    ]


def test_links_leaving_the_repository(specs: Repo, cli) -> None:
    body = "[a](../../../outside.md) [b](/../../etc/passwd) [c](../../../../../../../../x.md)\n"
    assert links_of(specs, body, cli).codes() == ["SH204", "SH204", "SH204"]


def test_symlink_pointing_outside_the_repository(specs: Repo, cli, tmp_path) -> None:
    (tmp_path / "elsewhere.md").write_text("# Elsewhere\n")
    os.symlink(tmp_path / "elsewhere.md", specs.root / "specs/rest/link.md")
    os.symlink("webhooks-v2.md", specs.root / "specs/rest/inside.md")
    specs.add()
    result = links_of(specs, "[out](link.md) [in](inside.md)\n", cli)
    assert result.lines == ["specs/rest/new.md:3:7: SH204 link 'link.md' is a symlink pointing outside the repository"]


def test_folder_links(specs: Repo, cli) -> None:
    assert links_of(specs, "[folder](../../proposals/) [root](/)\n", cli).out == ""
    specs.write(".spec-hooks.yaml", "links:\n  allow_folders: false\n")
    result = links_of(specs, "[folder](../../proposals/)\n", cli)
    assert result.codes() == ["SH207"]


def test_suggestion_for_a_moved_file(specs: Repo, cli) -> None:
    result = links_of(specs, "[p](../../proposals/001-webhooks-improvements.md)\n", cli)
    assert result.lines == [
        "specs/rest/new.md:3:5: SH201 '../../proposals/001-webhooks-improvements.md' does not exist: "
        f"did you mean '../../{PROPOSAL}'?"
    ]


# Fragments -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("📖 Overview", "-overview"),
        ("Endpoints / APIs (if applicable)", "endpoints--apis-if-applicable"),
        ("1. Purpose", "1-purpose"),
        ("🌐 Security & Compliance", "-security--compliance"),
        ("🛠\ufe0f Technical Specification", "\ufe0f-technical-specification"),
        ("Ünïcode — déjà vu", "ünïcode--déjà-vu"),
        ("non\u00a0breaking and zero\u200dwidth", "nonbreaking-and-zerowidth"),
        ("snake_case, C++ & $money", "snake_case-c--money"),
        ("Ⅻ roman numeral", "ⅻ-roman-numeral"),
    ],
)
def test_github_slugs(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_duplicate_slugs_skip_taken_ones() -> None:
    slugger = Slugger()
    assert [slugger.slug(text) for text in ["Goals", "Goals", "Goals 1", "Goals"]] == ["goals", "goals-1", "goals-1-1", "goals-2"]


def test_headings_setext_inline_markup_and_code() -> None:
    text = (
        "# Title\n\nSetext heading\n==============\n\nAnother\n-------\n\n"
        "## The `spec-hooks` *tool* and [its docs](x.md) ![logo](l.png)\n\n"
        "```\n## not a heading\n```\n\n## Title\n<a name=\"explicit\"></a>\n<span id='other'></span>\n"
    )
    found = parse(text).anchors
    assert found.headings == ("title", "setext-heading", "another", "the-spec-hooks-tool-and-its-docs-", "title-1")
    assert found.explicit == {"explicit", "other"}


def test_fragments_in_other_files_and_the_same_file(specs: Repo, cli) -> None:
    good = (
        "## 🛠️ Technical Specification\n\n"
        "[a](#\ufe0f-technical-specification) [b](#%EF%B8%8F-technical-specification) [top](#top)\n"
        f"[c](../../{PROPOSAL}#goals-1) [d](../../{PROPOSAL}#custom-anchor) [e](webhooks-v2.md#-overview)\n"
        "[lines](../../data/sample.json#L2-L3) [line](../../data/sample.json#L1)\n"
    )
    assert links_of(specs, good, cli).out == ""


def test_bad_fragments_with_suggestions(specs: Repo, cli) -> None:
    body = (
        "## Local heading\n\n"
        "[a](webhooks-v2.md#overview) [b](#local-headng) [c](../../data/sample.json#L9) "
        f"[d](../../{PROPOSAL}#nothing-like-it)\n"
    )
    result = links_of(specs, body, cli)
    assert result.lines == [
        "specs/rest/new.md:5:5: SH205 #overview matches no heading or anchor in 'specs/rest/webhooks-v2.md': did you mean #-overview?",
        "specs/rest/new.md:5:34: SH205 #local-headng matches no heading or anchor in 'specs/rest/new.md': did you mean #local-heading?",
        "specs/rest/new.md:5:53: SH205 #L9 is past the end of 'data/sample.json' (3 lines)",
        f"specs/rest/new.md:5:84: SH205 #nothing-like-it matches no heading or anchor in '{PROPOSAL}'",
    ]


def test_fragment_case_differences_are_warnings_with_the_exact_anchor_as_fix(specs: Repo, cli) -> None:
    """github.com's page script matches `#Goals` to `#goals`; GitLab, previews and site generators do not.
    So it is a warning (exit 0), and --fix writes the anchor exactly, touching nothing else."""
    body = f"[a](../../{PROPOSAL}#Goals \"title\") [b](#LOCAL-Heading)\n\n## Local heading\n"
    result = links_of(specs, body, cli)
    assert result.status == 0
    assert result.lines == [
        f"specs/rest/new.md:3:5: SH211 #Goals matches the anchor #goals of '{PROPOSAL}' only when case is ignored: "
        "github.com finds it, GitLab, previews and site generators do not",
        "specs/rest/new.md:3:74: SH211 #LOCAL-Heading matches the anchor #local-heading of 'specs/rest/new.md' only "
        "when case is ignored: github.com finds it, GitLab, previews and site generators do not",
    ]
    fixed = cli("links", "--fix", "specs/rest/new.md")
    assert fixed.status == 1 and fixed.lines == ["specs/rest/new.md: rewrote 2 links"]
    assert specs.read("specs/rest/new.md").decode() == (
        f"# New\n\n[a](../../{PROPOSAL}#goals \"title\") [b](#local-heading)\n\n## Local heading\n")
    specs.add()
    assert cli("links", "specs/rest/new.md").out == ""


def test_unused_definition_with_a_broken_target_is_its_own_warning(specs: Repo, cli) -> None:
    body = "[used][u]\n\n[u]: webhooks-v2.md\n[spare]: missing.md\n[Spare Two]: ../../rfcs/gone.md\n"
    result = links_of(specs, body, cli)
    assert result.status == 0
    assert result.lines == [
        "specs/rest/new.md:6:10: SH210 unused reference definition [spare]: 'missing.md' does not exist",
        "specs/rest/new.md:7:14: SH210 unused reference definition [spare two]: '../../rfcs/gone.md' does not exist",
    ]
    specs.write(".spec-hooks.yaml", "disable: [unused-definition]\n")
    assert cli("links", "specs/rest/new.md").out == ""


def test_suggested_anchors_show_invisible_characters_percent_encoded(specs: Repo, cli) -> None:
    """`## 🛠️ Tools` has the anchor `#️-tools`, whose first character (U+FE0F) nobody can see."""
    result = links_of(specs, "## 🛠️ Tools\n\n[a](#-tools)\n", cli)
    assert result.lines == ["specs/rest/new.md:5:5: SH205 #-tools matches no heading or anchor in "
                            "'specs/rest/new.md': did you mean #%EF%B8%8F-tools?"]


def test_fragment_read_from_the_index_not_the_work_tree(specs: Repo, cli) -> None:
    """A heading added on disk but not staged is not part of the commit."""
    specs.write(PROPOSAL, "# Proposal\n\n## Goals\n\n## Unstaged heading\n")
    result = links_of(specs, f"[a](../../{PROPOSAL}#unstaged-heading)\n", cli)
    assert result.codes() == ["SH205"]


# Renames and deletions ----------------------------------------------------------------------


def test_rename_breaks_links_in_untouched_files_and_fix_rewrites_them(specs: Repo, cli) -> None:
    specs.write("specs/rest/uses.md", f"# Uses\n\nSee [p](../../{PROPOSAL}#goals) and [root](/{PROPOSAL}).\r\n")
    specs.add()
    specs.commit("uses")
    specs.git("mv", PROPOSAL, "proposals/2025/001-webhooks.md")
    result = cli("links", "proposals/2025/001-webhooks.md")  # pre-commit passes only the renamed file
    assert result.status == 1
    assert result.lines == [
        f"specs/rest/uses.md:3:9: SH209 '{PROPOSAL}' is renamed to 'proposals/2025/001-webhooks.md' in the staged "
        "change: link '../../proposals/2025/001-webhooks.md#goals'",
        f"specs/rest/uses.md:3:77: SH209 '{PROPOSAL}' is renamed to 'proposals/2025/001-webhooks.md' in the staged "
        "change: link '/proposals/2025/001-webhooks.md'",
    ]
    fixed = cli("links", "--fix", "proposals/2025/001-webhooks.md")
    assert fixed.status == 1
    assert fixed.out == "specs/rest/uses.md: rewrote 2 links\n"
    assert specs.read("specs/rest/uses.md") == (
        b"# Uses\n\nSee [p](../../proposals/2025/001-webhooks.md#goals) and [root](/proposals/2025/001-webhooks.md).\r\n"
    )
    specs.add()
    again = cli("links", "--fix", "proposals/2025/001-webhooks.md")
    assert (again.status, again.out) == (0, "")


def test_deletion_breaks_links_in_untouched_files(specs: Repo, cli) -> None:
    specs.write("specs/rest/uses.md", "# Uses\n\n[rfc](../../rfcs/2025/001-example.md)\n")
    specs.add()
    specs.commit("uses")
    specs.git("rm", "-q", "rfcs/2025/001-example.md")
    result = cli("links")  # nothing passed: a deletion leaves no file for pre-commit to pass
    assert result.lines == ["specs/rest/uses.md:3:7: SH201 'rfcs/2025/001-example.md' is deleted in the staged change"]


def test_fix_corrects_case(specs: Repo, cli) -> None:
    links_of(specs, "[p](../../Proposals/2025/001-webhooks-improvements.md)\n", cli)
    fixed = cli("links", "--fix", "specs/rest/new.md")
    assert fixed.status == 1
    assert specs.read("specs/rest/new.md") == f"# New\n\n[p](../../{PROPOSAL})\n".encode()


# Configuration and silencing ----------------------------------------------------------------


def test_ignore_comment_and_ignore_patterns(specs: Repo, cli) -> None:
    body = (
        "[a](missing-a.md) <!-- spec-hooks: ignore-link -->\n\n"
        "<!-- spec-hooks: ignore-link -->\n[b](missing-b.md)\n\n"
        "[c](generated/api.md) [d](missing-d.md)\n"
    )
    specs.write(".spec-hooks.yaml", "links:\n  ignore: ['^generated/']\n")
    result = links_of(specs, body, cli)
    assert result.lines == ["specs/rest/new.md:8:27: SH201 'missing-d.md' does not exist"]


def test_invalid_ignore_pattern_exits_2(specs: Repo, cli) -> None:
    specs.write(".spec-hooks.yaml", "links:\n  ignore: ['(unclosed']\n")
    result = links_of(specs, "[a](b.md)\n", cli)
    assert result.status == 2
    assert result.err.startswith("spec-hooks: error: .spec-hooks.yaml: invalid configuration: links.ignore: '(unclosed'")


# Bad input ---------------------------------------------------------------------------------


def test_malformed_links(specs: Repo, cli) -> None:
    body = "[spaced](my file.md) and [open](webhooks-v2.md\n\nnext paragraph [ok](webhooks-v2.md)\n"
    result = links_of(specs, body, cli)
    assert result.lines == [
        "specs/rest/new.md:3:1: SH208 not a link: the destination 'my file.md' contains a space; "
        "write <my file.md> or my%20file.md",
        "specs/rest/new.md:3:26: SH208 not a link: ')' is missing after the destination",
    ]


def test_binary_and_non_utf8_files(specs: Repo, cli) -> None:
    specs.write("images/logo.png", b"\x89PNG\r\n\x1a\n\0\0")
    specs.write("specs/rest/latin.md", "# T\n\n[x](caf\xe9.md)\n".encode("latin-1"))
    specs.write("specs/rest/fake.md", b"# Fake\n\0binary")
    specs.add()
    body = "![logo](../../images/logo.png) [l](../../images/logo.png#L2) [f](fake.md#x)\n"
    result = links_of(specs, body, cli)
    latin = cli("links", "specs/rest/latin.md")
    assert result.lines == [
        "specs/rest/new.md:3:36: SH205 #L2 points at lines of 'images/logo.png', which binary file (NUL byte), not Markdown",
        "specs/rest/new.md:3:66: SH205 cannot check #x: 'specs/rest/fake.md' binary file (NUL byte), not Markdown",
    ]
    assert latin.lines == ["specs/rest/latin.md:3:8: SH002 not valid UTF-8: byte 0xe9 cannot be decoded"]


def test_enormous_fragment(specs: Repo, cli) -> None:
    result = links_of(specs, f"[a](webhooks-v2.md#{'x' * 100_000})\n", cli)
    assert result.codes() == ["SH205"]
    assert len(result.out) < 400


def test_links_need_a_repository(tmp_path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("[x](y.md)\n")
    result = cli("links", "a.md")
    assert result.status == 2
    assert result.err == "spec-hooks: error: not inside a git repository: links are resolved against git's index\n"


def test_scanner_positions_are_exact() -> None:
    text = "\ufeffA [x](a.md) \\[no](b.md)\r\n[multi\r\nline](c.md)\r\n"
    assert [(link.target, text[link.target_start : link.target_end]) for link in parse(text).links] == [("a.md", "a.md"), ("c.md", "c.md")]


def test_parallel_run_and_blob_cache_agree_with_a_serial_run(repo: Repo, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole-repository runs use both cores and cache each file's links and anchors by blob id."""
    import shutil

    from spec_hooks import document

    count = document.PARALLEL_FROM + 50
    for index in range(count):
        following = (index + 1) % count
        body = (f"# Doc {index}\n\n## 📖 Section {index}\n\n"
                f"[next](doc-{following:04d}.md#-section-{following}) [self](#-section-{index})\n")
        if index % 37 == 0:
            body += f"[broken](doc-{index:04d}-gone.md) [bad fragment](doc-{following:04d}.md#section-{following})\n"
        repo.write(f"docs/doc-{index:04d}.md", body)
    repo.add()
    cache = repo.root / ".git" / "spec-hooks" / "documents"
    cold = cli("links")
    assert len(list(cache.iterdir())) > 100, "a whole-repository run leaves a cache, in shards"
    warm = cli("links")
    monkeypatch.setattr(document, "PARALLEL_FROM", 10**9)
    shutil.rmtree(cache)
    serial = cli("links")
    assert cold.out == warm.out == serial.out
    assert cold.codes().count("SH201") == len(range(0, count, 37)) and cold.codes().count("SH205") == len(range(0, count, 37))
    repo.write("docs/doc-0001.md", "# Doc 1\n\n## Renamed heading\n")  # its anchor changes: the cache must notice
    repo.add()
    monkeypatch.setattr(document, "PARALLEL_FROM", 400)
    changed = cli("links")
    assert "docs/doc-0000.md:5:8: SH205 #-section-1 matches no heading or anchor in 'docs/doc-0001.md'" in changed.out
