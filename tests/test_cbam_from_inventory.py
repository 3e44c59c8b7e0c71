"""The Taiwan link: a CBAM installation built from the demo factory's inventory, and the carbon fee.

The inventory is the real example ``examples/demo-factory.yaml`` computed with the official
factor library; the grid default comes from the legal text of IR 2025/2621 Annex II.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import carbon.cbam as cb
from carbon.cbam import cost
from carbon.cbam.from_inventory import (
    ELECTRICITY_RULE,
    build_installation,
    carbon_price_from_fee,
    fee_covered_t_per_t,
    grid_default_ef,
    installation_from_inventory,
)
from carbon.errors import CalculationError, InputError
from carbon.formats.project import read_project
from carbon.inventory import calculate as inventory_calculate

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "demo-factory.yaml"
P = "螺絲螺帽"
WIRE = "盤元 wire rod"
REL = 1e-9


@pytest.fixture(scope="module")
def inventory():
    return inventory_calculate(read_project(CASE))


def _proc(production=2000.0, wire=0.0):
    pre = (cb.PrecursorUse(WIRE, wire),) if wire else ()
    return cb.ProductionProcess(name=P, category="Iron or steel products", production_t=(production,), precursors=pre)


def _build(inventory, **kw):
    args = {
        "processes": [_proc()],
        "attribution": {"S01": P, "S02": P, "S08": P},
        "goods": [cb.Good("7318 15 42", P)],
    }
    args.update(kw)
    return build_installation(inventory, **args)


def test_grid_default_from_the_legal_text():
    g = grid_default_ef("TW")
    assert g.value == 0.561 and g.country == "Taiwan" and not g.fallback
    assert "ir-2025-2621-default-values.txt:" in g.source
    line = int(g.source.rsplit(":", 1)[1])
    text = (ROOT / "factors/sources/cbam/legal/ir-2025-2621-default-values.txt").read_text(encoding="utf-8")
    assert text.split("\n")[line - 1].strip() == "Taiwan 0,561"
    assert grid_default_ef("Viet Nam").value == grid_default_ef("VN").value
    assert grid_default_ef("KR").country == "Korea, Republic of (South Korea)"  # name differs from Annex I
    other = grid_default_ef("XK")  # no row of its own
    assert other.country == "Other countries and territories" and other.fallback
    with pytest.raises(CalculationError, match="Annex II"):
        grid_default_ef("Atlantis")
    assert "D.4" in ELECTRICITY_RULE


def test_direct_emissions_reproduce_category_1_1_co2(inventory):
    b = _build(inventory)
    rec = inventory.records
    co2_11 = rec[(rec["iso_subcategory"].astype(str) == "1.1") & (rec["gas"].astype(str) == "CO2")]["mass_t"].sum()
    res = cb.calculate(b.cbam_input)
    assert res.installation.direct_t == pytest.approx(co2_11, rel=REL)
    # per stream: the same numbers, converted
    for row in b.streams.itertuples():
        assert row.cbam_co2_t == pytest.approx(row.inventory_co2_t, rel=REL)
    ng = b.streams.set_index("source_id").loc["S01"]
    assert ng.activity_unit == "1000Nm3" and ng.activity == pytest.approx(120.0)
    assert ng.ncv == pytest.approx(8505 * 4.1868e-3, rel=1e-12)  # kcal/m3 -> GJ/1000Nm3 (IT kcal)
    assert ng.emission_factor == pytest.approx(56.1, rel=1e-12)  # 56 100 kg CO2/TJ of the factor row
    # mobile combustion, CH4/N2O, fugitive and category 3 are excluded with a reason
    ex = b.excluded.set_index(["source_id", "gas"])
    assert "B.1(c)" in ex.loc[("S03", "CO2"), "reason"]
    assert {"S03", "S04", "S05", "S06", "S07", "S09"} <= set(b.excluded["source_id"])
    assert ("S01", "CH4") in ex.index


def test_liquid_density_changes_only_the_representation(inventory):
    no_rho = _build(inventory)
    s02 = no_rho.streams.set_index("source_id").loc["S02"]
    assert s02.activity_unit == "TJ"
    assert any("densities" in n for n in no_rho.notes)
    with_rho = _build(inventory, densities={"S02": 0.85})  # any density: TJ = kL x rho x NCV/rho
    s = with_rho.streams.set_index("source_id").loc["S02"]
    assert s.activity_unit == "t" and s.activity == pytest.approx(12.5 * 0.85)
    assert s.cbam_co2_t == pytest.approx(s02.cbam_co2_t, rel=REL)


def test_electricity_with_the_inventory_factor_equals_scope_2(inventory):
    b = _build(inventory, electricity_factor="inventory", certificates_as_ppa=True)
    el = b.cbam_input.process(P).electricity
    assert el.mwh == pytest.approx(6850.0)  # consumption incl. the 500 MWh under certificates
    assert el.mwh * el.emission_factor == pytest.approx(inventory.by_scope["2"], rel=REL)
    assert el.ef_source == "Mix"
    # without the PPA treatment the certificate electricity gets the same factor
    b2 = _build(inventory, electricity_factor="inventory")
    el2 = b2.cbam_input.process(P).electricity
    assert el2.emission_factor == pytest.approx(0.474) and el2.ef_source == "D.4(b)"


def test_electricity_default_rule_is_the_grid_default(inventory):
    b = _build(inventory)
    el = b.cbam_input.process(P).electricity
    assert el.ef_source == "D.4(a)" and el.emission_factor == grid_default_ef("TW").value
    res = cb.calculate(b.cbam_input)
    assert res.installation.indirect_t == pytest.approx(6850 * 0.561, rel=REL)
    g = res.good("73181542")
    assert g.see_embedded == pytest.approx(g.see_direct)  # Annex II good: direct only
    with pytest.raises(InputError, match="electricity_ef_source"):
        _build(inventory, electricity_factor=0.3)
    actual = _build(inventory, electricity_factor=0.0, electricity_ef_source="D.4.3.1")
    assert actual.cbam_input.process(P).electricity.emission_factor == 0.0


def test_unmapped_and_unknown_sources_are_errors(inventory):
    with pytest.raises(InputError) as err:
        _build(inventory, attribution={"S01": P})
    msg = str(err.value)
    assert "not attributed" in msg and "S02" in msg and "S08" in msg
    with pytest.raises(InputError, match="S99"):
        _build(inventory, attribution={"S01": P, "S02": P, "S08": P, "S99": P})
    with pytest.raises(InputError, match="unknown production process"):
        _build(inventory, attribution={"S01": "螺絲", "S02": P, "S08": P})
    with pytest.raises(InputError, match="mobile"):
        _build(inventory, attribution={"S01": P, "S02": P, "S03": P, "S08": P})
    with pytest.raises(InputError, match="> 1"):
        _build(inventory, processes=[_proc(), cb.ProductionProcess(name="B", production_t=(1.0,))],
               attribution={"S01": {P: 0.7, "B": 0.5}, "S02": P, "S08": P})  # fmt: skip
    # user exclusion of a source outside the boundary
    b = _build(inventory, attribution={"S01": P, "S08": P}, exclude={"S02": "emergency boiler of the office"})
    assert "S02" in set(b.excluded["source_id"]) and len(b.streams) == 1
    # mobile combustion included on request
    b = _build(inventory, include_mobile=True, attribution={"S01": P, "S02": P, "S03": P, "S04": P, "S08": P})
    assert len(b.streams) == 4


def test_shares_split_sources_between_processes(inventory):
    procs = [_proc(1500.0), cb.ProductionProcess(name="Q", category="Iron or steel products", production_t=(500.0,))]
    b = _build(inventory, processes=procs, attribution={"S01": {P: 0.75, "Q": 0.25}, "S02": P, "S08": {P: 0.5, "Q": 0.5}},
               goods=[cb.Good("73181542", P), cb.Good("73181588", "Q")])  # fmt: skip
    res = cb.calculate(b.cbam_input)
    s = b.streams.set_index("source_id")["cbam_co2_t"]
    assert res.process("Q").attributed_direct_t == pytest.approx(0.25 * s["S01"], rel=REL)
    assert res.process(P).attributed_direct_t == pytest.approx(0.75 * s["S01"] + s["S02"], rel=REL)
    assert b.cbam_input.process("Q").electricity.mwh == pytest.approx(3425.0)


def test_see_single_process_by_hand(inventory):
    """SEE = own direct / AL + m x SEE(precursor) (IR 2025/2547 Annex III Eq. 57-63)."""
    see_wire = 2.0
    b = _build(
        inventory,
        processes=[_proc(2000.0, wire=2150.0)],
        precursors=[
            cb.Precursor(
                name=WIRE, category="Iron or steel products", country="TW", cn_code="72139149", see_direct=see_wire
            )
        ],
    )
    res = cb.calculate(b.cbam_input)
    direct = b.streams["inventory_co2_t"].sum()
    g = res.good("73181542")
    assert g.see_direct == pytest.approx(direct / 2000 + 2150 / 2000 * see_wire, rel=REL)
    assert g.see_indirect == pytest.approx(6850 * 0.561 / 2000, rel=REL)
    assert g.embedded_electricity_mwh_per_t == pytest.approx(6850 / 2000, rel=REL)
    assert (
        installation_from_inventory(
            inventory, processes=[_proc()], attribution={"S01": P, "S02": P, "S08": P}, goods=[cb.Good("73181542", P)]
        ).installation.country_code
        == "TW"
    )


def test_carbon_fee_reduces_certificates_by_fee_over_price(inventory):
    res = cb.calculate(_build(inventory).cbam_input)
    g = res.good("73181542")
    covered = fee_covered_t_per_t(res, P)
    assert covered == pytest.approx(res.process(P).attributed_direct_t / 2000, rel=REL)
    price, q, fx = 80.0, 100.0, 35.0
    # a site assessed on 30 000 t CO2e at the general rate (碳費收費辦法 §5 via cost.taiwan_carbon_fee)
    fee = cost.taiwan_carbon_fee(30_000, fx)
    cp = carbon_price_from_fee(fee, covered_t_per_t=covered)
    assert cp.kind == "actual" and cp.covered_t_per_t == covered
    base = cost.good_cost("73181542", q, 2026, price, see_direct=g.see_direct)
    with_fee = cost.good_cost("73181542", q, 2026, price, see_direct=g.see_direct, carbon_price=cp)
    fee_eur = cp.eur_per_t * covered * q
    assert base.certificates - with_fee.certificates == pytest.approx(fee_eur / price, rel=REL)
    # the same from a TWD amount of the payment notice
    twd = 1_500_000.0
    cp2 = carbon_price_from_fee(twd, fx, site_emissions_t=30_000, covered_t_per_t=covered)
    assert cp2.eur_per_t == pytest.approx(twd / 30_000 / fx, rel=1e-12)
    w2 = cost.good_cost("73181542", q, 2026, price, see_direct=g.see_direct, carbon_price=cp2)
    assert base.certificates - w2.certificates == pytest.approx(cp2.eur_per_t * covered * q / price, rel=REL)
    # a fastener SME below 25 000 t pays no fee: nothing to deduct
    small = cost.taiwan_carbon_fee(inventory.total_tco2e, fx)
    assert small.eur_per_t == 0.0
    # with default values only default carbon prices may be claimed (Art 9(4))
    dflt = cost.good_cost("73181542", q, 2026, price, carbon_price=cp2)
    assert dflt.carbon_price_t == 0.0
    with pytest.raises(CalculationError, match="exchange rate"):
        carbon_price_from_fee(twd, None, site_emissions_t=30_000)
    with pytest.raises(CalculationError, match="site_emissions_t"):
        carbon_price_from_fee(twd, fx)


def test_mass_process_and_mass_balance_sources():
    """Other inventory methods: fuel in kg, a process factor per tonne, a mass balance (f = 3.664)."""
    import pandas as pd

    project = read_project(CASE)
    extra = pd.DataFrame(
        [
            {"source_id": "X1", "name": "LPG kg", "facility": "F1", "iso_category": "1.1", "method": "fuel",
             "activity_amount": 2000, "activity_unit": "kg", "factor_id": "moenv-2024/lpg-stationary",
             "heat_value": 12000, "heat_value_unit": "kcal/kg"},
            {"source_id": "X2", "name": "soda ash", "facility": "F1", "iso_category": "1.3", "method": "factor",
             "activity_amount": 50, "activity_unit": "t", "factor_id": "moenv-2024/process-mineral-1-sodium-carbonate-or-soda-ash"},
            {"source_id": "X3", "name": "carbon input", "facility": "F1", "iso_category": "1.3", "method": "mass_balance",
             "activity_amount": 10, "activity_unit": "t", "carbon_content": 0.9},
        ]
    )  # fmt: skip
    project.sources = pd.concat([project.sources, extra], ignore_index=True)
    inv = inventory_calculate(project)
    b = _build(inv, attribution={"S01": P, "S02": P, "S08": P, "X1": P, "X2": P, "X3": P})
    s = b.streams.set_index("source_id")
    assert s.loc["X1", "activity_unit"] == "t" and s.loc["X1", "activity"] == pytest.approx(2.0)
    assert s.loc["X1", "ncv"] == pytest.approx(12000 * 4.1868e-3, rel=1e-12)  # kcal/kg -> GJ/t
    assert s.loc["X2", "method"] == "process" and s.loc["X2", "ef_unit"] == "tCO2/t"
    for sid in ("X1", "X2"):
        assert s.loc[sid, "cbam_co2_t"] == pytest.approx(s.loc[sid, "inventory_co2_t"], rel=REL)
    assert s.loc["X3", "method"] == "mass_balance"
    assert s.loc["X3", "cbam_co2_t"] == pytest.approx(cb.legal_constants().f_co2_c * 10 * 0.9, rel=REL)
    assert any("3.664" in n for n in b.notes)
    res = cb.calculate(b.cbam_input)
    assert res.installation.direct_t == pytest.approx(s["cbam_co2_t"].sum(), rel=REL)


def test_excluded_source_cannot_be_attributed(inventory):
    with pytest.raises(InputError, match="left out of the installation"):
        _build(inventory, attribution={"S01": P, "S02": P, "S08": P, "S09": P})
    with pytest.raises(InputError, match="electricity_factor"):
        _build(inventory, electricity_factor="taipower")
