"""Factor objects and the library's constants (standard library only: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["GAS_ORDER", "HEAT_VALUE_FALLBACK", "NUM_COLS", "PLACEHOLDER_GAS", "SEARCH_ORDER", "STR_COLS", "Factor", "GasValue"]

#: Text columns of ``factors/schema.csv``.
STR_COLS = [
    "factor_id", "name_zh", "name_en", "kind", "moenv_code", "gas", "unit", "u_dist",
    "heat_value_unit", "basis", "valid_from", "valid_to", "announced", "gwp_set", "source_ref", "note",
]  # fmt: skip
#: Number columns of ``factors/schema.csv``.
NUM_COLS = ["value", "value_low", "value_high", "heat_value"]
#: Datasets in the order search results list them: the binding MOENV set first.
SEARCH_ORDER = ["moenv-2024", "tw-grid", "moenv-6.0.4", "ipcc-2006", "tw-cfp", "cbam-defaults-2026", "cbam-benchmarks"]
#: Order of the gases of a factor.
GAS_ORDER = {"CO2": 0, "CH4": 1, "N2O": 2, "HFC": 3, "PFC": 4, "SF6": 5, "NF3": 6}
#: Name of the gas in a factor row meaning "the gas named on the source" (refrigerants).
PLACEHOLDER_GAS = "REFRIGERANT"

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


def source_of(meta: dict) -> dict:
    """The provenance a :class:`Factor` carries, from its dataset's ``meta.toml``."""
    m = meta.get("dataset", {})
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
    return {k: v for k, v in source.items() if v is not None}


def factor_from_rows(factor_id: str, rows: list[dict], meta: dict) -> Factor:
    """Build a :class:`Factor` from its rows (one per gas; missing cells None, numbers float).

    Parameters
    ----------
    factor_id : str
    rows : list of dict
        The factor's rows in ``factors/schema.csv`` columns plus ``dataset`` and ``edition``.
    meta : dict
        The ``meta.toml`` content of the factor's dataset.
    """
    first = rows[0]
    ordered = sorted(rows, key=lambda r: GAS_ORDER.get(r["gas"], 99))
    gases = {
        r["gas"]: GasValue(
            gas=r["gas"],
            value=float(r["value"]),
            unit=r["unit"],
            low=r.get("value_low"),
            high=r.get("value_high"),
            u_dist=r.get("u_dist"),
            source_ref=r.get("source_ref"),
        )
        for r in ordered
    }
    return Factor(
        id=factor_id,
        name_zh=first.get("name_zh") or "",
        name_en=first.get("name_en") or "",
        dataset=first["dataset"],
        edition=str(first["edition"]),
        kind=first.get("kind") or "",
        gases=gases,
        heat_value=first.get("heat_value"),
        heat_value_unit=first.get("heat_value_unit"),
        moenv_code=first.get("moenv_code"),
        basis=first.get("basis"),
        valid_from=first.get("valid_from"),
        valid_to=first.get("valid_to"),
        announced=first.get("announced"),
        gwp_set=first.get("gwp_set"),
        source_ref=first.get("source_ref"),
        note=first.get("note"),
        source=source_of(meta),
    )
