"""The rule table: stable codes, names and texts shared by the checks, `spec-hooks rule`, the
documentation (docs/rules.md is generated from it) and SARIF."""
from __future__ import annotations

from dataclasses import dataclass

from spec_hooks.findings import ERROR, WARNING

DOCS_URL = "https://github.com/spec-hooks/spec-hooks/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str  # what it finds
    help: str  # how to fix it
    why: str = ""
    example: str = ""  # a finding as the text output prints it
    fix: str | None = None  # the command that fixes it, after `spec-hooks`

    @property
    def anchor(self) -> str:
        """The rule's heading anchor in docs/rules.md (`## SH201 broken-link`)."""
        return f"{self.code.lower()}-{self.name}"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.anchor}"


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule('SH000', 'internal-error', ERROR, 'spec-hooks failed while checking the file.',
             'This is a bug in spec-hooks: please report it with the file that triggers it.',
             why='A check crashed on this file; rather than stop the whole run, the crash is reported where it happened.',
             example='x.md:1:1: SH000 spec-hooks failed on this file (...)'),
        Rule('SH001', 'unreadable-file', ERROR, 'The file cannot be read.',
             'The path is missing, a directory, or not readable. Pass Markdown files only.',
             why='A path given to spec-hooks must be a readable Markdown file, or nothing about it can be checked.',
             example='specs/gone.md:1:1: SH001 no such file'),
        Rule('SH002', 'not-utf8', ERROR, 'The file is not valid UTF-8.',
             'Re-save the file as UTF-8; the finding points at the first bad byte.',
             why='Git, GitHub and every other tool read Markdown as UTF-8; other encodings render as garbage.',
             example='specs/a.md:3:17: SH002 not valid UTF-8: byte 0xe9 cannot be decoded'),
        Rule('SH003', 'binary-file', ERROR, 'The file is binary, not Markdown.',
             'Rename it or exclude it; a NUL byte was found in it.',
             why='A binary file with a Markdown name is a mistake: it cannot be rendered or checked.',
             example='logo.md:3:1: SH003 binary file (NUL byte), not Markdown'),
        Rule('SH004', 'unknown-directive', WARNING, 'An inline `<!-- spec-hooks: ... -->` directive is not understood.',
             'Write `disable`, `enable`, `disable-next-line`, `disable-line` or `disable-file`, followed by rule codes or names.',
             why='An inline directive spec-hooks does not understand does nothing, which its author did not intend.',
             example="specs/a.md:9:1: SH004 unknown directive 'disabel': did you mean 'disable'?"),
        Rule('SH005', 'unused-directive', WARNING, 'An inline directive suppresses nothing.',
             'Remove the directive, or fix the rule names it lists.',
             why='A directive that suppresses nothing is noise, and hides a future problem on its lines.',
             example='specs/a.md:9:1: SH005 the directive disables SH201 but nothing here reports it'),
        Rule('SH101', 'malformed-header-item', ERROR, "A header item is not in its header's form (`**Key:** value`, or `Key: value` in the `list` and `paragraph` forms).",
             "Write every item of the header as its form asks: `- **Key:** value` by default, `* Key: value` "
             "in a type whose `header` is `list` (docs/recipes.md).",
             why="Tools and readers find a header's fields by their key; an item without one is invisible to them.",
             example="a.md:5:3: SH101 header item is not `**Key:** value`: 'Version 1.0'"),
        Rule('SH102', 'duplicate-header-key', ERROR, 'A header key appears twice.',
             'Keep one item per key; remove or rename the repeated one.',
             why='With a key twice, readers and tools disagree about which value holds.',
             example="a.md:6:5: SH102 duplicate key 'Status' (first on line 4)"),
        Rule('SH103', 'misspelled-header-key', WARNING, 'A header key is a near-miss of a known key.',
             'Spell the key exactly as the template does.',
             why="A near-miss key (`Spec Id`) is not the template's key, so schemas and tools do not see the field.",
             example="a.md:3:5: SH103 unknown key 'Spec Id': did you mean 'Spec ID'?"),
        Rule('SH104', 'missing-header', ERROR, 'A file that must be a spec has no header.',
             "Add the template's header (a bullet list of `**Key:** value` under the H1) or exclude the path; when "
             "the file's header is written in another form, the finding names it and the `types.NAME.header` setting "
             "that reads it.",
             why='The configuration says every file under these paths is a spec; one without a header escapes every check.',
             example='specs/x.md:1:1: SH104 no header: files matching specs/** must start with the spec header, a list of '
                     '`- **Key:** value` items under the H1 title; found a list of `* Key: value` items on line 3: to read '
                     'it, set types.spec.header: list'),
        Rule('SH105', 'missing-field', ERROR, 'A required header field is missing.',
             'Add the field to the header list.',
             why='The schema of the document type requires the field; a spec without it is incomplete.',
             example="a.md:3:1: SH105 missing required field 'Version'"),
        Rule('SH106', 'invalid-value', ERROR, 'A header value does not satisfy the schema.',
             'Use one of the allowed values or the documented format.',
             why='Values outside the schema (a status nobody defined, a malformed version) break catalogues and automation.',
             example="a.md:4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated"),
        Rule('SH107', 'template-placeholder', ERROR, "A value is still the template's placeholder.",
             'Replace the placeholder with the real value.',
             why='A placeholder left from the template means the spec was never filled in.',
             example="a.md:6:16: SH107 Created is still the template placeholder 'YYYY-MM-DD'"),
        Rule('SH108', 'created-after-updated', ERROR, 'Created is later than Updated.',
             'Fix whichever date is wrong; the backfill takes both from git history.',
             why='A document cannot be updated before it was created: one of the dates is wrong.',
             example='a.md:6:16: SH108 Created 2025-05-01 is after Updated 2025-03-04',
             fix='dates --check --fix'),
        Rule('SH109', 'future-date', ERROR, 'A date lies after today.',
             "Use today's date or an earlier one.",
             why='A date in the future is a typo, and it hides every later change.',
             example='a.md:7:16: SH109 Updated 2027-01-01 is in the future (today is 2026-11-21)',
             fix='dates --check --fix'),
        Rule('SH110', 'duplicate-spec-id', ERROR, 'Two documents share one Spec ID.',
             'Give each spec its own ID; the message names the other file.',
             why='Two documents with one ID make every reference to that ID ambiguous.',
             example="a/rest/x.md:3:16: SH110 Spec ID 'rest/x' is also used by b/rest/x.md"),
        Rule('SH111', 'spec-id-path-mismatch', ERROR, "The Spec ID does not match the file's path.",
             'The path without `.md` must end with the Spec ID: rename the file or fix the ID.',
             why="An ID that does not match the file's path cannot be found from the ID, and drifts after a move.",
             example="specs/rest/webhooks.md:3:16: SH111 Spec ID 'rest/webhooks-v2' does not match the file's path 'specs/rest/webhooks.md': expected Spec ID 'rest/webhooks', or move the file"),
        Rule('SH112', 'unexpected-field', ERROR, 'The schema does not allow this header field.',
             "Remove the field or allow it in the document type's schema.",
             why="The document type's schema does not allow the field: it is a typo or belongs to another type.",
             example="a.md:8:5: SH112 field 'Team' is not allowed by the rfc schema"),
        Rule('SH113', 'status-transition', ERROR, "The status changes in a way the document type's lifecycle does not allow.",
             'Keep the status, or move it to one the lifecycle allows (a Final spec is deprecated, not made a Draft again).',
             why='A status is a promise to readers; going back from Final to Draft silently withdraws it. Start a new version instead.',
             example="specs/a.md:4:15: SH113 Status may not go from 'Final' (in HEAD) to 'Draft': allowed from 'Final': Deprecated"),
        Rule('SH114', 'status-field-missing', ERROR, 'A field that the status requires is missing or empty.',
             "Add the field the document type's lifecycle requires for this status.",
             why='Some statuses only make sense with more information: a Deprecated spec should say what replaces it.',
             example="specs/a.md:4:15: SH114 a Deprecated spec must have 'Superseded by'"),
        Rule('SH115', 'unknown-relation-target', ERROR, 'A relation (Replaces, Superseded by, Depends on) names no existing spec.',
             'Write the Spec ID of an existing spec, or a relative link to it.',
             why='A relation that names nothing is a broken promise about how specs fit together.',
             example="specs/a.md:8:19: SH115 Superseded by 'rest/webhook-v3' names no spec: did you mean 'rest/webhooks-v3'?"),
        Rule('SH116', 'one-sided-relation', ERROR, 'Two specs disagree about a relation between them.',
             "Add the missing side: A `Superseded by` B exactly when B `Replaces` A.",
             why='Readers arrive from either side; a relation written on one side only misleads those who come from the other.',
             example="specs/b.md:8:14: SH116 Replaces 'rest/a', but 'rest/a' (specs/rest/a.md) does not say Superseded by: rest/b",
             fix='headers --fix'),
        Rule('SH201', 'broken-link', ERROR, 'A relative link points at a file that does not exist.',
             'Fix the path; the message suggests the closest tracked file.',
             why='A link to a missing file is a dead end for every reader.',
             example="specs/a.md:23:3: SH201 '../../proposals/2025/001-webhooks-improvement.md' does not exist: did you mean '../../proposals/2025/001-webhooks-improvements.md'?"),
        Rule('SH202', 'untracked-target', ERROR, 'A link points at a file git does not track.',
             '`git add` the file (or stop ignoring it): links must resolve in what is committed.',
             why='A file git does not track is not in the commit: the link works here and breaks for everyone else.',
             example="specs/a.md:25:26: SH202 'untracked.md' is not tracked by git; git add it?"),
        Rule('SH203', 'link-case-mismatch', ERROR, "A link's path differs in case from the tracked file.",
             'Use the exact case of the tracked path.',
             why='macOS and Windows forgive a wrong case; Linux, GitHub and every CI do not.',
             example="specs/a.md:3:5: SH203 '../Proposals/x.md' differs in case from the tracked 'proposals/x.md' (breaks on Linux and GitHub): did you mean '../proposals/x.md'?",
             fix='links --fix'),
        Rule('SH204', 'link-outside-repository', ERROR, 'A link leaves the repository.',
             'Link to files inside the repository, or use a full URL.',
             why='A link that leaves the repository points at whatever happens to lie beside the clone.',
             example="specs/a.md:24:80: SH204 link '../../../x.md' leaves the repository"),
        Rule('SH205', 'broken-fragment', ERROR, 'A #fragment matches no heading or anchor of its target.',
             "Use the heading's GitHub anchor; the message suggests the closest one.",
             why='A fragment that matches no heading lands the reader at the top of the page, silently.',
             example="specs/a.md:24:3: SH205 #overview matches no heading or anchor in 'specs/b.md': did you mean #-overview?"),
        Rule('SH206', 'undefined-reference', ERROR, 'A reference link uses a label that is not defined.',
             'Add `[label]: path` or fix the label.',
             why='A reference to an undefined label renders as plain text with brackets, not as a link.',
             example='specs/a.md:25:70: SH206 reference [nope] is not defined in this file'),
        Rule('SH207', 'folder-link', ERROR, 'A link points at a folder and folder links are disallowed.',
             'Link to a file in the folder (its README.md), or allow folder links in the configuration.',
             why='The configuration disallows folder links (a folder renders as a file listing, not a document).',
             example="specs/a.md:3:10: SH207 link '../../proposals/' points at a folder; link to a file in it"),
        Rule('SH208', 'malformed-link', ERROR, 'Text meant as a link is not one, so it renders literally.',
             'Close the link, or write a destination with spaces as `<my file.md>` or `my%20file.md`.',
             why='Markdown that looks like a link but is not one renders literally, brackets and all.',
             example="specs/a.md:3:1: SH208 not a link: the destination 'my file.md' contains a space; write <my file.md> or my%20file.md"),
        Rule('SH209', 'link-to-renamed-file', ERROR, 'A link points at a file the staged change renames, or a file the staged change moves still links from its old place.',
             'Point the link at the new path (or, in a moved file, at the target from the new place).',
             why='The staged change moves the target or the linking file, so the link breaks in the very commit that moves it.',
             example="specs/uses.md:3:5: SH209 'proposals/a.md' is renamed to 'proposals/b.md' in the staged change: link '../proposals/b.md'",
             fix='links --fix'),
        Rule('SH210', 'unused-definition', WARNING, 'A link reference definition that nothing uses points at a missing target.',
             'Nothing on the rendered page links through it, so readers see nothing broken: fix its path or delete it.',
             why='A definition nothing uses is not shown, but its broken target is a trap for whoever uses it next.',
             example="specs/a.md:40:10: SH210 unused reference definition [old]: 'old.md' does not exist"),
        Rule('SH211', 'fragment-case-mismatch', WARNING, 'A #fragment matches an anchor only when case is ignored.',
             "Write the anchor exactly as the heading makes it.",
             why="github.com matches fragments ignoring case, but GitLab, editors' previews and static-site generators do not.",
             example="specs/a.md:12:5: SH211 #Goals matches the anchor #goals of 'specs/b.md' only when case is ignored: write #goals",
             fix='links --fix'),
        Rule('SH212', 'link-to-renamed-heading', ERROR, 'A #fragment names a heading the staged change renames or removes.',
             'Point the fragment at the new heading (or at what replaced a removed one).',
             why='Renaming a heading breaks every link to it in files nobody touched, exactly as renaming a file does.',
             example="specs/uses.md:9:5: SH212 #goals of 'specs/b.md' is renamed to #objectives in the staged change: link 'b.md#objectives'",
             fix='links --fix'),
        Rule('SH213', 'link-to-unstable', WARNING, 'A document in a stable status links to one that is not stable.',
             'Link to the Final replacement, or accept the dependency on a Draft knowingly.',
             why='A Final spec that leans on a Draft or Deprecated one inherits its instability.',
             example="specs/a.md:30:5: SH213 this Final spec links to 'b.md', which is Deprecated: superseded by 'rest/c' (specs/rest/c.md)"),
        Rule('SH214', 'nested-too-deep', WARNING, 'Part of the file is nested deeper than any real document, so its links are not read.',
             'Flatten the lists, block quotes or indentation: past 256 columns of them, lines are read as blank.',
             why='The reader copies each level it descends; nesting no document has would cost minutes and gigabytes, so it stops there and says so.',
             example='specs/a.md:12:1: SH214 9920 lines from line 12 to 9931 not checked: nested 256 columns deep or more (lists, block quotes, indentation), deeper than any real document; links there are not read'),
        Rule('SH301', 'stale-date', ERROR, "The Updated date is older than the document's last content change.",
             'Set it to the date git shows (the backfill writes it from history).',
             why='A stale Updated date tells readers the document has not changed since, which is not true.',
             example='specs/a.md:7:16: SH301 Updated 2025-02-14 but content changed on 2025-06-30 (a1b2c3d)',
             fix='dates --check --fix'),
        Rule('SH302', 'unverifiable-date', WARNING, "The date cannot be verified: the clone's history is shallow.",
             'Fetch the full history: `fetch-depth: 0` for actions/checkout, or `git fetch --filter=blob:none --unshallow`.',
             why='A shallow clone lacks the history that could confirm the date; the check is inconclusive, not failed.',
             example="specs/a.md:7:16: SH302 cannot verify Updated: its last change lies beyond this shallow clone's history"),
        Rule('SH303', 'unresolved-conflict', ERROR, 'The file has unresolved merge conflict markers.',
             'Resolve the conflict before committing.',
             why='Conflict markers in a committed file are an unfinished merge.',
             example='specs/a.md:5:1: SH303 unresolved merge conflict markers: resolve them first'),
        Rule('SH304', 'idle-status', WARNING, 'A document has stayed in a status longer than the lifecycle allows.',
             'Move it on (Final, Deprecated) or touch its content; the age is configured per status with idle_days.',
             why='A Draft nobody has touched for months is abandoned or done; either way its status no longer tells the truth.',
             example='specs/a.md:4:15: SH304 Draft for 240 days (last content change 2025-03-04; idle_days allows 180)'),
        Rule('SH401', 'stale-index', ERROR, 'The `<!-- spec-hooks:index -->` block does not match the specs it lists.',
             'Regenerate the block; only the text between the markers changes.',
             why='A hand-kept catalogue drifts from the headers it copies; a generated one that is checked cannot.',
             example='README.md:12:1: SH401 the index is out of date: 2 rows to add or update',
             fix='index --fix'),
        Rule('SH402', 'malformed-index-block', ERROR, 'The markers of an index block are not understood.',
             'Put `<!-- spec-hooks:index -->` and `<!-- /spec-hooks:index -->` on lines of their own, in that order; options are group_by=, graph= and type=.',
             why='A block whose markers cannot be paired cannot be kept true, and would be rewritten in the wrong place.',
             example='README.md:12:1: SH402 index block never closed: add <!-- /spec-hooks:index --> after it'),
    )
}


_CODE_OF = {word: rule.code for rule in RULES.values() for word in (rule.code, rule.name)}


def is_known(code_or_name: str) -> bool:
    return code_or_name in _CODE_OF


def all_names() -> list[str]:
    return list(_CODE_OF)


def codes_for(codes_or_names: list[str]) -> frozenset[str]:
    """Map a configuration's mix of codes and names to codes."""
    return frozenset(_CODE_OF[word] for word in codes_or_names if word in _CODE_OF)


FAMILY_OF_DIGIT = {"1": "headers", "2": "links", "3": "dates", "4": "index"}  # SH1xx, SH2xx, SH3xx, SH4xx


def family(code: str) -> str | None:
    """The family whose run reports `code` (None: every run can, as SH001)."""
    return FAMILY_OF_DIGIT.get(code[2:3])
