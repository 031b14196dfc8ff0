"""docs/recipes.md (issue 24): each recipe is a configuration of at most 15 lines that reads its style of
header as it is written. Tested on the real repositories where `../shared/corpus/histories` holds them
(skipped when absent), and on small repositories written here for every style (positions, dates from
history, the fixers' edits, `index`, `stale` and `new`)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from spec_hooks.config import BUILTIN_TYPES, load_config
from spec_hooks.loading import safe_yaml

from conftest import FIXED_DATE, Repo, spec

RECIPES_PAGE = Path(__file__).resolve().parents[1] / "docs" / "recipes.md"
HISTORIES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "histories"


def recipes() -> dict[str, str]:
    """Each recipe's configuration, by its heading: the first ```yaml block of each `## ` section."""
    found = {}
    for section in RECIPES_PAGE.read_text(encoding="utf-8").split("\n## ")[1:]:
        title, body = section.split("\n", 1)
        block = re.search(r"```yaml\n(.*?)```", body, re.DOTALL)
        assert block is not None, f"recipe {title!r} has no ```yaml block"
        found[title.strip()] = block.group(1)
    return found


RECIPES = recipes()


@pytest.mark.parametrize("name", RECIPES)
def test_a_recipe_is_a_valid_configuration_of_at_most_15_lines(tmp_path: Path, name: str) -> None:
    text = RECIPES[name]
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(lines) <= 15, f"{name}: {len(lines)} lines"
    (tmp_path / ".spec-hooks.yaml").write_text(text)
    config = load_config(tmp_path)
    settings = safe_yaml(text) or {}
    if not settings:
        assert config.types == BUILTIN_TYPES
    for type_name, wanted in settings.get("types", {}).items():
        doc_type = next(doc_type for doc_type in config.types if doc_type.name == type_name)
        assert doc_type.header == (wanted["header"],) and doc_type.keys == tuple(wanted["keys"])


# The real repositories --------------------------------------------------------------------------------

BUNDLES = {"swift-evolution": "swiftlang+swift-evolution", "grpc": "grpc+proposal", "Kotlin KEEP": "Kotlin+KEEP",
           "MADR (front matter)": "adr+madr", "dotnet/designs": "dotnet+designs"}
# Per repository: the header findings each recipe leaves, all the repository's own (items without a key,
# keys spelled two ways, placeholders left in, a renamed proposal's stub), and the specs it reads.
EXPECTED = {
    "swift-evolution": ({"SH101": 8, "SH102": 2, "SH103": 6, "SH104": 1, "SH107": 1}, 546),
    "grpc": ({"SH101": 3, "SH102": 1, "SH103": 5, "SH106": 58, "SH107": 17}, 193),  # 58: `Jan 26, 2026`
    "Kotlin KEEP": ({"SH101": 1}, 116),  # and proposals/stdlib/TEMPLATE.md, a template
    "MADR (front matter)": ({}, 19),
    "dotnet/designs": ({"SH102": 1}, 73),
}


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not HISTORIES.is_dir():
        pytest.skip("../shared/corpus/histories is not here (a clone of the project alone)")
    made = {}
    for name, bundle in BUNDLES.items():
        root = tmp_path_factory.mktemp("recipes") / bundle
        subprocess.run(["git", "clone", "-q", str(HISTORIES / f"{bundle}.bundle"), str(root)], check=True)
        (root / ".spec-hooks.yaml").write_text(RECIPES[name])
        made[name] = root
    return made


def _spec_hooks(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("spec-hooks")
    result = subprocess.run([str(command), *args], cwd=root, capture_output=True, text=True)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    return result


def _codes(output: str) -> Counter[str]:
    return Counter(match.group(1) for match in re.finditer(r"^\S+:\d+:\d+: (SH\d+) ", output, re.MULTILINE))


@pytest.mark.parametrize("name", BUNDLES)
def test_a_recipe_reads_every_header_of_its_repository(clones: dict[str, Path], name: str) -> None:
    root = clones[name]
    expected, specs = EXPECTED[name]
    headers = _codes(_spec_hooks(root, "headers", "-q").stdout)
    assert dict(headers) == expected
    catalogue = _spec_hooks(root, "index", "--format", "json").stdout
    assert len(json.loads(catalogue)["specs"]) == specs


# Small repositories, one a style -----------------------------------------------------------------------

RUST_RFC = """- Feature Name: `let_else`
- Start Date: 2021-05-31
- RFC PR: [rust-lang/rfcs#3137](https://github.com/rust-lang/rfcs/pull/3137)
- Rust Issue: [rust-lang/rust#87335](https://github.com/rust-lang/rust/issues/87335)

# Summary

Introduce a new `let PATTERN = EXPR else { DIVERGING_CODE };` statement.

- Motivation: a body list is no header
"""

EIP = """---
eip: 1
title: EIP Purpose and Guidelines
author: Martin Becze <mb@ethereum.org>
status: Living
type: Meta
created: 2015-10-27
---

## What is an EIP?

EIP stands for Ethereum Improvement Proposal.
"""

MADR = """---
status: accepted
date: 2025-03-04
decision-makers: [Oliver, Olaf]
---

# Use YAML front matter for metadata

## Context and Problem Statement

- status: a body item is no header
"""

SWIFT = """# Allow (most) keywords as argument labels

* Proposal: [SE-0001](0001-keywords-as-argument-labels.md)
* Author: [Doug Gregor](https://github.com/DougGregor)
* Status: **Implemented (Swift 2.2)**

## Introduction
"""

GRPC = """Client-Side Health Checking
----
* Author(s): Mark D. Roth (roth@google.com)
* Approver: a11r
* Status: Draft
* Implemented in:
* Last updated: 2025-03-04
* Discussion at: https://groups.google.com/d/topic/grpc-io/rwcNF4IQLlQ/discussion

## Abstract
"""

DOTNET = """# Better Obsoletion

**Owner** [Immo Landwerth](https://github.com/terrajobst) |
**Work Items** [Framework](https://github.com/dotnet/runtime/issues/33089) |
[Roslyn](https://github.com/dotnet/roslyn/issues/42119)

Text.
"""

STYLES = {
    "Seed templates (the default)": ("specs/rest/webhooks-v2.md", spec(updated=FIXED_DATE[:10]), "Webhooks v2"),
    "rust-lang/rfcs": ("text/3137-let-else.md", RUST_RFC, "let_else"),
    "EIP (front matter)": ("EIPS/eip-1.md", EIP, "EIP Purpose and Guidelines"),
    "MADR (front matter)": ("docs/decisions/0013-use-yaml-front-matter.md", MADR, "Use YAML front matter for metadata"),
    "swift-evolution": ("proposals/0001-keywords-as-argument-labels.md", SWIFT, "Allow (most) keywords as argument labels"),
    "grpc": ("A17-client-side-health-checking.md", GRPC, "Client-Side Health Checking"),
    "dotnet/designs": ("accepted/2020/better-obsoletion.md", DOTNET, "Better Obsoletion"),
}


@pytest.mark.parametrize("name", STYLES)
def test_a_style_is_read_checked_and_indexed_with_its_recipe(repo: Repo, cli, name: str) -> None:
    path, text, title = STYLES[name]
    repo.commit_files("start", {".spec-hooks.yaml": RECIPES[name], path: text})
    result = cli("check")
    assert result.status == 0 and result.lines == [], result.out
    catalogue = json.loads(cli("index", "--format", "json").out)
    assert [(spec["path"], spec["title"]) for spec in catalogue["specs"]] == [(path, title)]


# Dates kept true in every form: the finding points at the value, the fixer rewrites the value alone ----

DATED = {  # style -> (the path, its text, the date field's value as written)
    "grpc": STYLES["grpc"][:2] + ("2025-03-04",),
    "MADR (front matter)": STYLES["MADR (front matter)"][:2] + ("2025-03-04",),
}


@pytest.mark.parametrize("name", DATED)
def test_a_date_in_any_form_is_verified_and_fixed_in_place(repo: Repo, cli, name: str) -> None:
    path, text, written = DATED[name]
    repo.commit_files("start", {".spec-hooks.yaml": RECIPES[name], path: text})
    edited = text + "\nMore text.\n"
    repo.commit_files("edit", {path: edited}, when="2025-06-30T10:00:00+00:00")
    offset = edited.index(written)
    line = edited.count("\n", 0, offset) + 1
    column = offset - edited.rfind("\n", 0, offset)
    result = cli("dates", "--check")
    assert result.lines == [f"{path}:{line}:{column}: SH301 {_updated(name)} {written} but content changed on "
                            f"2025-06-30 ({repo.git('rev-parse', '--short', 'HEAD').strip()})"]
    assert cli("dates", "--check", "--fix").status == 1
    assert repo.read(path).decode() == edited.replace(written, "2025-06-30", 1)
    repo.add()
    assert cli("dates", "--check").lines == []
    repo.commit("the dates", when="2025-07-02T10:00:00+00:00")
    assert cli("dates", "--check").lines == [], "a commit that changes only the date is no content change"


def _updated(name: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in RECIPES[name].splitlines() if "updated_field" in line)


def test_new_writes_a_front_matter_template_title_and_dates_in_place(repo: Repo, cli) -> None:
    template = "---\neip: <to be assigned>\ntitle: <The EIP title>\nstatus: Draft\ncreated: <date created on>\n---\n\n## Abstract\n"
    config = RECIPES["EIP (front matter)"] + "    template: EIPS/eip-template.md\n"
    repo.commit_files("start", {".spec-hooks.yaml": config, "EIPS/eip-template.md": template})
    result = cli("new", "EIPS/eip-7702.md", "--title", "Set EOA account code: a: b")
    assert result.status == 0, result.err
    written = repo.read("EIPS/eip-7702.md").decode()
    today = _today()
    assert written.startswith(f'---\neip: 7702\ntitle: "Set EOA account code: a: b"\nstatus: Draft\ncreated: {today}\n---\n')
    repo.add()
    catalogue = json.loads(cli("index", "--format", "json").out)["specs"]
    assert [(spec["path"], spec["title"], spec["id"]) for spec in catalogue] == [
        ("EIPS/eip-7702.md", "Set EOA account code: a: b", "7702")]


def test_new_fills_a_plain_list_template_with_the_id_the_path_gives(repo: Repo, cli) -> None:
    template = "# Feature name\n\n* Proposal: [SE-NNNN](NNNN-filename.md)\n* Status: **Awaiting implementation**\n\n## Introduction\n"
    config = RECIPES["swift-evolution"].replace("relations:", "    template: proposal-templates/0000-template.md\nrelations:")
    repo.commit_files("start", {".spec-hooks.yaml": config, "proposal-templates/0000-template.md": template})
    assert cli("new", "proposals/0547-faster-builds.md").status == 0
    written = repo.read("proposals/0547-faster-builds.md").decode()
    assert written.startswith("# Faster builds\n\n* Proposal: SE-0547\n* Status: **Awaiting implementation**\n")
    repo.add()
    assert cli("headers", "proposals/0547-faster-builds.md").lines == []


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


# The relation fixer writes the missing side in the header's own form ------------------------------------

RELATED = {
    "list": ("* Proposal: SE-{n}\n* Status: Implemented\n{extra}", "* Replaces: SE-0001\n"),
    "front-matter": ("---\nproposal: SE-{n}\nstatus: Implemented\n{extra}---\n", "Replaces: SE-0001\n"),
    "paragraph": ("**Proposal:** SE-{n}\nStatus: Implemented\n{extra}", "Replaces: SE-0001\n"),  # like the last line
}


@pytest.mark.parametrize("form", RELATED)
def test_the_missing_side_of_a_relation_is_written_in_the_header_form(repo: Repo, cli, form: str) -> None:
    template, added = RELATED[form]
    config = ("types:\n  proposal:\n    keys: [Proposal, Status]\n    paths: ['proposals/*.md']\n"
              f"    header: {form}\n    id_field: Proposal\n    id_pattern: '(?P<number>[0-9]{{4}})-'\n"
              "    id_from_path: 'SE-{number}'\n")
    if form == "front-matter":
        config = config.replace("[Proposal, Status]", "[proposal, status]").replace("id_field: Proposal", "id_field: proposal")

    def text(number: str, extra: str = "") -> str:
        header = template.format(n=number, extra=extra)
        return header + "\n# Title\n\nBody.\n" if form == "front-matter" else "# Title\n\n" + header + "\nBody.\n"

    old = text("0001", ("* " if form == "list" else "") + "Superseded by: SE-0002\n")
    new = text("0002")
    repo.commit_files("start", {".spec-hooks.yaml": config, "proposals/0001-old.md": old, "proposals/0002-new.md": new})
    found = cli("headers")
    assert found.codes() == ["SH116"], found.out
    assert cli("headers", "--fix").status in (0, 1)
    fixed = repo.read("proposals/0002-new.md").decode()
    anchor = "status: Implemented\n" if form == "front-matter" else "Status: Implemented\n"
    assert fixed == new.replace(anchor, anchor + added, 1)
    repo.add()
    assert cli("headers").lines == []


@pytest.mark.parametrize("form", ["bold-list", "list", "paragraph", "front-matter"])
def test_new_scaffolds_a_type_without_a_template_in_its_form(repo: Repo, cli, form: str) -> None:
    config = ("types:\n  rfc:\n    keys: [RFC, Status, Created, Updated]\n    paths: ['rfcs/*.md']\n"
              f"    header: {form}\n    id_field: RFC\n    id_pattern: '(?P<id>[0-9]{{4}})-'\n"
              "    created_field: Created\n    updated_field: Updated\n")
    repo.commit_files("start", {".spec-hooks.yaml": config})
    result = cli("new", "rfcs/0007-faster-retries.md")
    assert result.status == 0 and f"created from a {form} header of the rfc type's keys" in result.out
    today = _today()
    item = {"bold-list": "- **{}:**", "list": "* {}:", "paragraph": "**{}:**", "front-matter": "{}:"}[form]
    items = "".join((item.format(key) + (f" {value}" if value else "") + "\n")
                    for key, value in (("RFC", "0007"), ("Status", ""), ("Created", today), ("Updated", today)))
    expected = f"---\n{items}---\n\n# Faster retries\n" if form == "front-matter" else f"# Faster retries\n\n{items}"
    assert repo.read("rfcs/0007-faster-retries.md").decode() == expected
    repo.add()
    assert cli("check", "rfcs/0007-faster-retries.md").lines == []


def test_every_error_on_the_way_names_the_setting_that_reads_the_header(repo: Repo, cli) -> None:
    """Adopting without the recipe: a claimed file in another form gets SH104 naming it; plain items in a
    bold-key list get SH101 naming the setting; with it, nothing is left."""
    config = "types:\n  proposal:\n    keys: [Author(s), Status]\n    paths: ['A*.md']\n"
    repo.commit_files("start", {".spec-hooks.yaml": config, "A1-proxy.md": GRPC,
                                "A2-mixed.md": "# Mixed\n\n- Status: Draft\n- **Author(s):** Ada\n"})
    assert cli("headers").lines == [
        "A1-proxy.md:1:1: SH104 no header: files matching A*.md must start with the proposal header, a list of "
        "`- **Key:** value` items under the H1 title; found a list of `* Key: value` items on line 3: to read it, "
        "set types.proposal.header: list",
        "A2-mixed.md:3:3: SH101 header item is not `**Key:** value`: 'Status: Draft' (a plain `Key: value` item: "
        "set types.proposal.header: list to read such items)"]
    repo.write(".spec-hooks.yaml", config + "    header: list\n")
    assert cli("headers").lines == []


def test_an_index_of_documents_without_any_status_is_one_table(repo: Repo, cli) -> None:
    repo.commit_files("start", {".spec-hooks.yaml": RECIPES["dotnet/designs"], "a.md": DOTNET,
                                "b.md": DOTNET.replace("Better Obsoletion", "Single-file Bundler")})
    assert cli("index").out.strip().splitlines() == [
        "| Title | Owner |", "| --- | --- |",
        "| [Better Obsoletion](a.md) | Immo Landwerth |", "| [Single-file Bundler](b.md) | Immo Landwerth |"]
    repo.write("b.md", DOTNET.replace("**Owner**", "Status: Draft\n**Owner**", 1))
    repo.add()
    assert "### No status (1)" in cli("index").out, "once one has a status, the others are grouped apart"


@pytest.mark.parametrize(("path", "title"), [
    ("proposals/0547-faster-builds.md", "Faster builds"),
    ("proposals/KEEP-0500-faster-builds.md", "Faster builds"),
    ("EIPS/eip-7702.md", "eip-7702"),
    ("specs/rest/webhooks-v2.md", "Webhooks v2"),
    ("rfcs/2021_let_else.md", "Let else"),
])
def test_the_title_new_makes_from_a_file_name(path: str, title: str) -> None:
    from spec_hooks.commands.new import title_from_path

    assert title_from_path(path) == title
