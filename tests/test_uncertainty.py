"""Tests for carbon.uncertainty (Approach 1 / MOENV 表七 and Approach 2 Monte Carlo).

The MOENV figures are read from the official sample workbook
(factors/sources/taiwan/moenv-inventory-workbook-sample.ods): inputs from 表五 / 表七,
expected results from 表七 (O/P, AG/AH) and 表八 彙整表六 (A37, C37, D37).

Monte Carlo tolerances are derived from the standard error of the estimate:
for a percentile x_p of a normal total with sd s over N iterations,
SE(x_p) = sqrt(p (1 - p) / N) / phi(z_p) * s  (= 2.671 s / sqrt(N) at p = 2.5 %);
the mean has SE s / sqrt(N) and the sd about s / sqrt(2 N).  Assertions use 4 SE
(a false failure about 1 in 16,000 per comparison, and the seeds are fixed anyway).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbon.errors import InputError
from carbon.uncertainty import (
    BLOCK_SIZE,
    Z975,
    analytic,
    monte_carlo,
    multiplier_quantiles,
    uncertainty_report,
)

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
PHI_Z = math.exp(-(Z975**2) / 2) / math.sqrt(2 * math.pi)  # normal density at the 97.5 % point
SE_P = math.sqrt(0.025 * 0.975) / PHI_Z  # SE(percentile) = SE_P * sd / sqrt(N)  (= 2.671)
K_SE = 4.0


# --------------------------------------------------------------------------------------
# the official sample workbook
# --------------------------------------------------------------------------------------
def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@lru_cache(maxsize=1)
def _sheets() -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(WORKBOOK))
    return {name: wb.get_sheet_by_name(name).to_python() for name in ("表五", "表七", "表八")}


def _cell(sheet: str, ref: str):
    letters = "".join(c for c in ref if c.isalpha())
    row = int("".join(c for c in ref if c.isdigit()))
    rows = _sheets()[sheet]
    r = rows[row - 1] if row - 1 < len(rows) else []
    j = _col(letters)
    return r[j] if j < len(r) else ""


def _pct(v) -> float:
    """Workbook fraction (0.015) -> percent (1.5); empty -> NaN."""
    return float("nan") if v in ("", None) else float(v) * 100


def workbook_records() -> pd.DataFrame:
    """Emission records built from 表五 rows 3-14 and the bounds in 表七 rows 5-16.

    表七 row r holds the source of 表五 row r - 2 (its formulas read 表五.Z{r-2}).
    Gas #1/#2/#3 = 表五 Q/Z, AA/AJ, AK/AT; bounds = 表七 E/F (activity), K/L, S/T, AA/AB.
    """
    recs = []
    for r5 in range(3, 15):
        r7 = r5 + 2
        sid = f"{_cell('表五', f'D{r5}')}/{_cell('表五', f'H{r5}')}"
        ad = (_pct(_cell("表七", f"E{r7}")), _pct(_cell("表七", f"F{r7}")))
        for gas_c, e_c, lo_c, hi_c in (("Q", "Z", "K", "L"), ("AA", "AJ", "S", "T"), ("AK", "AT", "AA", "AB")):
            gas = _cell("表五", f"{gas_c}{r5}")
            e = _cell("表五", f"{e_c}{r5}")
            if gas in ("", None) or e in ("", None):
                continue
            recs.append(
                {
                    "source_id": sid,
                    "gas": gas,
                    "co2e_t": float(e),
                    "biogenic": _cell("表五", f"J{r5}") == "是",
                    "ad_low_pct": ad[0],
                    "ad_high_pct": ad[1],
                    "ef_low_pct": _pct(_cell("表七", f"{lo_c}{r7}")),
                    "ef_high_pct": _pct(_cell("表七", f"{hi_c}{r7}")),
                    "workbook_row": r7,
                }
            )
    return pd.DataFrame(recs)


def test_moenv_sample_table7_inventory_uncertainty_and_coverage():
    rec = workbook_records()
    total = float(_cell("表八", "B35"))
    assert rec["co2e_t"].sum() == pytest.approx(total, rel=1e-12)
    res = analytic(rec, round_like_workbook=True)
    # 表八 彙整表六: C37 / D37 (fractions) and A37
    assert res.lower_pct == pytest.approx(float(_cell("表八", "C37")) * 100, abs=1e-12)
    assert res.upper_pct == pytest.approx(float(_cell("表八", "D37")) * 100, abs=1e-12)
    assert res.covered_share == pytest.approx(float(_cell("表八", "A37")), rel=1e-12)
    assert res.covered_tco2e == pytest.approx(float(_cell("表八", "A35")), rel=1e-12)
    # without the workbook's ROUND(...;5) the figure differs by less than the rounding
    exact = analytic(rec)
    assert exact.lower_pct == pytest.approx(res.lower_pct, abs=5e-4)
    assert exact.covered_share == res.covered_share


def test_moenv_sample_table7_per_gas_values():
    """Each covered record's U_g equals 表七 O/P (gas #1), incl. the asymmetric fuel rows."""
    rec = workbook_records()
    res = analytic(rec, round_like_workbook=True)
    rows = res.by_row.assign(workbook_row=rec.loc[~rec.biogenic, "workbook_row"].to_numpy())
    checked = 0
    for _, r in rows[rows.covered].iterrows():
        if r.gas != _cell("表七", f"I{r.workbook_row}"):
            continue
        assert r.u_low_pct == pytest.approx(float(_cell("表七", f"O{r.workbook_row}")) * 100, abs=1e-12)
        assert r.u_high_pct == pytest.approx(float(_cell("表七", f"P{r.workbook_row}")) * 100, abs=1e-12)
        checked += 1
    assert checked >= 4  # heavy oil, natural gas, electricity, REC row


def test_moenv_sample_two_inputs_electricity():
    """The issue's sample: electricity AD ±1.5 %, EF ±7 % -> ±7.159 %, covered 71.865 %."""
    e_elec = float(_cell("表七", "J14"))
    total = float(_cell("表八", "B35"))
    rec = pd.DataFrame(
        {
            "source_id": ["electricity", "everything else"],
            "gas": ["CO2", "CO2e"],
            "co2e_t": [e_elec, total - e_elec],
            "ad_low_pct": [_pct(_cell("表七", "E14")), np.nan],
            "ad_high_pct": [_pct(_cell("表七", "F14")), np.nan],
            "ef_low_pct": [_pct(_cell("表七", "K14")), np.nan],
            "ef_high_pct": [_pct(_cell("表七", "L14")), np.nan],
        }
    )
    assert rec.loc[0, ["ad_low_pct", "ef_low_pct"]].tolist() == pytest.approx([1.5, 7.0])
    res = analytic(rec)
    assert round(res.lower_pct, 3) == 7.159 == round(res.upper_pct, 3)
    assert round(res.covered_share * 100, 3) == 71.865
    assert res.lower_pct == pytest.approx(math.sqrt(1.5**2 + 7**2))


def test_analytic_multi_gas_source_and_asymmetric_bounds():
    rec = pd.DataFrame(
        {
            "source_id": ["boiler", "boiler", "boiler"],
            "gas": ["CO2", "CH4", "N2O"],
            "co2e_t": [1000.0, 10.0, 20.0],
            "ad_low_pct": [2.0] * 3,
            "ad_high_pct": [2.0] * 3,
            "ef_low_pct": [3.0, 70.0, 50.0],
            "ef_high_pct": [4.0, 200.0, 150.0],
        }
    )
    res = analytic(rec)
    u_lo = np.sqrt(2.0**2 + np.array([3.0, 70.0, 50.0]) ** 2)
    u_hi = np.sqrt(2.0**2 + np.array([4.0, 200.0, 150.0]) ** 2)
    e = rec.co2e_t.to_numpy()
    assert res.lower_pct == pytest.approx(math.sqrt(np.sum((u_lo * e) ** 2)) / e.sum(), rel=1e-12)
    assert res.upper_pct == pytest.approx(math.sqrt(np.sum((u_hi * e) ** 2)) / e.sum(), rel=1e-12)
    assert res.by_source.loc[0, "lower_pct"] == pytest.approx(res.lower_pct)
    assert set(res.by_gas.gas) == {"CO2", "CH4", "N2O"}
    assert res.covered_share == 1.0


# --------------------------------------------------------------------------------------
# Monte Carlo vs closed forms
# --------------------------------------------------------------------------------------
def test_mc_independent_normal_matches_analytic_within_se():
    e = np.array([500.0, 300.0, 150.0, 40.0, 10.0])
    pct = np.array([5.0, 10.0, 3.0, 20.0, 50.0])
    # activity bounds 0 (given, certain) so that 表七 counts the rows as covered
    rec = pd.DataFrame(
        {
            "source_id": list("abcde"),
            "gas": "CO2",
            "co2e_t": e,
            "ad_low_pct": 0.0,
            "ad_high_pct": 0.0,
            "ef_low_pct": pct,
            "ef_high_pct": pct,
        }
    )
    n = 200_000
    mc = monte_carlo(rec, n, np.random.default_rng(2024))
    an = analytic(rec)
    sd = math.sqrt(np.sum((e * pct / 100 / Z975) ** 2))  # exact: the total is normal
    half = an.lower_pct / 100 * e.sum()
    assert half == pytest.approx(Z975 * sd, rel=1e-12)
    se_p, se_m = SE_P * sd / math.sqrt(n), sd / math.sqrt(n)
    assert abs(mc.mean_tco2e - e.sum()) < K_SE * se_m
    assert abs(mc.p2_5_tco2e - (e.sum() - half)) < K_SE * se_p
    assert abs(mc.p97_5_tco2e - (e.sum() + half)) < K_SE * se_p
    assert abs(mc.std_tco2e - sd) < K_SE * sd / math.sqrt(2 * n)
    # relative bounds agree with Approach 1 within (percentile SE + mean SE) / total
    tol_pct = K_SE * (se_p + se_m) / e.sum() * 100
    assert mc.lower_pct == pytest.approx(an.lower_pct, abs=tol_pct)
    assert mc.upper_pct == pytest.approx(an.upper_pct, abs=tol_pct)
    # variance shares of independent sources = their variance shares
    expect = (e * pct) ** 2 / np.sum((e * pct) ** 2)
    got = mc.by_source.set_index("source_id").loc[list("abcde"), "share_of_variance"].to_numpy()
    # a share is the slope of X_i on the total: SE = sqrt(share (1 - share) / N) for independent normal sources
    assert (np.abs(got - expect) < K_SE * np.sqrt(expect * (1 - expect) / n)).all(), (got, expect)


def test_mc_shared_factor_is_fully_correlated():
    e = np.linspace(10.0, 200.0, 20)
    ef = 5.0
    rec = pd.DataFrame(
        {
            "source_id": [f"s{i}" for i in range(20)],
            "gas": "CO2",
            "co2e_t": e,
            "factor_id": "grid-2023",
            "ad_low_pct": 0.0,
            "ad_high_pct": 0.0,
            "ef_low_pct": ef,
            "ef_high_pct": ef,
        }
    )
    n = 100_000
    mc = monte_carlo(rec, n, np.random.default_rng(7))
    an = analytic(rec)
    # closed form: T = F * sum(E) with F ~ N(1, (ef / z)^2) -> the interval is ±ef exactly
    sd = e.sum() * ef / 100 / Z975
    tol = K_SE * SE_P * sd / math.sqrt(n)
    assert abs(mc.p2_5_tco2e - e.sum() * (1 - ef / 100)) < tol
    assert abs(mc.p97_5_tco2e - e.sum() * (1 + ef / 100)) < tol
    independent = ef * math.sqrt(np.sum(e**2)) / e.sum()
    assert an.upper_pct == pytest.approx(independent)
    assert mc.upper_pct > 2 * independent  # correlated interval is much wider
    assert any("shared" in note for note in an.notes)
    # one quantity drawn, shared by the 20 rows
    assert mc.quantities.n_rows.tolist() == [20]
    # every source's share = its share of the total (cov(E_s F, T) = E_s E var F)
    shares = mc.by_source.set_index("source_id").loc[[f"s{i}" for i in range(20)], "share_of_variance"]
    np.testing.assert_allclose(shares.to_numpy(), e / e.sum(), rtol=1e-9)


def test_mc_shared_factor_with_independent_activity_closed_form_sd():
    e = np.array([100.0, 200.0, 300.0, 400.0])
    ad, ef = 10.0, 5.0
    rec = pd.DataFrame(
        {
            "source_id": list("abcd"),
            "gas": "CO2",
            "co2e_t": e,
            "factor_id": "f",
            "ad_low_pct": ad,
            "ad_high_pct": ad,
            "ef_low_pct": ef,
            "ef_high_pct": ef,
        }
    )
    n = 200_000
    mc = monte_carlo(rec, n, np.random.default_rng(11))
    sa, sf = ad / 100 / Z975, ef / 100 / Z975
    var = (1 + sf**2) * (e.sum() ** 2 + np.sum(e**2) * sa**2) - e.sum() ** 2
    sd = math.sqrt(var)
    assert abs(mc.std_tco2e - sd) < K_SE * sd / math.sqrt(2 * n)
    assert abs(mc.mean_tco2e - e.sum()) < K_SE * sd / math.sqrt(n)


def test_same_seed_identical_and_different_seed_differs():
    rec = workbook_records()
    rec["ef_low_pct"] = rec["ef_low_pct"].fillna(10.0)
    rec["ef_high_pct"] = rec["ef_high_pct"].fillna(30.0)
    a = monte_carlo(rec, 5_000, np.random.default_rng(99))
    b = monte_carlo(rec, 5_000, np.random.default_rng(99))
    c = monte_carlo(rec, 5_000, np.random.default_rng(100))
    np.testing.assert_array_equal(a.totals, b.totals)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.totals, c.totals)
    assert uncertainty_report(rec, 2_000, 5) == uncertainty_report(rec, 2_000, 5)


@pytest.mark.parametrize("iterations", [10_000, 3 * BLOCK_SIZE], ids=["partial-last-block", "whole-blocks"])
def test_chunking_does_not_change_results(iterations):
    rng = np.random.default_rng(0)
    n = 60
    rec = pd.DataFrame(
        {
            "source_id": [f"s{i // 2}" for i in range(n)],
            "gas": ["CO2", "CH4"] * (n // 2),
            "co2e_t": rng.uniform(1, 100, n),
            "factor_id": [f"f{i % 7}" if i < 40 else f"g{i % 3}" for i in range(n)],
            "iso_category": [str(1 + i % 6) for i in range(n)],
            "ad_low_pct": 2.0,
            "ad_high_pct": 2.0,
            "ef_low_pct": [3.0, 70.0] * (n // 2),
            "ef_high_pct": [4.0, 200.0] * (n // 2),
            "ef_dist": ["", ""] * 20 + ["triangular", "uniform"] * 10,
        }
    )
    runs = [
        monte_carlo(rec, iterations, np.random.default_rng(42), chunk_size=cs) for cs in (BLOCK_SIZE, 3000, None, 10**6)
    ]
    assert len({r.chunk_size for r in runs}) >= 3
    for r in runs[1:]:
        np.testing.assert_array_equal(r.totals, runs[0].totals)
        pd.testing.assert_frame_equal(r.by_source, runs[0].by_source, check_exact=True)
        pd.testing.assert_frame_equal(r.by_category, runs[0].by_category, check_exact=True)
        assert r.p2_5_tco2e == runs[0].p2_5_tco2e


def test_shorter_run_is_a_prefix_of_a_longer_run():
    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [1.0, 2.0],
            "ef_low_pct": [5.0, 10.0],
            "ef_high_pct": [5.0, 30.0],
        }
    )
    short = monte_carlo(rec, 1_500, np.random.default_rng(3))
    long = monte_carlo(rec, 5_000, np.random.default_rng(3))
    np.testing.assert_array_equal(short.totals, long.totals[:1_500])


# --------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------
def _workbook_asymmetric_bounds() -> list[tuple[float, float]]:
    """Asymmetric factor bounds from 表七 (heavy oil K8/L8, natural gas K9/L9)."""
    return [(_pct(_cell("表七", f"K{r}")), _pct(_cell("表七", f"L{r}"))) for r in (8, 9)]


@pytest.mark.parametrize("dist", ["", "lognormal", "triangular", "uniform", "normal"])
def test_fitted_distribution_round_trips_the_bounds(dist):
    bounds = _workbook_asymmetric_bounds() + [(70.0, 200.0), (5.0, 5.0)]
    for lo, hi in bounds:
        if dist == "normal" and lo != hi:
            continue
        q = multiplier_quantiles(lo, hi, dist)
        assert q[0] == pytest.approx(1 - lo / 100, abs=1e-12)
        assert q[2] == pytest.approx(1 + hi / 100, abs=1e-12)
        if dist in ("", "normal"):
            assert q[1] == pytest.approx(1.0, abs=1e-12)  # the reported value is the median
    # sampled percentiles reproduce the bounds (one record, so the total is the multiplier)
    lo, hi = bounds[0] if dist != "normal" else bounds[-1]
    n = 200_000
    rec = pd.DataFrame(
        {"source_id": ["x"], "gas": "CO2", "co2e_t": [1.0], "ef_low_pct": [lo], "ef_high_pct": [hi], "ef_dist": [dist]}
    )
    mc = monte_carlo(rec, n, np.random.default_rng(5))
    # SE of a sampled quantile = sqrt(p (1-p) / N) / density; density from the fitted quantiles
    for p, got, bound in ((0.025, mc.p2_5_tco2e, 1 - lo / 100), (0.975, mc.p97_5_tco2e, 1 + hi / 100)):
        dq = multiplier_quantiles(lo, hi, dist, [p - 0.002, p + 0.002])
        density = 0.004 / (dq[1] - dq[0])
        se = math.sqrt(p * (1 - p) / n) / density
        assert abs(got - bound) < K_SE * se, (dist, p, got, bound, se)


def test_skewed_up_and_down_lognormal_keep_median():
    n = 100_000
    for lo, hi in [(2.0, 0.9), (0.9, 2.0)]:
        rec = pd.DataFrame(
            {"source_id": ["x"], "gas": "CO2", "co2e_t": [100.0], "ef_low_pct": [lo], "ef_high_pct": [hi]}
        )
        mc = monte_carlo(rec, n, np.random.default_rng(8))
        # SE of the sampled median = sqrt(0.25 / N) / density at the median (density from the fitted quantiles)
        dq = multiplier_quantiles(lo, hi, "", [0.498, 0.502])
        se = 100.0 * math.sqrt(0.25 / n) * (dq[1] - dq[0]) / 0.004
        assert abs(mc.median_tco2e - 100.0) < K_SE * se, (lo, hi, mc.median_tco2e, se)
        assert mc.quantities.distribution.tolist() == ["lognormal (shifted, median 1)"]


def test_one_sided_zero_bound_needs_triangular_or_uniform():
    rec = pd.DataFrame({"source_id": ["x"], "gas": "CO2", "co2e_t": [1.0], "ef_low_pct": [0.0], "ef_high_pct": [10.0]})
    with pytest.raises(InputError, match="triangular"):
        monte_carlo(rec, 1_000, 1)
    rec["ef_dist"] = "uniform"
    assert monte_carlo(rec, 1_000, 1).p2_5_tco2e < 1.0 + 1e-9


# --------------------------------------------------------------------------------------
# contributions, convergence, defaults, biogenic, errors, report
# --------------------------------------------------------------------------------------
def test_contributions_sum_to_one_and_rank_sources():
    rec = workbook_records()
    rec = rec[~rec.biogenic].copy()
    rec["iso_category"] = np.where(rec.source_id.str.startswith("GP01"), "2", "1")
    mc = monte_carlo(rec, 20_000, np.random.default_rng(1), defaults={("*", "ef"): 10.0, ("*", "ad"): 5.0})
    assert mc.by_source.share_of_variance.sum() == pytest.approx(1.0, abs=1e-9)
    assert mc.by_category.share_of_variance.sum() == pytest.approx(1.0, abs=1e-9)
    assert mc.by_gas.share_of_variance.sum() == pytest.approx(1.0, abs=1e-9)
    assert mc.by_source.source_id.iloc[0].startswith("GP01")  # electricity dominates
    assert mc.by_category.iso_category.iloc[0] == "2"
    d = mc.to_dict()
    assert sum(c["share_of_variance"] for c in d["contributions"]) == pytest.approx(1.0, abs=1e-9)


def test_convergence_checkpoints():
    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [1.0, 2.0],
            "ef_low_pct": [5.0, 10.0],
            "ef_high_pct": [5.0, 10.0],
        }
    )
    mc = monte_carlo(rec, 40_000, np.random.default_rng(4))
    conv = mc.convergence
    assert conv.iterations.tolist() == [36_000, 37_000, 38_000, 39_000, 40_000]
    assert conv.iloc[-1].mean_tco2e == pytest.approx(mc.mean_tco2e, rel=1e-12)
    assert conv.iloc[-1].p97_5_tco2e == mc.p97_5_tco2e
    assert mc.converged
    assert mc.max_drift_pct < 0.5
    lo, hi = mc.p2_5_ci_tco2e
    assert lo <= mc.p2_5_tco2e <= hi


def test_defaults_fill_missing_bounds_and_are_listed():
    base = pd.DataFrame({"source_id": ["a", "b", "c"], "gas": ["CO2", "CH4", "CO2"], "co2e_t": [10.0, 5.0, 20.0]})
    base["ef_low_pct"] = [np.nan, np.nan, 3.0]
    base["ef_high_pct"] = [np.nan, np.nan, 3.0]
    defaults = pd.DataFrame(
        {
            "gas": ["CO2", "*", "*"],
            "kind": ["ef", "ef", "ad"],
            "low_pct": [7.0, 50.0, 2.0],
            "high_pct": [7.0, 100.0, 2.0],
        }
    )
    res = analytic(base, defaults=defaults)
    used = res.defaults_used
    assert sorted(zip(used.source_id, used.kind, strict=True)) == [
        ("a", "ad"),
        ("a", "ef"),
        ("b", "ad"),
        ("b", "ef"),
        ("c", "ad"),
    ]
    assert used.set_index(["source_id", "kind"]).loc[("b", "ef"), "high_pct"] == 100.0
    explicit = base.assign(ef_low_pct=[7.0, 50.0, 3.0], ef_high_pct=[7.0, 100.0, 3.0], ad_low_pct=2.0, ad_high_pct=2.0)
    assert analytic(explicit).lower_pct == pytest.approx(res.lower_pct)
    same_as_dict = analytic(base, defaults={"CO2/ef": 7.0, ("*", "ef"): (50.0, 100.0), ("*", "ad"): 2.0})
    assert same_as_dict.upper_pct == pytest.approx(res.upper_pct)
    mc = monte_carlo(base, 2_000, 1, defaults=defaults)
    assert len(mc.to_dict()["defaults_used"]) == 5


def test_biogenic_rows_are_excluded():
    rec = pd.DataFrame(
        {
            "source_id": ["coal", "wood"],
            "gas": ["CO2", "CO2"],
            "co2e_t": [100.0, 50.0],
            "biogenic": [False, True],
            "ef_low_pct": [5.0, 5.0],
            "ef_high_pct": [5.0, 5.0],
        }
    )
    mc = monte_carlo(rec, 2_000, 1)
    assert mc.deterministic_tco2e == 100.0
    assert analytic(rec).total_tco2e == 100.0
    assert "wood" not in set(mc.by_source.source_id)


def test_records_without_uncertainty_are_constant():
    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [100.0, 50.0],
            "ef_low_pct": [5.0, np.nan],
            "ef_high_pct": [5.0, np.nan],
        }
    )
    mc = monte_carlo(rec, 5_000, 2)
    an = analytic(rec)
    assert an.covered_share == pytest.approx(0.0)  # no activity bounds -> not covered (表七 J blank)
    assert mc.by_source.set_index("source_id").loc["b", "share_of_variance"] == 0.0
    assert mc.p2_5_tco2e > 50.0 + 100 * (1 - 0.06)
    none = monte_carlo(rec.assign(ef_low_pct=np.nan, ef_high_pct=np.nan), 1_000, 2)
    assert none.p2_5_tco2e == none.p97_5_tco2e == 150.0


def test_activity_group_shares_the_activity_draw():
    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [100.0, 100.0],
            "activity_group": ["meter-1", "meter-1"],
            "ad_low_pct": 10.0,
            "ad_high_pct": 10.0,
        }
    )
    n = 50_000
    mc = monte_carlo(rec, n, np.random.default_rng(6))
    sd = 200.0 * 0.10 / Z975  # one shared draw: the total is 200 t ± 10 %
    tol_pct = K_SE * (SE_P * sd + sd) / math.sqrt(n) / 200.0 * 100  # percentile SE + mean SE, as % of the total
    assert mc.upper_pct == pytest.approx(10.0, abs=tol_pct)  # fully correlated: ±10 %, not ±7.07 %
    assert mc.lower_pct == pytest.approx(10.0, abs=tol_pct)
    assert mc.quantities.n_rows.tolist() == [2]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"drop": "co2e_t"}, "co2e_t"),
        ({"ef_high_pct": [np.nan, 5.0]}, "ef_low_pct is given but ef_high_pct is empty"),
        ({"ef_low_pct": [-5.0, 5.0]}, "positive magnitudes"),
        ({"ef_dist": ["lognormall", ""]}, "Did you mean 'lognormal'"),
        ({"ef_low_pct": [5.0, 6.0], "ef_high_pct": [5.0, 6.0]}, "same factor 'f"),
        ({"co2e_t": ["x", 1.0]}, "not a number"),
    ],
    ids=["missing-column", "half-pair", "negative", "bad-dist", "inconsistent-shared-factor", "bad-co2e"],
)
def test_input_errors_say_what_and_where(change, match):
    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [1.0, 2.0],
            "factor_id": "f",
            "ef_low_pct": [5.0, 5.0],
            "ef_high_pct": [5.0, 5.0],
        }
    )
    for k, v in change.items():
        if k == "drop":
            rec = rec.drop(columns=v)
        else:
            rec[k] = v
    with pytest.raises(InputError, match=match):
        monte_carlo(rec, 1_000, 1)


def test_rng_must_be_explicit():
    rec = pd.DataFrame({"source_id": ["a"], "gas": "CO2", "co2e_t": [1.0]})
    with pytest.raises(InputError, match="Generator"):
        monte_carlo(rec, 1_000, None)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="iterations"):
        monte_carlo(rec, 10, 1)


def test_uncertainty_report_json_shape():
    rec = workbook_records()
    rep = uncertainty_report(rec, 3_000, 12345, defaults={("*", "ef"): 10.0, ("*", "ad"): 5.0})
    text = json.dumps(rep, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == rep
    for key in (
        "method",
        "iterations",
        "seed",
        "mean_tco2e",
        "p2_5_tco2e",
        "p97_5_tco2e",
        "lower_pct",
        "upper_pct",
        "analytic",
        "contributions",
    ):
        assert key in rep
    assert rep["method"] == "monte_carlo" and rep["iterations"] == 3_000 and rep["seed"] == 12345
    assert {"lower_pct", "upper_pct"} <= set(rep["analytic"])
    assert set(rep["contributions"][0]) == {"source_id", "share_of_variance"}
    assert rep["p2_5_tco2e"] < rep["mean_tco2e"] < rep["p97_5_tco2e"]
    # no seed: a fresh one is drawn and recorded, and repeating with it reproduces the run
    fresh = uncertainty_report(rec, 1_000, None, defaults={("*", "ef"): 10.0})
    assert isinstance(fresh["seed"], int)
    assert uncertainty_report(rec, 1_000, fresh["seed"], defaults={("*", "ef"): 10.0}) == fresh


def test_histogram_figure_marks_interval_and_deterministic_total():
    pytest.importorskip("plotly")
    from carbon.reporting.uncertainty import fig_uncertainty_histogram

    rec = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "gas": "CO2",
            "co2e_t": [60.0, 40.0],
            "ef_low_pct": [5.0, 20.0],
            "ef_high_pct": [5.0, 40.0],
        }
    )
    mc = monte_carlo(rec, 5_000, np.random.default_rng(1))
    fig = fig_uncertainty_histogram(mc, 100.0)
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white, set explicitly
    xs = {round(tr.x[0], 9) for tr in fig.data if tr.type == "scatter"}
    assert {round(mc.p2_5_tco2e, 9), round(mc.p97_5_tco2e, 9), 100.0} <= xs
    assert fig.layout.shapes[0].x0 == mc.p2_5_tco2e and fig.layout.shapes[0].x1 == mc.p97_5_tco2e


def test_uncertainty_module_does_not_import_plotly():
    code = "import sys, carbon.uncertainty; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_z975_is_the_normal_quantile():
    # the tabulated 97.5 % point of N(0, 1) (Abramowitz & Stegun, Table 26.5: 1.959963985)
    assert Z975 == pytest.approx(1.959963984540054, abs=1e-12)
    assert math.erfc(-Z975 / math.sqrt(2)) / 2 == pytest.approx(0.975, abs=1e-15)  # Φ(z) from the error function
