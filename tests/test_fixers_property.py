"""What every fixer promises, on generated input: bytes outside the intended spans stay identical, the
span holds exactly the new value, a second run changes nothing; a fixer may decline, never damage.

Bounded and seeded (see `SETTINGS`), so CI runs the same examples every time.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spec_hooks.checks.dates import _dates_hold, date_edits
from spec_hooks.checks.links import Outcome, Repository, _check_file, _file_fixes
from spec_hooks.config import BUILTIN_TYPES, Config
from spec_hooks.documents import Spec, named_fields
from spec_hooks.fix import Edit, EditConflict, splice, write_edits, write_fixes
from spec_hooks.header import extract_header
from spec_hooks.markdown import parse
from spec_hooks.paths import _resolve_in, split_target
from spec_hooks.run import Project
from spec_hooks.source import Source

SETTINGS = settings(max_examples=300, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SPEC_TYPE = BUILTIN_TYPES[0]
NEW_DATE = "2026-11-21"

# The pure splice ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "edits", "expected"), [
    ("abcdef", [Edit(1, 3, "bc", "XY")], "aXYdef"),
    ("abcdef", [Edit(3, 3, "", "+")], "abc+def"),
    ("abcdef", [Edit(4, 6, "ef", ""), Edit(0, 1, "a", "A")], "Abcd"),
    ("abc", [Edit(0, 1, "a", "A"), Edit(0, 1, "a", "A")], "Abc"),  # the same edit twice counts once
    ("a\r\nb", [Edit(3, 4, "b", "B")], "a\r\nB"),
])
def test_splice_applies_edits_that_fit(text: str, edits: list[Edit], expected: str) -> None:
    assert splice(text, edits) == expected


@pytest.mark.parametrize(("text", "edits", "reason"), [
    ("abcdef", [Edit(1, 3, "xx", "XY")], "is not 'xx'"),
    ("abcdef", [Edit(1, 4, "bcd", "1"), Edit(2, 5, "cde", "2")], "overlap"),
    ("abc", [Edit(2, 9, "c", "C")], "outside the text"),
    ("abc", [Edit(0, 1, "a", "A"), Edit(0, 1, "a", "B")], "overlap"),
])
def test_splice_refuses_edits_that_do_not_fit(text: str, edits: list[Edit], reason: str) -> None:
    with pytest.raises(EditConflict, match=reason):
        splice(text, edits)


# The one writer ---------------------------------------------------------------------------------


def test_writer_keeps_bom_line_endings_and_mode(tmp_path: Path) -> None:
    data = "\ufeff# T\r\n\r\n- **Updated:** 2025-01-02\rend\n".encode()
    (tmp_path / "a.md").write_bytes(data)
    os.chmod(tmp_path / "a.md", 0o640)
    text = data.decode()
    at = text.index("2025")
    written = write_edits(tmp_path, "a.md", text, [Edit(at, at + 10, "2025-01-02", NEW_DATE)])
    assert (written.changed, written.declined) == (True, None)
    assert (tmp_path / "a.md").read_bytes() == data.replace(b"2025-01-02", NEW_DATE.encode())
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["a.md"], "no temporary file left behind"


def test_writer_declines_a_text_other_than_the_checked_one(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# T\n\nchanged on disk\n")
    written = write_edits(tmp_path, "a.md", "# T\n\nchecked\n", [Edit(0, 1, "#", "##")])
    assert not written.changed and "differs from the text that was checked" in (written.declined or "")
    assert (tmp_path / "a.md").read_text() == "# T\n\nchanged on disk\n"


def test_writer_recognises_its_own_edits_already_on_disk(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## T\n")
    written = write_edits(tmp_path, "a.md", "# T\n", [Edit(0, 1, "#", "##")])
    assert (written.changed, written.declined) == (False, None)


def test_writer_never_writes_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# T\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.md").symlink_to(outside)
    (root / "folder").symlink_to(tmp_path)
    for path in ("link.md", "folder/outside.md"):
        written = write_edits(root, path, "# T\n", [Edit(0, 1, "#", "##")])
        assert not written.changed and written.declined, path
    assert outside.read_text() == "# T\n" and (root / "link.md").is_symlink()


def test_writer_declines_a_result_its_fixer_rejects(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# T\n")
    written = write_edits(tmp_path, "a.md", "# T\n", [Edit(0, 1, "#", "##")], verify=lambda new: "not wanted")
    assert "not wanted" in (written.declined or "") and (tmp_path / "a.md").read_text() == "# T\n"


# Generated headers ------------------------------------------------------------------------------

NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
KEY_SHAPES = st.sampled_from([
    "**{k}:**", "**{k}**:", "**{k} :**", "** {k}:**", "**`{k}`:**", "__{k}:__", "***{k}:***",
    "**{a}*{b}*{c}:**", "**{a}_{b}_{c}:**", "**{a}\\_{rest}:**",
])
VALUE_SHAPES = st.sampled_from(["{v}", "`{v}`", "", "YYYY-MM-DD", "{{{{YYYY-MM-DD}}}}", "*{v}*", "{v} (approx.)"])
TRAILERS = st.sampled_from(["", "  ", "\\", " \t", "\t"])
BULLETS = st.sampled_from(["- ", "* ", "+ ", "-\t", "-   ", "  - "])


def _key(shape: str, key: str) -> str:
    return shape.format(k=key, a=key[:1], b=key[1:3], c=key[3:], rest=key[1:])


@st.composite
def headers(draw: st.DrawFn) -> str:
    """A spec header in many shapes, most of them odd, with one line-ending style or a mix."""
    newline = draw(NEWLINES)
    mixed = draw(st.booleans())

    def end() -> str:
        return draw(NEWLINES) if mixed else newline

    bom = "\ufeff" if draw(st.booleans()) else ""
    title = draw(st.sampled_from(["Webhooks v2", "Pagamentos – Especificação", "Title with `code`", "Ünïcödé 📖"]))
    lines = [f"{bom}# {title}{end()}", end()]
    bullet = draw(BULLETS)
    for key in ("Spec ID", "Status", "Version", "Created", "Updated"):
        value = draw(VALUE_SHAPES).format(v=draw(st.sampled_from(["2025-03-04", "rest/x", "Draft", "1.0"])))
        separator = draw(st.sampled_from([" ", "", "  ", "\t"]))
        item = f"{_key(draw(KEY_SHAPES), key)}{separator}{value}{draw(TRAILERS)}"
        if draw(st.integers(0, 9)) == 0:  # a bullet whose first line is empty
            lines.append(f"{bullet.rstrip()}{end()}  {item}{end()}")
        else:
            lines.append(f"{bullet}{item}{end()}")
    body = draw(st.sampled_from(["", f"{newline}---{newline}{newline}## Overview{newline}", f"{newline}Text é ü"]))
    text = "".join(lines) + body
    return text if draw(st.booleans()) else text.rstrip("\r\n")


def _fields(text: str) -> dict:  # type: ignore[type-arg]
    header = extract_header(text)
    return named_fields(header, SPEC_TYPE.keys) if header else {}


def _assert_only_spans_changed(before: str, after: str, edits: list[Edit]) -> None:
    at_before = at_after = 0
    for edit in sorted(set(edits), key=lambda edit: edit.start):
        unchanged = before[at_before : edit.start]
        assert after[at_after : at_after + len(unchanged)] == unchanged, "a byte outside the edits changed"
        at_after += len(unchanged)
        assert after[at_after : at_after + len(edit.replacement)] == edit.replacement
        at_after += len(edit.replacement)
        at_before = edit.end
    assert after[at_after:] == before[at_before:], "a byte after the edits changed"


def _date_fix_round(text: str, new_values: dict[str, str]) -> tuple[str, bool]:
    """One run of the date fixer's planning and checking on `text`: the new text, and whether it declined."""
    fields = _fields(text)
    wanted = {name: value for name, value in new_values.items() if name in fields}
    plan = date_edits(text, fields, wanted, [])
    if isinstance(plan, str):
        return text, True
    edits, _ = plan
    new = splice(text, edits)
    _assert_only_spans_changed(text, new, edits)
    document = Spec(Source("a.md", text), SPEC_TYPE, extract_header(text), fields)  # type: ignore[arg-type]
    if _dates_hold(new, document, wanted) is not None:  # the writer's own re-read would refuse it
        return text, True
    return new, False


@SETTINGS
@given(headers(), st.sampled_from([{"Updated": NEW_DATE}, {"Created": "2024-01-02", "Updated": NEW_DATE}]))
def test_date_fixers_write_only_the_date_or_decline(text: str, new_values: dict[str, str]) -> None:
    """The bump (Updated) and the backfill (Created and Updated) share this planning and this writer."""
    new, declined = _date_fix_round(text, new_values)
    if declined:
        return
    fields = _fields(new)
    for name, value in new_values.items():
        if name in _fields(text):
            assert fields[name].value == value, f"{name} does not hold exactly the new value"
    again, _ = _date_fix_round(new, new_values)
    assert again == new, "a second run changed something"


@SETTINGS
@given(headers())
def test_date_fixer_through_the_writer_on_disk(text: str) -> None:
    fields = _fields(text)
    if "Updated" not in fields:
        return
    plan = date_edits(text, fields, {"Updated": NEW_DATE}, [])
    if isinstance(plan, str):
        return
    document = Spec(Source("a.md", text), SPEC_TYPE, extract_header(text), fields)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        data = text.encode()
        Path(folder, "a.md").write_bytes(data)
        written = write_edits(Path(folder), "a.md", text, plan[0], lambda new: _dates_hold(new, document, {"Updated": NEW_DATE}))
        after = Path(folder, "a.md").read_bytes()
    if written.declined:
        assert after == data
    else:
        _assert_only_spans_changed(text, after.decode(), plan[0])


@pytest.mark.parametrize("text", [
    "# T\n\n- **Spec ID:** a\n- **Updated:** 2025-03-04\n",
    "# T\r\n\r\n- **Spec ID:** a  \r\n- **Updated:** 2025-03-04  \r\n",
    "# T\n\n- **Spec ID:** a\n- **Up*dat*ed:** 2025-03-04\n",
    "# T\n\n- **Spec ID:** a\n- **Up\\_dated:** 2025-03-04\n",
    "# T\n\n- **Spec ID:** a\n- **`Updated`:** 2025-03-04\n",
    "# T\n\n- **Spec ID:** a\n-\n  **Updated:** 2025-03-04\n",
    "# T\n\n- **Spec ID:** a\n- # **Updated:** 2025-03-04\n",
    "# T\r\r- **Spec ID:** a\r- **Updated:** 2025-03-04\r",
    "\ufeff# T\n\n* **Spec ID:** a\n* **Updated**: `2025-03-04`",
    "# T\n\n- **Spec ID:** a\n- **Updated:**\n",
    "# T\n\n- **Spec ID:** a\n- **Updated:**  \n- **Status:** Draft\n",
])
def test_the_shapes_that_were_damaged_are_now_fixed_exactly(text: str) -> None:
    """Each of these once had the date written over other characters (issue: fixer safety)."""
    new, declined = _date_fix_round(text, {"Updated": NEW_DATE})
    assert not declined
    old_value = _fields(text)["Updated"].value
    assert new.count(NEW_DATE) == 1 and _fields(new)["Updated"].value == NEW_DATE
    if old_value:
        assert new.replace(NEW_DATE, old_value) == text
    else:
        assert new.replace(" " + NEW_DATE, "", 1) == text


# Generated links ----------------------------------------------------------------------------------

NEW_NAMES = st.sampled_from([
    "hub2.md", "my hub.md", "hub (v2).md", "hub).md", "a<b>.md", "R&D.md", "50%.md", "c#.md", "why?.md",
    "ünï cödé.md", "x`y.md", "[draft] hub.md", "q'uote\".md", "back\\slash.md", "tab\there.md",
])
LINK_SHAPES = st.sampled_from([
    "[t]({d})", "![i]({d})", "[t](<{d}>)", "[t]({d} \"title\")", "[t](./{d}#section)", "[t]({d}?plain=1)",
    "[r]: {d}", "<a href=\"{d}\">a</a>", "<img src='{d}'>", "[t](/{d})",
])


@st.composite
def linking_files(draw: st.DrawFn) -> tuple[str, str]:
    newline = draw(NEWLINES)
    bom = "\ufeff" if draw(st.booleans()) else ""
    parts = [f"{bom}# Links{newline}{newline}"]
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(LINK_SHAPES)
        prose = draw(st.sampled_from(["See ", "Tabs\t", "Ünï ", "", "**bold** "]))
        parts.append(prose + shape.format(d="hub.md") + draw(st.sampled_from(["", ".", " and more"])) + newline)
        parts.append(newline if shape.startswith("[r]:") else "")
    text = "".join(parts) + ("[r] used" + newline if any("[r]:" in part for part in parts) else "")
    return text, draw(NEW_NAMES)


def _links_fix_round(folder: Path, renames: dict[str, str], tracked: str) -> tuple[list[str], Outcome]:
    """`links --fix a.md` with the given staged renames, on a repository described as data."""
    project = Project(folder, Config())
    entries = {path: ("100644", "0" * 40) for path in ("a.md", tracked)}
    repository = Repository(project, entries, renames, set())
    outcome = Outcome()
    outcome.findings.extend(_check_file(repository, "a.md", [], outcome))
    lines, _ = write_fixes(folder, _file_fixes(outcome))
    return lines, outcome


@SETTINGS
@given(linking_files())
def test_links_fixer_rewrites_only_destinations_and_they_resolve(case: tuple[str, str]) -> None:
    text, new_name = case
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "a.md").write_bytes(text.encode())
        (folder / new_name).write_text("# Hub\n\n## Section\n")
        lines, outcome = _links_fix_round(folder, {"hub.md": new_name}, new_name)
        after = (folder / "a.md").read_bytes().decode()
        edits = outcome.fixes.get("a.md", [])
        assert not any("not fixed" in line for line in lines), lines  # every one of these names can be written
        _assert_only_spans_changed(text, after, edits)
        rewritten = parse(after).links
        assert len(rewritten) == len(edits)
        for link in rewritten:
            assert _resolve_in("", split_target(link.target.strip())[0]) == new_name, link
        again, second = _links_fix_round(folder, {}, new_name)
        assert again == [] and not second.fixes and (folder / "a.md").read_bytes().decode() == after
        assert [finding for finding in second.findings if finding.code != "SH206"] == [], "the fixed links resolve"


# Every header form (issue 24) ------------------------------------------------------------------------

FORM_VALUES = {
    "list": st.sampled_from(["{v}", "`{v}`", "", "{v}  ", "{v}\\", "**{v}**", "[{v}](x.md)", "YYYY-MM-DD"]),
    "paragraph": st.sampled_from(["{v}", "`{v}`", "", "{v}  ", "{v} |", "**{v}**", "[{v}](x.md)"]),
    "front-matter": st.sampled_from(["{v}", '"{v}"', "'{v}'", "{v} # a comment", "[{v}]", "", "{v}  ", '""']),
}
FORM_KEYS = {
    "list": st.sampled_from(["{k}:", "**{k}:**", "**{k}**:", "{k} :"]),
    "paragraph": st.sampled_from(["{k}:", "**{k}:**", "**{k}**:", "**{k}**"]),
    "front-matter": st.sampled_from(["{k}:", "{k} :", '"{k}":']),
}


@st.composite
def form_headers(draw: st.DrawFn, form: str) -> str:
    """A header in `form`, its items in odd shapes, with one line-ending style."""
    newline = draw(NEWLINES if form != "front-matter" else st.sampled_from(["\n", "\r\n"]))
    items = []
    for key in ("Spec ID", "Status", "Created", "Updated"):
        value = draw(FORM_VALUES[form]).format(v=draw(st.sampled_from(["2025-03-04", "rest/x", "Draft"])))
        item = f"{draw(FORM_KEYS[form]).format(k=key)} {value}".rstrip(" ") if value else draw(FORM_KEYS[form]).format(k=key)
        items.append({"list": draw(BULLETS) + item, "paragraph": item, "front-matter": item}[form])
    title = draw(st.sampled_from(["# Webhooks v2", "Webhooks v2" + newline + "----", "### Ünïcödé 📖"]))
    if form == "front-matter":
        lines = ["---", *items, "---", "", title]
    else:
        lines = [title, "", *items]
    body = draw(st.sampled_from(["", f"{newline}## Overview{newline}", f"{newline}Text é ü"]))
    return newline.join(lines) + newline + body


def _form_fix_round(text: str, form: str) -> tuple[str, bool]:
    forms = frozenset({form})
    header = extract_header(text, forms)
    fields = named_fields(header, SPEC_TYPE.keys) if header else {}
    if "Updated" not in fields:
        return text, True
    plan = date_edits(text, fields, {"Updated": NEW_DATE}, [])
    if isinstance(plan, str):
        return text, True
    new = splice(text, plan[0])
    _assert_only_spans_changed(text, new, plan[0])
    document = Spec(Source("a.md", text), SPEC_TYPE, header, fields, forms)  # type: ignore[arg-type]
    if _dates_hold(new, document, {"Updated": NEW_DATE}) is not None:
        return text, True
    return new, False


@pytest.mark.parametrize("form", FORM_VALUES)
def test_the_date_fixer_writes_only_the_date_in_every_header_form(form: str) -> None:
    fixed = []

    @SETTINGS
    @given(form_headers(form))
    def check(text: str) -> None:
        new, declined = _form_fix_round(text, form)
        if declined:
            return
        fixed.append(text)
        header = extract_header(new, frozenset({form}))
        assert header is not None and named_fields(header, SPEC_TYPE.keys)["Updated"].value == NEW_DATE
        assert _form_fix_round(new, form)[0] == new, "a second run changed something"

    check()
    assert len(fixed) >= 30, f"{form}: only {len(fixed)} of the generated headers were fixed: the test saw little"
