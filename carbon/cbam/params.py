"""Dated, sourced parameters of the EU CBAM cost model and of Taiwan's carbon fee.

Every parameter is a :class:`Param` that names its legal source (act + article) and,
where the legal text copied into ``factors/sources/cbam/legal/`` states the value, a
verbatim ``quote`` from that file; ``tests/test_cbam_defaults_cost.py`` checks that each
quote occurs in the named file and contains the value.  Parameters whose primary text is
*not* in ``factors/sources`` carry ``status="secondary"`` (taken from the project fact
sheets ``docs/FACTS-cbam.md`` / ``docs/FACTS-taiwan.md``, cross-checked in the tests) or
``status="provisional"`` (no official value published).

The certificate price is never a parameter here: it is an input of every cost function
(2026: quarterly average of the quarter of importation, Art 21(1a); from 2027: weekly
average, Art 21(1) of Regulation (EU) 2023/956 as amended by Regulation (EU) 2025/2083).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from carbon.errors import CalculationError

__all__ = [
    "CBAM_FACTOR",
    "CERTIFICATE_PRICE_RULE",
    "CSCF_PROVISIONAL",
    "DE_MINIMIS_T",
    "LEGAL_FILES",
    "Param",
    "cbam_factor",
    "cscf",
]

#: Legal texts (relative to ``factors/sources/cbam/legal/``) quoted below.
LEGAL_FILES = {
    "R2023/956": "reg-2023-956-cbam-regulation.txt",
    "R2025/2083": "reg-2025-2083-omnibus.txt",
    "IR2025/2621": "ir-2025-2621-default-values.txt",
    "IR2025/2547": "ir-2025-2547-definitive-period-methodology.txt",
}


@dataclass(frozen=True)
class Param:
    """One dated, sourced parameter.

    Attributes
    ----------
    name : str
        Short name.
    value : float
        The value. [unit]
    unit : str
        Unit of ``value`` (``"1"`` for a ratio).
    valid_from, valid_to : str
        ISO dates of validity (``valid_to`` empty = open-ended).
    source : str
        Act and article.
    status : str
        ``"legal-text"`` (quoted from a file in factors/sources), ``"secondary"``
        (primary text not in factors/sources) or ``"provisional"`` (no official value).
    quote : str
        Verbatim text from ``legal_file`` that states the value ("" if none).
    legal_file : str
        Key of :data:`LEGAL_FILES` where ``quote`` is found ("" if none).
    """

    name: str
    value: float
    unit: str
    valid_from: str
    valid_to: str
    source: str
    status: str
    quote: str = ""
    legal_file: str = ""

    def to_dict(self) -> dict:
        """Return a plain dict (JSON-ready)."""
        return asdict(self)


# --- CBAM factor (share of EU free allocation still given), 2026-2034 --------------------
_CBAM_SOURCE = (
    "Directive 2003/87/EC Art 10a(1a) as amended by Directive (EU) 2023/959 (CBAM factor), applied through "
    "R 2023/956 Art 31 and IR 2025/2620 Eq 2/6; primary text not in factors/sources: values as in "
    "docs/FACTS-cbam.md §3.2 [S], cross-checked in the tests"
)
_CBAM_VALUES = {
    2026: 0.975,
    2027: 0.95,
    2028: 0.90,
    2029: 0.775,
    2030: 0.515,
    2031: 0.39,
    2032: 0.265,
    2033: 0.14,
    2034: 0.0,
}
#: CBAM factor per calendar year of import [1]: the share of the benchmark still deducted
#: as free-allocation adjustment.  0 from 2034 (no free allocation left).
CBAM_FACTOR: dict[int, Param] = {
    y: Param(
        name=f"CBAM factor {y}",
        value=v,
        unit="1",
        valid_from=f"{y}-01-01",
        valid_to=f"{y}-12-31" if y < 2034 else "",
        source=_CBAM_SOURCE,
        status="secondary",
    )
    for y, v in _CBAM_VALUES.items()
}


def cbam_factor(year: int) -> Param:
    """Return the CBAM factor for a calendar year of import.

    Parameters
    ----------
    year : int
        Calendar year of import (2026 or later).

    Returns
    -------
    Param
        The factor [1]; 0 from 2034 on.

    Raises
    ------
    CalculationError
        For years before 2026 (transitional period: reporting only, no certificates,
        R 2023/956 Art 32).

    References
    ----------
    Directive 2003/87/EC Art 10a(1a) as amended by Directive (EU) 2023/959; Regulation (EU) 2023/956 Art 31.
    """
    if year < 2026:
        msg = f"year {year}: CBAM certificates are due only for imports from 2026 (R 2023/956 Art 32, 36); give a year >= 2026."
        raise CalculationError(msg)
    return CBAM_FACTOR[min(year, 2034)]


#: Cross-sectoral correction factor (CSCF) used with the benchmarks, IR 2025/2620 Eq 2/6.
#: No value for 2026-2030 is in factors/sources and the secondary sources conflict
#: (1.0 / unpublished / 0.87, FACTS-cbam §3.2, §9 item 3): 1.0 is used and every result
#: that uses it says so.  Pass ``cscf=`` to the cost functions to override.
CSCF_PROVISIONAL = Param(
    name="CSCF 2026-2030",
    value=1.0,
    unit="1",
    valid_from="2026-01-01",
    valid_to="2030-12-31",
    source=(
        "Directive 2003/87/EC Art 10a(5); IR 2025/2620 Eq 2/6 (SFA = CBAM_y × CSCF_y × BM). Value for 2026-2030 "
        "not in factors/sources; conflicting secondary sources (FACTS-cbam §3.2): 1.0 assumed"
    ),
    status="provisional",
)


def cscf(year: int) -> Param:
    """Return the cross-sectoral correction factor used for ``year`` (provisional 1.0).

    Parameters
    ----------
    year : int
        Calendar year of import.

    Returns
    -------
    Param
        :data:`CSCF_PROVISIONAL` [1].

    References
    ----------
    Directive 2003/87/EC Art 10a(5); IR (EU) 2025/2620 Eq 2 and 6.
    """
    cbam_factor(year)  # same year check
    return CSCF_PROVISIONAL


# --- de minimis (R 2025/2083 Art 2a, Annex VII) --------------------------------------------
DE_MINIMIS_T = Param(
    name="single mass-based threshold",
    value=50.0,
    unit="t",
    valid_from="2026-01-01",
    valid_to="",
    source="R 2023/956 Art 2a(1) and Annex VII point 1, inserted by R 2025/2083 Art 1(2) and Annex II",
    status="legal-text",
    quote="The single mass-based threshold referred to in Article 2a shall be set at 50 tonnes of net mass.",
    legal_file="R2025/2083",
)
#: Art 2a(1): exempt where the net mass "does not cumulatively exceed" the threshold (<=);
#: Art 2a(4): not for electricity or hydrogen.
DE_MINIMIS_RULE_QUOTES = (
    (
        "R2025/2083",
        "shall be exempted from the obligations under this Regulation, where the net mass of the imported goods in a "
        "given calendar year does not cumulatively exceed the single mass-based threshold",
    ),
    ("R2025/2083", "This Article shall not apply to imports of electricity or hydrogen."),
)

# --- certificate price rule (an input, never a default) ------------------------------------
CERTIFICATE_PRICE_RULE = (
    (
        "R2025/2083",
        "the Commission shall calculate the price of CBAM certificates that corresponds to the embedded emissions "
        "declared in respect of the year 2026 in accordance with Article 6(2), point (b), as the quarterly average of "
        "the closing prices of EU ETS allowances on the auction platform",
    ),
    (
        "R2025/2083",
        "The Commission shall calculate the price of CBAM certificates as the average of the closing prices of EU ETS "
        "allowances on the auction platform, in accordance with the procedures laid down in Delegated Regulation (EU) "
        "2023/2830, for each calendar week.",
    ),
)

# --- carbon price paid (Art 9) ---------------------------------------------------------------
CARBON_PRICE_QUOTES = (
    (
        "R2025/2083",
        "Where the embedded emissions are determined on the basis of actual emissions, an authorised CBAM declarant "
        "may claim in the CBAM declaration a reduction in the number of CBAM certificates to be surrendered in order to "
        "take into account the carbon price paid in a third country for the declared embedded emissions.",
    ),
    (
        "R2025/2083",
        "Where the embedded emissions are determined on the basis of default values, a reduction may be claimed only by "
        "a reference to yearly default carbon prices.",
    ),
    (
        "R2025/2083",
        "the total number of CBAM certificates to be surrendered, corresponding to the total embedded emissions referred "
        "to in point (b) of this paragraph after the reduction that is due on the account of the carbon price paid in a "
        "third country in accordance with Article 9 and the adjustment necessary to reflect the extent to which EU ETS "
        "allowances are allocated free of charge in accordance with Article 31;",
    ),
)
