"""Taiwan carbon-fee exposure for the quick estimate, through carbon.cbam.cost.taiwan_carbon_fee.

碳費 = (年排放量 − K) × 排放量調整係數 × 費率, K = 25,000 t CO2e; payers are sites whose
direct + electricity-indirect emissions reach 25,000 t CO2e a year; general rate NT$300/t.

References
----------
.. [1] 碳費收費辦法 §3, §5 (2024-08-29); 環境部公告「碳費徵收費率」(2024-10-21).
"""

from __future__ import annotations

THRESHOLD_T = 25_000.0  # 碳費收費辦法 §3: payers' direct + electricity-indirect emissions [t CO2e/yr]


def fee_exposure(emissions_t: float, rate: str = "general") -> float:
    """Yearly carbon fee of a site emitting ``emissions_t`` (0 below the threshold). [TWD]

    Parameters
    ----------
    emissions_t : float
        Direct + electricity-indirect emissions of the year. [t CO2e]
    rate : {"general", "A", "B"}
        Fee rate (general NT$300, preferential A NT$50 / B NT$100).
    """
    from carbon.cbam.cost import taiwan_carbon_fee

    if emissions_t < THRESHOLD_T:
        return 0.0
    price = taiwan_carbon_fee(emissions_t, 1.0, rate=rate)  # at 1 TWD/EUR the "EUR" price is TWD/t
    return round(price.eur_per_t * emissions_t)
