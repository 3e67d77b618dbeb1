"""The layering of the portal, read from the source (the checker; its tests are in
``test_architecture.py``).

Apps depend only downwards, in the order of ``LAYERS``; inside an app with ordered
sub-packages (``SUBLAYERS``) those depend only downwards too. A dependency is an import, at
module level or inside a function, or a string naming a module or a module's attribute (a
Celery task queued by name). No import cycle, through function-level imports too. An import
inside a function carries a comment saying why. No application module and no bench script
imports a test module.

Every check takes the root of a tree and returns its breaches as sorted ``"file:line ..."``
strings, so the tests run the same code on the real tree and on small planted trees.
"""

import ast
import functools
import io
import re
import tokenize
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    "alexa",
    "outbox",
    "merchant",
    "apikeys",
    "catalog",
    "discounts",
    "webhooks",
    "orders",
    "cards",
    "shoppers",
    "linking",
    "notifications",
    "isp",
    "skill",
    "shop",
    "ucp",
    "voicelab",
    "smapi_sandbox",
    "analytics",
    "demo",
    "config",
]
# Ordered sub-packages of an app: each may depend on the ones before it, never after.
SUBLAYERS = {"voicelab": ["package", "console", "launch", "publish"]}
# The one upward arrow: the catalog's product pages preview the pitch the skill will speak.
ALLOWED_UPWARD = {("catalog/pitch_forms.py", "skill.speech.pitch")}
# Scripts outside the apps that may use application code but no test module.
SCRIPT_DIRS = ["bench"]
TEST_PARTS = {"tests", "conftest"}


@dataclass(frozen=True)
class Import:
    """One import statement. ``modules``: the modules it names (``import a.b, c``: a.b and
    c; ``from m import x, y``: m); ``members``: for a ``from`` import, ``m.x`` and ``m.y``
    (submodules or attributes); ``function_line``: the ``def`` line of the innermost
    function holding it (None at module level)."""

    modules: tuple[str, ...]
    members: tuple[str, ...]
    line: int
    end_line: int
    function_line: int | None


@dataclass(frozen=True)
class Module:
    rel: str  # path from the root, with "/"
    name: str  # dotted module name
    source: str
    tree: ast.Module

    @property
    def package(self) -> str:
        is_package = self.rel.endswith("__init__.py")
        return self.name if is_package else self.name.rpartition(".")[0]


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name.removesuffix(".__init__")


@functools.cache  # every check reads the same files: parse each once
def _read(root: Path, path: Path) -> Module:
    rel = path.relative_to(root).as_posix()
    source = path.read_text()
    return Module(rel, module_name(rel), source, ast.parse(source, filename=rel))


def app_modules(root: Path = ROOT, layers=LAYERS) -> list[Module]:
    """The application code: every module of the layer apps but tests and migrations (an
    app not created yet is skipped)."""
    modules = []
    for app in layers:
        for path in sorted((root / app).rglob("*.py")) if (root / app).is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if "/tests/" not in rel and "/migrations/" not in rel:
                modules.append(_read(root, path))
    return modules


def script_modules(root: Path = ROOT, dirs=SCRIPT_DIRS) -> list[Module]:
    return [
        _read(root, path)
        for folder in dirs
        if (root / folder).is_dir()
        for path in sorted((root / folder).rglob("*.py"))
    ]


def imports(module: Module) -> list[Import]:
    found = []

    def visit(node, function_line):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.lineno)
                continue
            if isinstance(child, ast.Import):
                modules, members = tuple(alias.name for alias in child.names), ()
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = module.package.split(".")
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                modules, members = (base,), tuple(f"{base}.{a.name}" for a in child.names)
            else:
                visit(child, function_line)
                continue
            found.append(Import(modules, members, child.lineno, child.end_lineno, function_line))

    visit(module.tree, None)
    return found


def rank(name: str, layers=LAYERS, sublayers=SUBLAYERS) -> tuple[int, int | None] | None:
    """(the app's place in ``layers``, the sub-package's place in its app's ``sublayers``
    or None); None for a module of no layer app."""
    parts = name.split(".")
    if parts[0] not in layers:
        return None
    ordered = sublayers.get(parts[0], [])
    sub = ordered.index(parts[1]) if len(parts) > 1 and parts[1] in ordered else None
    return layers.index(parts[0]), sub


def is_upward(source: str, target: str, layers=LAYERS, sublayers=SUBLAYERS) -> bool:
    here, there = rank(source, layers, sublayers), rank(target, layers, sublayers)
    if here is None or there is None:
        return False
    if here[0] != there[0]:
        return there[0] > here[0]
    return here[1] is not None and there[1] is not None and there[1] > here[1]


def _allowed(rel: str, target: str, allowed) -> bool:
    return any(rel == file and target.startswith(prefix) for file, prefix in allowed)


# Rule 1: apps (and ordered sub-packages) import only downwards. ---------------------------


def upward_imports(
    root: Path = ROOT, layers=LAYERS, sublayers=SUBLAYERS, allowed=ALLOWED_UPWARD
) -> list[str]:
    breaches = set()
    for module in app_modules(root, layers):
        for imp in imports(module):
            for target in (*imp.modules, *imp.members):
                if is_upward(module.name, target, layers, sublayers) and not _allowed(
                    module.rel, target, allowed
                ):
                    breaches.add((module.rel, imp.line, target))
                    break
    return [f"{rel}:{line} imports {target}" for rel, line, target in sorted(breaches)]


# Rule 2: no string names a module (or a module's attribute) of a higher app. ---------------

DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _docstrings(tree: ast.Module) -> set[int]:
    holders = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, holders)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def defined_names(tree: ast.Module) -> set[str]:
    """The names a module defines at its top level (functions, classes, assignments,
    imports), looking into top-level ``if``/``try``/``with`` blocks."""
    names = set()
    statements = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for field in ("body", "orelse", "finalbody", "handlers"):
                statements.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            statements.extend(node.body)
    return names


def resolves(dotted: str, modules: dict[str, Module]) -> bool:
    """True when ``dotted`` is a module of ``modules`` or a module's attribute path
    (``notifications.tasks.send_order_status``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = modules.get(".".join(parts[:cut]))
        if module is not None:
            rest = parts[cut:]
            return not rest or rest[0] in defined_names(module.tree)
    return False


def upward_strings(
    root: Path = ROOT, layers=LAYERS, sublayers=SUBLAYERS, allowed=ALLOWED_UPWARD
) -> list[str]:
    """Strings (docstrings aside) that name a module or a module attribute of a higher app:
    a dependency by name, such as a Celery task queued by its name. Other strings (URL
    names, template paths, settings) are not module paths and pass."""
    modules = app_modules(root, layers)
    by_name = {module.name: module for module in modules}
    breaches = set()
    for module in modules:
        skip = _docstrings(module.tree)
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            if id(node) in skip or not DOTTED.fullmatch(text):
                continue
            if (
                is_upward(module.name, text, layers, sublayers)
                and not _allowed(module.rel, text, allowed)
                and resolves(text, by_name)
            ):
                breaches.add((module.rel, node.lineno, text))
    return [f'{rel}:{line} names "{text}"' for rel, line, text in sorted(breaches)]


# Rule 3: no import cycle, through function-level imports too. -----------------------------


def import_graph(modules: list[Module]) -> dict[str, set[str]]:
    """Module -> the modules it imports, at module level or in a function. ``from m import
    a`` depends on ``m.a`` when that is a module, else on ``m``."""
    known = {module.name for module in modules}
    graph: dict[str, set[str]] = {name: set() for name in known}
    for module in modules:
        for imp in imports(module):
            base = imp.modules[0]
            targets = [m if m in known else base for m in imp.members] or list(imp.modules)
            for target in targets:
                if target in known and target != module.name:
                    graph[module.name].add(target)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _shortest_cycle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """The shortest cycle through the first of ``members``, staying inside them."""
    start, inside = members[0], set(members)
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & inside):
            if nxt == start:
                path = [node]
                while (before := came_from[path[-1]]) is not None:
                    path.append(before)
                return [*reversed(path), start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected component holds a cycle")


def import_cycles(root: Path = ROOT, layers=LAYERS) -> list[str]:
    """One cycle per set of modules that import each other, as ``a -> b -> a``."""
    graph = import_graph(app_modules(root, layers))
    reach = {node: _reachable(graph, node) for node in graph}
    cycles, seen = [], set()
    for node in sorted(graph):
        if node in reach[node] and node not in seen:
            # The modules that reach each other; ``node`` is the first of them.
            members = sorted(other for other in reach[node] if node in reach[other])
            seen.update(members)
            cycles.append(" -> ".join(_shortest_cycle(graph, members)))
    return cycles


# Rule 4: an import inside a function says why in a comment. -------------------------------

# Tool directives are not reasons.
PRAGMA = re.compile(
    r"\s*(noqa(:\s*\w+(\s*,\s*\w+)*)?|type:\s*ignore(\[[^\]]*\])?|fmt:\s*\w+|pragma:.*)\s*"
)


def comment_lines(source: str) -> set[int]:
    """Lines holding a real comment (``#`` in a string is not one) that says something
    besides a tool directive."""
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = PRAGMA.sub(" ", token.string[1:])
            if re.search(r"[A-Za-z]", text):
                lines.add(token.start[0])
    return lines


def unexplained_lazy_imports(root: Path = ROOT, layers=LAYERS) -> list[str]:
    """Imports inside a function without a comment on their lines or between their
    function's ``def`` and them (an ``AppConfig.ready()`` says once why its imports wait
    for app loading)."""
    unexplained = set()
    for module in app_modules(root, layers):
        comments = None
        for imp in imports(module):
            if imp.function_line is None:
                continue
            comments = comments if comments is not None else comment_lines(module.source)
            if not any(imp.function_line <= line <= imp.end_line for line in comments):
                unexplained.add((module.rel, imp.line))
    return [f"{rel}:{line}" for rel, line in sorted(unexplained)]


# Rule 5: application code and scripts import no test module. -----------------------------


def imports_of_test_modules(root: Path = ROOT, layers=LAYERS, dirs=SCRIPT_DIRS) -> list[str]:
    """Imports of a ``tests`` package module or of a conftest by application code or by a
    script (a benchmark builds its data through the apps, and a test helper meant for
    reuse lives in a non-test module such as an app's ``testing/``)."""
    breaches = set()
    for module in [*app_modules(root, layers), *script_modules(root, dirs)]:
        for imp in imports(module):
            named = [m for m in imp.modules if TEST_PARTS & set(m.split("."))]
            named += [m for m in imp.members if m.rpartition(".")[2] in TEST_PARTS]
            for name in named[:1]:
                breaches.add((module.rel, imp.line, name))
    return [f"{rel}:{line} imports {name}" for rel, line, name in sorted(breaches)]
