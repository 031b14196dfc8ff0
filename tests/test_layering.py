"""The import graph, read from the source (issue 25): every import of the package's own modules stands at a
module's top (none hidden in a function to dodge a cycle), there is no cycle, and each module imports only its
own layer or lower ones. The layers are the design's: the check families below the session (they know the
run's `Project` as a type only), the commands (argparse, the session, the report) above it."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "spec_hooks"

LAYERS = [
    # bottom: findings, rules, text helpers, the Markdown reader and the link path helpers (pure, no I/O)
    {"", "findings", "rules", "text", "escape", "progress", "globs", "markdown", "paths", "loading", "source"},
    # the document layer: what a text is and means, configuration and schemas, edits as data
    {"header", "fix", "cache", "validation", "arguments", "report", "config", "directives", "policy", "document",
     "documents"},
    # the repository: the only code that runs git
    {"repo", "repo.runner", "repo.snapshot", "repo.history"},
    # what a run reads of the repository as a whole, and the check families
    {"catalogue", "checks", "checks.history", "checks.link_results", "checks.lifecycle", "checks.links",
     "checks.dates", "checks.headers", "checks.index"},
    # the session
    {"run"},
    # the commands: argparse, the session, the report
    {"commands", "commands.headers", "commands.links", "commands.dates", "commands.index", "commands.check",
     "commands.new", "commands.refs", "commands.stale", "explain", "cli", "__main__"},
]
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found[name.removesuffix("__init__").rstrip(".")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _own(node: ast.AST) -> list[str]:
    """The package modules an import statement names ('' for the package itself: its version and URL)."""
    if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("spec_hooks"):
        base = node.module.removeprefix("spec_hooks").lstrip(".")  # type: ignore[union-attr]
        if base:
            return [base]
        return [alias.name if (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir() else ""
                for alias in node.names]
    if isinstance(node, ast.Import):
        return [alias.name.removeprefix("spec_hooks").lstrip(".") for alias in node.names
                if alias.name.split(".")[0] == "spec_hooks"]
    return []


def _top_level(tree: ast.Module) -> list[ast.AST]:
    """The module's own statements, `if TYPE_CHECKING:` blocks left out (types only, never run)."""
    return [node for node in tree.body if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                                                and node.test.id == "TYPE_CHECKING")]


def test_every_module_has_a_layer() -> None:
    assert sorted(set(_modules()) - set(LAYER_OF)) == []


def test_no_import_of_the_package_is_hidden_in_a_function() -> None:
    hidden = []
    for name, tree in _modules().items():
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{name}:{node.lineno} {target}" for node in ast.walk(function) for target in _own(node)]
    assert hidden == []


def test_each_module_imports_only_its_layer_or_lower() -> None:
    upward = []
    for name, tree in _modules().items():
        for node in _top_level(tree):
            for target in _own(node):
                if LAYER_OF[target] > LAYER_OF[name]:
                    upward.append(f"{name} (layer {LAYER_OF[name]}) imports {target} (layer {LAYER_OF[target]})")
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = {name: {target for node in _top_level(tree) for target in _own(node) if target} for name, tree in _modules().items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target] if target in path else [name, target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
