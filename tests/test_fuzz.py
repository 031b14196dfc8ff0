"""The whole pipeline on random Markdown-ish bytes: `spec-hooks check` (headers, links and dates) on a
real repository must answer with findings inside the file, never an exception. (Time is bounded by the
growth tests of test_pathological, which try each pathological shape at two sizes.)"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spec_hooks.cli import main

from conftest import committed_folder, spec

PATH = "specs/rest/fuzz.md"

# Pieces that reach every reader: header items, headings, links of each kind, containers, HTML, fences.
PIECES = [
    "# ", "## ", "- ", "  - ", "    ", "> ", "1. ", "**Spec ID:** ", "**Updated:** ", "**Status:** ", "2025-01-02",
    "[a](b.md)", "[a](#x)", "[a][r]", "[r]: c.md", "![i](d.png)", "<a href=\"e.md#y\">", "<h2 id=\"z\">", "</a>",
    "<!--", "-->", "```", "~~~", "|a|b|\n|-|-|\n", "[^1]", "[^1]: n", "](", "[", "]", "(", ")", "<", ">", "`",
    "*", "_", "\\", "&amp;", "&#0;", "\t", "\r", "\r\n", "\n", "\n\n", "---", "===", "<<<<<<< ", ">>>>>>> ",
    "\ufeff", "\u00e9", "\U0001f6e0\ufe0f", "\x00", "\x01", "\x7f",
]


@pytest.fixture(scope="module")
def fuzz_repo() -> Iterator[Path]:
    with committed_folder({PATH: spec(), "b.md": "# B\n\n## Y\n"}) as root:
        yield root


markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=120).map("".join)
data = st.one_of(markdownish.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=300))


@settings(max_examples=120, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(content=data)
def test_check_answers_every_input(fuzz_repo: Path, content: bytes) -> None:
    (fuzz_repo / PATH).write_bytes(content)
    subprocess.run(["git", "add", PATH], cwd=fuzz_repo, check=True)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", "--format", "json", PATH])
    assert status in (0, 1), err.getvalue()
    findings = json.loads(out.getvalue())["findings"]
    lines = content.count(b"\n") + content.count(b"\r") + 1
    for finding in findings:
        assert finding["code"] != "SH000", finding  # SH000 is a bug caught on one file
        assert 1 <= finding["line"] <= lines and finding["column"] >= 1, finding
