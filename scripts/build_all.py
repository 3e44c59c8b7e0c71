"""Rebuild every factors/ dataset from the official files in factors/sources/, then the catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "build_gwp.py",
    "build_moenv_604.py",
    "build_moenv_2024.py",
    "build_tw_grid.py",
    "build_ipcc_2006.py",
    "build_tw_cfp.py",
    "build_cbam_defaults.py",
    "build_cbam_benchmarks.py",
    "build_catalog.py",
]


def main() -> None:
    for name in ORDER:
        path = HERE / name
        if not path.exists():
            print(f"skip {name} (not present)")
            continue
        print(f"== {name}")
        subprocess.run([sys.executable, str(path)], check=True)


if __name__ == "__main__":
    main()
