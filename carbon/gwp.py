"""Global warming potentials: named sets, refrigerant blends, CO2-equivalents.

No function here has a default GWP set: every caller names one, and every result
records it.  Sets (``factors/gwp/gwp.csv``, built by ``scripts/build_gwp.py``):

- ``AR4``, ``AR5``, ``AR6``: IPCC 100-year values (globalwarmingpotentials data set);
- ``MOENV-2024``: the set of the MOENV announcement of 2024-02-05 (附表四, AR5 with
  CH4 28 and fossil CH4 30; HCFCs and CFCs counted 0; blends as in the MOENV
  workbook 附表二).

Which CH4 value applies is explicit: ``ch4_kind='fossil'`` uses the set's
``CH4_fossil`` row where the set has one; ``'non_fossil'`` (or ``None``) uses ``CH4``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from carbon.errors import GWPError, did_you_mean
from carbon.paths import FACTORS_DIR
from carbon.units import Q_, ureg

__all__ = ["GWPTable", "gwp_sets", "gwp_value", "gwp_values", "load_gwp", "to_co2e"]

GWP_DIR = FACTORS_DIR / "gwp"

#: Gases whose CO2e is the value itself (a published aggregate).
AGGREGATE_GASES = {"CO2e"}


def _norm(gas: str) -> str:
    return str(gas).strip().upper().replace(" ", "").replace("_", "").replace("Ｒ", "R")


@dataclass(frozen=True)
class GWPTable:
    """GWP values by set and gas, blends and aliases, with the dataset's metadata."""

    values: pd.DataFrame  # gwp_set, gas, value, source_ref, note
    blends: pd.DataFrame  # blend, component, mass_fraction, source_ref
    aliases: dict[str, str]
    meta: dict
    lookup: dict[tuple[str, str], float]

    def sets(self) -> list[str]:
        """Names of the GWP sets."""
        return sorted(self.values["gwp_set"].unique())

    def canonical_gas(self, gas: str) -> str:
        """Return carbon's spelling of a gas or refrigerant name ('R134a' -> 'HFC-134a')."""
        key = _norm(gas)
        return self.aliases.get(key, str(gas).strip())

    def value(self, gas: str, gwp_set: str, ch4_kind: str | None = None) -> float:
        """GWP of one gas in one set (see :func:`gwp_value`)."""
        if gwp_set not in self.sets():
            msg = f"Unknown GWP set '{gwp_set}'. {did_you_mean(gwp_set, self.sets())} Sets: {', '.join(self.sets())}."
            raise GWPError(msg)
        g = self.canonical_gas(gas)
        if g in AGGREGATE_GASES:
            return 1.0
        lk = self.lookup
        if g == "CH4" and ch4_kind in ("fossil", "non_fossil"):
            key = "CH4_fossil" if ch4_kind == "fossil" else "CH4_non_fossil"
            if (gwp_set, key) in lk:
                return lk[(gwp_set, key)]
        if (gwp_set, g) in lk:
            return lk[(gwp_set, g)]
        comp = self.blends[self.blends["blend"] == g]
        if len(comp):
            total = 0.0
            for _, r in comp.iterrows():
                total += float(r["mass_fraction"]) * self.value(r["component"], gwp_set)
            return total
        known = sorted({k[1] for k in lk if k[0] == gwp_set} | set(self.blends["blend"]))
        msg = (
            f"Gas '{gas}' has no GWP in set '{gwp_set}'. {did_you_mean(g, known)} "
            "Check the spelling (e.g. 'HFC-134a', 'R-410A'), or give a blend composition."
        )
        raise GWPError(msg)


@lru_cache(maxsize=1)
def load_gwp(directory: str | None = None) -> GWPTable:
    """Load ``factors/gwp/`` (values, blends, aliases, metadata)."""
    d = Path(directory) if directory else GWP_DIR
    values = pd.read_csv(d / "gwp.csv", comment="#", dtype={"gwp_set": str, "gas": str})
    blends_path = d / "blends.csv"
    blends = (
        pd.read_csv(blends_path, comment="#")
        if blends_path.exists()
        else pd.DataFrame(columns=["blend", "component", "mass_fraction", "source_ref"])
    )
    aliases: dict[str, str] = {}
    for g in values["gas"].unique():
        aliases[_norm(g)] = g
    for b in blends["blend"].unique():
        aliases[_norm(b)] = b
    alias_path = d / "gas_aliases.csv"
    if alias_path.exists():
        for a, g in pd.read_csv(alias_path, comment="#")[["alias", "gas"]].itertuples(index=False):
            aliases[_norm(a)] = g
    meta_path = d / "meta.toml"
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    lookup = {(s, g): float(x) for s, g, x in zip(values["gwp_set"], values["gas"], values["value"], strict=True)}
    return GWPTable(values=values, blends=blends, aliases=aliases, meta=meta, lookup=lookup)


def gwp_sets() -> list[str]:
    """Return the names of the bundled GWP sets."""
    return load_gwp().sets()


def gwp_value(gas: str, gwp_set: str, ch4_kind: str | None = None) -> float:
    """Return the 100-year GWP of ``gas`` in the named set.

    Parameters
    ----------
    gas : str
        Gas or refrigerant, e.g. ``"CH4"``, ``"HFC-134a"``, ``"R-410A"``.
    gwp_set : str
        ``"AR4"``, ``"AR5"``, ``"AR6"`` or ``"MOENV-2024"``. No default.
    ch4_kind : {"fossil", "non_fossil", None}
        For CH4: which value applies, where the set distinguishes them.

    Returns
    -------
    float
        [t CO2e / t gas]

    References
    ----------
    .. [1] 環境部 2024-02-05 公告「溫室氣體排放係數」附表四 (AR5, WG I Ch. 8 Table 8.A.1).
    .. [2] IPCC AR6 WG I, Chapter 7 Supplementary Material, Table 7.SM.7.
    """
    return load_gwp().value(gas, gwp_set, ch4_kind)


def gwp_values(gases: np.ndarray, gwp_set: str, ch4_kinds: np.ndarray | None = None) -> np.ndarray:
    """Vectorised :func:`gwp_value`: one look-up per distinct (gas, ch4_kind)."""
    table = load_gwp()
    g = pd.Series(np.asarray(gases, dtype=object), dtype=object)
    gc, gu = pd.factorize(g, use_na_sentinel=False)
    ku: np.ndarray | pd.Index
    if ch4_kinds is None:
        kc, ku = np.zeros(len(g), dtype=np.intp), np.array([None], dtype=object)
    else:
        kc, ku = pd.factorize(pd.Series(np.asarray(ch4_kinds, dtype=object), dtype=object), use_na_sentinel=False)
    key = gc.astype(np.int64) * (len(ku) + 1) + kc
    uk, inv = np.unique(key, return_inverse=True)
    vals = np.empty(len(uk))
    for i, k in enumerate(uk):
        gas, kind = gu[k // (len(ku) + 1)], ku[k % (len(ku) + 1)]
        vals[i] = table.value(str(gas), gwp_set, kind if isinstance(kind, str) and kind else None)
    return vals[inv]


def to_co2e(mass, gas: str, gwp_set: str, ch4_kind: str | None = None):
    """Express a mass of one gas as CO2-equivalent.

    Parameters
    ----------
    mass : pint.Quantity or float
        Mass of ``gas``; a plain number is read as tonnes. [t]
    gas : str
        Gas symbol, e.g. ``"CH4"``.
    gwp_set : str
        Named GWP set; no default.

    Returns
    -------
    pint.Quantity
        [t CO2e]

    Examples
    --------
    >>> to_co2e(Q_(1, "t"), "N2O", "MOENV-2024").to("t CO2e").magnitude
    265.0
    """
    value = gwp_value(gas, gwp_set, ch4_kind)
    if hasattr(mass, "to"):
        # strip the gas dimension if the caller attached one
        dims = {str(u) for u in mass.units._units}
        gas_units = {"CO2", "CH4", "N2O", "SF6", "NF3", "HFC", "PFC", "CO2_bio"}
        m = mass
        for u in dims & gas_units:
            m = m / ureg(u)
        tonnes = m.to("t").magnitude
    else:
        tonnes = float(mass)
    return Q_(tonnes * value, "t * CO2e")
