"""Fill a copy of the official blank Communication template with a CBAM installation.

Only the ``<c>`` elements of unlocked input cells of the input sheets are replaced (at the
coordinates of :mod:`carbon.formats.cbam_template.cells`), through
:mod:`carbon.formats.xlsx_package`; every other package part is copied unchanged, which
keeps formulas, protection, validation lists, conditional formats, drawings and styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from carbon.cbam.goods import normalise_cn
from carbon.cbam.model import CbamInput, Precursor, ProductionProcess
from carbon.errors import CalculationError, InputError, Problem, did_you_mean
from carbon.formats import xlsx_package
from carbon.paths import FACTORS_DIR

from . import cells as M
from .codelists import country_codes, goods_categories

__all__ = ["BLANK_TEMPLATE", "input_cells", "write_template"]

BLANK_TEMPLATE = FACTORS_DIR / "sources" / "cbam" / "eu-cbam-communication-template-installations-v2.1.1.xlsx"

Cells = dict[tuple[str, str], Any]


class _Cells:
    """The cells to write, and the problems found on the way."""

    def __init__(self, countries: Mapping[str, tuple[str, str]], categories: list[str]) -> None:
        self.cells: Cells = {}
        self.problems: list[Problem] = []
        self.countries = countries
        self.by_code = {code: name for code, name in countries.values()}
        self.spelled = {c.strip().lower(): c for c in categories}

    def put(self, where: tuple[str, str], value: Any) -> None:
        if value is not None and value != "":
            self.cells[where] = value

    def category(self, cat: str, where: str) -> str:
        """The category as the template spells it (one of them has a trailing space)."""
        if not cat or not self.spelled:
            return cat
        exact = self.spelled.get(cat.strip().lower())
        if exact is None:
            hint = did_you_mean(cat, [c.strip() for c in self.spelled.values()]) or None
            self.problems.append(
                Problem(f"{where}: '{cat}' is not an aggregated goods category of the template", hint=hint)
            )
            return cat
        return exact

    def country_code(self, country: str) -> str:
        if len(country) == 2 or not country:
            return country.upper()
        return self.countries.get(country.lower(), (country, ""))[0]


def _check_capacity(inp: CbamInput) -> None:
    problems = []
    for what, items, cap in (
        ("production processes", inp.processes, M.PROCESS.count),
        ("purchased precursors", inp.precursors, M.PRECURSOR.count),
        ("source streams", inp.source_streams, len(M.SOURCE_STREAM.rows)),
        ("PFC rows", inp.pfc, len(M.PFC.rows)),
        ("measurement sources", inp.emission_sources, len(M.CEMS.rows)),
        ("goods", inp.goods, len(M.PRODUCTS.rows)),
    ):
        if len(items) > cap:
            problems.append(Problem(f"{len(items)} {what}; the template holds {cap}"))
    if problems:
        raise InputError(problems)


def _installation(c: _Cells, inp: CbamInput) -> None:
    ins = inp.installation
    c.put(M.PERIOD["start"], inp.period_start)
    c.put(M.PERIOD["end"], inp.period_end)
    for f, where in M.INSTALLATION.items():
        value = getattr(ins, f)
        if f == "country":
            if len(value) == 2 and value.upper() in c.by_code:
                value = c.by_code[value.upper()]
            elif not value and ins.country_code:
                value = c.by_code.get(ins.country_code.upper(), ins.country_code)
        c.put(where, value)


def _lists(c: _Cells, inp: CbamInput) -> None:
    """Categories of the installation, and the process and purchased-precursor lists."""
    cats: list[str] = []
    items: tuple[ProductionProcess | Precursor, ...] = (*inp.processes, *inp.precursors)
    for item in items:
        cat = c.category(item.category, f"'{item.name}'")
        if cat and cat not in cats:
            cats.append(cat)
    if c.problems:
        raise InputError(c.problems)
    existing = [
        inp.extra_cells.get("{}!{}".format(*M.CATEGORIES.item(i + 1, "category")))
        for i in range(len(M.CATEGORIES.rows))
    ]
    if not all(x in existing for x in cats):
        for i, cat in enumerate(cats[: len(M.CATEGORIES.rows)], start=1):
            c.put(M.CATEGORIES.item(i, "category"), cat)
    for n, p in enumerate(inp.processes, start=1):
        c.put(M.PROCESS_LIST.item(n, "category"), c.category(p.category, p.name))
        if M.PROCESS_LIST.item(n, "route") not in c.cells:
            c.put(M.PROCESS_LIST.item(n, "route"), M.ONLY_DIRECT)
        c.put(M.PROCESS_LIST.item(n, "name"), p.name)
    for n, q in enumerate(inp.precursors, start=1):
        c.put(M.PRECURSOR_LIST.item(n, "category"), c.category(q.category, q.name))
        c.put(M.PRECURSOR_LIST.item(n, "country"), c.country_code(q.country))
        c.put(M.PRECURSOR_LIST.item(n, "name"), q.name)


def _source_streams(c: _Cells, inp: CbamInput) -> None:
    t = M.SOURCE_STREAM
    for row, s in zip(t.rows, inp.source_streams, strict=False):
        if s.activity_unit == "TJ":
            msg = f"source stream '{s.name}' has activity in TJ; the template accepts t or 1000Nm3"
            raise InputError([Problem(msg, hint="Enter the quantity and its NCV.")])
        values: dict[str, Any] = {
            "method": M.METHOD_TO_TPL[s.method],
            "name": s.name,
            "activity": s.activity,
            "activity_unit": s.activity_unit,
            "ncv": s.ncv,
            "carbon_content": s.carbon_content,
            "biomass_fraction": s.biomass_fraction * 100.0,
        }
        if s.method != "mass_balance":
            values.update(emission_factor=s.emission_factor, ef_unit=s.ef_unit)
        if s.method == "combustion":
            values["oxidation_factor"] = s.oxidation_factor * 100.0
        if s.method == "process":
            values["conversion_factor"] = s.conversion_factor * 100.0
        if s.non_sustainable_biomass_fraction:
            values["non_sustainable_biomass_fraction"] = s.non_sustainable_biomass_fraction * 100.0
        for name, v in values.items():
            c.put(t.cell(row, name), v)


def _pfc_and_cems(c: _Cells, inp: CbamInput) -> None:
    for row, p in zip(M.PFC.rows, inp.pfc, strict=False):
        values: dict[str, Any] = {"method": M.PFC_TO_TPL[p.method], "technology": p.technology or p.name}
        values.update(
            primary_aluminium_t=p.primary_aluminium_t, f_c2f6=p.f_c2f6, collection_efficiency=p.collection_efficiency
        )
        if p.method == "slope":
            aem_only = p.frequency is None and p.aem is not None
            values.update(frequency=p.aem if aem_only else p.frequency, duration=1.0 if aem_only else p.duration)
            values["sef_cf4"] = p.sef_cf4
        else:
            values.update(aeo_mv=p.aeo_mv, current_efficiency_pct=p.current_efficiency_pct, ovc=p.ovc)
        for name, v in values.items():
            c.put(M.PFC.cell(row, name), v)
    for row, e in zip(M.CEMS.rows, inp.emission_sources, strict=False):
        values = {"name": e.name, "gas": e.gas, "biomass_fraction": e.biomass_fraction * 100.0}
        if e.mass_t is not None and e.concentration_g_per_nm3 is None:
            # the template has no annual-mass field: 1 h x mass [t] x 1000 / (1 x 1000 Nm3/h)
            values.update(concentration_g_per_nm3=e.mass_t, hours=1.0, flue_gas_1000nm3_per_h=1000.0)
        else:
            values.update(
                concentration_g_per_nm3=e.concentration_g_per_nm3,
                hours=e.hours,
                flue_gas_1000nm3_per_h=e.flue_gas_1000nm3_per_h,
            )
        for name, v in values.items():
            c.put(M.CEMS.cell(row, name), v)


def _trim(values: tuple[float, ...]) -> tuple[float, ...]:
    """Drop trailing zero routes (a value in a route row without a route is a template error)."""
    out = list(values)
    while len(out) > 1 and not out[-1]:
        out.pop()
    return tuple(out)


def _flows(c: _Cells, n: int, kind: str, flows: tuple, relevant: bool) -> None:
    """Heat or waste-gas imports and exports of process ``n`` (amount [TJ], mean EF)."""
    for direction in ("import", "export"):
        sel = [x for x in flows if x.direction == direction]
        q = sum(x.amount_tj for x in sel)
        tj, ef = M.PROCESS.cell(n, f"{kind}_{direction}_tj"), M.PROCESS.cell(n, f"{kind}_{direction}_ef")
        if sel:
            c.put(tj, q)
            known = [x for x in sel if x.emission_factor is not None]
            if known and q:
                c.put(ef, sum(x.amount_tj * x.emission_factor for x in known) / q)
            elif kind == "heat":
                c.put(ef, 0.0)
        elif relevant:
            c.put(tj, 0.0)
            c.put(ef, 0.0)


def _electricity(c: _Cells, n: int, p: ProductionProcess) -> None:
    P = M.PROCESS
    if p.electricity is not None:
        c.put(P.cell(n, "electricity_mwh"), p.electricity.mwh)
        c.put(P.cell(n, "electricity_ef"), p.electricity.emission_factor)
        c.put(P.cell(n, "electricity_ef_source"), p.electricity.ef_source)
    if p.electricity_produced is not None:
        c.put(P.cell(n, "electricity_produced_mwh"), p.electricity_produced.mwh)
        c.put(P.cell(n, "electricity_produced_ef"), p.electricity_produced.emission_factor)
    else:
        c.put(P.cell(n, "electricity_produced_mwh"), 0.0)


def _process(c: _Cells, inp: CbamInput, n: int, p: ProductionProcess, dir_star: float) -> None:
    P = M.PROCESS
    prod = _trim(p.production_t or (0.0,))
    if len(prod) > P.length("production_t"):
        raise InputError(
            [Problem(f"process '{p.name}' has {len(prod)} routes; the template holds {P.length('production_t')}")]
        )
    for i, v in enumerate(prod):
        c.put(P.cell(n, "production_t", i), v)
    other = p.other_uses_t if p.other_uses_t is not None else 0.0
    internal = sum(u.mass_t for q in inp.processes if q is not p for u in q.precursors if u.precursor == p.name)
    market = p.produced_for_market_t
    if market is None:  # what is not consumed inside the installation leaves it
        market = max(0.0, sum(prod) - internal - other)
    c.put(P.cell(n, "produced_for_market_t"), market)
    c.put(P.cell(n, "other_uses_t"), other)
    heat_rel = p.heat_relevant if p.heat_relevant is not None else bool(p.heat)
    wg_rel = p.waste_gas_relevant if p.waste_gas_relevant is not None else bool(p.waste_gases)
    c.cells[P.cell(n, "heat_relevant")] = heat_rel
    c.cells[P.cell(n, "waste_gas_relevant")] = wg_rel
    c.put(P.cell(n, "direct_emissions_t"), dir_star)
    _flows(c, n, "heat", p.heat, heat_rel)
    _flows(c, n, "waste_gas", p.waste_gases, wg_rel)
    _electricity(c, n, p)
    for j in range(1, P.length("consumed_in") + 1):  # this output consumed in the other processes
        m = j if j < n else j + 1
        if m <= len(inp.processes):
            qty = sum(u.mass_t for u in inp.processes[m - 1].precursors if u.precursor == p.name)
            c.put(P.cell(n, "consumed_in", j - 1), qty)


def _precursors(c: _Cells, inp: CbamInput) -> None:
    Q = M.PRECURSOR
    for n, q in enumerate(inp.precursors, start=1):
        bought = q.purchased_t or (sum(u.mass_t for p in inp.processes for u in p.precursors if u.precursor == q.name),)
        for i, v in enumerate(_trim(bought)[: Q.length("purchased_t")]):
            c.put(Q.cell(n, "purchased_t", i), v)
        for m, consumer in enumerate(inp.processes, start=1):
            c.put(Q.cell(n, "consumed_in", m - 1), sum(u.mass_t for u in consumer.precursors if u.precursor == q.name))
        c.put(Q.cell(n, "other_uses_t"), q.other_uses_t if q.other_uses_t is not None else 0.0)
        c.put(Q.cell(n, "see_direct"), q.see_direct)
        c.put(Q.cell(n, "see_direct_source"), M.SOURCE_TO_TPL.get(q.see_direct_source, "Unknown"))
        spec, ef = q.specific_electricity_mwh_per_t, q.electricity_ef
        if spec is None and q.see_indirect_value is not None:
            spec, ef = 1.0, q.see_indirect_value  # template field is spec. electricity x EF
        c.put(Q.cell(n, "specific_electricity_mwh_per_t"), spec)
        if spec is not None:
            c.put(
                Q.cell(n, "specific_electricity_source"), M.SOURCE_TO_TPL.get(q.specific_electricity_source, "Unknown")
            )
        c.put(Q.cell(n, "electricity_ef"), ef)
        c.put(Q.cell(n, "electricity_ef_source"), q.electricity_ef_source or None)


def input_cells(
    cbam_input: CbamInput,
    result: Any = None,
    countries: Mapping[str, tuple[str, str]] | None = None,
    categories: list[str] | None = None,
) -> dict[tuple[str, str], Any]:
    """Map a :class:`~carbon.cbam.CbamInput` onto template input cells.

    Parameters
    ----------
    cbam_input : CbamInput
    result : CbamResult, optional
        Used for DirEm* [t CO2e] of processes whose direct emissions are computed from
        source shares, and for the installation's indirect emissions [t CO2e]
        (C_Emissions&Energy M26); computed when needed and not given.
    countries : mapping, optional
        Lower-case country name -> (ISO-2 code, name) of the template's code list; used to
        write the installation's country as a list name and precursor origins as codes.
    categories : list of str, optional
        The template's aggregated goods categories as spelled in its list; categories are
        matched ignoring case and outer spaces.

    Returns
    -------
    dict
        ``(sheet, cell) -> value`` (str, float, bool or date).

    Raises
    ------
    InputError
        More items than the template holds, unknown categories, activity in TJ.

    References
    ----------
    IR (EU) 2025/2547 Annex IV (content of the communication); Annex III A.3 (DirEm*).
    """
    inp = cbam_input
    _check_capacity(inp)
    c = _Cells(countries or {}, categories or [])
    for key, value in inp.extra_cells.items():  # extra cells first, so that modelled values win
        sheet, _, coord = key.rpartition("!")
        c.put((sheet, coord), value)
    _installation(c, inp)
    _lists(c, inp)
    _source_streams(c, inp)
    _pfc_and_cems(c, inp)
    indirect = inp.reported_indirect_t
    if indirect is None and result is not None:
        indirect = result.installation.indirect_t
    c.put(M.INDIRECT_EMISSIONS, indirect)
    computed = {p.name: p.direct_emissions_t for p in result.processes} if result is not None else {}
    for n, p in enumerate(inp.processes, start=1):
        dir_star = p.direct_emissions_t
        if dir_star is None:
            if p.name not in computed:
                from carbon.cbam.engine import calculate

                computed = {x.name: x.direct_emissions_t for x in calculate(inp).processes}
            dir_star = computed[p.name]
        _process(c, inp, n, p, dir_star)
    _precursors(c, inp)
    for row, g in zip(M.PRODUCTS.rows, inp.goods, strict=False):
        c.put(M.PRODUCTS.cell(row, "process"), g.process)
        c.put(M.PRODUCTS.cell(row, "cn_code"), normalise_cn(g.cn_code))
        c.put(M.PRODUCTS.cell(row, "name"), g.name)
    return c.cells


def write_template(
    cbam_input: CbamInput,
    result: Any,
    out_path: str | Path,
    blank: str | Path | None = None,
    recalc_on_load: bool = True,
) -> Path:
    """Fill a copy of the official blank Communication template with the input data.

    Parameters
    ----------
    cbam_input : CbamInput
    result : CbamResult or None
        Result of :func:`carbon.cbam.calculate` (supplies computed DirEm* and the
        installation's indirect emissions); computed on demand when ``None``.
    out_path : str or Path
        Where to write the ``.xlsx``.
    blank : str or Path, optional
        Blank template (default: the v2.1.1 copy in ``factors/sources/cbam/``).
    recalc_on_load : bool
        Also set ``fullCalcOnLoad="1"`` on ``<calcPr>`` in ``xl/workbook.xml`` so that the
        template's summaries are recomputed when opened.  With ``False`` every part other
        than the edited sheets is byte-identical to the blank.

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    InputError
        The data does not fit the template (see :func:`input_cells`).
    CalculationError
        A cell to write is not an input cell of the blank.

    References
    ----------
    Commission "CBAM Communication template for installations" v2.1.1; IR (EU) 2025/2547
    Annex IV.
    """
    with xlsx_package.Book(Path(blank) if blank else BLANK_TEMPLATE) as book:
        cells = input_cells(cbam_input, result, country_codes(book), goods_categories(book))
        by_sheet: dict[str, dict[str, Any]] = {}
        for (sheet, coord), v in cells.items():
            if sheet not in M.INPUT_SHEETS:
                msg = f"refusing to write {sheet}!{coord}: '{sheet}' is not an input sheet"
                raise CalculationError(msg)
            by_sheet.setdefault(sheet, {})[coord] = v
        new_parts: dict[str, bytes] = {}
        for sheet, updates in by_sheet.items():
            xml = xlsx_package.patch_sheet(book.sheet_xml(sheet), updates, book.unlocked_styles, sheet, book.date1904)
            new_parts[book.parts[sheet]] = xml.encode("utf-8")
        if recalc_on_load:
            new_parts["xl/workbook.xml"] = xlsx_package.set_full_calc_on_load(book.workbook_xml).encode("utf-8")
        return xlsx_package.write_package(book, new_parts, out_path)
