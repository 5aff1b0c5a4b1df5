"""The package is layered one way: formats/model ← read ← parse ← check ← store ← pipeline ←
analyse ← outputs (render, export, draw) ← cli. A module imports only from its own layer's
package or from layers below; the store keeps and loads, the pipeline runs the rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gongkai"

# Top-level module or subpackage of gongkai → its rank (lower is more basic); a unit imports
# only units of a lower rank.
LAYERS = {
    "formats": 0, "files": 0, "textwidth": 0, "limits": 0, "safe": 0.05, "model": 0.1, "arithmetic": 0.1, "layout": 0.2,
    "ledger": 0.5,  # the request ledger: formats, model and arithmetic only (cli and writers use it)
    "read": 1,
    "parse": 2,
    "check": 3, "api": 3.1,
    "store": 4,
    "pipeline": 5,
    "analyse": 6,
    "render": 7, "export": 7.1, "draw": 7.2, "writer": 7.3, "web": 7.5,
    "cli": 8,
}  # fmt: skip
EXEMPT = {"__init__", "__main__"}  # the package's façade re-exports the API


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported_units(path: Path) -> set[str]:
    """The gongkai units a module imports (relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = (*base, *(node.module.split(".") if node.module else ()))
                names = [target] if node.module or target else []
                if not node.module:  # `from . import x` / `from .. import formats`
                    names = [(*target, alias.name) for alias in node.names]
            elif node.module and node.module.split(".")[0] == "gongkai":
                names = [tuple(node.module.split(".")[1:])]
            else:
                continue
            found.update(n[0] for n in names if n)
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("gongkai."))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _unit(p) not in EXEMPT)


def test_every_module_has_a_layer() -> None:
    assert {_unit(p) for p in MODULES} <= set(LAYERS), {_unit(p) for p in MODULES} - set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path) -> None:
    unit = _unit(path)
    upward = {other for other in _imported_units(path) - {unit} if other in LAYERS and LAYERS[other] >= LAYERS[unit]}
    assert not upward, f"{path.relative_to(PACKAGE)} (layer {LAYERS[unit]}) imports {sorted(upward)}"


def test_the_store_runs_no_rules() -> None:
    for path in (PACKAGE / "store").rglob("*.py"):
        assert not _imported_units(path) & {"check", "api", "parse", "read", "pipeline"}, path
