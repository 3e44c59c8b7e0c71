"""Every error case: located (file, sheet, row, column), all problems together, unsolvable systems in words."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from carbon.errors import CalculationError, InputError
from carbon.product import calculate, from_dict, read_product
from tests.test_product_model import system


def problems(d) -> list:
    with pytest.raises(InputError) as err:
        calculate(from_dict(d, file="p.yaml"))
    return err.value.problems


def test_missing_producer_named_with_suggestion():
    d = system()
    d["exchanges"][1]["input"] = "parts"
    (p,) = problems(d)
    assert (p.file, p.sheet, p.row, p.column) == ("p.yaml", "exchanges", 2, "input")
    assert "'parts' is neither a process" in p.message and "missing producer" in p.message
    assert "'part'" in p.hint


def test_unit_mismatch_with_producer_and_factor():
    d = system()
    d["exchanges"][1]["unit"] = "kWh"  # part is made in kg
    d["exchanges"][2]["unit"] = "kg"  # power factor is per kWh
    ps = problems(d)
    assert [(p.row, p.column) for p in ps] == [(2, "unit"), (3, "input")]
    assert "output unit of 'part' (kg)" in ps[0].message
    assert "kg CO2e/kWh" in ps[1].message


def test_all_problems_together():
    d = system()
    d["processes"][0]["output_amount"] = "many"
    d["exchanges"][0]["kind"] = "inptu"
    d["exchanges"][2]["amount"] = None
    d["processes"].append({"name": "x", "output_amount": 1, "output_unit": "kg", "stage": "使用"})
    with pytest.raises(InputError) as err:
        from_dict(d, file="p.yaml")
    where = [(p.sheet, p.row, p.column) for p in err.value.problems]
    assert ("processes", 1, "output_amount") in where
    assert ("exchanges", 1, "kind") in where
    assert ("exchanges", 3, "amount") in where
    assert "3 problems" in str(err.value)


def test_stage_outside_boundary_and_unknown_boundary():
    d = system()
    d["processes"][0]["stage"] = "use"
    (p,) = problems(d)
    assert p.column == "stage" and "outside the boundary" in p.message
    d = system(product={"name": "a", "reference_process": "assemble", "amount": 1, "unit": "kg", "boundary": "cradle-to-moon"})
    with pytest.raises(InputError, match="boundary 'cradle-to-moon' is unknown"):
        from_dict(d)


def test_missing_allocation_and_bad_mass_allocation():
    from tests.test_product_model import coproduct

    ps = problems(coproduct([]))
    assert "co-products (B) but no allocation row" in ps[0].message and "§6.4.6" in ps[0].hint
    d = coproduct([{"process": "mill", "method": "mass"}])
    d["exchanges"][0]["unit"] = "kWh"
    ps = problems(d)
    assert "mass allocation of 'mill' needs every output in a mass unit" in ps[0].message
    ps = problems(coproduct([{"process": "mill", "method": "economic", "product": "mill", "value": 3}]))
    assert "no value for B" in ps[0].message


def test_unknown_factor_gas_transport_mode_reference():
    d = system(product={"name": "a", "reference_process": "assembly", "amount": 1, "unit": "kg"})
    d["exchanges"].append({"process": "part", "kind": "emission", "input": "CO3", "amount": 1, "unit": "kg"})
    d["exchanges"].append({"process": "part", "kind": "emission", "input": "CO2", "amount": 1, "unit": "kWh"})
    d["transport"] = [{"process": "part", "item": "x", "mass": 1, "mass_unit": "km", "distance_km": 5, "mode": "tw-cfp/truck"},
                      {"process": "part", "item": "y", "mass": 1, "mass_unit": "t", "distance_km": 5, "mode": "tw-cfp/xian-cai-pan-yuan"}]
    ps = problems(d)
    msgs = " | ".join(str(p) for p in ps)
    assert "Gas 'CO3' has no GWP" in msgs
    assert "emission amount must be a mass" in msgs
    assert "sheet 'transport', row 1, column 'mass_unit'" in msgs
    assert "does not fit factor tw-cfp/xian-cai-pan-yuan" in msgs  # per kg, not per t·km
    assert "reference_process 'assembly'" in msgs
    assert len(ps) == 5


def test_custom_factor_problems():
    d = system()
    d["factors"].append({"factor_id": "tw-cfp/xian-cai-pan-yuan", "gas": "CO2e", "value": 1, "unit": "kg CO2e/kg"})
    d["factors"].append({"factor_id": "custom/bad", "gas": "CO2e", "value": 1, "unit": "per kg"})
    ps = problems(d)
    assert [(p.sheet, p.row, p.column) for p in ps] == [("factors", 3, "factor_id"), ("factors", 4, "unit")]


def test_process_consuming_more_than_it_makes():
    d = system()
    d["exchanges"].append({"process": "part", "kind": "input", "input": "part", "amount": 1.5, "unit": "kg"})
    with pytest.raises(CalculationError, match=r"'part' consumes at least as much of its own product as it makes \(net output -0.5"):
        calculate(from_dict(d))


def test_loop_that_needs_more_than_it_makes():
    d = system()
    d["exchanges"].append({"process": "part", "kind": "input", "input": "assemble", "amount": 0.6, "unit": "kg"})
    # part needs 0.6 assembly, assembly needs 2 parts: loop gain sqrt(1.2) > 1
    with pytest.raises(CalculationError) as err:
        calculate(from_dict(d))
    msg = str(err.value)
    assert "'part'" in msg and "'assemble'" in msg and "1.095" in msg and "must be < 1" in msg


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_product(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("product: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be parsed"):
        read_product(bad)
    txt = tmp_path / "x.txt"
    txt.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read '.txt'"):
        read_product(txt)
    with pytest.raises(InputError, match="unknown key 'proceses'"):
        from_dict({**system(), "proceses": []})


def test_workbook_errors_name_sheet_row_column(tmp_path):
    from carbon.product.template import EXAMPLE

    ex = copy.deepcopy(EXAMPLE)
    path = tmp_path / "p.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame(list(ex["product"].items())).to_excel(w, sheet_name="產品", index=False, header=False)
        procs = pd.DataFrame(ex["processes"])
        procs.loc[1, "output_unit"] = "公升"
        procs.rename(columns={"process": "製程", "output_amount": "產出量"}).to_excel(w, sheet_name="製程", index=False)
        exch = pd.DataFrame(ex["exchanges"]).astype(object)
        exch.loc[3, "amount"] = "十二"
        exch.to_excel(w, sheet_name="exchanges", index=False)
        pd.DataFrame(ex["factors"]).to_excel(w, sheet_name="factors", index=False)
        pd.DataFrame(ex["allocation"]).to_excel(w, sheet_name="allocation", index=False)
    with pytest.raises(InputError) as err:
        calculate(read_product(path))
    (p,) = err.value.problems
    assert (p.sheet, p.row, p.column) == ("exchanges", 5, "amount") and "'十二' is not a number" in p.message
    exch.loc[3, "amount"] = 120
    with pd.ExcelWriter(path, engine="openpyxl", mode="a", if_sheet_exists="replace") as w:
        exch.to_excel(w, sheet_name="exchanges", index=False)
    with pytest.raises(InputError) as err:
        calculate(read_product(path))
    got = [(p.sheet, p.row, p.column) for p in err.value.problems]
    # 成型 now makes litres: the declared unit 'kg' (sheet 產品, 4th key row, no header) no longer fits
    assert got == [("產品", 4, "value")], got
    assert "declared unit 'kg' of '螺絲 M8' does not fit the output unit '公升'" in str(err.value)


def test_negative_amounts_needed_are_refused():
    d = system()
    d["exchanges"][1]["amount"] = -2000  # a negative input of 'part'
    with pytest.raises(CalculationError, match=r"non-negative amounts: negative amounts of part would be needed"):
        calculate(from_dict(d))


def test_several_products_json_factors_are_records():
    d = system()
    d["products"] = [{"name": "part", "reference_process": "part", "amount": 1, "unit": "kg"}]
    out = calculate(from_dict(d)).to_dict()
    assert out["factors"] == [{"id": "custom/power", "dataset": "custom", "edition": "user"}, {"id": "custom/steel", "dataset": "custom", "edition": "user"}]
