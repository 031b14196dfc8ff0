"""Generate a benchmark spec repository: specs, integration specs, proposals, RFCs, links, history.

    python bench/make_repo.py OUT [--specs 5000] [--integrations 300] [--commits 1]

Deterministic (seeded). The files are written through `git fast-import`, which makes 10,000 commits
in seconds. About 10 relative links per spec, some with #fragments, some inside code blocks (not
links), and about 2% broken; the broken ones are listed in OUT/.bench-broken-links.txt.
Later commits edit random documents: most change content and bump the date, some change only the
date line, a few rename a proposal.
"""
from __future__ import annotations

import argparse
import random
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

AREAS = ["rest", "common", "billing", "events", "auth", "search", "storage", "mobile", "web", "data"]
SECTIONS = ["📖 Overview", "🎯 Goals", "🚫 Non-Goals (Optional)", "🛠️ Technical Specification",
            "📦 Backward Compatibility", "🧪 Examples & Use Cases", "🌐 Security & Compliance",
            "📅 Implementation & Rollout", "📎 References"]
ANCHORS = ["-overview", "-goals", "-non-goals-optional", "\ufe0f-technical-specification",
           "-backward-compatibility", "-examples--use-cases", "-security--compliance"]
LOREM = ("The service accepts requests from registered clients, validates each payload against the "
         "published schema and answers within the documented latency budget. Retries use exponential "
         "backoff with jitter; every request carries an idempotency key. ")


def spec_paths(count: int) -> list[str]:
    return [f"specs/{AREAS[i % len(AREAS)]}/spec-{i:05d}.md" for i in range(count)]


def relative(from_path: str, to_path: str) -> str:
    source = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < min(len(source), len(target) - 1) and source[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(source) - common) + target[common:])


def spec_text(path: str, index: int, updated: str, links: list[str]) -> str:
    area, name = path.split("/")[1], path.split("/")[2][:-3]
    body = []
    for number, section in enumerate(SECTIONS):
        body.append(f"## {section}\n\n{LOREM}\n")
        if number == 3:
            body.append("### Endpoints / APIs (if applicable)\n\n```http\nPOST /api/v2/example\n"
                        "See [old doc](../old/not-a-link.md) in a code block.\n```\n")
    refs = "\n".join(f"- Related: [link {n}]({link})" for n, link in enumerate(links))
    return (f"# Specification {index}\n\n- **Spec ID:** {area}/{name}  \n- **Status:** Final  \n"
            f"- **Version:** 1.{index % 9}  \n- **Created:** 2024-01-02  \n- **Updated:** {updated}  \n\n---\n\n"
            + "\n---\n\n".join(body) + "\n" + refs + "\n")


def integration_text(index: int, updated: str) -> str:
    return (f"# System {index} – Integration Spec\n\n- **System:** System {index}\n- **Type:** API\n"
            f"- **Owner:** Team {index % 7}\n- **Last updated:** {updated}\n\n---\n\n## 1. Purpose\n\n{LOREM}\n")


def make_links(rng: random.Random, path: str, specs: list[str], proposals: list[str], broken: list[str]) -> list[str]:
    links = []
    for _ in range(9):
        roll = rng.random()
        if roll < 0.02:
            target = relative(path, rng.choice(specs)).replace(".md", "-missing.md")
            broken.append(f"{path}\t{target}")
            links.append(target)
        elif roll < 0.3:
            links.append(relative(path, rng.choice(specs)) + "#" + rng.choice(ANCHORS))
        elif roll < 0.5:
            links.append(relative(path, rng.choice(proposals)))
        elif roll < 0.55:
            links.append("#-goals")
        else:
            links.append(relative(path, rng.choice(specs)))
    return links


def blob(data: str) -> bytes:
    raw = data.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def generate(out: Path, n_specs: int, n_integrations: int, n_commits: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    specs = spec_paths(n_specs)
    proposals = [f"proposals/2025/{i:03d}-proposal.md" for i in range(200)]
    integrations = [f"integrations/system-{i:03d}.md" for i in range(n_integrations)]
    broken: list[str] = []
    start = datetime(2024, 1, 2, 9, 0, tzinfo=timezone(timedelta(hours=-3)))
    files: dict[str, str] = {}
    links = {path: make_links(rng, path, specs, proposals, broken) for path in specs}
    for index, path in enumerate(specs):
        files[path] = spec_text(path, index, "2024-01-02", links[path])
    for index, path in enumerate(integrations):
        files[path] = integration_text(index, "2024-01-02")
    for path in proposals:
        files[path] = f"# {path}\n\nProposal text.\n"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    stream = bytearray()
    mark = 0

    def commit(when: datetime, message: str, changes: dict[str, str], deletes: tuple[str, ...] = ()) -> None:
        nonlocal mark
        mark += 1
        stamp = f"{int(when.timestamp())} {when.strftime('%z')}"
        stream.extend(f"commit refs/heads/main\nmark :{mark}\n".encode())
        stream.extend(f"author Bench <bench@example.com> {stamp}\ncommitter Bench <bench@example.com> {stamp}\n".encode())
        stream.extend(blob(message))
        if mark > 1:
            stream.extend(f"from :{mark - 1}\n".encode())
        for path in deletes:
            stream.extend(f"D {path}\n".encode())
        for path, text in changes.items():
            stream.extend(f"M 100644 inline {path}\n".encode() + blob(text))

    commit(start, "Initial specs", files)
    documents = specs + integrations
    when = start
    last_content = {path: "2024-01-02" for path in documents}
    updated = dict(last_content)
    for number in range(1, n_commits):
        when += timedelta(minutes=rng.randint(5, 200))
        day = when.strftime("%Y-%m-%d")
        path = rng.choice(documents)
        text = files[path]
        kind = rng.random()
        if kind < 0.83:  # a content change that bumps the date, as the fixer would
            text = text.rstrip("\n") + f"\n\nRevision {number}.\n"
            text = _set_date(text, day)
            last_content[path] = day
            updated[path] = day
        elif kind < 0.85:  # a content change someone forgot to date: stale unless fixed later
            text = text.rstrip("\n") + f"\n\nRevision {number}.\n"
            last_content[path] = day
        else:  # a date-only change
            text = _set_date(text, day)
            updated[path] = day
        files[path] = text
        commit(when, f"Edit {path}", {path: text})
    subprocess.run(["git", "fast-import", "--quiet"], cwd=out, input=bytes(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=out, check=True)
    (out / ".bench-broken-links.txt").write_text("\n".join(sorted(broken)) + "\n")
    stale = sorted(path for path in documents if updated[path] < last_content[path])
    (out / ".bench-stale-dates.txt").write_text("".join(f"{path}\t{updated[path]}\t{last_content[path]}\n" for path in stale))
    (out / ".git" / "info" / "exclude").write_text(".bench-*.txt\n")


def _set_date(text: str, day: str) -> str:
    lines = text.split("\n")
    for index, line in enumerate(lines[:12]):
        for key in ("- **Updated:** ", "- **Last updated:** "):
            if line.startswith(key):
                lines[index] = key + day + ("  " if line.endswith("  ") else "")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--specs", type=int, default=5000)
    parser.add_argument("--integrations", type=int, default=300)
    parser.add_argument("--commits", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.specs, args.integrations, args.commits)


if __name__ == "__main__":
    main()
