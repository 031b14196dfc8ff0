"""`spec-hooks index` (hook `update-spec-index`): the catalogue of specs, generated from their headers
into a Markdown file between `<!-- spec-hooks:index -->` and `<!-- /spec-hooks:index -->`, kept true
at commit time. Only the block is ever rewritten; the rest of the file stays byte for byte."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from spec_hooks.catalogue import Catalogue, field_value, identifier, status
from spec_hooks.document import BODY, Document
from spec_hooks.documents import Spec, normalize_key
from spec_hooks.escape import literal
from spec_hooks.findings import Finding
from spec_hooks.fix import Edit, FileFix
from spec_hooks.paths import destination, resolve_link, split_target
from spec_hooks.source import Source

if TYPE_CHECKING:
    from spec_hooks.run import Project

MARKER = "spec-hooks:index"
GROUPS = ("status", "type", "area", "none")
_OPTION = re.compile(r"([a-z_]+)=(\S+)")


@dataclass(frozen=True)
class Options:
    group_by: str = "status"
    graph: bool = False
    type: str | None = None  # list only this document type


@dataclass(frozen=True)
class Block:
    """One index block of a file: the text between its markers, and how it is to be generated."""

    source: Source
    start: int  # where the generated text begins: the line after the opening marker
    end: int  # where it ends: the start of the closing marker's line
    marker: int  # the opening marker's offset, where findings point
    options: Options
    newline: str = "\n"


NO_BLOCK = (f"spec-hooks: note: no <!-- {MARKER} --> block in any tracked Markdown file: put one (with its "
            f"closing <!-- /{MARKER} -->) where the catalogue belongs")


@dataclass(frozen=True)
class IndexCheck:
    findings: list[Finding]  # SH401 for each block out of date (the rewrite in `fixes`), SH402 for marker problems
    fixes: list[FileFix]  # each file's blocks rewritten as generated, checked by reading them back
    blocks: int  # index blocks found (none: the command says where one belongs)


def check_index(project: Project, catalogue: Catalogue) -> IndexCheck:
    """SH401 for every block that differs from what the specs' headers make of it, with its rewrite."""
    project.documents.open_cache()  # documents read before it take what it kept
    blocks, findings = find_blocks(project, catalogue)
    edits: dict[str, list[Edit]] = {}
    sources: dict[str, Source] = {}
    contents: dict[str, list[str]] = {}  # every block of a file as it must read after the fix, in order
    for block in blocks:
        wanted = render(project, catalogue.every, block.options, block.source.path, block.newline)
        current = block.source.text[block.start : block.end]
        contents.setdefault(block.source.path, []).append(wanted)
        if current == wanted:
            continue
        finding = block.source.finding(block.marker, "SH401", f"the index is out of date: {_difference(current, wanted)}")
        findings.append(finding)
        edits.setdefault(block.source.path, []).append(Edit(block.start, block.end, current, wanted, (finding,)))
        sources[block.source.path] = block.source
    defaults = Options(project.config.index_group, project.config.index_graph)
    marker_problems = {path: sorted(finding.message for finding in findings
                                    if finding.path == path and finding.code == "SH402") for path in edits}
    fixes = [FileFix(path, sources[path].text, file_edits,
                     partial(_blocks_hold, path, contents[path], defaults, marker_problems[path]), "rewrote the index")
             for path, file_edits in sorted(edits.items())]
    return IndexCheck(findings, fixes, len(blocks))


def _blocks_hold(path: str, expected: list[str], defaults: Options, problems_before: list[str], new_text: str) -> str | None:
    """Re-read the fixed text: the same blocks, each holding exactly what was generated for it, and no
    marker problem the file did not have (a stray marker elsewhere, SH402, stays for the user to mend)."""
    blocks, problems = blocks_of(Document(Source(path, new_text)), defaults)
    if (sorted(problem.message for problem in problems) != problems_before
            or [new_text[block.start : block.end] for block in blocks] != expected):
        return "its index blocks would not read back as generated"
    return None


def _difference(current: str, wanted: str) -> str:
    old = {line for line in current.splitlines() if line.startswith("| [")}
    new = {line for line in wanted.splitlines() if line.startswith("| [")}
    parts = [f"{count} row{'s' * (count != 1)} {what}" for count, what in
             ((len(new - old), "to add or update"), (len(old - new), "to remove or update")) if count]
    return ", ".join(parts) or "its layout differs from the generated one"


def find_blocks(project: Project, catalogue: Catalogue) -> tuple[list[Block], list[Finding]]:
    """The index blocks of the configured file, or of every tracked Markdown file holding the marker."""
    configured = project.config.index_file
    paths = [configured] if configured else [path for path in catalogue.paths if _mentions_marker(project, path)]
    blocks: list[Block] = []
    findings: list[Finding] = []
    for path in paths:
        document = project.documents.read(path)
        if isinstance(document, Finding):
            findings.append(document)
            continue
        found, problems = blocks_of(document, Options(project.config.index_group, project.config.index_graph))
        if configured and not found and not problems:
            problems = [Finding(path, 1, 1, "SH401", f"no index block: add <!-- {MARKER} --> and <!-- /{MARKER} --> "
                                                     "on lines of their own where the catalogue belongs")]
        blocks.extend(found)
        findings.extend(problems)
    return blocks, findings


def _mentions_marker(project: Project, path: str) -> bool:
    document = project.documents.read(path)
    return isinstance(document, Document) and MARKER in document.text


def blocks_of(document: Document, defaults: Options) -> tuple[list[Block], list[Finding]]:
    """The blocks between real HTML-comment markers (a marker inside code is text), each on its own line."""
    document.ensure((BODY,))
    source = document.source
    blocks, problems = [], []
    opening: tuple[int, int, str] | None = None
    for start, end, comment in sorted(document.directives):
        body = comment.removeprefix("<!--").removesuffix("-->").strip()
        if body.startswith(MARKER):
            if opening is not None:
                problems.append(source.finding(opening[0], "SH402", "index block not closed before the next one opens"))
            opening = (start, end, body)
        elif body.startswith("/" + MARKER):
            if opening is None:
                problems.append(source.finding(start, "SH402", f"closing <!-- /{MARKER} --> without an opening marker"))
                continue
            block = _block(source, opening, start, defaults)
            if isinstance(block, Finding):
                problems.append(block)
            else:
                blocks.append(block)
            opening = None
    if opening is not None:
        problems.append(source.finding(opening[0], "SH402", f"index block never closed: add <!-- /{MARKER} --> after it"))
    return blocks, problems


def _block(source: Source, opening: tuple[int, int, str], closing: int, defaults: Options) -> Block | Finding:
    from bisect import bisect_right

    text = source.text
    start, end, body = opening
    starts = source.line_starts()  # lines end at LF, CRLF or a lone CR
    opening_line = starts[bisect_right(starts, start) - 1]
    after = bisect_right(starts, end - 1)
    block_start = starts[after] if after < len(starts) else -1
    closing_line = starts[bisect_right(starts, closing) - 1]
    if (block_start < 0 or text[opening_line:start].strip() or text[end:block_start].strip()
            or text[closing_line:closing].strip() or block_start > closing_line):
        return source.finding(start, "SH402", "the index markers must stand on lines of their own")
    values = dict(_OPTION.findall(body[len(MARKER):]))
    unknown = set(values) - {"group_by", "graph", "type"}
    group_by = values.get("group_by", defaults.group_by)
    if unknown or group_by not in GROUPS or values.get("graph", "false") not in ("true", "false"):
        return source.finding(start, "SH402", f"unknown index option in {body!r}: write group_by=status|type|area|none, "
                                              "graph=true|false or type=NAME")
    graph = values["graph"] == "true" if "graph" in values else defaults.graph
    newline = text[end:block_start].strip(" \t") or "\n"  # the file's own line ending
    return Block(source, block_start, closing_line, start, Options(group_by, graph, values.get("type")), newline)


# What the block holds --------------------------------------------------------------------------------

COLUMNS = (  # (heading, the fields that fill it, first found)
    ("ID", ("id",)),
    ("Status", ("status",)),
    ("Version", ("Version", "Type")),
    ("Owner", ("Owner",)),
    ("Updated", ("updated",)),
)


def render(project: Project, specs: list[Spec], options: Options, index_path: str, newline: str = "\n") -> str:
    """The block's Markdown: one table per group, then (optionally) the graph; links relative to `index_path`."""
    if options.type is not None:
        specs = [spec for spec in specs if spec.doc_type.name == options.type]
    parts = [""]
    groups = _groups(project, specs, options.group_by)
    # Documents none of which has a status (a type without one, as dotnet/designs): one table, no heading.
    headed = options.group_by != "none" and not (options.group_by == "status" and [name for name, _ in groups] == [_NO_STATUS])
    for name, members in groups:
        if headed:
            parts.extend([f"### {literal(name)} ({len(members)})", ""])
        parts.extend(_table(members, index_path))
        parts.append("")
    if not specs:
        parts.extend(["_No specs yet._", ""])
    if options.graph and specs:
        parts.extend(graph(project, specs))
        parts.append("")
    return newline.join(parts) + newline


def _groups(project: Project, specs: list[Spec], group_by: str) -> list[tuple[str, list[Spec]]]:
    ordered = sorted(specs, key=lambda spec: (identifier(spec).lower(), spec.path))
    if group_by == "none":
        return [("", ordered)] if ordered else []
    grouped: dict[str, list[Spec]] = {}
    for spec in ordered:
        grouped.setdefault(_group_of(spec, group_by), []).append(spec)
    if group_by == "status":
        known = [status for doc_type in project.config.types if doc_type.lifecycle for status in doc_type.lifecycle.statuses]
        rank = {name: index for index, name in enumerate(dict.fromkeys(known))}
        order = sorted(grouped, key=lambda name: (name == _NO_STATUS, rank.get(name, len(rank)), name))
    elif group_by == "type":
        rank = {doc_type.name: index for index, doc_type in enumerate(project.config.types)}
        order = sorted(grouped, key=lambda name: rank.get(name, len(rank)))
    else:
        order = sorted(grouped)
    return [(name, grouped[name]) for name in order]


_NO_STATUS = "No status"


def _group_of(spec: Spec, group_by: str) -> str:
    if group_by == "status":
        return status(spec) or _NO_STATUS
    if group_by == "type":
        return spec.doc_type.name
    spec_id = identifier(spec) if spec.doc_type.id_field else ""
    if "/" in spec_id:
        return spec_id.split("/", 1)[0]
    return posixpath.dirname(spec.path) or "."


def _cell(spec: Spec, column: tuple[str, ...]) -> tuple[str, str]:
    """(the field's name, its value) for the first of the column's fields the spec's type has."""
    doc_type = spec.doc_type
    for name in column:
        actual = {"id": doc_type.id_field or doc_type.name_field, "updated": doc_type.updated_field,
                  "status": doc_type.lifecycle.field if doc_type.lifecycle else "Status"}.get(name, name)
        if not actual:
            continue
        wanted = normalize_key(actual)  # MADR's front matter says `status`, a lifecycle `Status`
        named = next((key for key in (*spec.fields, *doc_type.keys) if normalize_key(key) == wanted), None)
        if named is not None:
            return named, field_value(spec, named)
    return "", ""


def _table(specs: list[Spec], index_path: str) -> list[str]:
    cells = [[_cell(spec, fields) for _, fields in COLUMNS] for spec in specs]
    shown = [index for index in range(len(COLUMNS)) if any(row[index][1] for row in cells)]
    names = []
    for index in shown:
        used = list(dict.fromkeys(row[index][0] for row in cells if row[index][0]))
        names.append(used[0] if len(used) == 1 else COLUMNS[index][0])
    lines = ["| " + " | ".join(["Title", *names]) + " |", "| --- |" + " --- |" * len(names)]
    folder = posixpath.dirname(index_path)
    for spec, row in zip(specs, cells, strict=True):
        target = destination(posixpath.relpath(spec.path, folder or "."))
        title = literal(spec.header.title) or literal(spec.path)
        values = [literal(row[index][1]) for index in shown]
        lines.append("| " + " | ".join([f"[{title}]({target})", *values]) + " |")
    return lines




def graph(project: Project, specs: list[Spec]) -> list[str]:
    """A Mermaid flowchart of which specs link to which, one subgraph per area."""
    project.documents.open_cache()
    project.documents.read_all([spec.path for spec in specs], (BODY,))
    node = {spec.path: f"s{index}" for index, spec in enumerate(sorted(specs, key=lambda spec: spec.path))}
    lines = ["```mermaid", "flowchart LR"]
    for area, members in _groups(project, specs, "area"):
        lines.append(f"  subgraph {_mermaid_id(area)}[\"{_mermaid_text(area)}\"]")
        lines.extend(f"    {node[spec.path]}[\"{_mermaid_text(identifier(spec) or spec.header.title)}\"]" for spec in members)
        lines.append("  end")
    edges: dict[tuple[str, str], None] = {}
    for spec in sorted(specs, key=lambda spec: spec.path):
        document = project.documents.read(spec.path)
        if not isinstance(document, Document):
            continue
        for link in document.links:
            if link.kind == "definition" and not link.used or not split_target(link.target.strip())[0]:
                continue
            target = resolve_link(spec.path, link.target.strip())
            if target in node and target != spec.path:
                edges[(node[spec.path], node[target])] = None
    lines.extend(f"  {source} --> {target}" for source, target in edges)
    lines.append("```")
    return lines


def _mermaid_id(text: str) -> str:
    return "area_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def catalogue_json(specs: list[Spec]) -> dict[str, object]:
    return {"version": 1, "specs": [_spec_json(spec) for spec in sorted(specs, key=lambda spec: spec.path)]}


def _spec_json(spec: Spec) -> dict[str, object]:
    return {
        "path": spec.path,
        "type": spec.doc_type.name,
        "title": spec.header.title,
        "id": identifier(spec),
        "status": status(spec),
        "fields": {name: item.value for name, item in spec.fields.items()},
    }

