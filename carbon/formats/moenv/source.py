"""One source row of the workbook (表三–表七, same row) read into a source record and its factors.

Steps: identification (表三), activity data (表四), gases (表三 N–T), grades (表六 A/B/C),
uncertainty (表七), the per-gas factors of 表五 (typed or computed from the inputs by
:class:`~carbon.formats.moenv.formulas.RowFormulas`), then the method: purchased
electricity/steam, fluorinated gas emitted as refilled, mass balance, or unit factors.

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表三–表七 and their 填表說明.
.. [2] docs/FACTS-taiwan.md §1.4, §1.6–1.8 (known defects of the sample reproduced and noted).
"""

from __future__ import annotations

import re
from pathlib import Path

from carbon.accounting import round_half_up
from carbon.errors import UnitError
from carbon.formats.moenv import layout as L
from carbon.formats.moenv.common import fgas_name, mass_of, per_unit_from_energy, same, unit_of
from carbon.formats.moenv.formulas import RowFormulas
from carbon.formats.moenv.library import (
    announced_factor,
    ch4_kind,
    check_gwp,
    grid_kg_per_kwh,
    grid_match,
    library_match,
)
from carbon.schema import is_true
from carbon.units import is_convertible, parse_unit

__all__ = ["Source"]


class Source:
    """Reader of one source row (state shared by the steps below).

    Parameters
    ----------
    reader : carbon.formats.moenv.read._Reader
        The workbook being read (context, sheets, look-up tables, library, GWP set).
    row : int
        Its row in 表三–表六.
    sid : str
        Its source id.
    """

    def __init__(self, reader, row: int, sid: str):
        self.rd, self.ctx, self.r, self.sid = reader, reader.ctx, row, sid
        b = reader.book
        self.t3, self.t4, self.t5 = b.sheet("表三"), b.sheet("表四"), b.sheet("表五")
        self.t6, self.t7 = b.sheet("表六"), b.sheet("表七")
        self.rf = RowFormulas(b, reader.app, row, reader.roc_year, reader.checks)
        self.rec: dict = {"source_id": sid, "excluded": False}
        self.extra: dict = {"factor_source": {}, "factor_kinds": {}}
        self.frows: list[dict] = []
        self.notes: list[str] = []

    # -- steps ----------------------------------------------------------------------------
    def read(self) -> None:
        """Read the row; problems go to the context, notes to the source and the project."""
        self.identify()
        self.activity()
        self.gases()
        self.grades()
        self.uncertainty()
        self.blocks()
        if self.sub is not None and self.rec.get("activity_amount") is not None and self.unit and self.bl:
            self.method()
        self.finish()

    def identify(self) -> None:
        """表三 L (emission type) and the equipment/material codes, which 表四 must repeat."""
        t3, r = self.t3, self.r
        etype = t3.text(r, "L")
        self.sub = L.EMISSION_TYPES.get(etype or "")
        if self.sub is None:
            self.ctx.problem(
                "表三", r, "L", "排放型式", f"'{etype}' is not an emission type." if etype else "is empty.",
                "Choose 固定燃燒, 移動燃燒, 製程, 逸散, 外購電力 or 外購蒸汽.",
            )  # fmt: skip
        for c, h, w in (("D", "設備編號", 0), ("H", "原(燃)物料或產品代碼", 6)):  # 表四 must describe the same source
            a, b = t3.code(r, c, w), self.t4.code(r, c, w)
            if a and b and a != b and self.t4.formula(r, c) is None:
                self.ctx.problem(
                    "表四", r, c, h, f"'{b}' differs from 表三 row {r} ('{a}').",
                    "表三, 表四 and 表五 are matched row by row: keep the rows in the same order.",
                )  # fmt: skip
        self.mat_code, self.eq_code = t3.code(r, "H", 6), t3.code(r, "E", 4)
        self.proc_name = self.rf.name("process", "B", "C")
        self.eq_name = self.rf.name("equipment", "E", "F")
        self.mat_name = self.rf.name("material", "H", "I")
        self.name = " ".join(x for x in (self.eq_name, self.mat_name) if x) or self.sid
        self.rec.update(
            name=self.name,
            iso_category=self.sub,
            process_code=t3.code(r, "B", 6),
            process_name=self.proc_name,
            equipment_code=self.eq_code,
            equipment_name=self.eq_name,
            material_code=self.mat_code,
            material_name=self.mat_name,
            biogenic=is_true(t3.text(r, "J")),
        )
        self.extra.update(
            process_no=t3.text(r, "A"),
            equipment_no=t3.text(r, "D"),
            material_class=t3.text(r, "G"),
            category_text=t3.text(r, "M"),
            cogeneration=t3.text(r, "U"),
        )
        if t3.text(r, "V"):
            self.notes.append(t3.text(r, "V"))

    def activity(self) -> None:
        """表四 activity data: amount, unit, allocation fraction, heat value and carbon content."""
        ctx, t4, r = self.ctx, self.t4, self.r
        amount = ctx.number(t4, r, "O", "活動數據", required=True)
        self.unit = self.activity_unit()
        alloc = ctx.number(t4, r, "Q", "活動數據分配比率")
        if alloc is not None and alloc > 1:
            ctx.problem(
                "表四", r, "Q", "活動數據分配比率", f"is {alloc:g}, above 1.",
                "The workbook multiplies by this cell directly: write a fraction (1 = 100 %, 0.35 = 35 %).",
            )  # fmt: skip
            alloc = None
        amount, alloc = self.round4(amount, "O"), self.round4(alloc, "Q")
        self.lhv, self.lhv_unit = self.heat_value()
        cc = ctx.number(t4, r, "AB", "碳含量(%)")
        if cc is not None and cc > 1:
            ctx.problem(
                "表四", r, "AB", "碳含量(%)", f"is {cc:g}, above 1.",
                "The workbook multiplies this cell by 44/12 directly: write the carbon mass fraction (0.923 for 92.3 %).",
            )  # fmt: skip
            cc = None
        self.cc = cc
        self.method_text = t4.text(r, "X")
        self.rec.update(
            activity_amount=amount,
            activity_unit=self.unit,
            allocation=alloc if alloc is not None else 1.0,
            supplier=t4.text(r, "N"),
            data_source=t4.text(r, "S"),
        )
        self.extra.update(
            method_text=self.method_text,
            keeper=t4.text(r, "T"),
            frequency=t4.text(r, "U"),
            instrument=t4.text(r, "V"),
            calibration=t4.text(r, "W"),
        )

    def round4(self, v: float | None, col: str) -> float | None:
        """表五 M/O = ROUND(表四 O/Q, 4): the workbook calculates with the rounded value."""
        if v is None:
            return None
        x = float(round_half_up(v, L.MASS_DECIMALS))
        if x != v:
            self.notes.append(
                f"表四 {col}{self.r} = {v!r} is rounded to {x!r} as the workbook does (表五 ROUND(…, 4))."
            )
        return x

    def activity_unit(self) -> str | None:
        """表四 activity unit: R (其他單位名稱) when given, else P; None (with a problem) when unusable."""
        t4, r = self.t4, self.r
        p, other = t4.text(r, "P"), t4.text(r, "R")
        col, header, unit = ("R", "其他單位名稱", other) if other else ("P", "活動數據單位", p)
        if unit == L.METHOD_OTHER:
            self.ctx.problem(
                "表四",
                r,
                "R",
                "其他單位名稱",
                "is empty while P says '其他'.",
                "Write the unit in R, e.g. 公斤 or 人天.",
            )
            return None
        if unit is None:
            self.ctx.problem(
                "表四", r, "P", "活動數據單位", "is empty.", "Choose a unit (公秉, 千立方公尺, 公噸, 千度) or '其他' and write it in R."
            )  # fmt: skip
            return None
        try:
            parse_unit(unit)
        except UnitError as err:
            self.ctx.problem("表四", r, col, header, str(err))
            return None
        return unit

    def heat_value(self) -> tuple[float | None, str | None]:
        """表四 Y and Z: the fuel's lower heating value and its unit, (None, None) parts when missing."""
        lhv = self.ctx.number(self.t4, self.r, "Y", "燃料低位熱值數值")
        lhv_unit = self.t4.text(self.r, "Z")
        if lhv is not None and lhv_unit:
            try:
                parse_unit(lhv_unit)
            except UnitError as err:
                self.ctx.problem("表四", self.r, "Z", "燃料低位熱值單位", str(err))
                lhv_unit = None
        elif lhv is not None:
            self.ctx.problem(
                "表四", self.r, "Z", "燃料低位熱值單位", "is empty while Y has a heat value.", "Write e.g. 'Kcal/L'."
            )
        return lhv, lhv_unit

    def gases(self) -> None:
        """Gases from the 表三 flags (表五 Q/AA/AK only cross-check them)."""
        r = self.r
        flagged = [g for c, g in L.GAS_FLAGS if self.t3.text(r, c)]
        if len(flagged) > 3:
            self.ctx.problem(
                "表三", r, "N", "產生CO2…NF3", f"{len(flagged)} gases are ticked; the workbook has room for three."
            )
        if not flagged:
            self.ctx.problem(
                "表三", r, "N", "產生CO2…NF3", "no gas is ticked (v).", "Tick the gases this source emits."
            )
        self.gas_list = flagged[:3]
        for i, g in enumerate(self.gas_list):
            col = L.T5_BLOCKS[i].gas
            if self.t5.formula(r, col) is None and self.t5.text(r, col) and self.t5.text(r, col).upper() != g.upper():
                self.ctx.problem(
                    "表五", r, col, f"溫室氣體#{i + 1}", f"'{self.t5.text(r, col)}' differs from 表三 ('{g}')."
                )
            else:
                self.rf.cell(self.t5, col, lambda g=g: g, "gas ticked in 表三")
        self.extra["gases"] = list(self.gas_list)

    def grades(self) -> None:
        """表六 A (from 表四 U), B (表六 H); C comes with the factors (表五 W of gas #1)."""
        t4, r = self.t4, self.r
        freq = t4.text(r, "U")
        grade_a = L.FREQ_TO_A.get(freq or "")
        if grade_a is None and freq:
            self.ctx.problem(
                "表四", r, "U", "量測頻率", f"'{freq}' is not an option.", "Choose " + ", ".join(L.FREQ_TO_A) + "."
            )
        if grade_a is None and self.t6.formula(r, "G") is None:
            grade_a = self.grade("G", "活動數據誤差等級")
        btext = self.t6.text(r, "H")
        grade_b = None
        if btext:
            m = re.match(r"\s*[（(]\s*([123])\s*[)）]", btext)
            if m:
                grade_b = int(m.group(1))
            else:
                self.ctx.problem(
                    "表六", r, "H", "活動數據可信種類", f"'{btext}' is not an option.",
                    "Choose " + ", ".join(L.B_TEXT.values()) + ".",
                )  # fmt: skip
        elif self.t6.formula(r, "I") is None:
            grade_b = self.grade("I", "儀器校正誤差等級")
        self.rec.update(grade_a=grade_a, grade_b=grade_b)
        self.extra["grade_b_text"] = btext

    def grade(self, col: str, header: str) -> int | None:
        """A 表六 grade 1–3 in ``col``; None when blank or not a grade (a problem is recorded)."""
        v = self.t6.raw(self.r, col)
        if v is None:
            return None
        n = v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        if n is None or not float(n).is_integer() or not 1 <= n <= 3:
            self.ctx.problem("表六", self.r, col, header, f"'{v}' is not a grade 1–3.")
            return None
        return int(n)

    def uncertainty(self) -> None:
        """表七 (row + 2): activity and per-gas factor intervals, fractions → percent."""
        r7 = self.r + L.T7_OFFSET
        self.rec["ad_low_pct"] = self.pct(r7, "E", "活動數據95%信賴區間之下限")
        self.rec["ad_high_pct"] = self.pct(r7, "F", "活動數據95%信賴區間之上限")
        self.ef_bounds = [
            (self.pct(r7, b[2], "95%信賴區間之下限"), self.pct(r7, b[3], "95%信賴區間之上限")) for b in L.T7_BLOCKS
        ]
        used = self.ef_bounds[: max(1, len(self.gas_list))]
        self.uniform_ef = all(b == used[0] for b in used)
        self.rec["ef_low_pct"] = used[0][0] if self.uniform_ef else None
        self.rec["ef_high_pct"] = used[0][1] if self.uniform_ef else None
        self.extra["ef_bounds"] = {g: used[i] for i, g in enumerate(self.gas_list) if i < len(used)}

    def pct(self, r7: int, col: str, header: str) -> float | None:
        """A 表七 fraction in ``col`` as percent [%]; None when blank or above 10 (a problem is recorded)."""
        v = self.ctx.number(self.t7, r7, col, header)
        if v is None:
            return None
        if v > 10:
            self.ctx.problem("表七", r7, col, header, f"is {v:g}: the workbook expects a fraction (0.015 = 1.5 %).")
            return None
        return v * 100.0

    def blocks(self) -> None:
        """Per-gas factors of 表五 (typed, or computed from the inputs) and the factor kinds."""
        self.bl: list[dict] = []
        kinds = []
        for i, g in enumerate(self.gas_list):
            b = self.rf.block(i, g)
            self.fill_from_library(b)
            kind_text = self.t5.text(self.r, b["col"].kind)
            kind = None
            if kind_text:
                m = re.match(r"\s*([1-6])", kind_text)
                if m:
                    kind = int(m.group(1))
                else:
                    self.ctx.problem(
                        "表五", self.r, b["col"].kind, "係數種類", f"'{kind_text}' is not an option.",
                        "Choose " + ", ".join(L.FACTOR_KINDS.values()) + ".",
                    )  # fmt: skip
            b["kind"] = kind
            kinds.append(kind)
            self.extra["factor_source"][g] = self.t5.text(self.r, b["col"].source)
            self.extra["factor_kinds"][g] = kind
            if self.rf.mass_rounded(i) is False:
                self.extra["unrounded_mass"] = True
            self.bl.append(b)
        self.rf.masses(self.bl, self.rec.get("activity_amount"), self.rec.get("allocation"))
        self.rec["grade_c"] = L.KIND_TO_C.get(kinds[0]) if kinds and kinds[0] else None
        self.extra["factor_kind"] = kinds[0] if kinds else None
        if any(k is not None and k != kinds[0] for k in kinds[1:]):
            self.notes.append(
                "表五 係數種類 differs between gases (" + ", ".join(f"{b['gas']}: {b['kind']}" for b in self.bl) + "); "
                "表六 grades the source with gas #1, as the workbook does."
            )
        for m in self.rf.missing:
            if m.startswith("表三"):
                self.notes.append(f"{m} (the workbook shows #N/A).")

    def fill_from_library(self, b: dict) -> None:
        """附表一 has no factor for the row's key (the workbook shows #N/A): the library's, or a problem."""
        col = b["col"].ef_energy
        miss = [m for m in self.rf.missing if m.startswith(f"表五 {col}{self.r}:")]
        if not miss or self.sub == "2.1":
            return  # purchased electricity falls back to the library's grid factor in indirect()
        hit = announced_factor(self.rd.registry, self.sub or "", self.mat_code, b["gas"])
        if hit is None:
            self.ctx.problem(
                "表五", self.r, col, "燃料單位熱值之排放係數", miss[0].split(": ", 1)[1] + " (the workbook shows #N/A).",
                "Use a 原燃物料代碼 that 附表一 lists for this 排放型式, or choose 國際文獻或檢測報告所得之自廠係數 "
                "in 表四 X and type the factor in 表五 R or T.",
            )  # fmt: skip
            return
        fid, value = hit
        b["ef_e"] = value
        b["ef_u"] = self.rf.unit_factor(b["gas"], value)
        b["u_text"] = self.rf.unit_text(value)
        self.notes.append(f"{miss[0]}: the library's {fid} ({b['gas']} {value:g} kg/TJ) is used.")

    def finish(self) -> None:
        """Join the source's notes into its record and the project's notes."""
        if self.notes:
            self.rec["note"] = " | ".join(self.notes)
            self.rd.notes.extend(f"{self.sid}: {n}" for n in self.notes)

    # -- methods --------------------------------------------------------------------------
    def method(self) -> None:
        """Choose the calculation: purchased electricity/steam, F-gas, or per-unit factors."""
        if self.sub in ("2.1", "2.2"):
            self.indirect()
        elif not self.fgas():
            self.unit_factors()

    def frow(self, b: dict, value: float, unit: str, hv=None, hv_unit=None, i: int = 0) -> dict:
        """A custom factor row of this source (one per gas)."""
        lo, hi = self.ef_bounds[i] if i < len(self.ef_bounds) else (None, None)
        gas = b["gas"] if b["gas"] not in ("HFCS", "PFCS") else fgas_name(self.mat_name, b["gas"])
        return {
            "factor_id": f"custom/{self.sid}",
            "name_zh": f"{self.name}（清冊表單表五輸入）",
            "name_en": f"{self.sid}: factor of the MOENV workbook",
            "kind": _factor_kind(self.sub, self.bl[0]["gas"], self.eq_code, self.mat_code),
            "moenv_code": self.mat_code,
            "gas": gas,
            "value": value,
            "unit": unit,
            "value_low": value * (1 - lo / 100) if lo is not None and value else None,
            "value_high": value * (1 + hi / 100) if hi is not None and value else None,
            "heat_value": hv,
            "heat_value_unit": hv_unit,
            "source_ref": f"{Path(self.ctx.file).name}, sheet 表五 row {self.r}, cols {b['col'].ef_energy}/{b['col'].ef_unit}",
        }

    def indirect(self) -> None:
        """Purchased electricity (2.1) or steam (2.2): 表五 T (= R) per activity unit."""
        first, sub, year = self.bl[0], self.sub, self.rd.org.reporting_year
        self.rec["method"] = "electricity" if sub == "2.1" else "steam"
        self.rec["data_year"] = year
        val = first["ef_u"] if first["ef_u"] is not None else first["ef_e"]
        if val is None and sub == "2.1":
            val = self.library_grid(first)
        if val is None:
            self.ctx.problem(
                "表五", self.r, first["col"].ef_unit, "電力排碳係數", "is empty.", "Enter the emission factor."
            )
            return
        per = unit_of(first["u_text"]) or self.unit
        if not is_convertible(self.unit, per):
            msg = f"'{first['u_text']}' does not fit the activity unit '{self.unit}'."
            self.ctx.problem("表五", self.r, first["col"].ef_unit_unit, "單位排放係數單位", msg)
            return
        self.frows.append(self.frow(first, val, f"{mass_of(first['u_text'])} CO2/{per}"))
        self.rec["factor_id"] = f"custom/{self.sid}"
        if (self.mat_code or "") == "GG3502" or "電證合一" in (self.mat_name or ""):
            self.notes.append(
                f"renewable-energy certificate row (電證合一) with a non-zero factor {val:g}."
                if val != 0
                else "renewable-energy certificates (電證合一, code GG3502): counted 0, as the workbook does."
            )
        elif sub == "2.1" and year is not None:
            lib = grid_match(self.rd.registry, year, val * _kg_per_kwh(first["u_text"], per))
            if lib is True:
                self.rec["factor_id"] = f"tw-grid/{year}"
                self.notes.append(
                    f"factor {val:g} t CO2/{per} equals the official grid factor tw-grid/{year}; custom fallback custom/{self.sid}."
                )
            elif isinstance(lib, str):
                self.notes.append(lib)

    def library_grid(self, first: dict) -> float | None:
        """附表一 lists no factor for the year: the library's tw-grid/<year> [t CO2/千度]."""
        year = self.rd.org.reporting_year
        v = grid_kg_per_kwh(self.rd.registry, f"tw-grid/{year}") if year else None
        if v is not None:
            first["u_text"] = "公噸/千度"  # kg CO2/kWh = t CO2/千度
            self.notes.append(
                f"附表一 lists no electricity factor for 民國{self.rd.roc_year} (the workbook would count 0): "
                f"the library's tw-grid/{year} = {v:g} kg CO2/kWh is used."
            )
        return v

    def fgas(self) -> bool:
        """A fluorinated gas emitted as refilled (表五 T = 1): method 'refrigerant'. True if handled."""
        for b in self.bl:
            if b["gas"] in ("HFCS", "PFCS") and fgas_name(self.mat_name, b["gas"]) == b["gas"]:
                self.ctx.problem(
                    "表三", self.r, "I", "原(燃)物料或產品名稱", f"'{self.mat_name}' does not say which {b['gas'][:3]} is emitted.",
                    "Use a 附表七 code of the gas (H), or start the name in I with the gas, e.g. 'HFC-134a'.",
                )  # fmt: skip
                return True
        first = self.bl[0]
        if first["gas"] not in L.FGAS or len(self.bl) != 1:
            return False
        val = first["ef_u"] if first["ef_u"] is not None else 1.0
        if val != 1.0:
            if first["gas"] == "PFCS" and not first["ef_u_typed"]:
                self.notes.append(
                    "表五 T tests 'PFC', not 'PFCS': the workbook gives this PFC row AB × 44/12 instead of 1; "
                    "type 1 in 表五 T to count the gas as emitted."
                )
            return False  # a typed emission factor other than 1: a unit factor
        gas = fgas_name(self.mat_name, first["gas"])
        self.rec.update(method="refrigerant", gas=gas, factor_id=None)
        check_gwp(first["gwp"], gas, self.rd.gwp_set, self.notes)
        return True

    def unit_factors(self) -> None:
        """Per-gas factors: per TJ with the heat value, per activity unit, or a mass balance."""
        zero: list[str] = []
        mass_balance = False
        for i, b in enumerate(self.bl):
            self.gas_gwp(b)
            if b["ef_e"] and self.lhv and self.lhv_unit:
                self.energy_factor(b, i)
            elif b["ef_e"] and not self.lhv:
                msg = f"is empty while 表五 {b['col'].ef_energy} gives a per-TJ factor ({b['ef_e']:g})."
                self.ctx.problem("表四", self.r, "Y", "燃料低位熱值數值", msg, "Enter the heat value (LHV).")
            elif b["ef_u"] is None:
                msg, hint = "is empty.", "Enter the emission factor per unit of activity."
                if self.t5.formula(self.r, b["col"].ef_unit) is None:
                    msg = "is empty and has no formula (the workbook would count 0)."
                    hint = "Copy the formulas of a filled row of 表五 to this row, or type the factor."
                self.ctx.problem("表五", self.r, b["col"].ef_unit, "單位排放係數", msg, hint)
            elif self.is_mass_balance(b):
                mass_balance = True
            else:
                self.activity_factor(b, i, zero)
        if zero:
            self.notes.append(
                f"表五 gives no factor (0) for {', '.join(zero)} (計算方法 '{self.method_text or ''}', no per-TJ factor): "
                "the source counts 0 t, as in the workbook. Enter the factor to quantify it."
            )
        if mass_balance:
            self.mass_balance()
        elif self.frows or not self.ctx.problems:
            self.factor_notes()

    def gas_gwp(self, b: dict) -> None:
        """Check a gas's GWP in 表五 against the GWP set (the CH4 kind is recorded)."""
        if b["gas"] == "CH4" and b["gwp"] is not None:
            kind = ch4_kind(b["gwp"], self.rd.gwp_set)
            if kind is not None:
                self.rec["ch4_kind"] = kind
        elif b["gas"] != "CH4":
            check_gwp(b["gwp"], fgas_name(self.mat_name, b["gas"]), self.rd.gwp_set, self.notes)

    def energy_factor(self, b: dict, i: int) -> None:
        """R [kg/TJ] with the heat value; a T typed over its formula wins (noted)."""
        g, unit = b["gas"], self.unit
        expected = per_unit_from_energy(b["ef_e"], self.lhv, self.lhv_unit, unit)
        if expected is None:
            self.ctx.problem(
                "表四", self.r, "Z", "燃料低位熱值單位", f"heat value unit '{self.lhv_unit}' does not fit the activity unit '{unit}'.",
                "Write the heat value per the activity's unit, e.g. 'Kcal/L' for 公秉.",
            )  # fmt: skip
        elif b["ef_u_typed"] and b["ef_u"] is not None and not same(expected, b["ef_u"], 1e-6):
            self.notes.append(
                f"表五 {b['col'].ef_unit}{self.r}: unit factor {b['ef_u']:.10g} was typed over the workbook formula "
                f"({b['ef_e']:g} kg/TJ × LHV {self.lhv:g} {self.lhv_unit} = {expected:.10g}); the typed value is used."
            )
            self.frows.append(self.frow(b, b["ef_u"], f"t {_gas_unit(g, self.mat_name)}/{unit}", i=i))
        else:
            unit_ = f"kg {_gas_unit(g, self.mat_name)}/TJ"
            self.frows.append(self.frow(b, b["ef_e"], unit_, self.lhv, self.lhv_unit, i=i))
            workbook = b["ef_e"] * self.lhv * L.KCAL_TO_TJ_TIMES_T_PER_KG  # 表五 T: LHV taken as kcal per unit
            if i == 0 and not b["ef_u_typed"] and not same(workbook, expected, 1e-6):
                self.notes.append(
                    f"表五 {b['col'].ef_unit}{self.r}: the workbook's formula reads the heat value as kcal per "
                    f"activity unit ({workbook:.10g}); with '{self.lhv_unit}' and '{unit}' the factor is "
                    f"{expected:.10g} per {unit}, which carbon uses: the workbook's own figures differ."
                )

    def is_mass_balance(self, b: dict) -> bool:
        """表五 T = 表四 AB × 44/12 of a single-gas CO2 process/fugitive row."""
        return (
            b["gas"] == "CO2"
            and self.cc is not None
            and same(b["ef_u"], self.cc * L.C_TO_CO2)
            and len(self.bl) == 1
            and self.sub in ("1.3", "1.4")
        )

    def activity_factor(self, b: dict, i: int, zero: list[str]) -> None:
        """T per activity unit (U gives the unit; 0 counts 0 as the workbook does)."""
        per, fmass, unit = unit_of(b["u_text"]) or self.unit, mass_of(b["u_text"]), self.unit
        if b["ef_u"] != 0 and not is_convertible(unit, per):
            self.ctx.problem(
                "表五", self.r, b["col"].ef_unit_unit, "單位排放係數單位",
                f"'{b['u_text']}' does not fit the activity unit '{unit}' (the workbook would divide by 1000).",
                "Give the factor per the activity's unit.",
            )  # fmt: skip
            return
        if b["ef_u"] == 0:
            per = unit
            zero.append(f"{b['gas']} ({b['col'].ef_unit}{self.r})")
        self.frows.append(self.frow(b, b["ef_u"], f"{fmass} {_gas_unit(b['gas'], self.mat_name)}/{per}", i=i))

    def mass_balance(self) -> None:
        """Mark the record as a mass balance (carbon content × 44/12) and note the workbook's quirks."""
        self.rec.update(method="mass_balance", carbon_content=self.cc, gas="CO2")
        if (self.mat_code or "") == "180014" or (self.eq_code or "") == "9798" or (self.mat_name or "") == "二氧化碳":
            self.notes.append(
                "CO2 extinguisher: the workbook multiplies the CO2 mass by 44/12 with carbon content 1; "
                "this is physically wrong (CO2 released counts as is: FACTS §1.7) and is kept only to "
                "reproduce the workbook's number."
            )
        elif self.cc == 1:
            self.notes.append(
                "carbon content 1 (表四 AB) read as a mass fraction, as the workbook's formula uses it "
                "(its header says %); check the real carbon content (acetylene C2H2: 0.923)."
            )

    def factor_notes(self) -> None:
        """Method 'factor': library match of combustion factors and the sample's known defects."""
        self.rec["method"] = "factor"
        self.rec["factor_id"] = f"custom/{self.sid}" if self.frows else None
        septic = self.eq_code == "9795" or (self.mat_code or "") == "GG3805"
        if self.rec.get("ch4_kind") == "fossil" and (septic or (self.mat_code or "").startswith("GG38")):
            self.notes.append(
                "septic / wastewater CH4 is biogenic (AR5 non-fossil GWP 28), but the workbook applies the fossil "
                "value 30; ch4_kind='fossil' reproduces the workbook (FACTS §1.4, §1.8)."
            )
        if septic:
            self.notes.append(
                "septic tank: the workbook's factor per 人天 is reproduced as a custom factor; it is an example "
                "value, not an announced factor (FACTS §1.8)."
            )
        if not self.uniform_ef:
            bounds = self.ef_bounds[: len(self.bl)]
            self.notes.append(
                "表七 gives different factor intervals per gas ("
                + ", ".join(f"{b['gas']}: {lo}/{hi} %" for b, (lo, hi) in zip(self.bl, bounds, strict=False))
                + "); they are kept per gas in the custom factor."
            )
        per_tj = self.frows and all(fr["unit"].endswith("/TJ") for fr in self.frows)
        if self.uniform_ef and self.sub in ("1.1", "1.2") and per_tj:
            values = {fr["gas"]: fr["value"] for fr in self.frows}
            lib = library_match(self.rd.registry, self.sub, self.mat_code, values)
            if lib:
                self.rec["factor_id"] = lib
                self.notes.append(f"factors equal library factor {lib}; custom fallback custom/{self.sid}.")
        if self.frows and self.frows[0].get("heat_value") is not None:
            self.rec["heat_value"], self.rec["heat_value_unit"] = self.lhv, self.lhv_unit


def _kg_per_kwh(u_text: str | None, per: str) -> float:
    from carbon.units import multiplier

    return multiplier(mass_of(u_text), "kg") / multiplier(per, "kWh")


def _gas_unit(gas: str, material_name: str | None) -> str:
    return fgas_name(material_name, gas) if gas in ("HFCS", "PFCS") else gas


def _factor_kind(sub: str, gas: str, eq_code: str | None, mat_code: str | None) -> str:
    by_sub = {
        "1.1": "stationary_combustion",
        "1.2": "mobile_combustion",
        "1.3": "process",
        "2.1": "electricity",
        "2.2": "steam",
    }
    if sub in by_sub:
        return by_sub[sub]
    if gas in L.FGAS:
        return "refrigerant"
    if eq_code == "9795" or (mat_code or "") == "GG3805":
        return "septic"
    if eq_code == "9798":
        return "extinguisher"
    return "fugitive"
