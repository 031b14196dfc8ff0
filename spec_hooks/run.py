"""What every hook shares: its common arguments, finding the project, choosing files, reporting."""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

from spec_hooks import progress
from spec_hooks.catalogue import Catalogue
from spec_hooks.config import DEFAULT_TEMPLATES, Config, DocType, load_config
from spec_hooks.directives import Directive, apply_directives, read_directives
from spec_hooks.document import Document, DocumentStore
from spec_hooks.documents import placeholder_of
from spec_hooks.findings import Finding, SpecHooksError, printable, printable_finding
from spec_hooks.markdown import DIRECTIVE_PREFIX
from spec_hooks.paths import MARKDOWN_SUFFIXES
from spec_hooks.policy import decide
from spec_hooks.repo.runner import Git, open_repository
from spec_hooks.repo.snapshot import Snapshot
from spec_hooks.report import (
    FORMATS,
    LEFT_OUT,
    MACHINE_FORMATS,
    GithubReporter,
    Output,
    TextReporter,
    advice,
    append_step_summary,
    collapsed,
    exit_status,
    explain_hint,
    reporters_for,
    sarif_log,
    summary,
    use_color,
)
from spec_hooks.source import Contents, display_path, inside


@dataclass(frozen=True)
class Project:
    """One run: the repository (None outside one), its configuration, and what the run reads of it."""

    root: Path
    config: Config
    git: Git | None = field(default=None, compare=False)
    # What a run leaves out of its checks by default, by kind ("template", "symbolic link"): counted in the
    # summary, listed with -v. Templates are still checked for links.
    left_out: dict[str, list[str]] = field(default_factory=dict, compare=False)

    @property
    def in_git(self) -> bool:
        return self.git is not None

    @cached_property
    def snapshot(self) -> Snapshot:
        """The repository as this run sees it, shared by every check (see `repo.snapshot`)."""
        if self.git is None:
            raise SpecHooksError("not inside a git repository")
        return Snapshot(self.git)

    @cached_property
    def contents(self) -> Contents:
        return Contents(self.root, self.snapshot if self.git is not None else None)

    @cached_property
    def documents(self) -> DocumentStore:
        """Every document this run reads, shared by the checks of one `spec-hooks check`."""
        return DocumentStore(self)

    @cached_property
    def catalogue(self) -> Catalogue:
        """The repository's specs, looked up by every check of the run."""
        return Catalogue(self)

    def save(self) -> None:
        """Keep what this run parsed for the next one: once, at the run's end (`finish`)."""
        if "documents" in self.__dict__:
            self.documents.save()

    def close(self) -> None:
        if self.git is not None:
            self.git.close()


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("filenames", nargs="*", metavar="FILE", help="files to check (default: every tracked Markdown file)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: text; under GITHUB_ACTIONS=true, text and annotations)")
    parser.add_argument("--config", metavar="PATH", default=None,
                        help="configuration file (default: .spec-hooks.yaml or [tool.spec-hooks] in pyproject.toml)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, on a terminal unless NO_COLOR is set)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print the findings only: no summary, notes or progress")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the files left out by default (templates, symbolic links)")
    parser.add_argument("--sarif-file", metavar="PATH", default=None,
                        help="also write the findings as SARIF to PATH (annotate and upload from one run)")


def output_of(args: argparse.Namespace, fixing: bool = False) -> Output:
    progress.enabled = not args.quiet
    return Output(args.format, use_color(args.color, sys.stdout), args.quiet, args.sarif_file, fixing,
                  getattr(args, "verbose", False))


def add_hook_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hook", action="store_true",
                        help="run as the pre-commit hook does (always_run): with no FILE, check only the links "
                             "that the staged renames and deletions break, never the whole repository")


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, with every file after `--`: pre-commit passes file names as they are, and
    `-rf.md` or `--format=json.md` is a file when it names one (an option's value never is)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if "--" in given:
        return parser.parse_args(given)
    with_value = {name for action in parser._actions for name in action.option_strings if action.nargs != 0}
    options: list[str] = []
    files: list[str] = []
    value_next = False
    for argument in given:
        if value_next or (argument.startswith("-") and not os.path.isfile(argument)):
            options.append(argument)
            value_next = argument in with_value
        else:
            files.append(argument)
            value_next = False
    return parser.parse_args([*options, "--", *files] if files else options)


def open_project(config_path: str | None) -> Project:
    cwd = Path.cwd()
    git = open_repository(cwd)
    root = cwd if git is None else git.root
    return Project(root, load_config(root, config_path), git)


def select_files(project: Project, filenames: Sequence[str], hook: bool = False) -> tuple[list[str], bool]:
    """Repository-relative paths to check, and whether they are the whole repository. A hook given no
    file (a commit that only deletes or renames) checks none itself."""
    if hook and not filenames:
        return [], False
    symlinks: list[str] = []
    if filenames:
        paths = [path for name in filenames for path in _expanded(project, name, display_path(project.root, name))]
        whole = False
        if project.in_git:
            entries = project.snapshot.index.entries
            symlinks = [path for path in paths if path in entries and entries[path].mode == "120000"
                        and inside(project.root, project.root / path)]
    elif project.in_git:
        paths = project.snapshot.tracked_markdown()
        symlinks = project.snapshot.markdown_symlinks()
        whole = True
    else:
        raise SpecHooksError("not inside a git repository: pass the files to check")
    config = project.config
    linked = set(symlinks)
    paths = [path for path in dict.fromkeys(paths) if path not in linked and not config.user_excluded(path)]
    templates = [path for path in paths if config.is_template(path) or _still_a_template(project, path)]
    project.left_out.update({"template": templates, "symbolic link": symlinks})
    left = set(templates)
    project.documents.whole_repository = whole
    return [path for path in paths if path not in left and not config.excluded(path)], whole


_TEMPLATE_WORD = re.compile(r"(?:^|[-_. ])templates?(?:[-_. ]|$)", re.IGNORECASE)


def _still_a_template(project: Project, path: str) -> bool:
    """A file named with the word template elsewhere than at its end (`rfc_template_v2.md`) is a template
    while its header still holds the template's placeholders; a spec about templates is a spec."""
    if project.config.templates != DEFAULT_TEMPLATES or not _TEMPLATE_WORD.search(path.rsplit("/", 1)[-1]):
        return False  # a `templates` setting says which files are templates, by name alone
    document = project.documents.read(path)
    if not isinstance(document, Document) or document.header is None:
        return False
    header, text = document.header, document.text
    shown = [(header.title, header.title_offset), *((field.value, field.value_offset) for field in header.fields)]
    return any(placeholder_of(value, text, offset) for value, offset in shown)


def checked_for_links(project: Project, paths: list[str]) -> list[str]:
    """The files whose links a run checks: the selected ones and the templates (a template that links to a
    moved guideline is broken for every reader on GitHub)."""
    return [*paths, *project.left_out.get("template", [])]


def _expanded(project: Project, given: str, path: str) -> list[str]:
    """A file as given; a folder as the Markdown files in it (tracked ones, in a repository), or as
    itself when it holds none (SH001 says it is a folder)."""
    if not os.path.isdir(given):
        return [path]
    prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
    if project.in_git:
        inside = [tracked for tracked in project.snapshot.tracked_markdown() if tracked.startswith(prefix)]
    else:
        found = (Path(given) / name for name in sorted(_walk_files(Path(given))))
        inside = [prefix + file.relative_to(given).as_posix() for file in found
                  if file.name.lower().endswith(MARKDOWN_SUFFIXES)]
    return inside or [path]


def _walk_files(folder: Path) -> list[str]:
    names: list[str] = []
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        names.extend(os.path.relpath(os.path.join(parent, name), folder) for name in files)
    return names


def report(findings: Sequence[Finding], output: Output, project: Project, paths: Sequence[str],
           families: Iterable[str]) -> int:
    """Apply the files' inline directives (see `directives`; `families` ran) and the configuration's
    policy (see `policy`), and hand what is left to the reporters; in text, close with a summary of
    the checked `paths`."""
    by_path = _directives(project, {*paths, *(finding.path for finding in findings)})
    if by_path:
        findings = apply_directives(findings, by_path, frozenset(families))
    decided = [printable_finding(finding) for finding in decide(findings, project.config, partial(_type_of, project))]
    ordered = collapsed(decided)
    reporters = reporters_for(output)
    for reporter in reporters:
        reporter.write(ordered, sys.stdout)
    if output.sarif_file:
        _write_sarif(output.sarif_file, ordered)
    if any(isinstance(reporter, GithubReporter) for reporter in reporters):
        append_step_summary(ordered)
    if not output.quiet and isinstance(reporters[0], TextReporter):
        said = summary(ordered, len(paths), output, left_out=project.left_out)
        if said:
            print(f"\x1b[1m{said}\x1b[0m" if output.color else said)
        if hint := explain_hint(ordered):
            print(hint)
    if not output.quiet:
        for line in advice(decided):
            print(line, file=sys.stderr)
    if output.verbose:
        for kind, left in project.left_out.items():
            for path in left:
                print(f"spec-hooks: left out: {printable(path)} ({LEFT_OUT[kind][1]})", file=sys.stderr)
    return exit_status(ordered)


def finish(findings: Sequence[Finding], output: Output, project: Project, paths: Sequence[str],
           families: Iterable[str], fixed: Sequence[str] = ()) -> int:
    """Every command's end: the report, the fixer's lines (`fixed`), and which files were read from the
    index although their work tree differs. Exit 1 when a fixer wrote, else the report's status."""
    status = report(findings, output, project, paths, families)
    project.save()  # after the report: the documents it read for their directives are kept too
    print_fixer_lines(fixed, output)
    note_unstaged(project, output)
    return 1 if fixed else status


def _type_of(project: Project, path: str) -> DocType | None:
    document = project.documents.read(path)
    return document.meaning(project.config)[0] if isinstance(document, Document) else None


def _directives(project: Project, paths: Iterable[str]) -> dict[str, tuple[list[Directive], list[Finding]]]:
    """The inline directives of the files that have any (most have none, and are not parsed for them)."""
    found = {}
    for path in sorted(set(paths) - project.documents.without_directives):
        document = project.documents.read(path) if not project.config.user_excluded(path) else None
        if isinstance(document, Document) and DIRECTIVE_PREFIX in document.text and document.directives:
            found[path] = read_directives(document.source, document.directives)
    return found


def _write_sarif(path: str, findings: Sequence[Finding]) -> None:
    import json

    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(sarif_log(findings), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    except OSError as exc:
        raise SpecHooksError(f"{path}: cannot write the SARIF file: {exc.strerror or exc}") from None


def print_fixer_lines(lines: Sequence[str], output: Output) -> None:
    """One line per file a fixer changed or left alone, then what to do next: on stdout beside text,
    on stderr beside a machine-readable document, which must stay valid."""
    stream = sys.stderr if output.format in MACHINE_FORMATS else sys.stdout
    for line in lines:
        print(printable(line), file=stream)
    changed = sum(": not fixed: " not in line for line in lines)
    if changed and not output.quiet:
        print(f"spec-hooks: changed {changed} file{'s' * (changed != 1)}: review the change and `git add` "
              f"{'them' if changed != 1 else 'it'} before committing", file=stream)


def note_unstaged(project: Project, output: Output) -> None:
    """Say which files the run read from git's index because their work tree differs (by-hand runs)."""
    if output.quiet:
        return
    ignored = [printable(path) for path in project.contents.unstaged_read()]
    if ignored:
        shown = ", ".join(ignored[:3]) + (f" and {len(ignored) - 3} more" if len(ignored) > 3 else "")
        print(f"spec-hooks: note: checked the staged content of {shown}; unstaged changes are not checked "
              "(git add them to include them)", file=sys.stderr)


def guarded(run: Callable[[], int]) -> int:
    """Exit 2 with one line on stderr for usage, configuration and schema errors; never a traceback."""
    try:
        return run()
    except SpecHooksError as exc:
        for line in exc.lines:
            message = printable(line)  # one line, whatever the input it quotes
            print(f"spec-hooks: error: {message if len(message) <= 1000 else message[:997] + '...'}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
