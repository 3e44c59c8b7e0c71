import json
import subprocess
import sys

import pytest

from carbon.errors import FactorNotFoundError
from carbon.factors import load_registry

REQUIRED = [
    f"moenv-6.0.4/{s}-stationary" for s in ("diesel", "motor-gasoline", "natural-gas", "lpg", "fuel-oil", "kerosene", "bituminous-coal")
] + [f"moenv-6.0.4/{s}-mobile" for s in ("diesel", "motor-gasoline", "lpg")]
REQUIRED += [r.replace("moenv-6.0.4/", "moenv-2024/") for r in REQUIRED]
REQUIRED += [f"tw-grid/{y}" for y in range(2005, 2025)]


@pytest.mark.parametrize("fid", REQUIRED)
def test_required_ids_exist(registry, fid):
    assert fid in registry
    f = registry.get(fid)
    assert f.dataset == fid.split("/")[0]
    assert f.edition
    assert f.source.get("files")


def test_unannounced_grid_year_is_absent(registry):
    assert "tw-grid/2025" not in registry


def test_grid_values(registry):
    assert registry.get("tw-grid/2023").gases["CO2e"].value == 0.494
    assert registry.get("tw-grid/2024").gases["CO2e"].value == 0.474


def test_gasoline_mobile_is_oxidation_catalyst(registry):
    f = registry.get("moenv-6.0.4/motor-gasoline-mobile")
    assert f.gases["CH4"].value == 25
    assert f.gases["N2O"].value == 8


def test_unknown_id_suggests(registry):
    with pytest.raises(FactorNotFoundError, match="Did you mean 'moenv-2024/diesel-stationary'"):
        registry.get("moenv-2024/diesel-stationery")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("柴油", "moenv-2024/diesel-stationary"), ("diesel", "moenv-6.0.4/diesel-stationary"), ("170006", "moenv-6.0.4/diesel-stationary"), ("電力 2023", "tw-grid/2023"), ("電力 112", "tw-grid/2023")],
    ids=str,
)
def test_search(registry, query, expected):
    assert expected in [f.id for f in registry.search(query, limit=200)]


def test_catalog_lists_every_id(registry):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "factors" / "CATALOG.md").read_text(encoding="utf-8")
    missing = [i for i in registry.ids() if not i.startswith("carbon/") and f"`{i}`" not in text]
    assert not missing, missing[:10]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "carbon.cli", *args], capture_output=True, text=True, encoding="utf-8", check=False)


def test_cli_show_diesel_json():
    out = run_cli("factors", "show", "moenv-6.0.4/diesel-stationary", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    for key in ("id", "name_zh", "name_en", "dataset", "edition", "gases", "heat_value", "source"):
        assert key in d
    assert set(d["gases"]["CO2"]) == {"value", "unit", "low", "high", "source_ref"}
    assert d["gases"]["CO2"]["source_ref"].startswith("sheet '1_固定源與移動源(燃料)CO2排放係數', row 28, col I")
    assert d["gases"]["CO2"]["value"] == 74100
    assert d["gases"]["CO2"]["unit"] == "kg CO2/TJ"
    assert (d["gases"]["CO2"]["low"], d["gases"]["CO2"]["high"]) == (72600, 74800)
    assert d["gases"]["CH4"]["value"] == 3
    assert d["gases"]["N2O"]["value"] == 0.6
    assert d["heat_value"] == {"value": 8400, "unit": "kcal/L"}


def test_cli_show_grid_json():
    out = run_cli("factors", "show", "tw-grid/2024", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["gases"]["CO2e"]["value"] == 0.474
    assert d["dataset"] == "tw-grid"


def test_cli_search_chinese():
    out = run_cli("factors", "search", "柴油")
    assert out.returncode == 0
    assert "moenv-6.0.4/diesel-stationary" in out.stdout


def test_cli_unknown_id_exit_code_and_message():
    out = run_cli("factors", "show", "tw-grid/2030")
    assert out.returncode == 2
    assert "No emission factor 'tw-grid/2030'" in out.stderr


def test_registry_is_cached():
    assert load_registry() is load_registry()


@pytest.mark.parametrize("query", ["柴油", "電力 112", "冷媒", "carbon", "natural gas", "170006", "2024"])
def test_fast_search_equals_registry_search(registry, query):
    """`carbon factors search` reads the CSVs without pandas; it must give the registry's answer."""
    from carbon.factors import search_library

    fast = [f.to_dict() for f in search_library(query, limit=500)]
    slow = [f.to_dict() for f in registry.search(query, limit=500)]
    assert fast == slow and len(fast) > 0


def test_fast_reader_builds_every_factor_as_the_registry_does(registry):
    from carbon.factors.model import factor_from_rows
    from carbon.factors.search import library_rows
    from carbon.paths import FACTORS_DIR

    rows, metas = library_rows(str(FACTORS_DIR))
    by_id: dict[str, list] = {}
    for r in rows:
        by_id.setdefault(r["factor_id"], []).append(r)
    assert set(by_id) == set(registry.ids())
    for fid, rs in by_id.items():
        assert factor_from_rows(fid, rs, metas[rs[0]["dataset"]]).to_dict() == registry.get(fid).to_dict(), fid


def test_cli_search_loads_neither_pandas_nor_pint():
    code = "import sys; from carbon.cli import main; sys.argv = ['carbon', 'factors', 'search', '柴油']; main(); print('pandas' in sys.modules, 'pint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "False"]
    assert "moenv-2024/diesel-stationary" in out.stdout


def test_registry_public_seams(registry):
    rows = registry.indices(["moenv-6.0.4/diesel-stationary", "no/such"])
    assert rows[1] is None and len(rows[0]) == 3
    assert sorted(registry.table.loc[rows[0], "gas"]) == ["CH4", "CO2", "N2O"]
    assert registry.kind("tw-grid/2024") == "electricity"
    assert "Did you mean 'moenv-2024/diesel-stationary'" in registry.not_found_message("moenv-2024/diesel-stationery")
