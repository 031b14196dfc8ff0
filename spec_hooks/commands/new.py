"""`spec-hooks new PATH`: a new spec from the repository's template for its document type (the bundled
templates otherwise), its header filled in: the ID from the path, the title, Draft, today's dates."""
from __future__ import annotations

import contextlib
import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from spec_hooks.arguments import CommandParser
from spec_hooks.config import DocType
from spec_hooks.document import Document
from spec_hooks.documents import named_fields
from spec_hooks.escape import literal, yaml_scalar
from spec_hooks.findings import Finding, SpecHooksError
from spec_hooks.fix import Edit, create_exclusive, splice
from spec_hooks.globs import matches
from spec_hooks.markdown import parse
from spec_hooks.paths import destination, is_external, resolve_link, split_target
from spec_hooks.run import Project, guarded, open_project
from spec_hooks.source import Source, display_path, inside, read_source
from spec_hooks.text import did_you_mean, shorten

BUNDLED = {"spec": "spec.md", "integration": "integration.md"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = CommandParser(prog="spec-hooks new", description="Start a new spec from the template of its type.")
    parser.add_argument("path", metavar="PATH", help="the file to create, e.g. specs/rest/webhooks-v3.md")
    parser.add_argument("--type", dest="type_name", default=None,
                        help="the document type (default: the type whose paths match PATH, else spec)")
    parser.add_argument("--title", default=None, help="the title (default: made from the file name)")
    parser.add_argument("--keep-instructions", action="store_true",
                        help="keep the template's instruction text under each heading (default: headings only)")
    parser.add_argument("--config", metavar="PATH", default=None, help="configuration file")
    args = parser.parse_args(argv)

    def run() -> int:
        project = open_project(args.config)
        path = posixpath.normpath(display_path(project.root, args.path))
        target = project.root / path
        if not path.lower().endswith((".md", ".markdown")):
            raise SpecHooksError(f"{path}: a spec is a Markdown file: give a path ending in .md")
        if os.path.lexists(target):
            raise SpecHooksError(f"{path}: already exists; spec-hooks new never overwrites a file")
        if path.startswith(("../", "/")) or not inside(project.root, _nearest_existing(target.parent)):
            raise SpecHooksError(f"{path}: lies outside the repository")
        if _in_git_directory(project, path, target):
            raise SpecHooksError(f"{path}: lies in the git directory, not in the work tree")
        if args.title is not None and not args.title.isprintable():
            raise SpecHooksError("--title must be one line of text (it has a line break or a control character)")
        doc_type = choose_type(project, path, args.type_name)
        template, template_path = read_template(project, doc_type)
        title = args.title or title_from_path(path)
        text = new_document(template, template_path, path, doc_type, title, project.config.today().isoformat(),
                            keep_instructions=args.keep_instructions)
        _create(target, path, text.encode("utf-8"))
        print(f"{path}: created from {template_path} ({doc_type.name}); fill in what only you know, then git add it")
        return 0

    return guarded(run)


def _create(target: Path, path: str, data: bytes) -> None:
    """Create the file (and its folders), never over one that appeared meanwhile; why not, in one line.
    Folders made for a file that could not be created are removed again."""
    made = [folder for folder in [target.parent, *target.parent.parents] if not os.path.lexists(folder)]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        create_exclusive(target, data)
    except OSError as exc:
        error = _creation_error(target, path, exc)
        for folder in made:  # deepest first; one that something else filled meanwhile stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise error from None


def _creation_error(target: Path, path: str, exc: OSError) -> SpecHooksError:
    if not isinstance(exc, FileExistsError):
        return SpecHooksError(f"{shorten(path, 120)}: cannot create it: {exc.strerror or exc}")
    if target.parent.is_dir():
        return SpecHooksError(f"{path}: already exists; spec-hooks new never overwrites a file")
    blocking = next((folder for folder in [target.parent, *target.parent.parents]
                     if os.path.lexists(folder) and not folder.is_dir()), target.parent)
    what = "a broken symbolic link" if blocking.is_symlink() else "a file"
    return SpecHooksError(f"{path}: cannot create it: {shorten(blocking.name, 120)} on its way is {what}")


def _in_git_directory(project: Project, path: str, target: Path) -> bool:
    """Whether the path names something under `.git` (any `.git` folder on the way, or git's own directory
    wherever it is): spec-hooks writes nothing there."""
    if any(part.lower() == ".git" for part in path.split("/")):
        return True
    if project.git is None:
        return False
    real = os.path.realpath(_nearest_existing(target.parent))
    return any(real == folder or real.startswith(folder + os.sep)
               for folder in {os.path.realpath(project.git.git_dir), os.path.realpath(project.git.common_dir)})


def _nearest_existing(folder: Path) -> Path:
    """The folder, or its closest ancestor that exists: where a symbolic link could lead out."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def choose_type(project: Project, path: str, name: str | None) -> DocType:
    types = project.config.types
    if name is not None:
        chosen = next((doc_type for doc_type in types if doc_type.name == name), None)
        if chosen is None:
            names = [doc_type.name for doc_type in types]
            raise SpecHooksError(f"unknown document type {name!r}{did_you_mean(name, names)} (known: {', '.join(names)})")
        return chosen
    by_path = next((doc_type for doc_type in types if doc_type.paths and matches(doc_type.paths, path)), None)
    return by_path or next(doc_type for doc_type in types if doc_type.name == "spec")


def read_template(project: Project, doc_type: DocType) -> tuple[str, str]:
    """The template's text, and where it came from (a repository path, or `bundled NAME`)."""
    if doc_type.template is not None:
        loaded = project.contents.read(doc_type.template) if project.in_git else None
        if loaded is None:
            loaded = read_source(project.root, doc_type.template)
        if isinstance(loaded, Finding):
            raise SpecHooksError(f"{doc_type.template}: the {doc_type.name} template {loaded.message}")
        return loaded.text, doc_type.template
    if doc_type.name not in BUNDLED:
        form = doc_type.header[0] if doc_type.header else "bold-list"
        return scaffold(doc_type), f"a {form} header of the {doc_type.name} type's keys"
    from importlib import resources

    return (resources.files("spec_hooks").joinpath("templates").joinpath(BUNDLED[doc_type.name]).read_text("utf-8"),
            f"the bundled {doc_type.name} template")


_EMPTY_ITEM = {"bold-list": "- **{}:**", "list": "* {}:", "paragraph": "**{}:**", "front-matter": "{}:"}


def scaffold(doc_type: DocType) -> str:
    """A template for a type that names none: its title, and its keys (the ID first) as empty items in
    its header's first form; `new` fills what it knows."""
    form = doc_type.header[0] if doc_type.header else "bold-list"
    keys = dict.fromkeys([doc_type.id_field] if doc_type.id_field else [])
    keys.update(dict.fromkeys(doc_type.keys))
    items = "".join(_EMPTY_ITEM[form].format(yaml_scalar(key) if form == "front-matter" else key) + "\n"
                    for key in keys)
    title = "" if doc_type.title_field else "# Title\n"
    if form == "front-matter":
        return f"---\n{items}---\n" + (f"\n{title}" if title else "")
    return f"{title}\n{items}" if title else items


def title_from_path(path: str) -> str:
    stem = re.sub(r"\.(md|markdown)$", "", posixpath.basename(path), flags=re.IGNORECASE)
    # The number a file name starts with is no part of its title, nor its letters' prefix: KEEP-0500-, eip-7702-
    words = re.sub(r"^(?:[A-Za-z]{1,8}-)?[0-9]+(?:[-_]|$)", "", stem).replace("_", " ").replace("-", " ").split()
    return " ".join([words[0].capitalize(), *words[1:]]) if words else stem


def spec_id_for(path: str, doc_type: DocType) -> str:
    """The ID SH111 expects for a file at `path`: the id_pattern's (or id_from_path's), else `folder/name`."""
    if doc_type.id_pattern is not None and (expected := doc_type.id_of_path(path)) is not None:
        return expected
    parts = re.sub(r"\.(md|markdown)$", "", path, flags=re.IGNORECASE).split("/")
    return "/".join(parts[-2:])


def new_document(template: str, template_path: str, path: str, doc_type: DocType, title: str, today: str,
                 keep_instructions: bool = False) -> str:
    """The template's text for a new file at `path`: links re-pointed for its folder, title and header
    filled, instruction text dropped unless kept."""
    source = Source(path, template)
    document = Document(source, forms=doc_type.forms)
    header = _header_edits(document, doc_type, path, title, today)
    # A link inside a value the header fills (`[SE-NNNN](NNNN-filename.md)`) goes with the value.
    links = [edit for edit in _link_edits(document, template_path, path)
             if not any(edit.start < filled.end and filled.start < edit.end for filled in header)]
    text = splice(template, links + header)
    written = Document(Source(path, text), forms=doc_type.forms).header
    fields = named_fields(written, doc_type.keys) if written is not None else {}
    shown = fields[doc_type.title_field].value if doc_type.title_field in fields else written.title if written else ""
    if written is None or " ".join(title.split()) not in shown:
        raise SpecHooksError(f"the {doc_type.name} template's title line does not read back as {title!r}; "
                             "write the title by hand")
    return text if keep_instructions else skeleton(text)


def _link_edits(document: Document, template_path: str, path: str) -> list[Edit]:
    if template_path.startswith("the bundled") or posixpath.dirname(template_path) == posixpath.dirname(path):
        return []
    edits = []
    for link in document.links:
        target = link.target.strip()
        path_part, fragment = split_target(target)
        if not link.exact or not path_part or is_external(target) or path_part.startswith("/"):
            continue
        resolved = resolve_link(template_path, target)
        if resolved is None:
            continue
        new = destination(posixpath.relpath(resolved, posixpath.dirname(path) or ".")) + (f"#{fragment}" if fragment else "")
        original = document.text[link.target_start : link.target_end]
        edits.append(Edit(link.target_start, link.target_end, original, new))
    return edits


def _header_edits(document: Document, doc_type: DocType, path: str, title: str, today: str) -> list[Edit]:
    header = document.header
    if header is None:
        raise SpecHooksError(f"the {doc_type.name} template has no header (an H1 and a list of **Key:** value)")
    text = document.text
    edits = [] if doc_type.title_field else [_title_edit(text, header.title_offset, title)]
    values = {name: today for name in doc_type.date_fields}
    if doc_type.title_field:
        values[doc_type.title_field] = title
    if doc_type.id_field:
        values[doc_type.id_field] = spec_id_for(path, doc_type)
    if doc_type.lifecycle and doc_type.lifecycle.transitions:
        values[doc_type.lifecycle.field] = doc_type.lifecycle.transitions[0][0]
    if doc_type.name_field:
        values.setdefault(doc_type.name_field, title)
    for name, field in named_fields(header, doc_type.keys).items():
        # An empty value right after its key's colon (`* Status:`) gets a blank before it.
        blank = " " if not field.value and text[field.value_offset - 1 : field.value_offset] not in (" ", "\t", '"', "'") else ""
        if name in values and header.form == "front-matter" and field.exact:
            # YAML: the scalar alone (a quoted one keeps its quotes); a title is written as YAML reads it back
            value = yaml_scalar(values[name], text[field.value_offset - 1 : field.value_offset])
            edits.append(Edit(field.value_offset, field.value_offset + len(field.value), field.value, blank + value))
        elif name in values and field.key is not None and _right_after_key(text, field.key, field.key_offset, field.value_offset):
            end = text.find("\n", field.value_offset)
            end = len(text) if end < 0 else end
            stop = len(text[field.value_offset : end].rstrip(" \t\r\\"))
            edits.append(Edit(field.value_offset, field.value_offset + stop,
                              text[field.value_offset : field.value_offset + stop], blank + values[name]))
    return edits


def _right_after_key(text: str, key: str, key_offset: int, value_offset: int) -> bool:
    """Whether the value starts right after the item's `Key:**`: then the rest of the line is the value
    (a template's value may be more than the field reads, as `[area/name] (e.g., `rest/x`)`)."""
    return re.fullmatch(re.escape(key) + r"(?::\*\*|\*\*:|:__|__:|:)[ \t]*", text[key_offset:value_offset]) is not None


def _title_edit(text: str, offset: int, title: str) -> Edit:
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    line = text[offset:end].rstrip("\r")
    placeholder = re.search(r"\{\{[^}]*\}\}", line)
    if placeholder is not None:  # `{{SYSTEM_NAME}} – Integration Spec`: the name goes where the placeholder is
        return Edit(offset + placeholder.start(), offset + placeholder.end(), placeholder.group(), literal(title))
    start = offset + len(line) - len(line.lstrip("# "))
    return Edit(start, offset + len(line), text[start : offset + len(line)], literal(title))


_BREAK = re.compile(r"^ {0,3}---+[ \t]*$")


def skeleton(text: str) -> str:
    """The title, the header and the headings (with the thematic breaks between sections); the
    template's instructions under each heading dropped."""
    from bisect import bisect_right

    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    heading_lines = sorted({bisect_right(starts, heading.offset) - 1 for heading in parse(text).headings})
    if len(heading_lines) < 2:
        return text
    kept = lines[: heading_lines[1]]
    after_break = False
    for index in range(heading_lines[1], len(lines)):
        if index in heading_lines:
            kept.extend([lines[index], "\n"])
            after_break = False
        elif _BREAK.match(lines[index].rstrip("\r\n")) and not after_break:
            kept.extend([lines[index], "\n"])
            after_break = True
    while kept and kept[-1] == "\n":
        kept.pop()
    return "".join(kept)
