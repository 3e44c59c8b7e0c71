"""The layout's rules, checked on the source (issue #10).

Arrows only point down: cli/app → reports/reporting/formats/store/training → domain
(inventory, product, cbam, uncertainty, diagnosis) → accounting → factors/units/gwp/schema/errors.
Checked statically (every ``import`` anywhere in a module, including inside functions).
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "carbon"

#: top-level part of carbon -> layer (higher may import lower, never the reverse)
LAYERS = {
    "errors": 0,
    "paths": 0,
    "units": 1,
    "schema": 2,
    "gwp": 2,
    "factors": 3,
    "accounting": 4,
    "inventory": 5,
    "product": 5,
    "cbam": 5,
    "uncertainty": 4,  # reads only the records table; the inventory result calls it for 表七
    "diagnosis": 6,
    "fee": 2,
    "formats": 7,
    "reporting": 7,
    "store": 7,
    "reports": 8,
    "training": 8,
    "estimate": 6,
    "cli": 9,
}
#: domain packages that must not import each other
SIBLINGS = {"inventory", "product", "cbam"}
MAX_FUNCTION_LINES = 80


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, None
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                yield node.lineno, node.module, a.name


def _part(module: str) -> str | None:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 and bits[0] == "carbon" else None


def test_every_part_has_a_layer():
    parts = {_part(m) for m, _ in _modules()} - {None}
    assert parts <= set(LAYERS), f"add these to LAYERS: {sorted(parts - set(LAYERS))}"


def test_arrows_point_down():
    bad = []
    for mod, path in _modules():
        me = _part(mod)
        if me is None:
            continue
        for line, target, _ in _imports(path):
            other = _part(target)
            if other is None or other == me:
                continue
            if LAYERS[other] > LAYERS[me] or (me in SIBLINGS and other in SIBLINGS):
                bad.append(f"{path.relative_to(ROOT)}:{line} {mod} imports {target}")
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_third_party_kept_at_the_edges():
    bad = []
    for mod, path in _modules():
        me = _part(mod)
        for line, target, _ in _imports(path):
            top = target.split(".")[0]
            if top == "streamlit":
                bad.append(f"{path.relative_to(ROOT)}:{line} imports streamlit (only the app may)")
            if top in ("plotly", "kaleido") and me not in ("reporting", "reports"):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {top} (only carbon.reporting/reports may)")
    assert not bad, "\n".join(bad)


def test_no_private_names_across_packages():
    bad = []
    for mod, path in _modules():
        my_pkg = mod.rsplit(".", 1)[0] if path.name != "__init__.py" else mod
        for line, target, name in _imports(path):
            if not target.startswith("carbon"):
                continue
            target_pkg = target.rsplit(".", 1)[0]
            private_name = name is not None and name.startswith("_") and name != "__version__"
            private_module = any(b.startswith("_") and b != "__init__" for b in target.split(".")[1:])
            same_pkg = target.startswith(my_pkg + ".") or target == my_pkg or target_pkg == my_pkg
            if (private_name and target != mod and not same_pkg) or (private_module and not same_pkg):
                bad.append(f"{path.relative_to(ROOT)}:{line} {mod} imports {target}{'.' + name if name else ''}")
    assert not bad, "private names used from another package:\n" + "\n".join(bad)


def _code_lines(path: Path, node: ast.AST) -> int:
    """Lines of code in a function: no blank lines, comments or docstring."""
    src = path.read_text(encoding="utf-8").splitlines(keepends=True)
    body = "".join(src[node.lineno - 1 : node.end_lineno])
    lines: set[int] = set()
    doc = ast.get_docstring(node, clean=False)
    doc_lines: set[int] = set()
    if doc is not None:
        d = node.body[0]
        doc_lines = set(range(d.lineno - node.lineno + 1, d.end_lineno - node.lineno + 2))
    for tok in tokenize.generate_tokens(io.StringIO(body).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        for ln in range(tok.start[0], tok.end[0] + 1):
            if ln not in doc_lines:
                lines.add(ln)
    return len(lines)


def _long_functions():
    out = []
    for _, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(path, node)
                if n > MAX_FUNCTION_LINES:
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    return out


def test_functions_are_short():
    long = _long_functions()
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines of code:\n" + "\n".join(long)


@pytest.mark.parametrize("bad", ["except Exception:", "except BaseException:", "except:"])
def test_no_blanket_excepts(bad):
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for _, p in _modules()
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith(bad) and "# noqa: BLE001" not in line
    ]
    assert not hits, f"'{bad}' hides errors; catch what you mean:\n" + "\n".join(hits)
