"""`spec-hooks refs PATH[#anchor]`: every link to a file, or to one of its headings (backlinks), for a
reviewer about to rename or delete it."""
from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from spec_hooks.arguments import CommandParser
from spec_hooks.document import BODY, Document
from spec_hooks.findings import SpecHooksError, printable
from spec_hooks.paths import is_external, resolve_link, split_target
from spec_hooks.run import Project, guarded, open_project
from spec_hooks.source import display_path


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    column: int
    target: str  # the link's destination as written


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(prog="spec-hooks refs",
                                     description="List every link to a file, or to a heading with PATH#anchor.")
    parser.add_argument("target", metavar="PATH[#anchor]", help="the file (and heading anchor) links point at")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--config", metavar="PATH", default=None, help="configuration file")
    args = parser.parse_args(argv)

    def run() -> int:
        project = open_project(args.config)
        if not project.in_git:
            raise SpecHooksError("not inside a git repository: refs searches the files git tracks")
        given, _, anchor = args.target.partition("#")
        path = display_path(project.root, given)
        path = path.rstrip("/") if path not in ("", ".") else ""
        folder = _is_folder(project, path)
        if folder and anchor:
            raise SpecHooksError(f"{given!r} is a folder: a #fragment names a heading in a file")
        found = references(project, path, unquote(anchor) if anchor else None, folder)
        if args.format == "json":
            print(json.dumps({"version": 1, "target": path, "anchor": anchor or None, "folder": folder,
                              "references": [ref.__dict__ for ref in found]}, indent=2, ensure_ascii=False))
        else:
            for ref in found:
                print(printable(f"{ref.path}:{ref.line}:{ref.column}: {ref.target}"))
        _notes(project, path, anchor, folder, found)
        return 0

    return guarded(run)


def _is_folder(project: Project, path: str) -> bool:
    prefix = f"{path}/" if path else ""
    return path not in project.snapshot.index.entries and any(
        entry.startswith(prefix) for entry in project.snapshot.index.entries)


def references(project: Project, path: str, anchor: str | None, folder: bool = False) -> list[Reference]:
    """The links of tracked Markdown files that resolve to `path` (and name `anchor`, when given); for a
    folder, every link to it or to anything in it."""
    name = posixpath.basename(path)
    tracked = project.snapshot.tracked_markdown()
    candidates = set(project.snapshot.files_containing([name, quote(name)]) if name else tracked)
    if folder:  # a file inside may link to its neighbours without naming the folder
        candidates.update(markdown for markdown in tracked if markdown.startswith(f"{path}/"))
    elif path in set(tracked):
        candidates.add(path)  # its own #fragment links name no file
    excluded = project.config.excluded
    paths = sorted(candidate for candidate in candidates if not excluded(candidate))
    project.documents.open_cache()
    project.documents.read_all(paths, (BODY,))
    found = []
    for candidate in paths:
        document = project.documents.read(candidate)
        if not isinstance(document, Document):
            continue
        for link in document.links:
            target = link.target.strip()
            if not target or is_external(target) or (link.kind == "definition" and not link.used):
                continue
            resolved = resolve_link(candidate, target)
            if resolved != path and not (folder and resolved is not None and _under(resolved, path)):
                continue
            fragment = unquote(split_target(target)[1])
            if anchor is None or fragment == anchor:
                line, column = document.source.position(link.offset)
                found.append(Reference(candidate, line, column, target))
    project.save()
    return found


def _under(resolved: str, folder: str) -> bool:
    return not folder or resolved.startswith(f"{folder}/")


def _notes(project: Project, path: str, anchor: str, folder: bool, found: list[Reference]) -> None:
    """What the list alone does not say: a target git does not track, an anchor the file lacks, no link."""
    import sys

    shown = f"{path}#{anchor}" if anchor else path or "."
    if not folder and path not in project.snapshot.index.entries:
        print(f"spec-hooks: note: {printable(path)!r} is not a tracked file or folder", file=sys.stderr)
    elif anchor:
        document = project.documents.read(path)
        if isinstance(document, Document) and unquote(anchor) not in document.anchors:
            print(f"spec-hooks: note: {printable(path)!r} has no heading or anchor #{printable(anchor)}", file=sys.stderr)
    if not found:
        print(f"spec-hooks: note: no tracked Markdown file links to {printable(shown)!r}", file=sys.stderr)
