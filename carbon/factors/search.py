"""Search the factor library by words (standard library only, so `carbon factors search` starts fast).

The same rule serves :meth:`carbon.factors.FactorRegistry.search` (over the loaded
table) and :func:`search_library` (over the CSV files read with :mod:`csv`, without
pandas or pint): every word must occur in the factor's id, Chinese or English name,
MOENV code, year or kind; ROC years are understood (``電力 112`` finds 2023).
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from carbon.factors.model import NUM_COLS, SEARCH_ORDER, Factor, factor_from_rows

__all__ = ["BUILTIN_ROWS", "SearchIndex", "library_rows", "search_library"]

#: Cell texts pandas reads as missing (``pandas.read_csv`` defaults), so both readers agree.
_NA = frozenset(
    ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
)

#: Built-in definitional factors (not publisher data): a mass emitted as it is, and
#: carbon converted to CO2 by the ratio of molar masses 44/12.
BUILTIN_ROWS = [
    {
        "factor_id": "carbon/emitted-as-is",
        "name_zh": "逸散量即排放量",
        "name_en": "mass emitted as it is",
        "kind": "direct",
        "gas": "REFRIGERANT",
        "value": 1.0,
        "unit": "kg REFRIGERANT/kg",
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
#: Metadata of the built-in factors' dataset.
BUILTIN_META = {"dataset": {"id": "carbon", "title": "carbon's definitional constants", "edition": "definition"}}


def _cell(name: str, text: str):
    """A CSV cell as the library reads it: missing → None, number columns → float."""
    if text in _NA:
        return None
    return float(text) if name in NUM_COLS else text


def _dataset_rows(d: Path) -> tuple[list[dict], dict]:
    """Rows and metadata of one dataset directory (``factors.csv`` + ``meta.toml``)."""
    meta = tomllib.loads((d / "meta.toml").read_text(encoding="utf-8"))
    ds = meta.get("dataset", {})
    dataset, edition = ds.get("id", d.name), str(ds.get("edition", ""))
    with (d / "factors.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(line for line in fh if not line.startswith("#"))
        header = next(reader)
        rows = [{h: _cell(h, v) for h, v in zip(header, rec, strict=True)} | {"dataset": dataset, "edition": edition} for rec in reader]
    return rows, meta


@lru_cache(maxsize=4)
def library_rows(directory: str) -> tuple[list[dict], dict[str, dict]]:
    """All factor rows of the library under ``directory`` and the built-ins, with each dataset's metadata."""
    rows: list[dict] = []
    metas: dict[str, dict] = {}
    for sub in sorted(p for p in Path(directory).iterdir() if p.is_dir() and (p / "factors.csv").exists()):
        r, meta = _dataset_rows(sub)
        rows += r
        metas[meta.get("dataset", {}).get("id", sub.name)] = meta
    rows += [r | {"dataset": "carbon", "edition": "definition"} for r in BUILTIN_ROWS]
    metas.setdefault("carbon", BUILTIN_META)
    return rows, metas


class SearchIndex:
    """Factor ids with their search text and Chinese name, in library order.

    Parameters
    ----------
    ids : iterable of str
        One id per factor, in the order of the library.
    haystack : mapping of str to str
        ``id → "id name_zh name_en(lower) moenv_code valid_from kind"`` (its first row).
    names : mapping of str to str
        ``id → name_zh`` (the first non-empty one).
    """

    def __init__(self, ids: Iterable[str], haystack: Mapping[str, str], names: Mapping[str, str]):
        self.ids = list(ids)
        self.low = [haystack[i].lower() for i in self.ids]
        self.names = names

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> SearchIndex:
        """Build the index from factor rows (dicts, missing cells None)."""
        hay: dict[str, str] = {}
        names: dict[str, str] = {}
        for r in rows:
            fid = r["factor_id"]
            if fid not in hay:
                hay[fid] = " ".join(
                    [fid, r.get("name_zh") or "", (r.get("name_en") or "").lower(), r.get("moenv_code") or "", r.get("valid_from") or "", r.get("kind") or ""]
                )
            if fid not in names and r.get("name_zh"):
                names[fid] = r["name_zh"]
        return cls(hay, hay, names)

    def search(self, query: str, dataset: str | None = None, limit: int = 50) -> list[str]:
        """Ids of the factors matching every word of ``query``, best first.

        Ranked: the id itself; a name equal to the query; the binding datasets first
        (:data:`~carbon.factors.model.SEARCH_ORDER`); ids ending in the query; shorter ids.
        """
        words = [w.lower() for w in re.split(r"\s+", query.strip()) if w]
        alts = [[w, str(int(w) + 1911)] if w.isdigit() and len(w) <= 3 and int(w) < 200 else [w] for w in words]
        prefix = dataset + "/" if dataset else ""
        hits = [
            i
            for i, low in zip(self.ids, self.low, strict=True)
            if i.startswith(prefix) and all(any(a in low for a in alt) for alt in alts)
        ]
        q = query.strip().lower()
        names = self.names

        def rank(i: str) -> tuple:
            ds = i.split("/")[0]
            order = SEARCH_ORDER.index(ds) if ds in SEARCH_ORDER else len(SEARCH_ORDER)
            return (i.lower() != q, str(names.get(i, "")).lower() != q, order, not i.lower().endswith(q), len(i))

        hits.sort(key=rank)
        return hits[:limit]


@lru_cache(maxsize=4)
def _library_index(directory: str) -> SearchIndex:
    return SearchIndex.from_rows(library_rows(directory)[0])


def search_library(query: str, dataset: str | None = None, limit: int = 50, directory: str | None = None) -> list[Factor]:
    """Search the bundled library without loading pandas or pint (what `carbon factors search` runs).

    Gives the same factors, in the same order, as ``load_registry().search(...)``.

    Parameters
    ----------
    query : str
        Words (Chinese, English, MOENV code, id, year; ROC years understood).
    dataset : str, optional
        Only this dataset.
    limit : int
        At most this many factors.
    directory : str, optional
        The library directory (default :data:`carbon.paths.FACTORS_DIR`).
    """
    from carbon.paths import FACTORS_DIR

    d = str(directory or FACTORS_DIR)
    rows, metas = library_rows(d)
    ids = _library_index(d).search(query, dataset, limit)
    wanted = set(ids)
    by_id: dict[str, list[dict]] = {}
    for r in rows:
        if r["factor_id"] in wanted:
            by_id.setdefault(r["factor_id"], []).append(r)
    return [factor_from_rows(i, by_id[i], metas.get(by_id[i][0]["dataset"], {})) for i in ids]
