"""Configuration: custom document types with local schemas, pyproject.toml, and the errors that exit 2."""
from __future__ import annotations

import pytest

from spec_hooks.config import DocType

from conftest import Repo, spec

RFC = "# RFC 12: Retries\n\n- **RFC:** {rfc}\n- **Status:** {status}\n- **Owner:** Payments\n\n## Motivation\n"


@pytest.fixture
def rfc_repo(repo: Repo) -> Repo:
    repo.write(".spec-hooks.yaml", (
        "types:\n"
        "  rfc:\n"
        "    schema: schemas/rfc.schema.yaml\n"
        "    keys: [RFC, Status, Owner]\n"
        "    paths: ['rfcs/**/*.md']\n"
    ))
    repo.write("schemas/rfc.schema.yaml", (
        "$schema: https://json-schema.org/draft/2020-12/schema\n"
        "type: object\n"
        "required: [RFC, Status, Owner]\n"
        "additionalProperties: false\n"
        "properties:\n"
        "  RFC: {$ref: 'common/defs.json#/$defs/number'}\n"
        "  Status: {enum: [Proposed, Accepted, Rejected]}\n"
        "  Owner: {type: string, minLength: 1}\n"
    ))
    repo.write("schemas/common/defs.json", (
        '{"$defs": {"number": {"type": "string", "pattern": "^[0-9]{1,4}$", '
        '"description": "an RFC number of up to four digits"}}}'
    ))
    return repo


def test_custom_type_with_yaml_schema_and_local_ref(rfc_repo: Repo, cli) -> None:
    rfc_repo.write("rfcs/2025/012-retries.md", RFC.format(rfc="12", status="Accepted"))
    assert cli("headers", "rfcs/2025/012-retries.md").out == ""
    rfc_repo.write("rfcs/2025/013-bad.md", RFC.format(rfc="RFC-13", status="Done").replace(
        "- **Owner:** Payments\n", "- **Owner:** Payments\n- **Team:** Core\n"))
    result = cli("headers", "rfcs/2025/013-bad.md")
    assert result.lines == [
        "rfcs/2025/013-bad.md:3:12: SH106 RFC 'RFC-13' is not an RFC number of up to four digits",
        "rfcs/2025/013-bad.md:4:15: SH106 Status 'Done' is not one of Proposed, Accepted, Rejected",
        "rfcs/2025/013-bad.md:6:5: SH112 field 'Team' is not allowed by the rfc schema",
    ]
    rfc_repo.write("rfcs/2025/014-empty.md", "# RFC 14\n\nNo header.\n")
    assert cli("headers", "rfcs/2025/014-empty.md").codes() == ["SH104"]


def test_pyproject_configuration(repo: Repo, cli) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.spec-hooks]\ndisable = ["SH111"]\n')
    repo.write("specs/elsewhere.md", spec(spec_id="rest/x"))
    assert cli("headers", "specs/elsewhere.md").out == ""
    repo.write("pyproject.toml", '[project]\nname = "x"\n')
    assert cli("headers", "specs/elsewhere.md").codes() == ["SH111"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("disable: SH111\n", ".spec-hooks.yaml: invalid configuration: disable: 'SH111' is not of type 'array'"),
        ("disable: [SH999]\n", ".spec-hooks.yaml: invalid configuration: disable: unknown rule 'SH999'"),
        ("colour: blue\n", ".spec-hooks.yaml: invalid configuration: (top level): unknown key 'colour'\n"),
        ("exlude: [a]\n", ".spec-hooks.yaml: invalid configuration: (top level): unknown key 'exlude': "
                          "did you mean 'exclude'?"),
        ("disable: [brokn-link]\n", ".spec-hooks.yaml: invalid configuration: disable: unknown rule 'brokn-link': "
                                    "did you mean 'broken-link'?"),
        ("exclude: ['specs/[0-9']\n", ".spec-hooks.yaml: invalid configuration: exclude: 'specs/[0-9': `[` is never closed"),
        ("types:\n  rfc:\n    schema: builtin:any\n", ".spec-hooks.yaml: invalid configuration: types.rfc: 'keys' is required"),
        ("types:\n  rfc:\n    keys: [RFC]\n    id_from_path: 'RFC-{n}'\n",
         ".spec-hooks.yaml: invalid configuration: types.rfc.id_from_path: needs an id_pattern whose groups it names"),
        ("types:\n  rfc:\n    keys: [RFC]\n    id_pattern: '(?P<number>[0-9]+)'\n    id_from_path: 'RFC-{n}'\n",
         ".spec-hooks.yaml: invalid configuration: types.rfc.id_from_path: 'RFC-{n}': id_pattern has no group named 'n'"),
        ("types:\n  rfc:\n    keys: [RFC]\n    header: bullets\n", ".spec-hooks.yaml: invalid configuration: types.rfc.header"),
        ("types:\n  rfc:\n    schema: s.json\n    keys: []\n", ".spec-hooks.yaml: invalid configuration: types.rfc.keys: [] "
                                                          "should be non-empty"),
        ("timezone: Mars/Olympus\n", ".spec-hooks.yaml: invalid configuration: timezone: unknown time zone 'Mars/Olympus'"),
        ("types: [\n", ".spec-hooks.yaml:2:1: invalid YAML: "),
        ("exclude: " + "[" * 5000 + "]" * 5000 + "\n", ".spec-hooks.yaml: invalid YAML: nested too deeply"),
        ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nexclude: *b\n",
         ".spec-hooks.yaml:2:8: invalid YAML: aliases (*name) are not allowed here"),
        ("exclude: [&a x, *a]\n", ".spec-hooks.yaml:1:17: invalid YAML: aliases"),
        ("exclude: " + "x" * 3_000_000 + "\n", ".spec-hooks.yaml: cannot read configuration: larger than 1 MiB"),
        ("exclude: " + "x" * 900_000 + "\n", ".spec-hooks.yaml: invalid configuration: exclude: 'xxx"),
        ("disable: [" + "S" * 10_000 + "]\n", ".spec-hooks.yaml: invalid configuration: disable: unknown rule 'SSS"),
    ],
)
def test_invalid_configuration_exits_2_naming_file_and_reason(repo: Repo, cli, config: str, message: str) -> None:
    repo.write(".spec-hooks.yaml", config)
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert result.status == 2 and result.out == ""
    assert result.err.startswith(f"spec-hooks: error: {message}"), result.err
    assert result.err.count("\n") == 1
    assert len(result.err) < 1100, "what an error quotes is cut short"


def test_deeply_nested_pyproject_exits_2(repo: Repo, cli) -> None:
    repo.write("pyproject.toml", "[tool.spec-hooks]\nexclude = " + "[" * 5000 + "]" * 5000 + "\n")
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert (result.status, result.err) == (2, "spec-hooks: error: pyproject.toml: invalid TOML: nested too deeply\n")


def test_a_configuration_symlinked_out_of_the_repository_is_not_read(repo: Repo, cli, tmp_path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (repo.root / ".spec-hooks.yaml").symlink_to(outside)
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert result.status == 2 and "root:x" not in result.err
    assert result.err == ("spec-hooks: error: .spec-hooks.yaml: is a symbolic link that leads outside the repository: "
                          "not read (name it with --config to use it)\n")


CONFIG = ".spec-hooks.yaml: invalid configuration: "


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("builtin:nope", f"{CONFIG}types.rfc.schema: no such built-in schema 'builtin:nope': did you mean 'builtin:spec'?"),
        ("builtin:../../etc/passwd", f"{CONFIG}types.rfc.schema: no such built-in schema 'builtin:../../etc/passwd'"),
        ("../outside.json", f"{CONFIG}types.rfc.schema: '../outside.json' is outside the repository: not read"),
        ("/etc/passwd", f"{CONFIG}types.rfc.schema: '/etc/passwd' is outside the repository: not read"),
        ("schemas/via-link.json", f"{CONFIG}types.rfc.schema: 'schemas/via-link.json' is outside the repository: not read"),
        ("schemas/missing.json", f"{CONFIG}types.rfc.schema: 'schemas/missing.json' does not exist"),
        ("schemas", f"{CONFIG}types.rfc.schema: 'schemas' is not a file"),
        ("schemas/ref-out.json", "schemas/ref-out.json: invalid schema: cannot resolve $ref ../../outside.json: "),
        ("schemas/loop.json", "schemas/loop.json: invalid schema: its $refs refer to each other without end"),
    ],
)
def test_schemas_come_from_the_repository_or_the_package(repo: Repo, cli, tmp_path, schema: str, message: str) -> None:
    (tmp_path / "outside.json").write_text('{"type": "object"}')
    (repo.root / "schemas").mkdir()
    (repo.root / "schemas" / "via-link.json").symlink_to(tmp_path / "outside.json")
    repo.write("schemas/ref-out.json", '{"properties": {"RFC": {"$ref": "../../outside.json"}}}')
    repo.write("schemas/loop.json", '{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}')
    repo.write(".spec-hooks.yaml", f"types:\n  rfc:\n    schema: '{schema}'\n    keys: [RFC]\n")
    repo.write("rfcs/1.md", RFC.format(rfc="1", status="Accepted"))
    repo.write("specs/a.md", spec())
    # A name that names nothing is said even when no checked document has the type; what a schema holds is
    # read when a document needs it (a hook never reads the schemas of types it does not meet).
    for path in ("rfcs/1.md", "specs/a.md") if message.startswith(CONFIG) else ("rfcs/1.md",):
        result = cli("headers", path)
        assert result.status == 2 and result.out == "", result.out
        assert result.err.startswith(f"spec-hooks: error: {message}"), result.err
        assert result.err.count("\n") == 1
        assert "outside" not in schema or result.err.endswith("is outside the repository: not read\n")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("templates/**", "templates/a/b.md", True),
        ("templates", "templates/b.md", True),
        ("**/README.md", "README.md", True),
        ("**/README.md", "a/b/README.md", True),
        ("docs/*.md", "docs/a/b.md", False),
        ("docs/**/*.md", "docs/b.md", True),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b.md", "a" * 30 + ".md", False),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b.md", "a" * 30 + "b.md", True),
        ("**/*a*a*a*a*a*a*a*a*a*a*a*a*b.md", "x/" * 50 + "a" * 3000 + ".md", False),
        ("**/x/**/*a*b*c.md", "q/x/y/zazbzc.md", True),
        ("**/x/**/*a*b*c.md", "q/y/zazbzc.md", False),
    ],
)
def test_globs_match_in_time_linear_in_the_path(pattern: str, path: str, matches: bool) -> None:
    """Three wildcards or more run as an automaton: the regex took 24 s on a 30-character name."""
    from spec_hooks.globs import glob_match

    assert glob_match(pattern, path) is matches


@pytest.mark.parametrize(("pieces", "seed"), [
    (["*", "**", "**/", "?", "a", "b", "/", "."], 0),
    (["*", "**", "**/", "?", "a", "[ab]", "[!a]", "/", "."], 1),  # classes
])
def test_the_glob_automaton_agrees_with_the_glob_regex(pieces: list[str], seed: int) -> None:
    import random

    from spec_hooks.globs import _glob_automaton, _glob_regex, _glob_tokens, glob_match

    alphabet = "ab/."
    generator = random.Random(seed)
    for _ in range(4000):
        pattern = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 7)))
        path = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 9)))
        expected = _glob_regex(pattern).fullmatch(path) is not None
        assert _glob_automaton(_glob_tokens(pattern), path) is expected, (pattern, path)
        assert glob_match(pattern, path) is expected, ("the literal pre-check", pattern, path)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ('{"type": "object", "properties": {"RFC": {"type": "strng"}}}',
         "schemas/rfc.schema.json: invalid schema at properties/RFC/type: 'strng' is not valid"),
        ('{"type": "object",', "schemas/rfc.schema.json: invalid schema: not valid JSON"),
        ('{"properties": {"RFC": {"$ref": "https://example.com/rfc.json"}}}',
         "schemas/rfc.schema.json: invalid schema: cannot resolve $ref https://example.com/rfc.json (only local files are read)"),
        ('{"properties": {"RFC": {"$ref": "missing.json"}}}', "schemas/rfc.schema.json: invalid schema: cannot resolve $ref"),
    ],
)
def test_invalid_schema_exits_2(repo: Repo, cli, schema: str, message: str) -> None:
    repo.write(".spec-hooks.yaml", "types:\n  rfc:\n    schema: schemas/rfc.schema.json\n    keys: [RFC]\n")
    repo.write("schemas/rfc.schema.json", schema)
    repo.write("rfcs/1.md", RFC.format(rfc="1", status="Accepted"))
    result = cli("headers", "rfcs/1.md")
    assert result.status == 2
    assert result.err.startswith(f"spec-hooks: error: {message}"), result.err


def test_missing_schema_file_and_explicit_config(repo: Repo, cli) -> None:
    repo.write("custom.yaml", "types:\n  rfc:\n    schema: nowhere.json\n    keys: [RFC]\n")
    repo.write("rfcs/1.md", RFC.format(rfc="1", status="Accepted"))
    result = cli("headers", "--config", "custom.yaml", "rfcs/1.md")
    assert (result.status, result.err) == (2, "spec-hooks: error: custom.yaml: invalid configuration: types.rfc.schema: 'nowhere.json' does not exist\n")
    assert cli("headers", "--config", "absent.yaml", "rfcs/1.md").err == "spec-hooks: error: absent.yaml: configuration file not found\n"


def test_exclude_globs(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "exclude: ['templates/**']\n")
    repo.write("templates/spec.md", (spec(status="Draft | Final | Deprecated")))
    repo.add()
    assert cli("headers").out == ""


def test_every_configuration_error_is_shown_one_line_each(repo: Repo, cli) -> None:
    repo.write(".spec-hooks.yaml", "disable: [SH999, nope]\nexclude: ['[a']\ntimezone: Mars/Olympus\n")
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert result.status == 2
    assert result.err.splitlines() == [
        "spec-hooks: error: .spec-hooks.yaml: invalid configuration: " + line for line in (
            "disable: unknown rule 'SH999'", "disable: unknown rule 'nope'",
            "exclude: '[a': `[` is never closed by `]`", "timezone: unknown time zone 'Mars/Olympus'")
    ]


def test_spec_hooks_yml_is_read_and_two_configuration_files_are_an_error(repo: Repo, cli) -> None:
    repo.write("specs/x.md", spec(spec_id="rest/other"))
    assert "SH111" in cli("headers", "specs/x.md").codes()
    repo.write(".spec-hooks.yml", "disable: [SH111]\n")
    assert "SH111" not in cli("headers", "specs/x.md").codes()
    repo.write(".spec-hooks.yaml", "disable: []\n")
    result = cli("headers", "specs/x.md")
    assert (result.status, result.err) == (
        2, "spec-hooks: error: both .spec-hooks.yaml and .spec-hooks.yml exist: keep one (they would not be merged)\n")


@pytest.mark.parametrize(
    ("patterns", "path", "selected"),
    [
        (["specs/[0-9]*.md"], "specs/1-a.md", True),
        (["specs/[0-9]*.md"], "specs/a.md", False),
        (["specs/[!0-9]*.md"], "specs/a.md", True),
        (["specs/[!0-9]*.md"], "specs/1.md", False),
        (["a[/]b.md"], "a/b.md", False),
        (["specs/{rest,grpc}/*.md"], "specs/grpc/x.md", True),
        (["specs/{rest,grpc}/*.md"], "specs/soap/x.md", False),
        (["{a,b{c,d}}.md"], "bd.md", True),
        (["{a}.md"], "{a}.md", True),
        (["docs/**", "!docs/keep.md"], "docs/keep.md", False),
        (["docs/**", "!docs/keep.md"], "docs/drop.md", True),
        (["!docs/keep.md", "docs/**"], "docs/keep.md", True),
        (["**/*[Tt]emplate*.md"], "templates/spec-Template.md", True),
    ],
)
def test_glob_lists(patterns: list[str], path: str, selected: bool) -> None:
    from spec_hooks.globs import matches

    assert matches(patterns, path) is selected


@pytest.mark.parametrize(("path", "template"), [
    ("spec-template.md", True), ("template.md", True), ("TEMPLATE.md", True), ("rfcs/0000-template.md", True),
    ("Spec Template.md", True), ("docs/templates/spec.md", True),
    # the word elsewhere than at the end: a template only while its header holds placeholders (test_false_alarms)
    ("rfc_template_v2.markdown", False), ("specs/rest/template-leftover.md", False), ("specs/email-template-api.md", False),
    ("email-templates.md", False), ("contemplate.md", False), ("specs/templated-replies.md", False),
])
def test_templates_by_default_are_files_named_with_the_word_at_the_end(path: str, template: bool) -> None:
    from spec_hooks.config import Config

    assert Config().is_template(path) is template


@pytest.mark.parametrize(("pattern", "message"), [
    ("{a,b}" * 10, "expands to more than 256 patterns"),
    ("{" * 100_000, "is longer than 1000 characters"),  # brace parsing would take minutes
])
def test_globs_are_bounded(repo: Repo, cli, pattern: str, message: str) -> None:
    repo.write(".spec-hooks.yaml", "exclude: ['" + pattern + "']\n")
    repo.write("a.md", spec())
    result = cli("headers", "a.md")
    assert result.status == 2 and message in result.err


SHORTCUT_PATTERNS = ["**/{,*[-_. ]}[Tt]emplate.{md,markdown}", "**/templates/**", "specs/{a,b}/*.md",
                     "{x,y}z{1,2}.md", "a{b,c{d,e}}f/**", "**/*.{md,MD}", "{,}*", "docs/{guide,howto}-{1,2}.md"]
SHORTCUT_PATHS = ["spec-template.md", "a/Template.markdown", "a/b/templates/x.md", "specs/a/x.md", "specs/c/x.md",
                  "xz1.md", "yz2.md", "xz3.md", "abf/q", "acdf/q", "acef/r", "acf/q", "README.MD", "x.md",
                  "docs/guide-1.md", "docs/howto-2.md", "docs/guide-3.md", "templatex.md", "my template.md"]


@pytest.mark.parametrize("pattern", SHORTCUT_PATTERNS)
def test_the_shared_literal_shortcut_never_changes_a_match(pattern: str) -> None:
    """A text every alternative spells out decides a miss at once; it must decide nothing else."""
    from spec_hooks.globs import _match_one, _shared_literals, expand_braces, glob_match

    assert _shared_literals(pattern) or pattern in ("{,}*",), "the shortcut has something to check"
    for path in SHORTCUT_PATHS:
        assert glob_match(pattern, path) == any(_match_one(alternative, path) for alternative in expand_braces(pattern)), path


@pytest.mark.parametrize(("pattern", "template", "path", "expected"), [
    ("(?P<number>[0-9]{4})-", "SE-{number}", "proposals/0001-keywords.md", "SE-0001"),
    ("(?P<number>[0-9]{4})-", "SE-{number}", "proposals/README.md", None),
    ("eip-(?P<id>[0-9]+)\\.md$", None, "EIPS/eip-1559.md", "1559"),
    ("(?P<area>[a-z]+)/(?P<n>[0-9]+)", "{area}-{n}", "specs/rest/12-x.md", "rest-12"),
    ("(?P<n>[0-9]+)?-x", "RFC-{n}", "a/-x.md", "RFC-"),  # a group that matched nothing is empty
    (None, None, "proposals/0001-keywords.md", None),
])
def test_the_id_a_path_gives(pattern: str | None, template: str | None, path: str, expected: str | None) -> None:
    doc_type = DocType("rfc", "builtin:any", ("RFC",), id_pattern=pattern, id_from_path=template)
    assert doc_type.id_of_path(path) == expected
