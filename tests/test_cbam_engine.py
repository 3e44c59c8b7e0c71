"""Mechanism tests of the CBAM engine, written from the equations of IR (EU) 2025/2547.

One test per kind of example the Commission publishes (cement, integrated steel, EAF steel,
fertilisers, aluminium, hydrogen), each with small hand-checkable numbers.  The inputs are
invented installation data; the regulatory constants (f = 3.664, GWPs, EF of natural gas,
Corr_eta, boiler efficiency) come from the legal text through ``legal_constants()``.
"""

from __future__ import annotations

import math
import warnings

import pytest

from carbon.cbam import (
    PFC,
    CbamInput,
    Electricity,
    Good,
    HeatFlow,
    Installation,
    Precursor,
    PrecursorUse,
    ProductionProcess,
    SourceStream,
    WasteGas,
    calculate,
    cbam_input_from_dict,
    chp_emission_factors,
    default_heat_emission_factor,
    heat_emission_factor,
    indirect_counts,
    legal_constants,
    load_cbam_yaml,
)
from carbon.cbam.engine import pfc_emissions, source_stream_emissions
from carbon.errors import CalculationError, InputError

REL = 1e-9
LC = legal_constants()
F = LC.f_co2_c


def approx(x: float) -> pytest.approx:
    return pytest.approx(x, rel=REL, abs=1e-12)


# ---------------------------------------------------------------------------- constants
def test_legal_constants_read_from_the_official_texts():
    # IR 2025/2547 Annex II B.3.1 (f), G Table 6 (GWP), G Table 1 (natural gas),
    # Annex III A.2.3 (Corr_eta), A.2.2 (boiler efficiency 90 %)
    assert LC.f_co2_c == 3.664
    assert dict(LC.gwp) == {"N2O": 265.0, "CF4": 6630.0, "C2F6": 11100.0}
    assert LC.ef_natural_gas == 56.1
    assert LC.corr_eta == 0.667
    assert LC.boiler_efficiency == 0.9
    assert set(LC.sources) >= {"f_co2_c", "gwp_CF4", "corr_eta", "annex_ii"}
    # R 2023/956 Annex III point 1
    assert "Norway" in LC.exempt_origins and "Melilla" in LC.exempt_origins


@pytest.mark.parametrize(
    ("country", "zero"),
    [("DE", True), ("EU", True), ("NO", True), ("Switzerland", True), ("TW", False), ("", False)],
)
def test_zero_rated_origins(country, zero):
    # IR 2025/2547 Annex III B; R 2023/956 Annex III point 1
    from carbon.cbam.engine import is_zero_rated_origin

    assert is_zero_rated_origin(country) is zero


@pytest.mark.parametrize(
    ("cn", "counts"),
    [
        ("7318 15 42", False),  # screws: R 2023/956 Annex II (iron and steel)
        ("7208 10 00", False),
        ("7601 10 00", False),  # unwrought aluminium
        ("2804 10 00", False),  # hydrogen
        ("2716 00 00", False),  # electricity, added by R 2025/2083 Art. 1(29)
        ("7202 21 00", True),  # ferro-silicon: listed exception of Annex II
        ("7204 10 00", True),  # scrap: listed exception
        ("2523 10 00", True),  # clinker: not in Annex II -> direct + indirect
        ("2814 10 00", True),  # ammonia
        ("2601 12 00", True),  # sintered ore
    ],
)
def test_which_goods_count_indirect_emissions(cn, counts):
    assert indirect_counts(cn_code=cn) is counts


def test_category_cn_codes_are_those_of_ir_2547_annex_i():
    from carbon.cbam.goods import CATEGORY_CN, IR2547_FILE, LEGAL_DIR

    text = (LEGAL_DIR / IR2547_FILE).read_text(encoding="utf-8")
    for category, codes in CATEGORY_CN.items():
        for code in codes:
            spaced = " ".join([code[:4], *[code[i : i + 2] for i in range(4, len(code), 2)]])
            assert spaced in text, (category, spaced)


def test_indirect_counts_by_category():
    assert indirect_counts(category="Cement") is True
    assert indirect_counts(category="Crude steel") is False
    assert indirect_counts(category="Unwrought aluminium") is False
    assert indirect_counts(category="Ammonia") is True  # template flag says False: the regulation wins


# ---------------------------------------------------------------------------- source streams
def test_source_stream_equations():
    # Eq. 5-6: AD [TJ] = FQ x NCV; Em = AD x EF x OF; Eq. 10: x (1 - BF)
    s = SourceStream("gas", "combustion", 1000.0, "t", ncv=40.0, emission_factor=50.0, oxidation_factor=0.99)
    assert source_stream_emissions(s) == (approx(1000 * 0.040 * 50 * 0.99), 0.0)
    s = SourceStream("wood mix", "combustion", 10.0, "TJ", emission_factor=100.0, biomass_fraction=0.3)
    assert source_stream_emissions(s) == (approx(700.0), approx(300.0))
    # Eq. 11: process emissions AD x EF x CF
    s = SourceStream("limestone", "process", 100.0, "t", emission_factor=0.44, ef_unit="tCO2/t", conversion_factor=0.9)
    assert source_stream_emissions(s)[0] == approx(39.6)
    # Eq. 12: mass balance f x AD x CC; outputs negative
    s = SourceStream("slag", "mass_balance", -500.0, "t", carbon_content=0.01)
    assert source_stream_emissions(s)[0] == approx(-500 * 0.01 * F)
    with pytest.raises(CalculationError, match="NCV"):
        source_stream_emissions(SourceStream("x", "combustion", 1.0, "t", emission_factor=1.0))


# ---------------------------------------------------------------------------- 1 cement
def test_cement_with_clinker_precursor_and_calcination_by_mass_balance():
    """Cement works: clinker kiln (fuel + raw meal mass balance) -> cement mill.

    IR 2025/2547 Annex II B.3.1 Eq. 5-6, B.3.2 Eq. 12 (output negative); Annex III A.3
    Eq. 55-58; Annex III B Eq. 59-60; cement is not in Annex II of R 2023/956, so direct
    and indirect count (Art. 7(1); IR 2025/2547 Annex I 3.1).
    """
    inp = CbamInput(
        installation=Installation("Cement works", country_code="TW"),
        source_streams=(
            SourceStream("Kiln coal", "combustion", 1000.0, "t", ncv=30.0, emission_factor=100.0),  # 30 TJ -> 3000 t
            SourceStream("Raw meal", "mass_balance", 20000.0, "t", carbon_content=0.12),  # +f x 2400 t C
            SourceStream("Clinker out", "mass_balance", -12000.0, "t", carbon_content=0.001),  # -f x 12 t C
        ),
        processes=(
            ProductionProcess(
                "Clinker",
                "Cement clinker",
                production_t=(12000.0,),
                sources={"Kiln coal": 1.0, "Raw meal": 1.0, "Clinker out": 1.0},
                electricity=Electricity(600.0, 0.5),
            ),
            ProductionProcess(
                "Cement",
                "Cement",
                production_t=(15000.0,),
                direct_emissions_t=0.0,
                electricity=Electricity(900.0, 0.5),
                precursors=(PrecursorUse("Clinker", 11000.0),),
            ),
        ),
        goods=(Good("2523 10 00", "Clinker"), Good("2523 29 00", "Cement")),
    )
    r = calculate(inp)
    kiln = 3000.0 + F * 2400.0 - F * 12.0  # 11 749.632
    assert kiln == approx(11749.632)
    assert r.installation.direct_t == approx(kiln)
    assert r.installation.indirect_t == approx(750.0)
    clinker = r.good("2523 10 00")
    assert clinker.see_direct == approx(kiln / 12000)  # 0.979136
    assert clinker.see_indirect == approx(300 / 12000)  # 0.025
    assert clinker.see_total == approx(kiln / 12000 + 0.025)
    assert not clinker.complex
    cement = r.good("25232900")
    assert cement.see_direct == approx(11000 / 15000 * kiln / 12000)  # 0.71803307
    assert cement.see_indirect == approx(450 / 15000 + 11000 / 15000 * 0.025)  # 0.04833333
    assert cement.see_total == approx(cement.see_direct + cement.see_indirect)
    assert cement.complex
    d = r.to_dict()
    assert d["processes"][1] == {
        "name": "Cement",
        "activity_level_t": 15000.0,
        "attributed_direct_t": 0.0,
        "attributed_indirect_t": 450.0,
    }


# ---------------------------------------------------------------------------- 2 integrated steel
def _integrated_steel() -> CbamInput:
    return CbamInput(
        installation=Installation("Integrated steelworks"),
        source_streams=(
            SourceStream("Coke", "mass_balance", 300000.0, "t", carbon_content=0.9),
            SourceStream("Hot metal out", "mass_balance", -800000.0, "t", carbon_content=0.045),
            SourceStream("Natural gas BOF", "combustion", 1000.0, "TJ", emission_factor=50.0),
        ),
        processes=(
            ProductionProcess(
                "Blast furnace",
                "Pig iron",
                production_t=(800000.0,),
                sources={"Coke": 1.0, "Hot metal out": 1.0},
                # BF gas: 1000 TJ to the steel plant, 4000 TJ to a power plant outside
                waste_gases=(WasteGas("export", 5000.0),),
                electricity=Electricity(40000.0, 0.6),
                precursors=(PrecursorUse("Sinter", 1200000.0),),
            ),
            ProductionProcess(
                "BOF steel",
                "Crude steel",
                production_t=(900000.0,),
                sources={"Natural gas BOF": 1.0},
                waste_gases=(WasteGas("import", 1000.0),),
                electricity=Electricity(90000.0, 0.6),
                precursors=(PrecursorUse("Blast furnace", 800000.0),),
            ),
        ),
        precursors=(
            Precursor(
                "Sinter",
                "Sintered Ore",
                country="BR",
                see_direct=0.2,
                specific_electricity_mwh_per_t=0.05,
                electricity_ef=0.6,
            ),
        ),
        goods=(Good("7201 10 11", "Blast furnace"), Good("7207 11 14", "BOF steel")),
    )


def test_integrated_steel_with_waste_gas_export():
    """BF/BOF: BF-gas export corrected by Eq. 54, import by Eq. 53 (Annex III A.2.3, A.3).

    ``WG_corr,exp = V NCV EF_NG Corr_eta``; ``WG_corr,imp = V NCV EF_NG``; mass balance of
    the blast furnace Eq. 12.  Sintered ore (not in Annex II) brings its indirect emissions
    into the steel's embedded emissions (IR 2025/2547 Annex I point 3.1).
    """
    r = calculate(_integrated_steel())
    bf_dir_star = F * 300000 * 0.9 - F * 800000 * 0.045  # 989 280 - 131 904 = 857 376
    assert bf_dir_star == approx(857376.0)
    wg_exp = 5000 * LC.ef_natural_gas * LC.corr_eta  # 187 093.5
    assert wg_exp == approx(187093.5)
    bf = r.process("Blast furnace")
    assert bf.attributed_direct_t == approx(bf_dir_star - wg_exp)
    bof = r.process("BOF steel")
    assert bof.attributed_direct_t == approx(50000 + 1000 * LC.ef_natural_gas)  # 106 100
    assert r.installation.direct_t == approx(bf_dir_star + 50000)
    # pig iron: own + 1.5 t sinter/t
    pig_dir = (bf_dir_star - wg_exp) / 800000 + 1.5 * 0.2
    pig_ind = 40000 * 0.6 / 800000 + 1.5 * 0.05 * 0.6
    assert bf.see_direct == approx(pig_dir)
    assert bf.see_indirect == approx(pig_ind)
    steel = r.good("7207 11 14")
    assert steel.see_direct == approx(106100 / 900000 + 8 / 9 * pig_dir)
    assert steel.see_indirect == approx(90000 * 0.6 / 900000 + 8 / 9 * pig_ind)
    # definitive period: steel counts direct only, plus the sinter's indirect emissions
    assert steel.see_embedded == approx(steel.see_direct + 8 / 9 * 1.5 * 0.05 * 0.6)
    assert steel.embedded_electricity_mwh_per_t == approx(0.1 + 8 / 9 * (0.05 + 1.5 * 0.05))


# ---------------------------------------------------------------------------- 3 EAF steel
def test_eaf_steel_with_purchased_pig_iron_and_dri():
    """EAF with purchased precursors (Annex III B Eq. 59-62; Annex II E).

    Pig iron on a default value, DRI on a measured value, and pig iron of EU origin counted
    as zero (Annex III B: precursors originating in the Union have zero SEE).
    """
    inp = CbamInput(
        installation=Installation("EAF mill"),
        source_streams=(
            SourceStream("Electrodes", "mass_balance", 2000.0, "t", carbon_content=0.8),
            SourceStream("Natural gas", "combustion", 500.0, "t", ncv=48.0, emission_factor=56.0),
        ),
        processes=(
            ProductionProcess(
                "EAF",
                "Crude steel",
                production_t=(60000.0, 40000.0),  # two routes, AL = 100 000 t
                sources={"Electrodes": 1.0, "Natural gas": 1.0},
                electricity=Electricity(50000.0, 0.5, "D.4(a)", "TW"),
                precursors=(
                    PrecursorUse("Pig iron (default)", 10000.0),
                    PrecursorUse("DRI", 20000.0),
                    PrecursorUse("Pig iron EU", 5000.0),
                ),
            ),
        ),
        precursors=(
            Precursor(
                "Pig iron (default)",
                "Pig iron",
                "XX",
                see_direct=2.0,
                see_direct_source="default",
                specific_electricity_mwh_per_t=0.1,
                electricity_ef=0.6,
            ),
            Precursor(
                "DRI",
                "Direct reduced iron",
                "IN",
                see_direct=1.2,
                specific_electricity_mwh_per_t=0.2,
                electricity_ef=0.5,
            ),
            Precursor("Pig iron EU", "Pig iron", "DE", see_direct=1.9),
        ),
        goods=(Good("7206 10 00", "EAF"),),
    )
    r = calculate(inp)
    dir_star = F * 1600 + 500 * 0.048 * 56  # 5862.4 + 1344
    assert dir_star == approx(7206.4)
    g = r.good("72061000")
    assert g.see_direct == approx(7206.4 / 100000 + 0.1 * 2.0 + 0.2 * 1.2)  # 0.512064
    assert g.see_direct == approx(0.512064)
    assert g.see_indirect == approx(0.25 + 0.1 * 0.06 + 0.2 * 0.1)  # 0.276
    assert g.see_embedded == approx(0.512064)  # crude steel: Annex II, direct only
    assert g.embedded_electricity_mwh_per_t == approx(0.5 + 0.1 * 0.1 + 0.2 * 0.2)
    assert g.complex


# ---------------------------------------------------------------------------- 4 fertilisers
def test_fertiliser_chain_ammonia_nitric_acid_ammonium_nitrate_with_measured_n2o():
    """Ammonia -> nitric acid -> ammonium nitrate; N2O by CEMS (Annex II B.6 Eq. 16, 18).

    N2O [t] = concentration [g/Nm3] x hours x flow [1000 Nm3/h] / 1000; CO2e = N2O x GWP
    (Annex II G Table 6).  Exothermic heat carries zero emissions (Annex III A.2.2).
    Recursion through the chain in topological order (Annex III B).  Fertilisers are not in
    Annex II of R 2023/956: direct + indirect count.
    """
    data = {
        "installation": {"name": "Fertiliser complex", "country": "TW"},
        "source_streams": [
            {"name": "NG ammonia", "method": "combustion", "activity": 1000, "unit": "TJ", "ef": 55},
            {"name": "NG dryer", "method": "combustion", "activity": 10, "unit": "TJ", "ef": 60},
        ],
        "emission_sources": [
            {
                "name": "Nitric acid stack",
                "gas": "N2O",
                "concentration_g_per_nm3": 0.1,
                "hours": 8000,
                "flue_gas_1000nm3_per_h": 100,
            },
        ],
        "processes": [
            # listed out of order on purpose: the engine sorts the chain
            {
                "name": "AN",
                "category": "Mixed fertilisers",
                "production_t": 60000,
                "sources": {"NG dryer": 1},
                "electricity": {"mwh": 3000, "ef": 0.5, "source": "grid_default"},
                "precursors": {"HNO3": 45000, "NH3": 12000},
            },
            {
                "name": "HNO3",
                "category": "Nitric acid",
                "production_t": 50000,
                "sources": {"Nitric acid stack": 1},
                "electricity": {"mwh": 5000, "ef": 0.5},
                "precursors": {"NH3": 14000},
            },
            {
                "name": "NH3",
                "category": "Ammonia",
                "production_t": 30000,
                "sources": {"NG ammonia": 1},
                "electricity": {"mwh": 15000, "ef": 0.5},
            },
        ],
        "goods": [
            {"cn_code": "2814 10 00", "process": "NH3"},
            {"cn_code": "2808 00 00", "process": "HNO3"},
            {"cn_code": "3102 30 90", "process": "AN"},
        ],
    }
    r = calculate(cbam_input_from_dict(data))
    n2o_t = 0.1 * 8000 * 100 / 1000  # 80 t N2O
    assert r.installation.direct_t == approx(55000 + 600 + n2o_t * LC.gwp["N2O"])  # 76 800
    nh3 = r.good("28141000")
    assert (nh3.see_direct, nh3.see_indirect) == (approx(55000 / 30000), approx(0.25))
    hno3 = r.good("28080000")
    hno3_dir = n2o_t * LC.gwp["N2O"] / 50000 + 14000 / 50000 * 55000 / 30000  # 0.424 + 0.51333
    assert hno3.see_direct == approx(hno3_dir)
    assert hno3.see_indirect == approx(0.05 + 0.28 * 0.25)  # 0.12
    an = r.good("31023090")
    assert an.see_direct == approx(0.01 + 0.75 * hno3_dir + 0.2 * 55000 / 30000)  # 1.0796667
    assert an.see_indirect == approx(0.025 + 0.75 * 0.12 + 0.2 * 0.25)  # 0.165
    assert an.see_total == approx(an.see_direct + an.see_indirect)
    rec = r.records()
    n2o_row = rec[rec["gas"] == "N2O"].iloc[0]
    assert n2o_row["mass_t"] == approx(80.0)
    assert n2o_row["gwp"] == 265.0


# ---------------------------------------------------------------------------- 5 aluminium
def test_primary_aluminium_with_pfc_slope_method():
    """Slope method: CF4 = AEM x SEF/1000 x Pr_Al (Eq. 21-23), C2F6 = CF4 x F (Eq. 22),
    total = duct / collection efficiency (Eq. 20), CO2e with GWPs (Eq. 26, Table 6);
    anodes by mass balance (Eq. 12).  Aluminium is in Annex II: direct only.
    """
    pfc = PFC(
        "Potline",
        "slope",
        100000.0,
        technology="CWPB",
        frequency=0.5,
        duration=2.0,
        sef_cf4=0.1,
        f_c2f6=0.1,
        collection_efficiency=0.8,
    )
    cf4, c2f6, co2e = pfc_emissions(pfc)
    assert (cf4, c2f6) == (approx(12.5), approx(1.25))  # 1.0 x 0.0001 x 100 000 / 0.8
    assert co2e == approx(12.5 * LC.gwp["CF4"] + 1.25 * LC.gwp["C2F6"])  # 96 750
    assert co2e == approx(96750.0)
    inp = CbamInput(
        installation=Installation("Smelter"),
        source_streams=(SourceStream("Anodes", "mass_balance", 40000.0, "t", carbon_content=0.9),),
        pfc=(pfc,),
        processes=(
            ProductionProcess(
                "Electrolysis",
                "Unwrought aluminium",
                production_t=(100000.0,),
                sources={"Anodes": 1.0, "Potline": 1.0},
                electricity=Electricity(1400000.0, 0.5),
            ),
        ),
        goods=(Good("7601 10 00", "Electrolysis"),),
    )
    r = calculate(inp)
    assert r.installation.direct_t == approx(F * 36000 + 96750)  # 131 904 + 96 750
    g = r.good("76011000")
    assert g.see_direct == approx(2.28654)
    assert g.see_indirect == approx(7.0)
    assert g.see_embedded == approx(2.28654)
    rec = r.records()
    assert set(rec["gas"]) == {"CO2", "CF4", "C2F6"}
    assert rec["co2e_t"].sum() == approx(r.installation.direct_t)


def test_pfc_overvoltage_method():
    # Eq. 24: CF4 = OVC x AEO/CE x Pr_Al x 0.001
    p = PFC("Line 2", "overvoltage", 95000.0, ovc=1.0, aeo_mv=10.0, current_efficiency_pct=95.0, f_c2f6=0.2)
    cf4, c2f6, _ = pfc_emissions(p)
    assert (cf4, c2f6) == (approx(10.0), approx(2.0))


# ---------------------------------------------------------------------------- 6 hydrogen
def test_hydrogen_with_heat_export():
    """Reformer exporting heat: Em_H,exp = Q x EF_heat deducted (Annex III A.3 Eq. 55),
    EF_heat = EF_mix / eta (Eq. 44-45).  Hydrogen is in Annex II: direct only.
    """
    ef_heat = heat_emission_factor([(500.0, 56.0)], efficiency=0.8)
    assert ef_heat == approx(70.0)
    inp = CbamInput(
        installation=Installation("Hydrogen plant"),
        source_streams=(SourceStream("Natural gas", "combustion", 500.0, "TJ", emission_factor=56.0),),
        processes=(
            ProductionProcess(
                "SMR",
                "Hydrogen",
                production_t=(3000.0,),
                sources={"Natural gas": 1.0},
                heat=(HeatFlow("export", 200.0, ef_heat),),
                electricity=Electricity(6000.0, 0.5),
            ),
        ),
        goods=(Good("2804 10 00", "SMR"),),
    )
    r = calculate(inp)
    assert r.process("SMR").attributed_direct_t == approx(28000 - 14000)
    g = r.good("28041000")
    assert g.see_direct == approx(14000 / 3000)
    assert g.see_indirect == approx(1.0)
    assert g.see_embedded == approx(14000 / 3000)


def test_heat_helpers():
    # Annex III A.2.2 (2): standard EF of the fuel / boiler efficiency 90 %
    assert default_heat_emission_factor(56.1) == approx(56.1 / 0.9)
    # waste gas with EF above natural gas uses the natural-gas EF in EF_mix
    assert heat_emission_factor([(10.0, 260.0, True)], 1.0) == approx(LC.ef_natural_gas)
    # CHP, Eq. 46-52: eta_heat 0.5, eta_el 0.25, refs 0.9 / 0.5 -> F_heat = 10/19
    ef_h, ef_el = chp_emission_factors(
        [(100.0, 50.0)], heat_tj=50.0, electricity_mwh=25.0 / 0.0036, ref_eff_heat=0.9, ref_eff_el=0.5
    )
    assert ef_h == approx(5000 * 10 / 19 / 50)
    assert ef_el == approx(5000 * 9 / 19 / (25 / 0.0036))


# ---------------------------------------------------------------------------- rules & errors
def test_attributed_direct_emissions_floor_at_zero():
    # Eq. 55: "Where AttrEm_Dir is calculated to have a negative value, it shall be set to zero."
    inp = CbamInput(
        installation=Installation("x"),
        processes=(
            ProductionProcess(
                "P",
                "Cement clinker",
                production_t=(10.0,),
                direct_emissions_t=100.0,
                electricity_produced=Electricity(1000.0, 0.5),
            ),
        ),
        goods=(Good("25231000", "P"),),
    )
    assert calculate(inp).process("P").attributed_direct_t == 0.0


def test_precursor_cycle_is_a_clear_error():
    inp = CbamInput(
        installation=Installation("x"),
        processes=(
            ProductionProcess(
                "Rolling",
                "Iron or steel products",
                production_t=(10.0,),
                direct_emissions_t=1.0,
                precursors=(PrecursorUse("Melting", 5.0),),
            ),
            ProductionProcess(
                "Melting",
                "Crude steel",
                production_t=(10.0,),
                direct_emissions_t=1.0,
                precursors=(PrecursorUse("Rolling", 1.0),),
            ),
        ),
        goods=(Good("7208 10 00", "Rolling"),),
    )
    with pytest.raises(CalculationError, match=r"cycle.*'(Rolling|Melting)'.*'(Rolling|Melting)'"):
        calculate(inp)


def test_unknown_names_are_reported_with_suggestions():
    inp = CbamInput(
        installation=Installation("x"),
        processes=(
            ProductionProcess(
                "Rolling", production_t=(10.0,), direct_emissions_t=1.0, precursors=(PrecursorUse("Carbon steal", 5.0),)
            ),
        ),
        precursors=(Precursor("Carbon steel", see_direct=1.0),),
        goods=(Good("7208 10 00", "Rollin"),),
    )
    with pytest.raises(InputError) as exc:
        calculate(inp)
    text = str(exc.value)
    assert "Carbon steal" in text and "'Carbon steel'" in text
    assert "'Rollin'" in text and "'Rolling'" in text


def test_zero_activity_level_with_goods_is_an_error():
    inp = CbamInput(
        installation=Installation("x"),
        processes=(ProductionProcess("P", production_t=(0.0,), direct_emissions_t=1.0),),
        goods=(Good("7208 10 00", "P"),),
    )
    with pytest.raises(CalculationError, match="activity level 0"):
        calculate(inp)


def test_source_shares_over_one_rejected():
    inp = CbamInput(
        installation=Installation("x"),
        source_streams=(SourceStream("gas", "combustion", 1.0, "TJ", emission_factor=50.0),),
        processes=(
            ProductionProcess("A", production_t=(1.0,), sources={"gas": 0.7}),
            ProductionProcess("B", production_t=(1.0,), sources={"gas": 0.7}),
        ),
    )
    with pytest.raises(InputError, match="shares adding up to 1.4"):
        calculate(inp)


def test_records_table_shape():
    from carbon.schema import RECORD_COLUMNS

    r = calculate(_integrated_steel())
    rec = r.records()
    assert list(rec.columns) == [c.name for c in RECORD_COLUMNS]
    assert rec["co2e_t"].sum() == approx(r.installation.direct_t)
    assert list(rec["source_id"]) == ["SS1", "SS2", "SS3"]
    # a source attributed to one process with one good carries that CN code
    assert rec.loc[rec["source_name"] == "Natural gas BOF", "cn_code"].iloc[0] == "72071114"


def test_yaml_format_round_trip(tmp_path):
    """The EX4 screws-and-nuts inputs in our YAML format give the template's results."""
    text = """
installation: {name: Example Screw Production Plant, country: US}
period: {start: 2023-01-01, end: 2023-12-31}
source_streams:
  - {name: Natural gas, method: combustion, activity: 1837.5, unit: t, ncv: 48, ef: 56.1, ef_unit: tCO2/TJ}
processes:
  - name: Carbon steel screws and nuts
    category: Iron or steel products
    production_t: 17000
    direct_emissions_t: 3337.95
    electricity: {mwh: 3400, ef: 0.833, source: D.4(b)}
    precursors: {Carbon steel: 20000}
  - name: High alloy steel screws and nuts
    category: Iron or steel products
    production_t: 8200
    direct_emissions_t: 1610.07
    electricity: {mwh: 1640, ef: 0.833, source: other_grid}
    precursors: {High alloy steel: 10000}
precursors:
  - {name: Carbon steel, category: Iron or steel products, country: CN, see_direct: 1.539, see_indirect: 0.204}
  - {name: High alloy steel, category: Iron or steel products, country: US, see_direct: 1.44, see_indirect: 1.732}
goods:
  - {cn_code: 7318 15 42, process: Carbon steel screws and nuts}
  - {cn_code: 7318 15 35, process: High alloy steel screws and nuts}
"""
    p = tmp_path / "ex4.yaml"
    p.write_text(text, encoding="utf-8")
    inp = load_cbam_yaml(p)
    assert inp.processes[1].electricity.ef_source == "D.4(b)"
    r = calculate(inp)
    assert r.installation.direct_t == pytest.approx(4948.02, rel=1e-9)
    g = r.good("73181542")
    assert (g.see_direct, g.see_indirect) == (pytest.approx(2.006938235, rel=1e-6), pytest.approx(0.4066, rel=1e-6))
    g = r.good("73181535")
    assert (g.see_direct, g.see_indirect) == (
        pytest.approx(1.952447561, rel=1e-6),
        pytest.approx(2.278795122, rel=1e-6),
    )


def test_yaml_errors_name_the_key(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(
        "installation: {name: x}\nprocesses:\n  - {name: P, production_t: ten, electrcity: {mwh: 1, ef: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_cbam_yaml(p)
    text = str(exc.value)
    assert "processes[0].production_t" in text
    assert "electrcity" in text and "'electricity'" in text


def test_gwp_cross_check_does_not_change_the_legal_value():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from carbon.cbam.engine import _gwp

        assert _gwp("CF4") == LC.gwp["CF4"]
    assert math.isclose(LC.gwp["N2O"], 265.0)


def test_records_keep_biomass_co2_apart():
    # Annex II B.3.1 Eq. 10: zero-rated biomass CO2 is not part of the direct emissions
    inp = CbamInput(
        installation=Installation("Kiln", country_code="TW"),
        source_streams=(SourceStream("Tyres", "combustion", 10.0, "TJ", emission_factor=80.0, biomass_fraction=0.25),),
        processes=(ProductionProcess("Clinker", "Cement clinker", production_t=(100.0,), sources={"Tyres": 1.0}),),
        goods=(Good("25231000", "Clinker"),),
    )
    r = calculate(inp)
    assert r.installation.direct_t == approx(600.0)
    assert r.installation.biomass_co2_t == approx(200.0)
    rec = r.records()
    bio = rec[rec["gas"] == "CO2_bio"].iloc[0]
    assert bio["mass_t"] == approx(200.0) and bool(bio["biogenic"]) and bio.isna()["co2e_t"]
    assert rec["co2e_t"].sum() == approx(600.0)
    assert set(rec["cn_code"].dropna()) == {"25231000"}
