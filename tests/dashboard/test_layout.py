"""The house rules of the layout (docs/design.md), read from the source: who may import whom, and
where colours live.

- A page folder (`dashboard/bedside`, `dashboard/teaching`, `dashboard/sources`) imports
  `dashboard.common`, its own folder, `knowledge` and (teaching only) `casebook`; never another
  page folder.
- `dashboard/common` imports `knowledge` and itself: never a page folder, never `casebook`.
- `casebook` imports `knowledge` and itself: never Streamlit, never `dashboard`.
- `tools` imports no dashboard code.
- The dashboard and the casebook reach `knowledge` through its public face (`import knowledge`,
  `from knowledge import ...`), never a submodule.
- No hex colour outside `dashboard/common/theme.py`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("dashboard", "casebook", "tools")
WINGS = ("bedside", "teaching", "sources")
THEME = ROOT / "dashboard" / "common" / "theme.py"
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def imports_of(source: str) -> list[str]:
    """Every module a Python source imports, as dotted names (a relative import keeps its dots)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            # `from dashboard.common import theme` imports the module dashboard.common.theme: name it,
            # so a `from dashboard import bedside` is seen as the page folder it is.
            found.extend(f"{base}.{alias.name}" if node.module and node.level == 0 else base for alias in node.names)
    return found


def _is(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _public_knowledge_names() -> frozenset[str]:
    """The names of `knowledge.__all__`, read from the source (importing it would load the data)."""
    tree = ast.parse((ROOT / "knowledge" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


KNOWLEDGE_API = _public_knowledge_names()
"""`from knowledge import X` reads as `knowledge.X` above: such an X is the public API, not a submodule."""


def _into_knowledge(imported: str) -> bool:
    """Whether an import reaches past knowledge's public face into one of its modules."""
    rest = imported.split(".")[1:] if _is(imported, "knowledge") else []
    return bool(rest) and rest[0] not in KNOWLEDGE_API


def violation(module: str, imported: str) -> str | None:
    """Why `module` (a dotted name such as `dashboard.bedside.panels`) may not import `imported`, or None."""
    if imported.startswith("."):
        return "a relative import: write it absolute, so the layout rule can be read from it"
    parts = module.split(".")
    top = parts[0]
    if top in ("dashboard", "casebook") and _into_knowledge(imported):
        return "reaches into a knowledge submodule: use the public API (`import knowledge`)"
    if top == "casebook":
        if _is(imported, "streamlit") or _is(imported, "dashboard"):
            return "the casebook is pure: it imports knowledge only"
        return None
    if top == "tools":
        return "tools import no dashboard code" if _is(imported, "dashboard") else None
    if top != "dashboard":
        return None
    here = parts[1] if len(parts) > 2 else None  # the folder a module sits in (None: dashboard/app.py)
    if _is(imported, "dashboard"):
        there = imported.split(".")[1] if imported.count(".") >= 1 else None
        if here == "common" and there in WINGS:
            return "common/ never imports a page folder"
        if here in WINGS and there in WINGS and there != here:
            return f"the {here} page imports the {there} page: move what both need into dashboard/common"
        if here in (*WINGS, "common") and there not in (*WINGS, "common"):
            return "a page folder or common/ imports the app (dashboard/app.py)"
    if _is(imported, "casebook") and here != "teaching" and here is not None:
        return "only the teaching page uses the casebook"
    return None


def _modules() -> list[tuple[str, Path]]:
    found = []
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = [*parts[:-1], "__init__"]
            found.append((".".join(parts), path))
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_every_import_follows_the_layout_rule(module: str, path: Path) -> None:
    """No file under dashboard/, casebook/ or tools/ imports across the walls docs/design.md draws."""
    broken = [f"{imported}: {why}" for imported in imports_of(path.read_text(encoding="utf-8")) if (why := violation(module, imported))]
    assert not broken, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("dashboard.teaching.panels", "dashboard.bedside.panels"),
        ("dashboard.bedside.summary", "dashboard.sources.tables"),
        ("dashboard.common.chart", "dashboard.bedside.text"),
        ("dashboard.common.page", "casebook"),
        ("dashboard.bedside.page", "casebook.codes"),
        ("dashboard.sources.page", "dashboard.app"),
        ("dashboard.bedside.panels", "knowledge.loader"),
        ("casebook.library", "streamlit"),
        ("casebook.codes", "dashboard.common.words"),
        ("tools.wsload", "dashboard.teaching.links"),
        ("dashboard.bedside.inputs", ".text"),
    ],
)
def test_the_checker_catches_a_bad_import(module: str, imported: str) -> None:
    """The rule is not vacuous: each of these imports, written into the named module, is refused."""
    assert violation(module, imported) is not None


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("dashboard.teaching.page", "casebook"),
        ("dashboard.teaching.panels", "dashboard.common.assessment_html"),
        ("dashboard.bedside.page", "dashboard.bedside.inputs"),
        ("dashboard.app", "dashboard.bedside.page"),
        ("dashboard.common.chart", "knowledge"),
        ("dashboard.common.page", "knowledge.Knowledge"),
        ("casebook.library", "knowledge.read_yaml"),
        ("tools.wsload", "casebook.codes"),
    ],
)
def test_the_checker_allows_what_the_rule_allows(module: str, imported: str) -> None:
    """The imports the rule allows pass."""
    assert violation(module, imported) is None


def test_imports_are_read_from_source_including_from_imports() -> None:
    """`from a.b import c` is read as the module a.b.c, so a page imported by name is seen."""
    source = "import os\nfrom dashboard import bedside\nfrom dashboard.common import theme, words\nfrom . import x\n"
    assert imports_of(source) == ["os", "dashboard.bedside", "dashboard.common.theme", "dashboard.common.words", "."]
    assert violation("dashboard.teaching.page", imports_of(source)[1]) is not None


def _python_files() -> list[Path]:
    return [p for folder in CHECKED for p in sorted((ROOT / folder).rglob("*.py"))]


def test_no_hex_colour_outside_the_theme() -> None:
    """Every colour is a name in dashboard/common/theme.py, so a palette change is one file."""
    found = [
        f"{path.relative_to(ROOT)}:{n}: {m.group(0)}"
        for path in _python_files()
        if path != THEME
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for m in HEX_COLOUR.finditer(line)
    ]
    assert not found, "hex colours outside the theme:\n" + "\n".join(found)


def test_the_hex_check_sees_a_colour() -> None:
    """The colour pattern matches both hex forms and not an anchor or a table's '#' column."""
    assert HEX_COLOUR.search('color:"#A63A00"') and HEX_COLOUR.search("background:#fff;")
    assert not HEX_COLOUR.search('{"#": 1}') and not HEX_COLOUR.search("page#section")
