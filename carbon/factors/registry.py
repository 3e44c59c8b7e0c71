"""The factor library loaded as a table: datasets in ``factors/``, each a CSV plus metadata.

Every factor has a stable id ``<dataset>/<slug>`` and one row per gas.  A
:class:`Factor` carries its provenance (dataset, edition, publisher, source file
and cell), so every number computed with it can say where it came from.

>>> reg = load_registry()
>>> f = reg.get("moenv-6.0.4/diesel-stationary")
>>> f.gases["CO2"].value, f.gases["CO2"].unit
(74100.0, 'kg CO2/TJ')
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from carbon.errors import FactorNotFoundError, FactorTableError, did_you_mean, suggest
from carbon.factors.model import (
    GAS_ORDER,
    HEAT_VALUE_FALLBACK,
    NUM_COLS,
    PLACEHOLDER_GAS,
    STR_COLS,
    Factor,
    GasValue,
    factor_from_rows,
)
from carbon.factors.search import BUILTIN_ROWS, SearchIndex
from carbon.paths import FACTORS_DIR

__all__ = ["BUILTIN_FACTORS", "FACTORS_DIR", "PLACEHOLDER_GAS", "Factor", "FactorRegistry", "GasValue", "biomass_rows", "load_registry"]


_STR_COLS = STR_COLS
_NUM_COLS = NUM_COLS
_GAS_ORDER = GAS_ORDER


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA:
        return None
    return v


def _read_dataset(d: Path) -> tuple[pd.DataFrame, dict]:
    csv = d / "factors.csv"
    meta_path = d / "meta.toml"
    if not meta_path.exists():
        msg = f"{meta_path}: missing. Every dataset needs a meta.toml beside factors.csv (see factors/README.md)."
        raise FactorTableError(msg)
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    df = pd.read_csv(csv, comment="#", dtype=dict.fromkeys(_STR_COLS, object), keep_default_na=True)
    for c in _NUM_COLS:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="raise")
    ds = meta.get("dataset", {})
    df["dataset"] = ds.get("id", d.name)
    df["edition"] = str(ds.get("edition", ""))
    return df, meta


#: Markers the dataset builders write in the note of biomass-fuel and biological-treatment rows.
_BIOMASS_NOTE = r"biogenic fuel:|biomass fuel:|CO2 of ethanol is biogenic|for ethanol \(biogenic\)|biogenic CH4"
_BIOMASS_NAME = r"^(?:Composting|Anaerobic digestion)\b"


def biomass_rows(table: pd.DataFrame) -> np.ndarray:
    """Which factor rows belong to a biomass fuel or a biological treatment of waste.

    A biomass fuel's CO2 is biogenic (reported apart) and its CH4 non-fossil; the rule
    reads the dataset builders' note markers ("biogenic fuel:", "biomass fuel:", ethanol,
    "biogenic CH4") and the names of composting and anaerobic digestion rows.

    References
    ----------
    .. [1] 2006 IPCC Guidelines, Vol. 2, Ch. 1, Table 1.1 (the biomass fuels: wood, black
       liquor, charcoal, biogasoline, biodiesels, landfill/sludge/other biogas, municipal
       wastes' biomass fraction) and Vol. 5, Ch. 4 (biological treatment of solid waste).
    .. [2] ISO 14064-1:2018, 5.2.4 and Annex D.
    """
    note = table["note"].fillna("").astype(str) if "note" in table else pd.Series("", index=table.index)
    name = table["name_en"].fillna("").astype(str) if "name_en" in table else pd.Series("", index=table.index)
    hit = note.str.contains(_BIOMASS_NOTE, regex=True) | name.str.contains(_BIOMASS_NAME, regex=True)
    return hit.to_numpy(dtype=bool)


class FactorRegistry:
    """All loaded factor datasets; look up by id, search by name or code.

    Parameters
    ----------
    table : pandas.DataFrame
        Long table (one row per factor × gas) in the ``factors/schema.csv`` columns
        plus ``dataset`` and ``edition``.
    meta : dict
        ``{dataset: meta.toml content}``.
    """

    def __init__(self, table: pd.DataFrame, meta: dict[str, dict], directory: Path | None = None):
        self.table = table.reset_index(drop=True)
        self.meta = meta
        self.directory = directory
        # group keys are typed Hashable; factor_id is read as text (object dtype, NaN groups dropped)
        self._by_id: dict[str, np.ndarray] = {
            cast(str, k): np.asarray(v) for k, v in self.table.groupby("factor_id", sort=False).indices.items()
        }
        self._search_index: SearchIndex | None = None
        self._hv_cache: dict[str, tuple[float, str, str] | None] = {}
        # integer codes of the per-row strings, for vectorised look-ups (carbon.accounting)
        t = self.table
        self.codes = {
            col: pd.factorize(pd.Series(t[col].to_numpy(dtype=object, na_value=""), dtype=object), sort=False)
            for col in ("gas", "unit", "kind", "dataset", "edition", "source_ref")
        }
        self.values = {col: t[col].to_numpy(dtype=float) for col in ("value", "value_low", "value_high")}
        self.biomass = biomass_rows(t)
        v, lo, hi = self.values["value"], self.values["value_low"], self.values["value_high"]
        with np.errstate(divide="ignore", invalid="ignore"):
            # the 95 % interval as positive percentages of the value, per factor row
            self.values["ef_low_pct"] = np.where(v != 0, (v - lo) / v * 100.0, np.nan)
            self.values["ef_high_pct"] = np.where(v != 0, (hi - v) / v * 100.0, np.nan)

    # -- look-up -------------------------------------------------------------
    def ids(self, dataset: str | None = None) -> list[str]:
        """All factor ids (of one dataset)."""
        if dataset is None:
            return list(self._by_id)
        return [i for i in self._by_id if i.startswith(dataset + "/")]

    def datasets(self) -> list[str]:
        """Names of the loaded datasets."""
        return list(self.meta)

    def __contains__(self, factor_id: object) -> bool:
        return factor_id in self._by_id

    def rows(self, factor_id: str) -> pd.DataFrame:
        """The rows (one per gas) of a factor; raises with suggestions if unknown."""
        idx = self._by_id.get(factor_id)
        if idx is None:
            raise FactorNotFoundError(self._not_found(factor_id))
        return self.table.iloc[idx]

    def indices(self, ids) -> list[np.ndarray | None]:
        """Row positions in :attr:`table` (and the arrays :attr:`values`, :attr:`codes`) of each factor id.

        Parameters
        ----------
        ids : iterable of str
            Factor ids.

        Returns
        -------
        list of numpy.ndarray or None
            One array of row positions (one row per gas) per id; None for an unknown id.
        """
        by_id = self._by_id
        return [by_id.get(i) for i in ids]

    def kind(self, factor_id: str) -> str:
        """The kind of a factor (``stationary_combustion``, ``electricity`` …, see ``factors/schema.csv``)."""
        idx = self._by_id.get(factor_id)
        if idx is None:
            raise FactorNotFoundError(self.not_found_message(factor_id))
        return str(self.table.at[int(idx[0]), "kind"])

    def not_found_message(self, factor_id: str) -> str:
        """The message for an unknown factor id, with the closest ids as suggestions."""
        return self._not_found(factor_id)

    def _not_found(self, factor_id: str) -> str:
        hint = did_you_mean(factor_id, self._by_id, n=5)
        if not hint:
            tail = factor_id.split("/")[-1]
            close = suggest(tail, [i.split("/")[-1] for i in self._by_id], n=5)
            ids = [i for i in self._by_id if i.split("/")[-1] in close][:5]
            hint = ("Did you mean " + ", ".join(f"'{i}'" for i in ids) + "?") if ids else ""
        return f"No emission factor '{factor_id}'. {hint} `carbon factors search WORD` lists ids.".replace("  ", " ")

    def get(self, factor_id: str) -> Factor:
        """Return a :class:`Factor` by id (raises :class:`~carbon.errors.FactorNotFoundError` with suggestions)."""
        rows = self.rows(factor_id)
        records = [{k: _clean(v) for k, v in r.items()} for r in rows.to_dict("records")]
        return factor_from_rows(factor_id, records, self.meta.get(records[0]["dataset"], {}))

    def default_heat_value(self, factor_id: str) -> tuple[float, str, str] | None:
        """Return ``(value, unit, origin id)`` of the default heat value for a factor.

        The factor's own row first; otherwise the same slug in the fall-back dataset
        (:data:`HEAT_VALUE_FALLBACK`).  ``None`` if neither has one.
        """
        if factor_id in self._hv_cache:
            return self._hv_cache[factor_id]
        self._hv_cache[factor_id] = out = self._default_heat_value(factor_id)
        return out

    def _default_heat_value(self, factor_id: str) -> tuple[float, str, str] | None:
        rows = self.rows(factor_id)
        hv = rows["heat_value"].dropna()
        if len(hv):
            return float(hv.iloc[0]), str(rows["heat_value_unit"].dropna().iloc[0]), factor_id
        ds, _, slug = factor_id.partition("/")
        fb = HEAT_VALUE_FALLBACK.get(ds)
        if fb and f"{fb}/{slug}" in self:
            return self.default_heat_value(f"{fb}/{slug}")
        return None

    # -- search --------------------------------------------------------------
    def search(self, query: str, dataset: str | None = None, limit: int = 50) -> list[Factor]:
        """Find factors whose id, Chinese or English name, MOENV code or year match every word.

        ROC years are understood: ``電力 112`` finds the 2023 grid factor. The rule is
        :class:`carbon.factors.search.SearchIndex`, shared with `carbon factors search`.

        >>> [f.id for f in load_registry().search("電力 2023")][:1]
        ['tw-grid/2023']
        """
        if self._search_index is None:
            cols = ["factor_id", "name_zh", "name_en", "moenv_code", "valid_from", "kind"]
            t = self.table[cols].astype(object)
            rows = t.where(t.notna(), None).to_dict("records")
            self._search_index = SearchIndex.from_rows(rows)
        return [self.get(i) for i in self._search_index.search(query, dataset, limit)]

    # -- custom factors ------------------------------------------------------
    def with_custom(self, custom: pd.DataFrame, dataset: str = "custom", edition: str = "user") -> FactorRegistry:
        """Return a registry with user-defined factors added (ids must be new), see :func:`carbon.factors.custom.with_custom`."""
        from carbon.factors.custom import with_custom

        return with_custom(self, custom, dataset=dataset, edition=edition)

    def extra_table(self, dataset: str, name: str) -> pd.DataFrame:
        """Read a dataset's extra table (e.g. ``refrigeration_equipment.csv``)."""
        if self.directory is None:
            msg = "This registry has no directory; extra tables are not available."
            raise FactorTableError(msg)
        path = self.directory / dataset / name
        if not path.exists():
            msg = f"{path}: no such table in dataset '{dataset}'."
            raise FactorTableError(msg)
        return pd.read_csv(path, comment="#")


#: Built-in definitional factors (not publisher data), see :data:`carbon.factors.search.BUILTIN_ROWS`.
BUILTIN_FACTORS = pd.DataFrame(BUILTIN_ROWS)


@lru_cache(maxsize=4)
def load_registry(directory: str | None = None) -> FactorRegistry:
    """Load every dataset under ``factors/`` (cached; read-only)."""
    d = Path(directory) if directory else FACTORS_DIR
    tables, metas = [], {}
    for sub in sorted(p for p in d.iterdir() if p.is_dir() and (p / "factors.csv").exists()):
        df, meta = _read_dataset(sub)
        tables.append(df)
        metas[meta.get("dataset", {}).get("id", sub.name)] = meta
    if not tables:
        msg = f"No factor datasets found under {d}. Run `python scripts/build_all.py`."
        raise FactorTableError(msg)
    reg = FactorRegistry(pd.concat(tables, ignore_index=True), metas, d)
    return reg.with_custom(BUILTIN_FACTORS, dataset="carbon", edition="definition")
