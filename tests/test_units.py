import datetime as dt

import numpy as np
import pint
import pytest

from carbon.errors import DateError, GasMixError, UnitError, UnitMismatchError
from carbon.units import Q_, convert, multiplier, parse_date, parse_roc_year, split_factor_unit


@pytest.mark.parametrize(
    ("tw", "en", "factor"),
    [
        ("度", "kWh", 1.0),
        ("千度", "MWh", 1.0),
        ("千度", "kWh", 1000.0),
        ("公秉", "kL", 1.0),
        ("公秉", "L", 1000.0),
        ("公升", "L", 1.0),
        ("立方公尺", "m**3", 1.0),
        ("千立方公尺", "m**3", 1000.0),
        ("公噸", "t", 1.0),
        ("公斤", "kg", 1.0),
        ("噸公里", "t*km", 1.0),
        ("人時", "person_hour", 1.0),
        ("人天", "person_day", 1.0),
        ("人日", "person_day", 1.0),
        ("延人公里", "pkm", 1.0),
        ("MMBtu", "GJ", 1.055056),
        ("TJ", "GJ", 1000.0),
        ("Kcal/M3", "kcal/m3", 1.0),
    ],
    ids=lambda v: str(v),
)
def test_taiwanese_aliases(tw, en, factor):
    assert multiplier(tw, en) == pytest.approx(factor, rel=1e-12)


def test_kcal_is_international_table():
    # MOENV 6.0.4 sheet 1 col F: 1 kcal = 4.1868e-9 TJ
    assert multiplier("kcal", "TJ") == pytest.approx(4.1868e-9, rel=1e-15)
    # diesel: 74,100 kg CO2/TJ × 8,400 kcal/L -> 2.606031792 kg CO2/L
    assert 74100 * 8400 * multiplier("kcal", "TJ") == pytest.approx(2.606031792, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "year"),
    [("民國113年", 2024), ("113年", 2024), ("113", 2024), (113, 2024), ("2024", 2024), (2023, 2023), ("中華民國112年度", 2023), (112.0, 2023)],
    ids=str,
)
def test_roc_years(text, year):
    assert parse_roc_year(text) == year


@pytest.mark.parametrize("bad", ["abc", "", "民國年", 5000, True])
def test_bad_years_refused(bad):
    with pytest.raises(DateError):
        parse_roc_year(bad)


@pytest.mark.parametrize(
    ("text", "date"),
    [("113/01/31", dt.date(2024, 1, 31)), ("民國113年2月29日", dt.date(2024, 2, 29)), ("2024-12-31", dt.date(2024, 12, 31))],
    ids=str,
)
def test_dates(text, date):
    assert parse_date(text) == date


def test_invalid_date():
    with pytest.raises(DateError, match="not a valid calendar date"):
        parse_date("113/02/30")


def test_adding_different_gases_is_refused():
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "t CH4") + Q_(1, "t CO2")
    with pytest.raises(GasMixError, match="GWP"):
        multiplier("t CH4", "t CO2")
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "t CO2_bio") + Q_(1, "t CO2")


def test_volume_to_energy_refused():
    with pytest.raises(UnitMismatchError, match="cannot be converted"):
        multiplier("m3", "TJ")


def test_person_day_is_not_24_person_hours():
    with pytest.raises(UnitMismatchError):
        multiplier("人天", "人時")


def test_unknown_unit_suggests():
    with pytest.raises(UnitError, match="Unknown unit"):
        multiplier("公秉秉", "L")


def test_convert_is_vectorised_one_factor_per_unit():
    vals = np.array([1.0, 2.0, 3.0, 4.0])
    units = np.array(["度", "千度", "kWh", "MWh"])
    assert convert(vals, units, "kWh").tolist() == [1.0, 2000.0, 3.0, 4000.0]


def test_split_factor_unit():
    assert split_factor_unit("kg CO2/TJ") == ("kg", "CO2", "TJ")
    assert split_factor_unit("t CH4/person_hour") == ("t", "CH4", "person_hour")
    assert split_factor_unit("kg HFC-134a/kg") == ("kg", "HFC-134a", "kg")
    with pytest.raises(UnitError):
        split_factor_unit("CO2 per TJ")
