"""The layering the README describes, checked on the source: apps import only downwards
(merchant < catalog < webhooks < orders < notifications < isp < skill < analytics < demo <
config), no module-level import cycle, and no import inside a function unless a comment on
that line or the one above says why."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    "merchant",
    "catalog",
    "webhooks",
    "orders",
    "notifications",
    "isp",
    "skill",
    "voicelab",
    "analytics",
    "demo",
    "config",
]
# The one upward arrow: the catalog's product pages preview the pitch the skill will speak.
ALLOWED_UPWARD = {("catalog/pitch_forms.py", "skill.speech.pitch")}


def app_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            yield rel, path


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def imports(rel: str, tree: ast.Module):
    """(imported module, line, at module level) for every import of the file."""
    package = (
        module_name(rel) if rel.endswith("__init__.py") else module_name(rel).rsplit(".", 1)[0]
    )
    top_level = {id(node) for node in tree.body}
    top_level |= {
        id(child)
        for node in tree.body
        if isinstance(node, ast.If | ast.Try)
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in top_level


def test_apps_import_only_downwards():
    upward = []
    for rel, path in app_modules():
        layer = LAYERS.index(rel.split("/")[0])
        for name, line, _ in imports(rel, ast.parse(path.read_text())):
            target = name.split(".")[0]
            if target in LAYERS and LAYERS.index(target) > layer:
                if not any(rel == f and name.startswith(m) for f, m in ALLOWED_UPWARD):
                    upward.append(f"{rel}:{line} imports {name}")
    assert upward == []


def test_no_import_inside_a_function_without_a_reason():
    """The reason is a comment on the import's line or between it and its function's def
    (an AppConfig.ready() says once why its imports wait for app loading)."""
    unexplained = []
    for rel, path in app_modules():
        source = path.read_text().splitlines()
        tree = ast.parse("\n".join(source))
        starts = sorted(
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        )
        for _, line, at_top in imports(rel, tree):
            if at_top:
                continue
            start = max((n for n in starts if n <= line), default=1)
            if not any("#" in text for text in source[start - 1 : line]):
                unexplained.append(f"{rel}:{line}")
    assert sorted(set(unexplained)) == []


def test_no_module_level_import_cycle():
    known = {module_name(rel) for rel, _ in app_modules()}
    graph = defaultdict(set)
    for rel, path in app_modules():
        for name, _, at_top in imports(rel, ast.parse(path.read_text())):
            if at_top and name in known and name != module_name(rel):
                graph[module_name(rel)].add(name)
    # A package's __init__ importing its own modules is how packages re-export, not a cycle.
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in graph[node]:
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(known):
        if node not in state:
            visit(node, [])
    assert cycles == []
