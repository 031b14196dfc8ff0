"""The rule table: stable codes, names and texts shared by the checks, the README and SARIF."""
from __future__ import annotations

from dataclasses import dataclass

from spec_hooks.findings import ERROR, WARNING


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    help: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("SH000", "internal-error", ERROR, "spec-hooks failed while checking the file.",
             "This is a bug in spec-hooks: please report it with the file that triggers it."),
        Rule("SH001", "unreadable-file", ERROR, "The file cannot be read.",
             "The path is missing, a directory, or not readable. Pass Markdown files only."),
        Rule("SH002", "not-utf8", ERROR, "The file is not valid UTF-8.",
             "Re-save the file as UTF-8; the finding points at the first bad byte."),
        Rule("SH003", "binary-file", ERROR, "The file is binary, not Markdown.",
             "Rename it or exclude it; a NUL byte was found in it."),
        Rule("SH101", "malformed-header-item", ERROR, "A header item is not `**Key:** value`.",
             "Write every item of the header list as `- **Key:** value`."),
        Rule("SH102", "duplicate-header-key", ERROR, "A header key appears twice.",
             "Keep one item per key; remove or rename the repeated one."),
        Rule("SH103", "misspelled-header-key", WARNING, "A header key is a near-miss of a known key.",
             "Spell the key exactly as the template does."),
        Rule("SH104", "missing-header", ERROR, "A file that must be a spec has no header.",
             "Add the template's header (a bullet list of `**Key:** value` under the H1) or exclude the path."),
        Rule("SH105", "missing-field", ERROR, "A required header field is missing.",
             "Add the field to the header list."),
        Rule("SH106", "invalid-value", ERROR, "A header value does not satisfy the schema.",
             "Use one of the allowed values or the documented format."),
        Rule("SH107", "template-placeholder", ERROR, "A value is still the template's placeholder.",
             "Replace the placeholder with the real value."),
        Rule("SH108", "created-after-updated", ERROR, "Created is later than Updated.",
             "Fix whichever date is wrong; `spec-hooks dates --check --fix` takes them from git history."),
        Rule("SH109", "future-date", ERROR, "A date lies after today.",
             "Use today's date or an earlier one."),
        Rule("SH110", "duplicate-spec-id", ERROR, "Two documents share one Spec ID.",
             "Give each spec its own ID; the message names the other file."),
        Rule("SH111", "spec-id-path-mismatch", ERROR, "The Spec ID does not match the file's path.",
             "The path without `.md` must end with the Spec ID: rename the file or fix the ID."),
        Rule("SH112", "unexpected-field", ERROR, "The schema does not allow this header field.",
             "Remove the field or allow it in the document type's schema."),
        Rule("SH201", "broken-link", ERROR, "A relative link points at a file that does not exist.",
             "Fix the path; the message suggests the closest tracked file."),
        Rule("SH202", "untracked-target", ERROR, "A link points at a file git does not track.",
             "`git add` the file (or stop ignoring it): links must resolve in what is committed."),
        Rule("SH203", "link-case-mismatch", ERROR, "A link's path differs in case from the tracked file.",
             "Use the exact case: it breaks on Linux and on GitHub. `spec-hooks links --fix` corrects it."),
        Rule("SH204", "link-outside-repository", ERROR, "A link leaves the repository.",
             "Link to files inside the repository, or use a full URL."),
        Rule("SH205", "broken-fragment", ERROR, "A #fragment matches no heading or anchor of its target.",
             "Use the heading's GitHub anchor; the message suggests the closest one."),
        Rule("SH206", "undefined-reference", ERROR, "A reference link uses a label that is not defined.",
             "Add `[label]: path` or fix the label."),
        Rule("SH207", "folder-link", ERROR, "A link points at a folder and folder links are disallowed.",
             "Link to a file in the folder (its README.md), or allow folder links in the configuration."),
        Rule("SH208", "malformed-link", ERROR, "Text meant as a link is not one, so it renders literally.",
             "Close the link, or write a destination with spaces as `<my file.md>` or `my%20file.md`."),
        Rule("SH209", "link-to-renamed-file", ERROR, "A link points at a file the staged change renames.",
             "Run `spec-hooks links --fix` to point it at the new path."),
        Rule("SH210", "unused-definition", WARNING,
             "A link reference definition that nothing uses points at a missing target.",
             "Nothing on the rendered page links through it, so readers see nothing broken: fix its path or delete it."),
        Rule("SH211", "fragment-case-mismatch", WARNING, "A #fragment matches an anchor only when case is ignored.",
             "github.com matches it, but GitLab, editors' previews and static-site generators do not. "
             "`spec-hooks links --fix` writes the anchor exactly."),
        Rule("SH301", "stale-date", ERROR, "The Updated date is older than the document's last content change.",
             "Set it to the date git shows; `spec-hooks dates --check --fix` backfills it from history."),
        Rule("SH302", "unverifiable-date", WARNING, "The date cannot be verified: the clone's history is shallow.",
             "Fetch the full history: `fetch-depth: 0` for actions/checkout, or `git fetch --filter=blob:none --unshallow`."),
        Rule("SH303", "unresolved-conflict", ERROR, "The file has unresolved merge conflict markers.",
             "Resolve the conflict before committing."),
    )
}


def is_known(code_or_name: str) -> bool:
    return any(code_or_name in (rule.code, rule.name) for rule in RULES.values())


def all_names() -> list[str]:
    return [word for rule in RULES.values() for word in (rule.code, rule.name)]


def codes_for(codes_or_names: list[str]) -> frozenset[str]:
    """Map a configuration's mix of codes and names to codes."""
    return frozenset(
        rule.code for rule in RULES.values() if rule.code in codes_or_names or rule.name in codes_or_names
    )
