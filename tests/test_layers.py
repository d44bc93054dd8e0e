"""The package's layers (docs/architecture.md): no import circle, and the arrows point one way
(models ← services ← views). Read from the source, imports inside functions included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# No circle is known: a new one fails.
KNOWN_CIRCLES: set[frozenset[str]] = set()


def modules() -> dict[str, Path]:
    found = {}
    for package in ("remiss", "programs"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The project modules `name` imports, anywhere in its source."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in MODULES:
                    found.add(full)
                elif node.module in MODULES:
                    found.add(node.module)
    return found - {name}


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def circles() -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                other = stack.pop()
                component.add(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_circle():
    assert set(circles()) <= KNOWN_CIRCLES


def test_the_models_import_no_service_and_no_page():
    services_and_pages = ("remiss.workflow", "remiss.sending", "remiss.drafting", "remiss.views")
    for name, imported in GRAPH.items():
        if name.startswith("remiss.models"):
            assert not {m for m in imported if m.startswith(services_and_pages)}, name


def test_the_services_import_no_page_and_no_form():
    for name in ("remiss.workflow", "remiss.sending", "remiss.drafting", "remiss.replies"):
        assert not {m for m in GRAPH[name] if m.startswith(("remiss.views", "remiss.forms"))}


def test_only_the_workflow_assigns_a_status():
    """Issue 10: no `x.status = ...` of a statement or recipient outside remiss/workflow.py."""
    offenders = []
    for name, path in MODULES.items():
        if name == "remiss.workflow":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(f"{name}:{node.lineno}")
            updates_status = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(k.arg == "status" for k in node.keywords)
                # django-tasks-db's own task rows (the worker hands back a dead worker's task)
                and "DBTaskResult" not in ast.unparse(node.func.value)
            )
            if updates_status:
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []
