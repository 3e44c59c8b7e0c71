"""Custom factors: the project's own factors (and carbon's built-ins) added to a registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from carbon.errors import FactorTableError
from carbon.factors.model import NUM_COLS, STR_COLS
from carbon.units import split_factor_unit

if TYPE_CHECKING:
    from carbon.factors.registry import FactorRegistry

__all__ = ["with_custom"]


def with_custom(registry: FactorRegistry, custom: pd.DataFrame, dataset: str = "custom", edition: str = "user") -> FactorRegistry:
    """Return a registry with user-defined factors added.

    Parameters
    ----------
    registry : FactorRegistry
    custom : pandas.DataFrame
        Factor rows in the ``factors/schema.csv`` columns; ids must be new, units must
        parse as ``'<mass> <gas>/<unit>'``.
    dataset : str
        Dataset of ids without a ``<dataset>/`` prefix.
    edition : str
        Edition recorded with every number computed from these factors.

    Raises
    ------
    FactorTableError
        An id that already exists in the library.
    UnitError
        A unit that does not parse.
    """
    from carbon.factors.registry import FactorRegistry

    if custom is None or len(custom) == 0:
        return registry
    df = custom.copy()
    for c in STR_COLS + NUM_COLS:
        if c not in df.columns:
            df[c] = pd.NA
    for c in STR_COLS:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    for c in NUM_COLS:
        df[c] = pd.to_numeric(df[c])
    clash = sorted(i for i in set(df["factor_id"]) if i in registry)
    if clash:
        msg = f"Custom factor id(s) {clash[:5]} already exist in the library; give them other ids (e.g. 'custom/...')."
        raise FactorTableError(msg)
    for u in df["unit"].dropna().unique():
        split_factor_unit(u)
    df["dataset"] = df["factor_id"].str.split("/").str[0].fillna(dataset)
    df["edition"] = edition
    meta = dict(registry.meta)
    title = "carbon's definitional constants" if dataset == "carbon" else "factors defined in the project file"
    for ds in df["dataset"].unique():
        meta.setdefault(ds, {"dataset": {"id": ds, "title": title, "edition": edition}})
    table = pd.concat([registry.table, df[registry.table.columns.intersection(df.columns)]], ignore_index=True)
    return FactorRegistry(table, meta, registry.directory)
