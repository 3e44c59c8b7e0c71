"""The JSON of the CLI on the sample, the demo and the CBAM examples stays what it was.

A restructuring must not change a number by accident (issue #10). The outputs are kept in
``tests/golden/*.json``; a change made on purpose is recorded by running this file once with
``CARBON_UPDATE_GOLDEN=1`` and committing the new files with the reason in the message.
Numbers are compared to 1e-9 relative; keys, texts and list lengths exactly.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = "factors/sources/taiwan/moenv-inventory-workbook-sample.ods"
SCREWS = "factors/sources/cbam/eu-cbam-example-steel-screws-and-nuts.xlsx"

COMMANDS = {
    "inventory-demo": ["inventory", "calc", "examples/demo-factory.yaml", "--json"],
    "inventory-sample-moenv": ["inventory", "calc", SAMPLE, "--rounding", "moenv", "--json"],
    "uncertainty-demo": ["inventory", "uncertainty", "examples/demo-factory.yaml", "--iterations", "2000", "--seed", "7", "--json"],
    "cbam-screws": ["cbam", "calc", SCREWS, "--json"],
    "cbam-cost-screws": ["cbam", "cost", SCREWS, "--year", "2026", "--price", "80", "--quantity", "100", "--json"],
    "cbam-installation": ["cbam", "calc", "examples/installation.yaml", "--json"],
    "product-fastener": ["product", "calc", "examples/fastener-product.yaml", "--json"],
    "diagnose-dyeing": ["diagnose", "examples/dyeing-factory.yaml", "--measures", "examples/dyeing-diagnosis.yaml", "--json"],
    "fee-30000": ["fee", "--emissions", "30000", "--json"],
    "factor-diesel": ["factors", "show", "moenv-2024/diesel-stationary", "--json"],
}
#: Keys whose values depend on where or when the command ran, not on the calculation.
VOLATILE = {"file", "source_file", "path", "generated", "created", "output_folder"}


def _run(args: list[str]) -> object:
    out = subprocess.run([sys.executable, "-m", "carbon.cli", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def _diff(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))} added or removed"]
        return [d for k in a if k not in VOLATILE for d in _diff(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items, was {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a!r}, was {b!r}"]
    return [] if a == b else [f"{path}: {a!r}, was {b!r}"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_json_unchanged(name):
    got = _run(COMMANDS[name])
    path = GOLDEN / f"{name}.json"
    if os.environ.get("CARBON_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"wrote {path.name}")
    want = json.loads(path.read_text(encoding="utf-8"))
    diffs = _diff(got, want)
    assert not diffs, f"carbon {' '.join(COMMANDS[name])} changed:\n" + "\n".join(diffs[:40])
