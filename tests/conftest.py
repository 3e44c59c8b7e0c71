import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# hypothesis keeps its caches outside the repository: tests write only under temporary folders
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "carbon-hypothesis"))
SOURCES = ROOT / "factors" / "sources"
EXAMPLE = ROOT / "examples" / "demo-factory.yaml"


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def registry():
    from carbon.factors import load_registry

    return load_registry()
