"""Approach 1: error propagation as the MOENV workbook 表七 (IPCC Vol. 1 Ch. 3 Eq. 3.1, 3.2).

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表七 不確定性量化評估 and 表八.
.. [2] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Eq. 3.1 and 3.2 (Approach 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbon.uncertainty.inputs import PreparedRecords, frame_records, num_or_none, prepare_records

__all__ = ["AnalyticResult", "analytic", "analytic_prepared"]


@dataclass(frozen=True, eq=False)
class AnalyticResult:
    """Approach 1 (MOENV 表七 / GHG Protocol error propagation) result.

    Attributes
    ----------
    lower_pct, upper_pct : float
        Inventory uncertainty, lower and upper half of the 95 % interval, relative to
        the emissions covered by the assessment (as 表八 彙整表六 C37/D37). [%]
    covered_share : float
        Covered emissions / total emissions (absolute values, as 表八 A37). [1]
    covered_tco2e, total_tco2e : float
        Emissions with uncertainty data, and all non-biogenic emissions. [t CO2e]
    lower_pct_of_total, upper_pct_of_total : float
        The same absolute half-widths relative to the whole total (uncovered rows
        counted as certain), comparable with the Monte Carlo bounds. [%]
    by_row, by_source, by_gas : pandas.DataFrame
        Per record (with ``u_low_pct``, ``u_high_pct``, ``covered``), per source
        (表七 AG/AH) and per gas (same rule over the rows of a gas).
    defaults_used : pandas.DataFrame
        Rows whose bounds came from ``defaults`` (row, source_id, gas, kind, low_pct,
        high_pct).
    notes : tuple of str
        Caveats, e.g. factors shared by several rows (Approach 1 ignores correlation).
    """

    lower_pct: float
    upper_pct: float
    covered_share: float
    covered_tco2e: float
    total_tco2e: float
    lower_pct_of_total: float
    upper_pct_of_total: float
    by_row: pd.DataFrame = field(repr=False)
    by_source: pd.DataFrame = field(repr=False)
    by_gas: pd.DataFrame = field(repr=False)
    defaults_used: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    method: str = "analytic"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN -> None)."""
        return {
            "method": self.method,
            "method_label": "IPCC Approach 1 / MOENV 表七 error propagation",
            "lower_pct": num_or_none(self.lower_pct),
            "upper_pct": num_or_none(self.upper_pct),
            "covered_share": num_or_none(self.covered_share),
            "covered_tco2e": num_or_none(self.covered_tco2e),
            "total_tco2e": num_or_none(self.total_tco2e),
            "lower_pct_of_total": num_or_none(self.lower_pct_of_total),
            "upper_pct_of_total": num_or_none(self.upper_pct_of_total),
            "by_source": frame_records(self.by_source),
            "by_gas": frame_records(self.by_gas),
            "defaults_used": frame_records(self.defaults_used),
            "notes": list(self.notes),
        }


def analytic(records: pd.DataFrame, defaults: Any = None, *, round_like_workbook: bool = False) -> AnalyticResult:
    """Propagate uncertainty with the MOENV 表七 rule (IPCC / GHG Protocol Approach 1).

    Per record (gas g of source s), lower and upper separately:
    ``U_g = sqrt(U_AD^2 + U_EF^2)``; per source ``U_s = sqrt(sum_g (U_g E_g)^2) /
    sum_g E_g``; inventory ``U = sqrt(sum_s (U_s E_s)^2) / sum_s E_s``, over the
    records *covered* by the assessment, i.e. with both activity and factor bounds
    (the workbook leaves 表七 J/R/Z blank otherwise).  The covered share is
    ``sum |E_covered| / sum |E_all|``.  Biogenic rows are left out.

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records (see module docstring for the columns read).
    defaults : pandas.DataFrame or dict, optional
        Default bounds used where a record gives none: a table with columns ``gas``,
        ``kind`` (``ad``/``ef``), ``pct`` or ``low_pct``/``high_pct`` (and optional
        ``dist``), or a dict ``{(gas, kind): pct | (low, high) | (low, high, dist)}``
        (keys may also be ``'CO2/ef'``; gas ``'*'`` matches any gas). [%]
    round_like_workbook : bool, default False
        Round each record's ``U_g`` to 5 decimals of a fraction (0.001 %), as
        ``ROUND(...;5)`` in 表七 columns O/P, W/X, AE/AF, to reproduce the workbook to
        the last digit.

    Returns
    -------
    AnalyticResult
        ``lower_pct``/``upper_pct`` [%], ``covered_share`` [1] and the tables.

    Raises
    ------
    InputError
        Missing columns, non-numeric or negative bounds, half-given bound pairs.

    References
    ----------
    .. [1] 環境部 溫室氣體排放量清冊表單(範例), 表七 (notes 11 and 12) and 表八 彙整表六.
    .. [2] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Eq. 3.1 (products) and Eq. 3.2 (sums).

    Examples
    --------
    >>> import pandas as pd
    >>> rec = pd.DataFrame({"source_id": ["elec"], "gas": ["CO2"], "co2e_t": [100.0],
    ...                     "ad_low_pct": [3.0], "ad_high_pct": [3.0],
    ...                     "ef_low_pct": [4.0], "ef_high_pct": [4.0]})
    >>> round(analytic(rec).lower_pct, 6)
    5.0
    """
    p = prepare_records(records, defaults)
    return analytic_prepared(p, round_like_workbook)


def analytic_prepared(p: PreparedRecords, round_like_workbook: bool = False) -> AnalyticResult:
    """Approach 1 over prepared records (see :func:`analytic`)."""
    covered = ~np.isnan(p.ad).any(axis=1) & ~np.isnan(p.ef).any(axis=1)
    u = np.sqrt(p.ad**2 + p.ef**2)  # (n, 2) in %
    if round_like_workbook:
        u = np.round(u / 100.0, 5) * 100.0
    u = np.where(covered[:, None], u, np.nan)
    e = p.co2e
    by_row = pd.DataFrame(
        {
            "row": p.row,
            "source_id": p.source_id,
            "gas": p.gas,
            "iso_category": p.category,
            "co2e_t": e,
            "covered": covered,
            "ad_low_pct": p.ad[:, 0],
            "ad_high_pct": p.ad[:, 1],
            "ef_low_pct": p.ef[:, 0],
            "ef_high_pct": p.ef[:, 1],
            "u_low_pct": u[:, 0],
            "u_high_pct": u[:, 1],
        }
    )
    ec = np.where(covered, e, 0.0)
    by_row["_e"] = ec
    by_row["_wl2"] = np.where(covered, (u[:, 0] * e) ** 2, 0.0)
    by_row["_wh2"] = np.where(covered, (u[:, 1] * e) ** 2, 0.0)
    by_row["_abs"] = np.abs(e)
    by_row["_abscov"] = np.abs(ec)

    def agg(key: str) -> pd.DataFrame:
        g = by_row.groupby(key, sort=False)
        t = pd.DataFrame(
            {
                "co2e_t": g["co2e_t"].sum(),
                "covered_co2e_t": g["_e"].sum(),
                "_wl2": g["_wl2"].sum(),
                "_wh2": g["_wh2"].sum(),
            }
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            t["lower_pct"] = np.where(t["covered_co2e_t"] != 0, np.sqrt(t["_wl2"]) / t["covered_co2e_t"], np.nan)
            t["upper_pct"] = np.where(t["covered_co2e_t"] != 0, np.sqrt(t["_wh2"]) / t["covered_co2e_t"], np.nan)
        return t.drop(columns=["_wl2", "_wh2"]).reset_index()

    by_source = agg("source_id")
    by_gas = agg("gas")
    # inventory from the per-source values, as 表八 C37 = sqrt(sum AI) / sum(J, R, Z)
    cov_e = float(by_source["covered_co2e_t"].sum())
    src_l = np.nan_to_num(by_source["lower_pct"].to_numpy() * by_source["covered_co2e_t"].to_numpy())
    src_h = np.nan_to_num(by_source["upper_pct"].to_numpy() * by_source["covered_co2e_t"].to_numpy())
    lower = math.sqrt(float(np.sum(src_l**2))) / cov_e if cov_e != 0 else float("nan")
    upper = math.sqrt(float(np.sum(src_h**2))) / cov_e if cov_e != 0 else float("nan")
    total = float(e.sum())
    abs_total = float(by_row["_abs"].sum())
    covered_share = float(by_row["_abscov"].sum()) / abs_total if abs_total else float("nan")
    by_row = by_row.drop(columns=["_e", "_wl2", "_wh2", "_abs", "_abscov"])
    notes = []
    if p.shared_factors:
        notes.append(
            f"{p.shared_factors} emission factor(s) are shared by several records; Approach 1 treats records as "
            "independent and so understates the uncertainty of their sum. The Monte Carlo result draws a shared "
            "factor once per iteration."
        )
    if cov_e == 0:
        notes.append("No record has both activity and factor bounds: nothing is covered by the assessment.")
    if p.n_biogenic:
        notes.append(f"{p.n_biogenic} biogenic record(s) left out of the total.")
    return AnalyticResult(
        lower_pct=lower,
        upper_pct=upper,
        covered_share=covered_share,
        covered_tco2e=cov_e,
        total_tco2e=total,
        lower_pct_of_total=lower * cov_e / total if total else float("nan"),
        upper_pct_of_total=upper * cov_e / total if total else float("nan"),
        by_row=by_row,
        by_source=by_source,
        by_gas=by_gas,
        defaults_used=p.defaults_used,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------
