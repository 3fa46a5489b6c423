"""The layers drawn in docs/architecture.md are the imports of the source, arrow for arrow."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "policytext"
DOC = REPO / "docs" / "architecture.md"
#: Imported by every layer: not arrows of the drawing.
SHARED = {"types.py", "errors.py"}
#: Calls that import a module named by a string (``LazyModule("policytext.api")``).
LAZY_CALLS = {"LazyModule", "import_module"}


def _layer(module: str) -> str | None:
    """``policytext.ingest.pdf`` -> ``ingest/``, ``policytext.api`` -> ``api.py``; None for the root
    package and ``__main__``."""
    parts = module.split(".")
    if parts[0] != "policytext" or len(parts) < 2 or parts[1].startswith("__"):
        return None
    return parts[1] + "/" if (PACKAGE / parts[1]).is_dir() else parts[1] + ".py"


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module == "policytext":
            return [f"policytext.{alias.name}" for alias in node.names]
        return [node.module]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if (
        isinstance(node, ast.Call)
        and ast.unparse(node.func).split(".")[-1] in LAZY_CALLS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def source_arrows() -> dict[str, set[str]]:
    """Every import between layers in the source, lazy imports and type-only imports included."""
    arrows: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        source = _layer(module)
        if source is None:
            continue
        arrows.setdefault(source, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported(node):
                target = _layer(name)
                if target and target != source and target not in SHARED:
                    arrows[source].add(target)
    return arrows


def documented_arrows() -> dict[str, set[str]]:
    """The table under "Who imports whom" in docs/architecture.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Who imports whom", 1)[1].split("\n#", 1)[0]
    arrows: dict[str, set[str]] = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([^`]+)` \|(.*)\|\s*$", line)
        if m:
            arrows[m.group(1)] = set(re.findall(r"`([^`]+)`", m.group(2)))
    return arrows


def test_the_documented_arrows_are_the_imports() -> None:
    source, documented = source_arrows(), documented_arrows()
    assert documented, "docs/architecture.md has no 'Who imports whom' table"
    undocumented = {f"{s} -> {t}" for s, ts in source.items() for t in ts - documented.get(s, set())}
    absent = {f"{s} -> {t}" for s, ts in documented.items() for t in ts - source.get(s, set())}
    assert not undocumented, f"imports missing from docs/architecture.md: {sorted(undocumented)}"
    assert not absent, f"arrows of docs/architecture.md the source no longer has: {sorted(absent)}"
    assert set(documented) == set(source)


def test_the_shared_modules_import_nothing_of_the_package() -> None:
    arrows = source_arrows()
    for module in SHARED:
        assert arrows[module] == set(), module


def test_the_drawing_names_every_layer() -> None:
    drawing = DOC.read_text(encoding="utf-8").split("```", 2)[1]
    for layer in source_arrows():
        assert layer in drawing, layer
