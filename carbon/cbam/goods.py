"""CBAM goods: CN codes, Annex I, aggregated goods categories, Annex II and the indirect rule.

One module answers every "which good is this" question of the CBAM code, from the legal
texts copied into ``factors/sources/cbam/legal/`` (read when first needed, with the file
and line each entry came from):

* :func:`normalise_cn` — the one CN-code normalisation (``"7318 15 42"`` → ``"73181542"``).
* :func:`annex_i` — the goods of Annex I of Regulation (EU) 2023/956 (CN code, sector,
  description, greenhouse gases); :func:`is_cbam_good`.
* :data:`CATEGORY_CN` — the aggregated goods categories of IR (EU) 2025/2547 Annex I
  Table 1 as the Communication template names them, with the line of the table.
* :func:`annex_ii` — Annex II of Regulation (EU) 2023/956 (goods for which only direct
  emissions count, Art 7(1)) with the electricity table added by Regulation (EU) 2025/2083
  Art 1(29); :func:`is_annex_ii`.
* :func:`indirect_counts` — the rule: indirect emissions count in the definitive period
  for every good *not* in Annex II.

CN semantics
------------
A CN code is a prefix: ``7318`` (heading) holds ``7318 15 42``.  A trailing ``00`` pair
means "not subdivided", so ``7309 00`` is the whole heading ``7309`` and ``2716 00 00``
the whole heading ``2716``.  A code is *in* a list when it lies wholly inside an entry and
inside none of its exceptions; a code that is only partly inside (heading ``7202`` against
Annex II, whose ferro-silicon ``7202 2`` is excepted) cannot be answered and raises, asking
for the full code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from carbon.errors import CalculationError
from carbon.paths import FACTORS_DIR

__all__ = [
    "CATEGORY_CN",
    "CATEGORY_SOURCE",
    "LEGAL_DIR",
    "AnnexEntry",
    "AnnexList",
    "annex_i",
    "annex_ii",
    "category_of",
    "indirect_counts",
    "is_annex_ii",
    "is_cbam_good",
    "normalise_cn",
]

LEGAL_DIR = FACTORS_DIR / "sources" / "cbam" / "legal"
R956_FILE = "reg-2023-956-cbam-regulation.txt"
R2083_FILE = "reg-2025-2083-omnibus.txt"
IR2547_FILE = "ir-2025-2547-definitive-period-methodology.txt"

_SECTORS = ("Cement", "Electricity", "Fertilisers", "Iron and steel", "Aluminium", "Chemicals")
_CODE_RX = re.compile(r"^(?:Except:\s*)?(\d{2,4}(?: \d{1,2}){0,3}) \u2013 (.*)$")


def normalise_cn(cn_code: object) -> str:
    """Return a CN code as digits only (``"7318 15 42"``, ``73181542.0`` → ``"73181542"``).

    Parameters
    ----------
    cn_code : str, int or float
        CN code with or without spaces, dots or hyphens; 4, 6 or 8 digits (heading,
        subheading, CN subheading).  ``None`` and ``""`` give ``""`` (no code).

    Returns
    -------
    str
        The digits.

    Raises
    ------
    CalculationError
        If the code is not 4, 6 or 8 digits.

    References
    ----------
    Council Regulation (EEC) No 2658/87, Annex I (the Combined Nomenclature: 8-digit codes,
    6-digit HS subheadings, 4-digit headings).
    """
    if cn_code is None:
        return ""
    if isinstance(cn_code, float) and cn_code.is_integer():
        cn_code = int(cn_code)
    s = "".join(ch for ch in str(cn_code) if not ch.isspace() and ch not in ".-")
    if not s:
        return ""
    if not s.isdigit() or len(s) not in (4, 6, 8):
        msg = f"CN code {cn_code!r}: expected 4, 6 or 8 digits (e.g. '7318 15 42')."
        raise CalculationError(msg)
    return s


def _digits(cn_code: object) -> str:
    """Digits of a code of any length (annex entries such as ``7202 2``); see :func:`normalise_cn`."""
    if isinstance(cn_code, float) and cn_code.is_integer():
        cn_code = int(cn_code)
    return "".join(ch for ch in str(cn_code or "") if ch.isdigit())


def _stem(code: str) -> str:
    """The code without trailing ``00`` pairs beyond the heading (``730900`` → ``7309``)."""
    while len(code) > 4 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass(frozen=True)
class AnnexEntry:
    """One CN entry of an annex.

    Attributes
    ----------
    code : str
        Digits as printed (``"7202 2"`` → ``"72022"``; ``"72"`` for the whole chapter).
    description : str
        Text after the dash, first line.
    sector : str
        Table heading (``"Iron and steel"``, ``"Aluminium"`` ...).
    exception : bool
        Printed under "Except:" (the code is taken *out* of the list).
    source : str
        ``file:line`` of the entry.
    """

    code: str
    description: str
    sector: str
    exception: bool
    source: str


@dataclass(frozen=True)
class AnnexList:
    """A list of CN entries with exceptions (Annex I or Annex II of R 2023/956).

    Attributes
    ----------
    name : str
        Which annex.
    entries : tuple of AnnexEntry
        Included codes and exceptions, in the order printed.
    source : str
        ``file:first-last`` lines read.
    """

    name: str
    entries: tuple[AnnexEntry, ...]
    source: str

    def status(self, cn_code: object) -> bool | None:
        """Whether a CN code lies in the list: True wholly, False not at all, None partly.

        Parameters
        ----------
        cn_code : str
            CN code (normalised by :func:`normalise_cn`).

        Returns
        -------
        bool or None
        """
        q = _stem(_digits(cn_code))
        inc = [_stem(e.code) for e in self.entries if not e.exception]
        exc = [_stem(e.code) for e in self.entries if e.exception]
        if not q or any(q.startswith(x) for x in exc):
            return False
        partly_excepted = any(x.startswith(q) for x in exc)
        if any(q.startswith(e) for e in inc):
            return None if partly_excepted else True
        return None if any(e.startswith(q) for e in inc) else False

    def entry(self, cn_code: object) -> AnnexEntry | None:
        """The most specific included entry that holds the code (None if none)."""
        q = _stem(_digits(cn_code))
        hits = [e for e in self.entries if not e.exception and q.startswith(_stem(e.code))]
        return max(hits, key=lambda e: len(_stem(e.code))) if hits else None


def _read_lines(directory: Path, fname: str) -> list[str]:
    path = directory / fname
    if not path.exists():
        msg = f"{path}: missing; restore the legal text copy (factors/sources/SOURCES.md)."
        raise CalculationError(msg)
    return path.read_text(encoding="utf-8").split("\n")  # line numbers as grep counts them


def _annex_bounds(lines: list[str], first: str, after: str, fname: str) -> tuple[int, int]:
    try:
        start = next(i for i, s in enumerate(lines) if s.strip() == first)
        end = next(i for i, s in enumerate(lines) if s.strip() == after and i > start)
    except StopIteration:
        msg = f"{fname}: headings {first!r} / {after!r} not found; the legal text copy is damaged or another edition."
        raise CalculationError(msg) from None
    return start, end


def _parse_entries(lines: list[str], start: int, end: int, fname: str) -> list[AnnexEntry]:
    """CN entries between two line indices: sector headings, codes, 'Except:' blocks."""
    out: list[AnnexEntry] = []
    sector = ""
    in_except = False
    for i in range(start, end):
        s = lines[i].strip()
        if s in _SECTORS:
            sector, in_except = s, False
            continue
        if s.startswith("Except"):
            in_except = True
        elif s.startswith("Carbon dioxide"):
            in_except = False
        m = _CODE_RX.match(s)
        if m:
            code = m.group(1).replace(" ", "")
            out.append(AnnexEntry(code, m.group(2).strip(), sector, in_except, f"{fname}:{i + 1}"))
    return out


@functools.cache
def annex_i(directory: str | None = None) -> AnnexList:
    """Annex I of Regulation (EU) 2023/956: the goods covered by CBAM.

    Parameters
    ----------
    directory : str, optional
        Folder of the legal text copies (default ``factors/sources/cbam/legal``).

    Returns
    -------
    AnnexList
        Entries with sector and the line they were read from.

    References
    ----------
    Regulation (EU) 2023/956, Art 2(1) and Annex I point 1.
    """
    d = Path(directory) if directory else LEGAL_DIR
    lines = _read_lines(d, R956_FILE)
    start, end = _annex_bounds(lines, "ANNEX I", "ANNEX II", R956_FILE)
    entries = _parse_entries(lines, start, end, R956_FILE)
    return AnnexList("Annex I of R 2023/956", tuple(entries), f"{R956_FILE}:{start + 1}-{end}")


@functools.cache
def annex_ii(directory: str | None = None) -> AnnexList:
    """Annex II of Regulation (EU) 2023/956: goods for which only direct emissions count.

    Iron and steel (chapter 72 except the ferro-alloys listed, and scrap 7204; headings
    7301-7326 listed), aluminium, hydrogen, and electricity added by Regulation (EU)
    2025/2083 Art 1(29).

    Parameters
    ----------
    directory : str, optional
        Folder of the legal text copies (default ``factors/sources/cbam/legal``).

    Returns
    -------
    AnnexList

    References
    ----------
    Regulation (EU) 2023/956, Art 7(1) and Annex II; Regulation (EU) 2025/2083, Art 1(29).
    """
    d = Path(directory) if directory else LEGAL_DIR
    lines = _read_lines(d, R956_FILE)
    start, end = _annex_bounds(lines, "ANNEX II", "ANNEX III", R956_FILE)
    entries = _parse_entries(lines, start, end, R956_FILE)
    omnibus = _read_lines(d, R2083_FILE)
    rx = re.compile(r"^in Annex II, the following table is added")
    at = next((i for i, s in enumerate(omnibus) if rx.search(s.split(") ", 1)[-1])), None)
    if at is None:
        msg = f"{R2083_FILE}: the amendment 'in Annex II, the following table is added' (Art 1(29)) was not found."
        raise CalculationError(msg)
    added = _parse_entries(omnibus, at + 1, at + 5, R2083_FILE)
    added = [
        AnnexEntry(e.code, e.description.removesuffix("Carbon dioxide\u2019").strip(), "Electricity", False, e.source)
        for e in added
    ]
    if [e.code for e in added] != ["27160000"]:
        msg = f"{R2083_FILE}:{at + 1}: expected the electricity table (2716 00 00) after Art 1(29), found {added}."
        raise CalculationError(msg)
    return AnnexList(
        "Annex II of R 2023/956 (as amended by R 2025/2083)", (*entries, *added), f"{R956_FILE}:{start + 1}-{end}"
    )


def is_cbam_good(cn_code: object) -> bool:
    """True if the CN code is wholly a good of Annex I of Regulation (EU) 2023/956.

    Parameters
    ----------
    cn_code : str
        CN code.

    Returns
    -------
    bool
        False also for a heading only partly covered (``3105``: ``3105 60 00`` is excepted).

    References
    ----------
    Regulation (EU) 2023/956, Art 2(1) and Annex I.
    """
    return annex_i().status(cn_code) is True


def is_annex_ii(cn_code: object) -> bool:
    """True if only direct emissions count for the good (Annex II of R 2023/956).

    Parameters
    ----------
    cn_code : str
        CN code (4, 6 or 8 digits).

    Returns
    -------
    bool

    Raises
    ------
    CalculationError
        The code is only partly in Annex II (e.g. ``7202``: ferro-manganese is, ferro-silicon
        is not); give the full 8-digit code.

    References
    ----------
    Regulation (EU) 2023/956, Art 7(1) and Annex II; Regulation (EU) 2025/2083, Art 1(29).
    """
    st = annex_ii().status(cn_code)
    if st is None:
        msg = (
            f"CN {normalise_cn(cn_code)}: only part of this heading is in Annex II of R 2023/956 (direct emissions "
            "only); give the full 8-digit CN code."
        )
        raise CalculationError(msg)
    return st


#: Aggregated goods category (as the Communication template v2.1.1 names it in
#: ``CONST_LIST_Goods``) → (CN code, line of IR (EU) 2025/2547 Annex I Table 1 in
#: ``ir-2025-2547-definitive-period-methodology.txt`` where it is printed); the tests check
#: each line.  Categories with many headings list representative ones (Annex II status is
#: the same for all headings of a category).
_CATEGORY_TABLE: Mapping[str, tuple[tuple[str, int], ...]] = MappingProxyType(
    {
        "Cement clinker": (("25231000", 638),),
        "Cement": (("25232100", 639), ("25232900", 641), ("25239000", 642)),
        "Calcined clays": (("25070080", 637),),
        "Aluminous cement": (("25233000", 644),),
        "Electricity (export to EU)": (("27160000", 646),),
        "Nitric acid": (("28080000", 648),),
        "Urea": (("310210", 650),),
        "Ammonia": (("2814", 651),),
        "Mixed fertilisers": (("3105", 655), ("28342100", 652), ("3102", 653)),
        "Hydrogen": (("28041000", 835),),
        "Sintered Ore": (("26011200", 664),),
        "Pig iron": (("7201", 667),),
        "Alloys (FeMn, FeCr, FeNi)": (("72021", 673), ("72024", 679), ("72026", 680)),
        "Direct reduced iron": (("7203", 681),),
        "Crude steel": (("7206", 684), ("7207", 686), ("7218", 688), ("7224", 690)),
        "Iron or steel products": (("7208", 695), ("7318", 783)),
        "Unwrought aluminium": (("7601", 788),),
        "Aluminium products": (("7604", 798), ("7616", 831)),
    }
)
#: Aggregated goods category → CN codes (IR 2025/2547 Annex I Table 1).
CATEGORY_CN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {k: tuple(c for c, _ in v) for k, v in _CATEGORY_TABLE.items()}
)
#: Aggregated goods category → lines of IR 2025/2547 Annex I Table 1 (``file:line``).
CATEGORY_SOURCE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {k: tuple(f"{IR2547_FILE}:{n}" for _, n in v) for k, v in _CATEGORY_TABLE.items()}
)


def category_of(category: str) -> tuple[str, ...]:
    """CN codes of an aggregated goods category (case and outer spaces ignored; () if unknown).

    Parameters
    ----------
    category : str
        Aggregated goods category as the template names it.

    Returns
    -------
    tuple of str
        CN codes (see :data:`CATEGORY_CN`).

    References
    ----------
    IR (EU) 2025/2547 Annex I point 2, Table 1.
    """
    key = category.strip().lower()
    for name, codes in CATEGORY_CN.items():
        if name.lower() == key:
            return codes
    return ()


def indirect_counts(cn_code: object = "", category: str = "") -> bool:
    """Whether indirect emissions count in the definitive period for a good.

    Goods listed in Annex II of Regulation (EU) 2023/956 (iron and steel, aluminium,
    hydrogen, electricity) count direct emissions only (Art 7(1)); all others (cement,
    fertilisers, agglomerated iron ore) count direct and indirect emissions.

    Parameters
    ----------
    cn_code : str
        CN code of the good; if empty the aggregated goods ``category`` is used.
    category : str
        Aggregated goods category (template list name), see :data:`CATEGORY_CN`.

    Returns
    -------
    bool
        True when indirect emissions count; also when neither a code nor a known category
        is given (conservative: nothing is left out).

    Raises
    ------
    CalculationError
        The CN code is only partly in Annex II (give the full code) or malformed.

    References
    ----------
    Regulation (EU) 2023/956, Art 7(1) and Annex II; Regulation (EU) 2025/2083, Art 1(29);
    IR (EU) 2025/2547 Annex I Table 1 (aggregated goods categories).
    """
    if normalise_cn(cn_code):
        return not is_annex_ii(cn_code)
    codes = category_of(category) if category else ()
    if not codes:
        return True
    return not any(annex_ii().status(c) is not False for c in codes)
