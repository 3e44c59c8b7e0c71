"""The factor library: datasets in ``factors/``, each a CSV plus metadata.

Every factor has a stable id ``<dataset>/<slug>`` and one row per gas.  A
:class:`Factor` carries its provenance (dataset, edition, publisher, source file
and cell), so every number computed with it can say where it came from.

>>> reg = load_registry()
>>> f = reg.get("moenv-6.0.4/diesel-stationary")
>>> f.gases["CO2"].value, f.gases["CO2"].unit
(74100.0, 'kg CO2/TJ')
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from carbon.errors import FactorNotFoundError, FactorTableError, did_you_mean, suggest
from carbon.paths import FACTORS_DIR
from carbon.units import split_factor_unit

__all__ = ["FACTORS_DIR", "Factor", "FactorRegistry", "GasValue", "biomass_rows", "load_registry"]


_STR_COLS = [
    "factor_id", "name_zh", "name_en", "kind", "moenv_code", "gas", "unit", "u_dist",
    "heat_value_unit", "basis", "valid_from", "valid_to", "announced", "gwp_set", "source_ref", "note",
]  # fmt: skip
_NUM_COLS = ["value", "value_low", "value_high", "heat_value"]
#: Datasets in the order search results list them: the binding MOENV set first.
SEARCH_ORDER = ["moenv-2024", "tw-grid", "moenv-6.0.4", "ipcc-2006", "tw-cfp", "cbam-defaults-2026", "cbam-benchmarks"]
_GAS_ORDER = {"CO2": 0, "CH4": 1, "N2O": 2, "HFC": 3, "PFC": 4, "SF6": 5, "NF3": 6}

#: Where a per-energy factor without its own heat value takes the default from:
#: the MOENV 2024 announcement leaves the heat value to the reporting entity, so the
#: 6.0.4 table's Taiwan heat values (Energy Administration) are the fall-back, and
#: every result that uses one says so.
HEAT_VALUE_FALLBACK = {"moenv-2024": "moenv-6.0.4", "ipcc-2006": None}


@dataclass(frozen=True)
class GasValue:
    """The factor of one gas: value, unit and 95 % interval (same unit)."""

    gas: str
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    u_dist: str | None = None
    source_ref: str | None = None

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {"value": self.value, "unit": self.unit, "low": self.low, "high": self.high, "source_ref": self.source_ref}


@dataclass(frozen=True)
class Factor:
    """One emission factor (all its gases) with provenance."""

    id: str
    name_zh: str
    name_en: str
    dataset: str
    edition: str
    kind: str
    gases: dict[str, GasValue]
    heat_value: float | None = None
    heat_value_unit: str | None = None
    moenv_code: str | None = None
    basis: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    announced: str | None = None
    gwp_set: str | None = None
    source_ref: str | None = None
    note: str | None = None
    source: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict for JSON (``carbon factors show ID --json``)."""
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "dataset": self.dataset,
            "edition": self.edition,
            "kind": self.kind,
            "moenv_code": self.moenv_code,
            "gases": {g: v.to_dict() for g, v in self.gases.items()},
            "heat_value": (
                {"value": self.heat_value, "unit": self.heat_value_unit} if self.heat_value is not None else None
            ),
            "basis": self.basis,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "announced": self.announced,
            "gwp_set": self.gwp_set,
            "source": {**self.source, "ref": self.source_ref},
            "note": self.note,
        }


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
        self._by_id: dict[str, np.ndarray] = {
            k: np.asarray(v) for k, v in self.table.groupby("factor_id", sort=False).indices.items()
        }
        hay = (
            self.table["factor_id"].fillna("")
            + " "
            + self.table["name_zh"].fillna("")
            + " "
            + self.table["name_en"].fillna("").str.lower()
            + " "
            + self.table["moenv_code"].fillna("")
            + " "
            + self.table["valid_from"].fillna("")
            + " "
            + self.table["kind"].fillna("")
        )
        self._haystack = hay.groupby(self.table["factor_id"], sort=False).first()
        self._hv_cache: dict[str, tuple[float, str, str] | None] = {}
        self._names = self.table.groupby("factor_id", sort=False)["name_zh"].first()
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
        """Return a :class:`Factor` by id."""
        rows = self.rows(factor_id)
        first = rows.iloc[0]
        gases = {
            r.gas: GasValue(
                gas=r.gas,
                value=float(r.value),
                unit=r.unit,
                low=_clean(r.value_low),
                high=_clean(r.value_high),
                u_dist=_clean(r.u_dist),
                source_ref=_clean(r.source_ref),
            )
            for r in rows.sort_values("gas", key=lambda g: g.map(_GAS_ORDER).fillna(99)).itertuples()
        }
        ds = first["dataset"]
        m = self.meta.get(ds, {}).get("dataset", {})
        source = {
            "title": m.get("title"),
            "title_zh": m.get("title_zh"),
            "publisher": m.get("publisher"),
            "published": m.get("published"),
            "url": m.get("url"),
            "licence": m.get("licence"),
            "files": m.get("source_files"),
            "sha256": m.get("source_sha256"),
            "generated_by": m.get("generated_by"),
        }
        return Factor(
            id=factor_id,
            name_zh=_clean(first["name_zh"]) or "",
            name_en=_clean(first["name_en"]) or "",
            dataset=ds,
            edition=str(first["edition"]),
            kind=_clean(first["kind"]) or "",
            gases=gases,
            heat_value=_clean(first["heat_value"]),
            heat_value_unit=_clean(first["heat_value_unit"]),
            moenv_code=_clean(first["moenv_code"]),
            basis=_clean(first["basis"]),
            valid_from=_clean(first["valid_from"]),
            valid_to=_clean(first["valid_to"]),
            announced=_clean(first["announced"]),
            gwp_set=_clean(first["gwp_set"]),
            source_ref=_clean(first["source_ref"]),
            note=_clean(first["note"]),
            source={k: v for k, v in source.items() if v is not None},
        )

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

        ROC years are understood: ``電力 112`` finds the 2023 grid factor.

        >>> [f.id for f in load_registry().search("電力 2023")][:1]
        ['tw-grid/2023']
        """
        words = [w.lower() for w in re.split(r"\s+", query.strip()) if w]
        hay = self._haystack
        if dataset:
            hay = hay[hay.index.str.startswith(dataset + "/")]
        mask = pd.Series(True, index=hay.index)
        low = hay.str.lower()
        for w in words:
            alts = [w]
            if w.isdigit() and len(w) <= 3 and int(w) < 200:
                alts.append(str(int(w) + 1911))
            m = pd.Series(False, index=hay.index)
            for a in alts:
                m |= low.str.contains(a, regex=False)
            mask &= m
        hits = list(hay.index[mask])
        q = query.strip().lower()
        names = self._names

        def rank(i: str) -> tuple:
            # the id itself; then a name equal to the query; then the binding datasets first
            ds = i.split("/")[0]
            order = SEARCH_ORDER.index(ds) if ds in SEARCH_ORDER else len(SEARCH_ORDER)
            return (i.lower() != q, str(names.get(i, "")).lower() != q, order, not i.lower().endswith(q), len(i))

        hits.sort(key=rank)
        return [self.get(i) for i in hits[:limit]]

    # -- custom factors ------------------------------------------------------
    def with_custom(self, custom: pd.DataFrame, dataset: str = "custom", edition: str = "user") -> FactorRegistry:
        """Return a registry with user-defined factors added (ids must be new)."""
        if custom is None or len(custom) == 0:
            return self
        df = custom.copy()
        for c in _STR_COLS + _NUM_COLS:
            if c not in df.columns:
                df[c] = pd.NA
        for c in _STR_COLS:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
        for c in _NUM_COLS:
            df[c] = pd.to_numeric(df[c])
        clash = sorted(set(df["factor_id"]) & set(self._by_id))
        if clash:
            msg = f"Custom factor id(s) {clash[:5]} already exist in the library; give them other ids (e.g. 'custom/...')."
            raise FactorTableError(msg)
        for u in df["unit"].dropna().unique():
            split_factor_unit(u)
        df["dataset"] = df["factor_id"].str.split("/").str[0].fillna(dataset)
        df["edition"] = edition
        meta = dict(self.meta)
        title = "carbon's definitional constants" if dataset == "carbon" else "factors defined in the project file"
        for ds in df["dataset"].unique():
            meta.setdefault(ds, {"dataset": {"id": ds, "title": title, "edition": edition}})
        table = pd.concat([self.table, df[self.table.columns.intersection(df.columns)]], ignore_index=True)
        return FactorRegistry(table, meta, self.directory)

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


#: Name of the gas in a factor row meaning "the gas named on the source" (refrigerants).
PLACEHOLDER_GAS = "REFRIGERANT"

#: Built-in definitional factors (not publisher data): a mass emitted as it is, and
#: carbon converted to CO2 by the ratio of molar masses 44/12.
BUILTIN_FACTORS = pd.DataFrame(
    [
        {
            "factor_id": "carbon/emitted-as-is",
            "name_zh": "逸散量即排放量",
            "name_en": "mass emitted as it is",
            "kind": "direct",
            "gas": PLACEHOLDER_GAS,
            "value": 1.0,
            "unit": f"kg {PLACEHOLDER_GAS}/kg",
            "source_ref": "definition: emission = mass of the gas released",
        },
        {
            "factor_id": "carbon/carbon-to-co2",
            "name_zh": "碳轉二氧化碳 (44/12)",
            "name_en": "carbon to CO2 (44/12)",
            "kind": "process",
            "gas": "CO2",
            "value": 44.0 / 12.0,
            "unit": "kg CO2/kg",
            "source_ref": "molar masses: CO2 44, C 12 (mass balance)",
        },
    ]
)


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
