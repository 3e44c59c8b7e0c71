"""Write a project and its result as the official MOENV inventory workbook (表一–表八).

References
----------
.. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表一–表八.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carbon.accounting import round_half_up
from carbon.errors import UnitError
from carbon.formats.moenv import layout as L
from carbon.formats.moenv.cells import column_index
from carbon.formats.moenv.common import fgas_name, per_unit_from_energy, same
from carbon.formats.moenv.library import registry
from carbon.formats.moenv.read import FACTOR_COLS
from carbon.formats.safety import safe_workbook
from carbon.units import is_convertible, multiplier, split_factor_unit

__all__ = ["write_moenv_workbook"]


def write_moenv_workbook(project, result, path: str | Path) -> Path:
    """Write a project and its result as an MOENV inventory workbook (.xlsx).

    Sheets 表一–表八 use the official sheet names, headers and column order, so a
    consultant recognises them and :func:`read_moenv_workbook` reads the file back.
    The form holds one site's categories 1–2: sources of categories 3–6 and excluded
    sources are left out.  Masses and CO2e follow the form's rounding (gas mass to
    4 decimals, CO2e = ROUND(mass × GWP, 4); 表五 notes 7–9) whatever rounding the
    result used, so the file is consistent with the official workbook's formulas.
    Inputs go to 表一–表四 (and the input cells of 表五–表七); 表五's masses and CO2e,
    表六's scores, 表七's combined uncertainties and 表八's summaries are written as
    values from ``result`` (sums as formulas with their value cached, so readers that
    do not recalculate see numbers).

    Parameters
    ----------
    project : InventoryProject
        The inventory (organisation, sources, custom factors; ``origin`` of a workbook read).
    result : InventoryResult
        From :func:`carbon.inventory.calculate`; its ``records`` give each source's gas
        masses [t], GWPs and CO2e [t CO2e].
    path : str or Path
        Target ``.xlsx`` file.

    Returns
    -------
    Path
        The file written.

    References
    ----------
    .. [1] 環境部, 溫室氣體排放量清冊表單(範例), 表一–表八.
    """
    path = Path(path)
    w = _Writer(safe_workbook(path), project, result)
    w.t1()
    w.t2()
    w.sources()
    _write_t8(w.wb, w.recs, w.total, w.dq_rows, w.unc_rows, w.title, w.bold)
    w.wb.close()
    return path


@dataclass
class _Row:
    """One source as written: its record, extra cells read from a workbook, records and gases."""

    n: int
    s: pd.Series
    sid: str
    ex: dict
    srecs: pd.DataFrame
    gases: list[tuple]
    r0: int = 0
    sub: str = ""
    etype: str = ""
    direct: str = ""
    eq_no: str = ""
    proc_no: str = ""
    amount: float | None = None
    unit: str | None = None
    alloc: float = 1.0
    mtext: str = ""
    default_kind: int | None = None
    sub_total: float = 0.0
    share: float = 0.0


class _Writer:
    """State of one writing: the xlsxwriter workbook, its formats and the rows written."""

    def __init__(self, wb, project, result):
        self.wb, self.project, self.result = wb, project, result
        origin = project.origin or {}
        self.recs = _form_records(result.records, set(origin.get("moenv_unrounded_mass", [])))
        custom = project.custom_factors
        self.custom = custom if custom is not None else pd.DataFrame(columns=FACTOR_COLS)
        self.extra_all = origin.get("moenv", {})
        self.org_extra = origin.get("organisation", {})
        self.reg = registry()
        self.bold = wb.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#D9D9D9", "border": 1}
        )
        self.title = wb.add_format({"bold": True, "font_size": 12})
        self.grey = wb.add_format({"bg_color": "#EDEDED"})
        self.dq_rows: list[tuple] = []
        self.unc_rows: list[tuple] = []
        self.total = 0.0

    def head(self, ws, row0: int, cols: list[str]) -> None:
        for i, h in enumerate(cols):
            if h:
                ws.write_string(row0, i, h, self.bold)

    def t1(self) -> None:
        """表一 organisation (民國年 in B3; ``gwp_set=`` in the remark U3)."""
        org, ox = self.project.organisation, self.org_extra
        ws = self.wb.add_worksheet("表一")
        ws.write_string(0, 0, "一、事業基本資料", self.title)
        self.head(ws, 1, L.T1_HEAD)
        ws.write_string(2, 0, "民國")
        if org.reporting_year:
            ws.write_number(2, 1, org.reporting_year - 1911)
        contact = [x.strip() for x in (org.contact or "").split(",")]
        names = ox.get("industry_names") or ()
        vals = {
            2: org.registration_no, 3: org.name, 4: org.tax_id, 5: ox.get("factory_tax_id"),
            6: org.responsible_person, 7: contact[0] if contact and contact[0] else None,
            8: contact[1] if len(contact) > 1 else None, 9: contact[2] if len(contact) > 2 else None,
            12: org.industry_codes[0] if org.industry_codes else None, 13: names[0] if names else None,
            14: org.industry_codes[1] if len(org.industry_codes) > 1 else None,
            16: ox.get("registration_reason"), 17: org.standard, 18: ox.get("verified"), 19: ox.get("verifier"),
            20: f"gwp_set={self.project.gwp_set}",
        }  # fmt: skip
        for c, v in vals.items():
            if v:
                ws.write_string(2, c, str(v))
        ws.set_column(0, 20, 14)

    def t2(self) -> None:
        """表二 boundary: certificate, postal code, address, sources not quantified."""
        org, ox = self.project.organisation, self.org_extra
        ws = self.wb.add_worksheet("表二")
        ws.write_string(0, 0, "二、邊界設定", self.title)
        self.head(ws, 1, L.T2_HEAD)
        if ox.get("certificate_no"):
            ws.write_string(2, 0, str(ox["certificate_no"]))
        if ox.get("postal_code"):
            ws.write_string(2, 4, str(ox["postal_code"]))
        if org.address:
            ws.write_string(2, 7, org.address)
        for i, x in enumerate((ox.get("excluded_sources") or [])[:3]):
            ws.write_string(2, 8 + i, str(x))
        ws.set_column(0, 10, 16)

    def rows(self) -> list[_Row]:
        """Sources of categories 1–2 that are not excluded, with their records; sets the total."""
        recs, rows, skipped = self.recs, [], []
        excluded = set(getattr(self.result, "excluded_sources", []) or [])
        for _i, s in self.project.sources.reset_index(drop=True).iterrows():
            sid, sub = str(s["source_id"]), _norm_sub(s.get("iso_category"))
            if sub not in L.TYPE_OF_SUB or sid in excluded:
                skipped.append(sid)  # categories 3–6 and excluded sources have no place in the MOENV form
                continue
            s = s.copy()
            s["iso_category"] = sub
            ex = self.extra_all.get(sid, {})
            srecs = recs[recs["source_id"].astype(str) == sid] if len(recs) else recs
            _as_calculated(s, srecs)
            rows.append(_Row(len(rows), s, sid, ex, srecs, _write_gases(s, srecs, self.custom, ex)))
        kept = recs[~recs["source_id"].astype(str).isin(skipped)] if len(recs) else recs
        if len(kept):
            bio = (
                kept["biogenic"].fillna(False).astype(bool)
                if "biogenic" in kept
                else pd.Series(False, index=kept.index)
            )
            self.total = float(pd.to_numeric(kept.loc[~bio, "co2e_t"], errors="coerce").fillna(0).sum())
        self.recs = kept
        return rows

    def sources(self) -> None:
        """表三–表七, one row per source."""
        rows = self.rows()
        titles = {
            "表三": "三、排放源鑑別",
            "表四": "四、活動數據",
            "表五": "五、定量盤查",
            "表六": "六、數據品質管理",
            "表七": "七、不確定性量化評估",
        }
        ws = {n: self.wb.add_worksheet(n) for n in titles}
        for n, t in titles.items():
            ws[n].write_string(0, 0, t, self.title)
        for n, head in (("表三", L.T3_HEAD), ("表四", L.T4_HEAD), ("表五", L.T5_HEAD), ("表六", L.T6_HEAD)):
            self.head(ws[n], 1, head)
        _t7_heads(ws["表七"], self.bold)
        self.w3, self.w4, self.w5, self.w6, self.w7 = (ws[n] for n in titles)
        for row in rows:
            self.identify(row)
            self.t4(row)
            self.t5(row)
            self.t6(row)
            self.t7(row)
        for w in ws.values():
            w.set_column(0, 50, 13)
        _t7_notes(self.w7, len(rows))

    def identify(self, row: _Row) -> None:
        """表三 (and the identification columns A–L of 表四/表五)."""
        s, ex, n = row.s, row.ex, row.n
        row.r0 = L.FIRST_ROW - 1 + n  # 0-based row
        row.sub = str(s["iso_category"]) if pd.notna(s["iso_category"]) else ""
        row.etype = L.TYPE_OF_SUB.get(row.sub, "")
        row.direct = "間接" if row.sub.startswith("2") else "直接"
        row.eq_no = ex.get("equipment_no") or row.sid
        row.proc_no = ex.get("process_no") or f"G{n + 1:02d}"
        mat_name = _s(s.get("material_name")) or _s(s.get("name"))
        fgas = next((g for g, *_ in row.gases if _flag_of(g) in ("HFCS", "PFCS")), None)
        if fgas and fgas_name(mat_name, "HFCS") != fgas:
            mat_name = f"{fgas} {mat_name or ''}".strip()  # the reader takes the gas from the start of I
        ident = [
            row.proc_no, _s(s.get("process_code")), _s(s.get("process_name")), row.eq_no, _s(s.get("equipment_code")),
            _s(s.get("equipment_name")), ex.get("material_class") or "1.原燃物料", _s(s.get("material_code")),
            mat_name, "是" if _flag(s.get("biogenic")) else "否", row.direct, row.etype,
        ]  # fmt: skip
        for c, v in enumerate(ident):
            for w in (self.w3, self.w4, self.w5):
                if v:
                    w.write_string(row.r0, c, str(v))
        cat_text = ex.get("category_text") or ("併網" if row.sub == "2.1" else None)
        if cat_text:
            self.w3.write_string(row.r0, 12, cat_text)
            self.w4.write_string(row.r0, 12, cat_text)
        flags = {_flag_of(g) for g, *_ in row.gases}
        for c, (_col_letter, g) in enumerate(L.GAS_FLAGS):
            if g in flags:
                self.w3.write_string(row.r0, 13 + c, "v")
        self.w3.write_string(row.r0, 20, ex.get("cogeneration") or "否")

    def t4(self, row: _Row) -> None:
        """表四 activity data, method, heat value, carbon content."""
        s, ex, r0, w4 = row.s, row.ex, row.r0, self.w4
        row.amount = float(s["activity_amount"]) if pd.notna(s["activity_amount"]) else None
        row.unit = _s(s.get("activity_unit"))
        row.alloc = float(s["allocation"]) if pd.notna(s.get("allocation")) else 1.0
        if _s(s.get("supplier")):
            w4.write_string(r0, 13, _s(s.get("supplier")))
        if row.amount is not None:
            w4.write_number(r0, 14, row.amount)
        if row.unit in L.T4_UNITS:
            w4.write_string(r0, 15, row.unit)
        elif row.unit:
            w4.write_string(r0, 15, "其他")
            w4.write_string(r0, 17, row.unit)
        w4.write_number(r0, 16, row.alloc)
        for c, v in ((18, _s(s.get("data_source"))), (19, ex.get("keeper"))):
            if v:
                w4.write_string(r0, c, v)
        ga = _int(s.get("grade_a"))
        freq = ex.get("frequency") if L.FREQ_TO_A.get(ex.get("frequency") or "") == ga else L.A_TO_FREQ.get(ga)
        for c, v in ((20, freq), (21, ex.get("instrument")), (22, ex.get("calibration"))):
            if v:
                w4.write_string(r0, c, v)
        method, fid = _s(s.get("method")) or "factor", _s(s.get("factor_id")) or ""
        row.mtext = ex.get("method_text") or (
            L.METHOD_MASS_BALANCE
            if method in ("mass_balance", "refrigerant", "extinguisher")
            else L.METHOD_PUBLISHED
            if fid and not fid.startswith("custom/")
            else L.METHOD_OWN
        )
        w4.write_string(r0, 23, row.mtext)
        hv, hvu = _hv(s, self.custom, self.reg, fid)
        if hv is not None:
            w4.write_number(r0, 24, hv)
            w4.write_string(r0, 25, hvu or "")
        if method == "mass_balance" and pd.notna(s.get("carbon_content")):
            w4.write_number(r0, 27, float(s["carbon_content"]))
        if _s(s.get("note")):
            w4.write_string(r0, 28, _s(s.get("note"))[:30000])

    def kinds(self, row: _Row) -> dict:
        """係數種類 per gas as read (gas #1's fits the C grade), and the default of the row."""
        ex, gc = row.ex, _int(row.s.get("grade_c"))
        first = (ex.get("gases") or [None])[0]
        kind_of_gas = {
            g: k
            for g, k in (ex.get("factor_kinds") or {}).items()
            if k in L.FACTOR_KINDS and (L.KIND_TO_C[k] == gc or g != first)
        }
        fk = ex.get("factor_kind")
        row.default_kind = fk if L.KIND_TO_C.get(fk) == gc else {1: 1, 2: 3, 3: 5}.get(gc)
        return kind_of_gas

    def t5(self, row: _Row) -> None:
        """表五 quantification: per-gas factors, masses, GWPs, CO2e, sub-totals."""
        r0, w5, ex = row.r0, self.w5, row.ex
        if row.amount is not None:
            w5.write_number(r0, 12, row.amount)
        if row.unit:
            w5.write_string(r0, 13, row.unit)
        w5.write_number(r0, 14, row.alloc)
        w5.write_string(r0, 15, row.mtext)
        kind_of_gas = self.kinds(row)
        co2e_cells = []
        for k, (g, ef_e, ef_u, per, mass, gwp, co2e, _fsrc) in enumerate(row.gases[:3]):
            b, ci = L.T5_BLOCKS[k], column_index
            w5.write_string(r0, ci(b.gas), _flag_of(g))
            if ef_e is not None:
                w5.write_number(r0, ci(b.ef_energy), ef_e)
                w5.write_string(r0, ci(b.ef_energy_unit), "公斤/兆焦耳" if row.sub[:1] == "1" else "公斤CO2/度")
            if ef_u is not None:
                w5.write_number(r0, ci(b.ef_unit), ef_u)
                w5.write_string(r0, ci(b.ef_unit_unit), per)
            fs = ex.get("factor_source") or {}
            if fs.get(g) or fs.get(_flag_of(g)):
                w5.write_string(r0, ci(b.source), fs.get(g) or fs.get(_flag_of(g)))
            kk = (kind_of_gas.get(_flag_of(g), kind_of_gas.get(g)) if k else None) or row.default_kind
            if kk in L.FACTOR_KINDS:
                w5.write_string(r0, ci(b.kind), L.FACTOR_KINDS[kk])
            if mass is not None:
                w5.write_number(r0, ci(b.mass), mass, self.grey)
            if gwp is not None:
                w5.write_number(r0, ci(b.gwp), gwp, self.grey)
            if co2e is not None:
                w5.write_formula(r0, ci(b.co2e), f"=ROUND({b.mass}{r0 + 1}*{b.gwp}{r0 + 1},4)", self.grey, co2e)
                co2e_cells.append(f"{b.co2e}{r0 + 1}")
            if _flag_of(g) in ("HFCS", "PFCS") and gwp is not None:
                w5.write_number(r0, column_index(L.T5_FGAS_GWP), gwp)
        self.subtotals(row, co2e_cells)

    def subtotals(self, row: _Row, co2e_cells: list[str]) -> None:
        """表五 AU (sum), AV (biogenic CO2), AW (share of the total)."""
        srecs, r0 = row.srecs, row.r0
        row.sub_total = float(pd.to_numeric(srecs["co2e_t"], errors="coerce").fillna(0).sum()) if len(srecs) else 0.0
        bio = 0.0
        if len(srecs) and "biogenic" in srecs:
            bmask = srecs["biogenic"].fillna(False).astype(bool)
            bio = float(pd.to_numeric(srecs.loc[bmask, "co2e_t"], errors="coerce").fillna(0).sum())
        if co2e_cells:
            self.w5.write_formula(
                r0, column_index(L.T5_SUBTOTAL), "=SUM(" + ",".join(co2e_cells) + ")", self.grey, row.sub_total
            )
        if bio:
            self.w5.write_number(r0, column_index(L.T5_BIOGENIC), bio, self.grey)
        row.share = row.sub_total / self.total if self.total else 0.0
        if row.sub_total:
            self.w5.write_number(r0, column_index(L.T5_SHARE), row.share, self.grey)

    def t6(self, row: _Row) -> None:
        """表六 data quality: grades A, B, C, X = A × B × C, share-weighted score."""
        s, ex, r0, w6, grey = row.s, row.ex, row.r0, self.w6, self.grey
        ident = [row.proc_no, _s(s.get("process_code")), row.eq_no, _s(s.get("equipment_code")),
                 _s(s.get("material_code")), _s(s.get("material_name"))]  # fmt: skip
        for c, v in enumerate(ident):
            if v:
                w6.write_string(r0, c, str(v))
        ga, gb, gc = _int(s.get("grade_a")), _int(s.get("grade_b")), _int(s.get("grade_c"))
        if ga:
            w6.write_number(r0, 6, ga, grey)
        if gb in L.B_TEXT:
            w6.write_string(r0, 7, ex.get("grade_b_text") if _b_of(ex.get("grade_b_text")) == gb else L.B_TEXT[gb])
            w6.write_number(r0, 8, gb, grey)
        if ex.get("keeper"):
            w6.write_string(r0, 10, ex["keeper"])
        w6.write_string(r0, 11, row.direct)
        w6.write_string(r0, 12, row.etype)
        c_level = gc if gc in (1, 2, 3) else None
        if row.default_kind in L.FACTOR_KINDS:
            w6.write_string(r0, 13, L.FACTOR_KINDS[row.default_kind])
        if c_level:
            w6.write_number(r0, 14, c_level, grey)
        if ga and gb and c_level:
            x = ga * gb * c_level
            w6.write_number(r0, 15, x, grey)
            if row.sub_total:
                w6.write_number(r0, 16, round(row.share, 4), grey)
                w6.write_number(r0, 18, round(round(row.share, 4) * x, 2), grey)
            self.dq_rows.append((x, row.sub_total))
            w6.write_string(r0, 17, "1" if x < 10 else "2" if x < 19 else "3")

    def t7(self, row: _Row) -> None:
        """表七 (row + 2): activity and factor intervals, combined per gas and per source."""
        s, ex, w7, grey = row.s, row.ex, self.w7, self.grey
        r7 = row.r0 + L.T7_OFFSET
        for c, v in enumerate([row.proc_no, row.eq_no, _s(s.get("material_code")), _s(s.get("material_name"))]):
            if v:
                w7.write_string(r7, c, str(v))
        adl, adh = _f(s.get("ad_low_pct")), _f(s.get("ad_high_pct"))
        for c, v in ((4, adl), (5, adh)):
            if v is not None:
                w7.write_number(r7, c, v / 100)
        if _s(s.get("data_source")):
            w7.write_string(r7, 6, _s(s.get("data_source")))
        parts = []
        for k, (g, _e, _u, _p, _m, _gw, co2e, _fs) in enumerate(row.gases[:3]):
            b = [column_index(c) for c in L.T7_BLOCKS[k]]  # gas, CO2e, EF low, EF high, …, U low, U high
            w7.write_string(r7, b[0], _flag_of(g))
            typed = (ex.get("ef_bounds") or {}).get(_flag_of(g)) or (ex.get("ef_bounds") or {}).get(g)
            efl, efh = typed if typed and typed != (None, None) else _ef_bounds(s, self.custom, g, k)
            for c, v in ((b[2], efl), (b[3], efh)):
                if v is not None:
                    w7.write_number(r7, c, v / 100)
            if adl is not None and efl is not None and co2e is not None:
                ul = round(math.hypot(adl / 100, efl / 100), 5)
                uh = round(math.hypot((adh or 0) / 100, (efh or 0) / 100), 5)
                for c, v in ((b[1], co2e), (b[6], ul), (b[7], uh)):
                    w7.write_number(r7, c, v, grey)
                parts.append((co2e, ul, uh))
        tot = sum(p[0] for p in parts)
        if parts and tot:
            lo = math.sqrt(sum((p[0] * p[1]) ** 2 for p in parts)) / tot
            hi = math.sqrt(sum((p[0] * p[2]) ** 2 for p in parts)) / tot
            w7.write_number(r7, 32, lo, grey)
            w7.write_number(r7, 33, hi, grey)
            self.unc_rows.append((tot, lo, hi))


def _as_calculated(s: pd.Series, srecs: pd.DataFrame) -> None:
    """Write what the calculators turned the input into, so the form is self-consistent.

    For example person-days -> person-hours, refrigerant charge × leak rate, certificates
    deducted.
    """
    if not len(srecs) or _s(s.get("method")) == "mass_balance":
        return
    ra, ru = _f(srecs["activity_amount"].iloc[0]), _s(srecs["activity_unit"].iloc[0])
    sa, su = _f(s.get("activity_amount")), _s(s.get("activity_unit"))
    if ra is not None and ru and (ru != su or sa is None or not same(ra, sa)):
        note = f"activity as calculated by carbon: {sa:g} {su} -> {ra:g} {ru}"
        s["note"] = "; ".join(x for x in (_s(s.get("note")), note) if x)
        s["activity_amount"], s["activity_unit"] = ra, ru


def _round4(x: np.ndarray) -> np.ndarray:
    return round_half_up(np.asarray(x, dtype=float), L.MASS_DECIMALS)


def _form_records(records: pd.DataFrame, unrounded: set[str]) -> pd.DataFrame:
    """Records as the form shows them, whatever rounding the result used.

    Gas mass to 4 decimals (unless the source's row does not round, see
    ``origin['moenv_unrounded_mass']``), CO2e = ROUND(mass × GWP, 4) (表五 notes 7–9).
    """
    if not len(records):
        return records
    r = records.copy()
    mass = pd.to_numeric(r["mass_t"], errors="coerce").to_numpy(dtype=float)
    gwp = pd.to_numeric(r["gwp"], errors="coerce").to_numpy(dtype=float)
    keep = r["source_id"].astype(str).isin(unrounded).to_numpy()
    mass = np.where(keep, mass, _round4(mass))
    r["mass_t"] = mass
    r["co2e_t"] = _round4(mass * gwp)
    return r


def _t7_heads(w7, bold) -> None:
    w7.write_string(1, 0, "製程編號", bold)
    w7.write_string(1, 1, "設備編號", bold)
    w7.write_string(1, 2, "原(燃)物料或產品", bold)
    w7.write_string(1, 4, "活動數據之不確定性", bold)
    for k, c in enumerate((8, 16, 24)):
        w7.write_string(1, c, f"溫室氣體#{k + 1}之排放係數不確定性", bold)
    w7.write_string(1, 32, "單一排放源不確定性12", bold)
    w7.write_string(2, 4, "95%信賴區間之下限3", bold)
    w7.write_string(2, 5, "95%信賴區間之上限4", bold)
    w7.write_string(2, 6, "數據\n來源5", bold)
    w7.write_string(2, 7, "活動數據保存單位6", bold)
    for c in (8, 16, 24):
        for j, h in enumerate(
            [
                "溫室氣體",
                "溫室氣體排放當量(噸CO2e/年)",
                "95%信賴區間之下限",
                "95%信賴區間之上限",
                "係數不確定性資料來源",
                "排放係數保存單位",
                "單一溫室氣體不確定性",
            ]
        ):
            w7.write_string(2, c + j, h, bold)
        w7.write_string(3, c + 6, "95%信賴區間之下限", bold)
        w7.write_string(3, c + 7, "95%信賴區間之上限", bold)
    w7.write_string(3, 2, "代碼", bold)
    w7.write_string(3, 3, "名稱", bold)
    w7.write_string(3, 32, "95%信賴區間之下限", bold)
    w7.write_string(3, 33, "95%信賴區間之上限", bold)


def _t7_notes(w7, n: int) -> None:
    r = L.FIRST_ROW - 1 + n + L.T7_OFFSET + 1
    w7.write_string(r, 0, "填表說明")
    w7.write_string(r + 1, 1, "活動數據及排放係數之不確定性以小數表示(0.015 = 1.5%)，95%信賴區間。")


def _write_t8(wb, recs, total, dq_rows, unc_rows, title, bold) -> None:
    ws = wb.add_worksheet("表八")
    ws.write_string(0, 0, "八、溫室氣體排放量彙總", title)
    ws.write_string(1, 0, "彙整表一、全廠電力*")
    ws.write_string(5, 0, "彙整表二、全廠七大溫室氣體排放量統計表")
    groups = ["CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3"]
    for j, g in enumerate(groups):
        ws.write_string(6, 1 + j, g, bold)
        ws.write_string(12, 1 + j, g, bold)
    ws.write_string(6, 8, "七種溫室氣體年總排放當量註", bold)
    ws.write_string(6, 9, "生質排放當量", bold)
    ws.write_string(12, 8, "範疇一七種溫室氣體年總排放當量", bold)
    ws.write_string(7, 0, "排放當量\n(公噸CO2e/年)")
    ws.write_string(13, 0, "排放當量\n(公噸CO2e/年)")
    ws.write_string(8, 0, "氣體別占比\n(％)")
    ws.write_string(14, 0, "氣體別占比\n(％)")
    ws.write_string(11, 0, "彙整表三、範疇一七大溫室氣體排放量統計表")
    if len(recs):
        co2e = pd.to_numeric(recs["co2e_t"], errors="coerce").fillna(0.0)
        bio = recs["biogenic"].fillna(False).astype(bool) if "biogenic" in recs else pd.Series(False, index=recs.index)
        grp = recs["gas"].astype(str).map(_gas_group)
        sub = recs["iso_subcategory"].astype(str) if "iso_subcategory" in recs else pd.Series("", index=recs.index)
        s1 = sub.str.startswith("1")
    else:
        co2e = bio = grp = sub = s1 = pd.Series(dtype=float)
    fossil_total = float(co2e[~bio].sum()) if len(recs) else 0.0
    s1_total = float(co2e[s1 & ~bio].sum()) if len(recs) else 0.0
    for j, g in enumerate(groups):
        v = float(co2e[(grp == g) & ~bio].sum()) if len(recs) else 0.0
        v1 = float(co2e[(grp == g) & s1 & ~bio].sum()) if len(recs) else 0.0
        ws.write_number(7, 1 + j, v)
        ws.write_number(8, 1 + j, v / fossil_total if fossil_total else 0.0)
        ws.write_number(13, 1 + j, v1)
        ws.write_number(14, 1 + j, v1 / s1_total if s1_total else 0.0)
    ws.write_formula(7, 8, "=ROUND(SUM(B8:H8),3)", None, round(fossil_total, 3))
    ws.write_number(7, 9, float(co2e[bio].sum()) if len(recs) else 0.0)
    ws.write_formula(13, 8, "=SUM(B14:H14)", None, s1_total)
    ws.write_string(16, 0, "彙整表四、全廠溫室氣體範疇別及範疇一排放型式排放量統計表")
    ws.write_string(17, 1, "直接", bold)
    ws.write_string(17, 5, "間接", bold)
    ws.write_string(17, 8, "總排放當量註", bold)
    for j, h in enumerate(["固定排放", "製程排放", "移動排放", "逸散排放"]):
        ws.write_string(18, 1 + j, h, bold)
    ws.write_string(18, 5, "能源間接排放", bold)
    ws.write_string(18, 7, "其他間接排放", bold)
    ws.write_string(19, 5, "外購電力", bold)
    ws.write_string(19, 6, "外購蒸汽", bold)
    ws.write_string(19, 7, "其他間接排放", bold)
    ws.write_string(20, 0, "排放當量(公噸CO2e/年)")
    by = {
        k: (float(co2e[(sub == k) & ~bio].sum()) if len(recs) else 0.0)
        for k in ("1.1", "1.3", "1.2", "1.4", "2.1", "2.2")
    }
    other = fossil_total - sum(by.values())
    ws.write_number(20, 1, s1_total)
    ws.write_number(20, 5, by["2.1"] + by["2.2"])
    ws.write_number(20, 7, other)
    ws.write_formula(20, 8, "=ROUND(B21+F21+H21,3)", None, round(fossil_total, 3))
    for j, k in enumerate(("1.1", "1.3", "1.2", "1.4", "2.1", "2.2")):
        ws.write_number(21, 1 + j, by[k])
    _t8_quality(ws, total, dq_rows, unc_rows, bold)
    ws.set_column(0, 11, 16)


def _t8_quality(ws, total: float, dq_rows: list[tuple], unc_rows: list[tuple], bold) -> None:
    """表八 彙整表五 (data-quality grades and score) and 彙整表六 (combined uncertainty)."""
    ws.write_string(26, 0, "彙整表五、全廠溫室氣體數據等級評分結果")
    for j, h in enumerate(["等級", "第一級", "第二級", "第三級"]):
        ws.write_string(27, j, h, bold)
    ws.write_string(28, 0, "評分範圍")
    for j, h in enumerate(["X<10分", "10分≦X<19分", "19≦X≦27分"]):
        ws.write_string(28, 1 + j, h)
    ws.write_string(29, 0, "個數")
    xs = [x for x, _ in dq_rows]
    for j, (lo, hi) in enumerate(((0, 10), (10, 19), (19, 28))):
        ws.write_number(29, 1 + j, sum(1 for x in xs if lo <= x < hi))
    ws.write_string(30, 0, "清冊等級總平均分數")
    avg = sum(round(round(t / total, 4) * x, 2) for x, t in dq_rows) if total else 0.0
    ws.write_number(30, 1, round(avg, 2))
    ws.write_string(30, 2, "清冊級別")
    ws.write_string(30, 3, "第一級" if avg < 10 else "第二級" if avg < 19 else "第三級")
    ws.write_string(32, 0, "彙整表六、溫室氣體不確定性量化評估結果")
    ws.write_string(33, 0, "進行不確定性評估之排放量絕對值加總")
    ws.write_string(33, 1, "排放總量絕對值加總")
    ws.write_string(33, 2, "本清冊之總不確定性")
    covered = sum(t for t, _, _ in unc_rows)
    ws.write_number(34, 0, covered)
    ws.write_number(34, 1, total)
    ws.write_string(34, 2, "95%信賴區間下限")
    ws.write_string(34, 3, "95%信賴區間上限")
    ws.write_string(35, 0, "進行不確定性評估之排放量佔總排放量之比例")
    ws.write_number(36, 0, covered / total if total else 0.0)
    if covered:
        ws.write_number(36, 2, round(math.sqrt(sum((t * lo) ** 2 for t, lo, _ in unc_rows)) / covered, 5))
        ws.write_number(36, 3, round(math.sqrt(sum((t * hi) ** 2 for t, _, hi in unc_rows)) / covered, 5))


def _norm_sub(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v).strip()


def _gas_group(g: str) -> str:
    g = str(g)
    if g in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return g
    if g.upper().startswith(("HFC", "R-", "R4", "R3", "R1")):
        return "HFCs"
    if g.upper().startswith(("PFC", "CF4", "C2F6", "C3F8", "C-C4F8")):
        return "PFCs"
    return "HFCs" if g not in ("CO2e",) else "CO2"


def _flag_of(g: str) -> str:
    """Gas as the workbook's gas columns spell it: 'HFC-23' -> 'HFCS'."""
    grp = _gas_group(g)
    return {"HFCs": "HFCS", "PFCs": "PFCS"}.get(grp, grp)


def _b_of(text: str | None) -> int | None:
    if not text:
        return None
    m = re.match(r"\s*[（(]\s*([123])", text)
    return int(m.group(1)) if m else None


def _s(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _f(v) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _int(v) -> int | None:
    x = _f(v)
    return int(x) if x is not None else None


def _hv(s, custom: pd.DataFrame, registry, fid: str) -> tuple[float | None, str | None]:
    hv, hvu = _f(s.get("heat_value")), _s(s.get("heat_value_unit"))
    if hv is not None:
        return hv, hvu
    rows = custom[custom["factor_id"] == fid] if len(custom) else custom
    if len(rows) and rows["heat_value"].notna().any():
        r = rows[rows["heat_value"].notna()].iloc[0]
        return float(r["heat_value"]), _s(r["heat_value_unit"])
    if registry is not None and fid and fid in registry:
        d = registry.default_heat_value(fid)
        if d:
            return d[0], d[1]
    return None, None


def _ef_bounds(s, custom: pd.DataFrame, gas: str, k: int) -> tuple[float | None, float | None]:
    if k == 0:
        lo, hi = _f(s.get("ef_low_pct")), _f(s.get("ef_high_pct"))
        if lo is not None or hi is not None:
            return lo, hi
    fid = _s(s.get("factor_id")) or ""
    rows = (
        custom[(custom["factor_id"] == f"custom/{s['source_id']}") & (custom["gas"] == gas)] if len(custom) else custom
    )
    if not len(rows) and fid.startswith("custom/") and len(custom):
        rows = custom[(custom["factor_id"] == fid) & (custom["gas"] == gas)]
    if len(rows):
        r = rows.iloc[0]
        v, lo, hi = _f(r["value"]), _f(r["value_low"]), _f(r["value_high"])
        if v:
            return (
                (1 - lo / v) * 100 if lo is not None else None,
                (hi / v - 1) * 100 if hi is not None else None,
            )
    return None, None


def _write_gases(s, srecs: pd.DataFrame, custom: pd.DataFrame, ex: dict) -> list[tuple]:
    """Per gas: (gas, per-TJ factor, unit factor, unit-factor unit text, mass, GWP, CO2e, source)."""
    unit = _s(s.get("activity_unit")) or ""
    out = []
    if len(srecs):
        grouped = srecs.groupby(srecs["gas"].astype(str), sort=False)
        for g, grp in grouped:
            mass = float(pd.to_numeric(grp["mass_t"], errors="coerce").sum())
            co2e = float(pd.to_numeric(grp["co2e_t"], errors="coerce").sum())
            gwp = _f(grp["gwp"].iloc[0])
            fval, funit = _f(grp["factor_value"].iloc[0]), _s(grp["factor_unit"].iloc[0])
            hv, hvu = _f(grp["heat_value"].iloc[0]), _s(grp["heat_value_unit"].iloc[0])
            ef_e = ef_u = None
            try:
                fm, _fg, fper = split_factor_unit(funit) if funit else ("t", g, unit)
            except (UnitError, ValueError):
                fm, fper = "t", unit
            if fval is not None and fper and is_convertible(fper, "TJ") and hv is not None and hvu:
                ef_e = fval * multiplier(fm, "kg") / multiplier(fper, "TJ")
                ef_u = per_unit_from_energy(ef_e, hv, hvu, unit)
            elif fval is not None and fper and unit and is_convertible(unit, fper):
                ef_u = fval * multiplier(fm, "t") * multiplier(unit, fper)
                if _s(s.get("method")) == "electricity" and is_convertible(fper, "kWh"):
                    ef_e = fval * multiplier(fm, "kg") / multiplier(fper, "kWh")  # 表五 R: 公斤CO2/度
            elif _s(s.get("method")) in ("refrigerant", "extinguisher", "mass_balance"):
                ef_u = None
            method = _s(s.get("method"))
            per_text = "公噸/" + unit
            if method == "mass_balance" and _f(s.get("carbon_content")) is not None:
                ef_u, per_text = _f(s.get("carbon_content")) * L.C_TO_CO2, "公噸/公噸"  # 表五 T = AB × 44/12
            elif method in ("refrigerant", "extinguisher"):
                ef_u, per_text = 1.0, "公噸/公噸"  # emitted as it is (表五 T = 1 for F-gases)
            out.append((g, ef_e, ef_u, per_text, mass, gwp, co2e, None))
    order = [g for _c, g in L.GAS_FLAGS]
    out.sort(key=lambda t: order.index(_flag_of(t[0])) if _flag_of(t[0]) in order else len(order))
    return out


def _flag(v) -> bool:
    """A boolean column value (pandas missing values are no)."""
    return v is not None and v is not pd.NA and not (isinstance(v, float) and math.isnan(v)) and bool(v)
