"""Data quality (表六) and the significance of indirect sources (ISO 14064-1 5.2.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DataQuality", "data_quality", "quality_level", "significance"]


@dataclass(frozen=True)
class DataQuality:
    """表六: emission-weighted data-quality score and level."""

    score: float | None
    level: int | None
    table: pd.DataFrame
    counts: dict[int, int]
    ungraded_share: float

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "score": self.score,
            "level": self.level,
            "counts": {str(k): v for k, v in self.counts.items()},
            "ungraded_share": self.ungraded_share,
        }


def quality_level(x):
    """表六 level of X or of the weighted score: <10 → 1, 10–<19 → 2, ≥19 → 3.

    Parameters
    ----------
    x : float or array-like
        X = A × B × C (1–27) or the emission-weighted score.

    Returns
    -------
    int or numpy.ndarray
        The level (an array of floats with NaN where ``x`` is missing, for arrays).
    """
    if np.ndim(x) == 0:
        return 1 if x < 10 else (2 if x < 19 else 3)
    a = np.asarray(x, dtype=float)
    return np.where(np.isnan(a), np.nan, np.where(a < 10, 1.0, np.where(a < 19, 2.0, 3.0)))


def data_quality(records: pd.DataFrame, sources: pd.DataFrame) -> DataQuality:
    """Grade data quality as the MOENV workbook 表六.

    X = A × B × C per source (1–27); the inventory score is Σ X × the source's share
    of the total CO2e; level 1 (X < 10), 2 (10 ≤ X < 19), 3 (19 ≤ X ≤ 27).

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records of the included sources (``co2e_t`` [t CO2e]).
    sources : pandas.DataFrame
        The sources with ``grade_a``, ``grade_b``, ``grade_c``.

    Returns
    -------
    DataQuality

    References
    ----------
    .. [1] 環境部 溫室氣體排放量清冊表單(範例), 表六 數據品質管理, notes.
    """
    per_source = records.loc[~records["biogenic"].astype(bool)].groupby("source_id", observed=True)["co2e_t"].sum()
    total = per_source.sum()
    s = sources.set_index("source_id")
    cols = ["grade_a", "grade_b", "grade_c"]
    g = s.reindex(index=per_source.index, columns=cols).apply(pd.to_numeric, errors="coerce")
    x = g["grade_a"] * g["grade_b"] * g["grade_c"]
    share = per_source / total if total else per_source * 0
    table = pd.DataFrame({"co2e_t": per_source, "grade_a": g["grade_a"], "grade_b": g["grade_b"], "grade_c": g["grade_c"], "x": x, "share": share})
    lv = quality_level(x.to_numpy(dtype=float))
    table["level"] = pd.array(np.where(np.isnan(lv), np.nan, lv), dtype="Int64")
    table["weighted"] = x * share
    graded = x.notna()
    ungraded_share = float(share[~graded].sum())
    if graded.any() and total:
        score = float(table.loc[graded, "weighted"].sum())
        level = quality_level(score)
    else:
        score, level = None, None
    counts = {k: int(np.sum(lv == k)) for k in (1, 2, 3)}
    return DataQuality(score=score, level=level, table=table.reset_index(), counts=counts, ungraded_share=ungraded_share)


def significance(sources: pd.DataFrame, criteria: dict) -> pd.DataFrame:
    """Assess the significance of category 3–6 sources with configurable criteria.

    Parameters
    ----------
    sources : pandas.DataFrame
        Sources with one score column per criterion (e.g. ``sig_magnitude``).
    criteria : dict
        ``{"weights": {"magnitude": 1, "influence": 1, ...}, "threshold": 9}``:
        a source is significant when Σ weight × score ≥ threshold.

    Returns
    -------
    pandas.DataFrame
        source_id, score, significant, reason.

    References
    ----------
    .. [1] ISO 14064-1:2018, 5.2.3 (significance of indirect emissions, criteria
       defined by the organisation).
    """
    weights = criteria.get("weights", {})
    threshold = float(criteria.get("threshold", 0))
    indirect = sources[sources["iso_category"].astype(str).str[0].isin(list("3456"))]
    n = len(indirect)
    score = np.zeros(n)
    parts: list[list[str]] = [[] for _ in range(n)]
    for name, w in weights.items():
        col = f"sig_{name}"
        v = pd.to_numeric(indirect[col], errors="coerce").to_numpy(dtype=float) if col in indirect else np.full(n, np.nan)
        given = ~np.isnan(v)
        score += np.where(given, float(w) * np.nan_to_num(v), 0.0)
        for i in np.flatnonzero(given):
            parts[i].append(f"{name} {v[i]:g}×{w:g}")
    sig = score >= threshold
    reason = [
        f"score {sc:g} {'≥' if ok else '<'} threshold {threshold:g} ({', '.join(p) or 'no scores'})"
        for sc, ok, p in zip(score.tolist(), sig.tolist(), parts, strict=True)
    ]
    return pd.DataFrame(
        {"source_id": indirect["source_id"].to_numpy(), "score": score, "significant": sig, "reason": reason},
        columns=["source_id", "score", "significant", "reason"],
    )
