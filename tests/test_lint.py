"""The code is linted by ruff (configuration in pyproject.toml) and the core imports no UI."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean():
    paths = ["carbon", "scripts", "tests", "bench", "app.py", "app_pages", "app_support", *map(str, ROOT.glob("notebooks/*.py"))]
    out = subprocess.run([sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_core_imports_no_ui():
    code = "import sys, carbon, carbon.cli, carbon.uncertainty; print('streamlit' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_mypy_clean():
    """mypy on carbon/ (configuration and the list of modules not yet typed in pyproject.toml)."""
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "carbon", "--cache-dir", "/dev/null", "--no-error-summary"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout[-5000:] + out.stderr[-2000:]
