"""Where carbon's data live: the factor library, GWP sets, CBAM legal texts and templates.

From a checkout (``make run``/``make test`` install it in editable mode) that is the
repository's ``factors/``.  An installed wheel carries the same files under
``<prefix>/share/tansuan/factors``.  ``CARBON_FACTORS_DIR`` overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["FACTORS_DIR", "factors_dir"]


def factors_dir() -> Path:
    """Return the factor-library directory (see the module docstring for the search order)."""
    env = os.environ.get("CARBON_FACTORS_DIR")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    candidates = [
        here.parent / "factors",  # a checkout: <repo>/carbon/paths.py -> <repo>/factors
        Path(sys.prefix) / "share" / "tansuan" / "factors",  # a wheel installed in this environment
        here.parents[3] / "share" / "tansuan" / "factors" if len(here.parents) > 3 else here,  # --prefix installs
    ]
    for c in candidates:
        if (c / "schema.csv").exists():
            return c
    return candidates[0]


#: The factor library directory used by default.
FACTORS_DIR = factors_dir()
