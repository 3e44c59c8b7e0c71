"""Layout rules of carbon/cbam and the CBAM template format (issue #10).

* ``carbon.cbam`` is domain: it imports neither formats, inventory, reporting nor any UI;
  ``carbon.formats.cbam_template`` sits above it.
* The template's input cells are named once, in ``cells.py``: the reader and the writer hold
  no cell coordinates of their own.
* Functions stay short (≤ 80 lines of code), no ``except Exception``, and public functions
  carry numpydoc sections with the regulation in References.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CBAM = ROOT / "carbon" / "cbam"
TEMPLATE = ROOT / "carbon" / "formats" / "cbam_template"
OWN = [
    *sorted(CBAM.glob("*.py")),
    *sorted(TEMPLATE.glob("*.py")),
    ROOT / "carbon" / "formats" / "xlsx_package.py",
    ROOT / "carbon" / "cli" / "cbam.py",
]
COORD = re.compile(r"^\$?[A-Z]{1,3}\$?\d+$")


def imports(path: Path) -> set[str]:
    out = set()
    for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
            out.add(n.module)
    return out


def test_layout_of_carbon_cbam():
    names = {p.name for p in CBAM.glob("*.py")}
    assert names >= {"goods.py", "model.py", "engine.py", "defaults.py", "cost.py", "params.py", "from_inventory.py"}
    assert not names & {"template.py", "taiwan.py"}
    assert {p.name for p in TEMPLATE.glob("*.py")} >= {"cells.py", "reader.py", "writer.py"}


@pytest.mark.parametrize("path", sorted(CBAM.glob("*.py")), ids=lambda p: p.name)
def test_cbam_domain_imports_no_format_inventory_or_ui(path):
    bad = [
        m
        for m in imports(path)
        if m.startswith(("carbon.formats", "carbon.inventory", "carbon.reporting", "carbon.cli", "streamlit", "plotly"))
    ]
    assert bad == []


def test_formats_do_not_import_the_cli():
    for path in [*TEMPLATE.glob("*.py"), ROOT / "carbon" / "formats" / "xlsx_package.py"]:
        assert not [m for m in imports(path) if m.startswith(("carbon.cli", "streamlit", "plotly"))], path


@pytest.mark.parametrize("name", ["reader.py", "writer.py"])
def test_reader_and_writer_take_every_cell_from_the_one_map(name):
    tree = ast.parse((TEMPLATE / name).read_text(encoding="utf-8"))
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [s for s in literals if COORD.match(s) and s not in ("CO2", "N2O")] == []  # gases, not cells
    fstrings = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    assert [f for f in fstrings if re.search(r"f['\"][A-Z]{1,3}\{", f)] == []


def _code_lines(fn: ast.FunctionDef) -> int:
    body = fn.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant)
    start = body[0].end_lineno + 1 if has_doc and len(body) > 1 else body[0].lineno
    return fn.end_lineno - start + 1


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_short_functions_and_narrow_excepts(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [(n.name, _code_lines(n)) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and _code_lines(n) > 80]
    assert long == []
    broad = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.ExceptHandler)
        and (n.type is None or (isinstance(n.type, ast.Name) and n.type.id in ("Exception", "BaseException")))
    ]
    assert broad == []


@pytest.mark.parametrize(
    "path", [p for p in OWN if p.name not in ("cbam.py", "cells.py", "__init__.py")], ids=lambda p: p.name
)
def test_public_functions_have_numpydoc_references(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef)
        and not n.name.startswith("_")
        and "References\n" not in (ast.get_docstring(n) or "")
    ]
    assert missing == []


@pytest.mark.parametrize("path", [p for p in OWN if p.name != "cbam.py"], ids=lambda p: p.name)
def test_no_private_name_of_another_module_is_imported(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"{n.module}.{a.name}"
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom)
        for a in n.names
        if a.name.startswith("_") and a.name != "__future__"
    ]
    assert private == []
