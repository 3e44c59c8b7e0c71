"""The CEO class's quick estimate: the core's numbers for bills in Taiwanese units."""

import pytest

from carbon.errors import InputError
from carbon.estimate import quick_estimate


def test_by_hand():
    q = quick_estimate({"electricity": 1_000_000, "natural_gas": 50_000}, year="民國113年")
    lines = {d["key"]: d["tco2e"] for d in q.lines}
    assert lines["electricity"] == pytest.approx(1_000_000 * 0.474 / 1000, rel=1e-12)  # tw-grid/2024 0.474 kg/kWh
    # 50,000 m3 × 8,000 kcal/m3 (6.0.4 default) × 4.1868e-9 TJ/kcal × 56,100 kg CO2/TJ, + CH4 1 × 30, N2O 0.1 × 265
    tj = 50_000 * 8000 * 4.1868e-9
    assert lines["natural_gas"] == pytest.approx(tj * (56_100 + 1 * 30 + 0.1 * 265) / 1000, rel=1e-9)
    assert q.total_tco2e == pytest.approx(sum(lines.values()))
    assert q.top3 == ("electricity", "natural_gas") and q.year == 2024
    assert q.to_dict()["factor_editions"]["moenv-2024"] == "2024-02-05"


def test_units_are_checked_and_converted():
    a = quick_estimate({"electricity": 1000}, units={"electricity": "千度"})
    b = quick_estimate({"electricity": 1_000_000})
    assert a.total_tco2e == pytest.approx(b.total_tco2e, rel=1e-12)
    with pytest.raises(InputError):
        quick_estimate({"electricity": 1000}, units={"electricity": "公升"})


def test_bad_lines_are_named():
    with pytest.raises(InputError, match="coal"):
        quick_estimate({"coal": 5})
    with pytest.raises(InputError, match="at least one"):
        quick_estimate({"electricity": 0})
