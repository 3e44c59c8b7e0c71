"""Build ``factors/gwp/``: 100-year GWP sets, refrigerant-blend compositions and gas aliases.

Sources (all under ``factors/sources/``):

* ``ipcc/gwp-ipcc-openclimatedata-cc0.csv`` -- columns ``AR4GWP100``, ``AR5GWP100``,
  ``AR6GWP100`` give the sets ``AR4``, ``AR5``, ``AR6`` (IPCC AR4 WG1 Table 2.14, AR5 WG1
  Table 8.A.1, AR6 WG1 Ch. 7 SM Table 7.SM.7).
* ``taiwan/moenv-emission-factors-announcement-2024-02-05.ods`` sheet ``附表四`` -- the
  binding MOENV GWP list (AR5; CH4 28, fossil CH4 30, N2O 265 ...): set ``MOENV-2024`` and the
  AR5 ``CH4_fossil`` / ``CH4_non_fossil`` rows.
* ``taiwan/moenv-inventory-workbook-sample.ods`` sheet ``附表二`` -- the official workbook's GWP
  list for 盤查年度 >= 113: refrigerant blends with their composition and the MOENV rule that
  HCFC/CFC and other non-Climate-Act gases count 0 (``停用``).  The published blend values
  are stored as ``MOENV-2024`` rows; the compositions go to ``blends.csv``.

Outputs: ``gwp.csv`` (gwp_set, gas, value, source_ref, note), ``blends.csv`` (blend,
component, mass_fraction, source_ref, note), ``gas_aliases.csv`` (alias, gas, rule),
``gas_names.csv`` (source spelling -> carbon spelling) and ``meta.toml``.

Blend GWPs of ``AR4``/``AR5``/``AR6`` are *not* stored: carbon computes them from
``blends.csv`` at run time.  For ``MOENV-2024`` the workbook's published blend values are
the official ones.

Run: ``.venv/bin/python scripts/build_gwp.py`` (deterministic, re-runnable).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _build import FACTORS, ROOT, SOURCES, Grid, _toml_value, sha256, write_table  # noqa: E402

from carbon.errors import FactorTableError  # noqa: E402

SCRIPT = "scripts/build_gwp.py"
OUT = FACTORS / "gwp"
OCD = SOURCES / "ipcc" / "gwp-ipcc-openclimatedata-cc0.csv"
ANNOUNCEMENT = SOURCES / "taiwan" / "moenv-emission-factors-announcement-2024-02-05.ods"
WORKBOOK = SOURCES / "taiwan" / "moenv-inventory-workbook-sample.ods"
TABLE_604 = SOURCES / "taiwan" / "moenv-emission-factor-table-6.0.4-revised.ods"
SHEET_ANN = "附表四"
SHEET_WB = "附表二"
SHEET_604 = "4_含氟氣體之GWP值"

#: set name -> column of the openclimatedata CSV (100-year horizon)
AR_COLUMNS = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}

#: openclimatedata spellings that the generic rule below does not turn into carbon's
OCD_NAMES = {
    "HFC4310mee": "HFC-43-10mee",
    "HFE4310pccc124": "HFE-43-10pccc124",
    "cC4F8": "c-C4F8",
    "cC3F6": "c-C3F6",
    "HGalden1040x": "H-Galden-1040x",
    "HFE7100": "HFE-7100",
    "HFE7200": "HFE-7200",
}
_OCD_PREFIX = re.compile(r"^(CFC|HCFC|HFC|HFE|HCFE|Halon|HG)(\d.*)$")

#: workbook 附表二 rows that are not a gas (skipped, listed in meta.toml)
WB_NOT_A_GAS = {
    "冷媒": "generic 'refrigerant' row (未能辨識冷媒種類故停用): not a gas",
    "蒙特婁列管冷媒": "generic 'Montreal-Protocol refrigerant' row (停用): not a gas",
}

#: workbook 附表二 pure-gas rows whose name part is not a usable gas name -> carbon spelling
WB_NAMES = {
    "HFE-449sl (HFE-7100)": "HFE-449sl",
    "HFE-569sf2(HFE-7200)": "HFE-569sf2",
    "HCFE-235ca2 (enflurane)": "HCFE-235ca2",
    "HCFE-235da2(isoflurane)": "HCFE-235da2",
    "HFE-236ea2 (desflurane)": "HFE-236ea2",
    "Sevoflurane (HFE-347mmz1)": "HFE-347mmz1",
    "HFE-43-10pccc124 (H-Galden 1040x, HG-11)": "HFE-43-10pccc124",
    "HFE-236ca12(HG-10)": "HFE-236ca12",
    "HFE-338pcc13(HG-01)": "HFE-338pcc13",
    "R-600A": "HC-600a",
    "CFC 1112": "CFC-1112",
    "CFC 1112a": "CFC-1112a",
    "PFC-c-318": "c-C4F8",
    "Octafluorocyclopentene": "c-C5F8",
    "PFPMIE (perfluoropolymethylisopropyl ether)": "PFPMIE",
    "HCFO-1233zd(Z)": "(Z)-HCFO-1233zd",
    "Hexafluorocyclobutene": "Hexafluorocyclobutene",
}

#: workbook 附表二 cells recognised by a fragment of their text -> carbon spelling
WB_TEXT = {"HCFO-1233zd(E)": "(E)-HCFO-1233zd", "HG-04": "HG-04"}

#: other names of gases in 附表二 (alias -> gas), from the workbook cell text
WB_ALIASES = {"HFE-7100": "HFE-449sl", "HFE-7200": "HFE-569sf2", "HG-10": "HFE-236ca12", "HG-01": "HFE-338pcc13"}

#: blend component spellings -> carbon spelling (PFC codes to formulae as in gwp.csv)
COMPONENT_NAMES = {"PFC-218": "C3F8", "PFC-318": "c-C4F8", "PFC-116": "C2F6", "PFC-14": "CF4"}

#: counted 0 under MOENV-2024 although absent from 附表二 (no GWP row at all): hydrocarbons and
#: dimethyl ether are not Climate-Act GHGs (workbook 附表二 note 「非氣候法定義之溫室氣體以「0」計」)
NON_CLIMATE_ACT_PREFIXES = ("HC-", "HE-", "HCFC-", "CFC-")

#: MOENV codes of duplicate workbook rows (filled by read_workbook, used by workbook_codes)
EXTRA_CODES: list[dict] = []


# --------------------------------------------------------------------------------------



def ocd_name(species: str) -> str:
    """Return carbon's spelling of an openclimatedata species name (``HFC134a`` -> ``HFC-134a``)."""
    if species in OCD_NAMES:
        return OCD_NAMES[species]
    m = _OCD_PREFIX.match(species)
    return f"{m.group(1)}-{m.group(2)}" if m else species


def read_ocd() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the openclimatedata CSV; return (gwp rows, name map)."""
    lines = OCD.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Species,"))
    df = pd.read_csv(OCD, skiprows=header, dtype=str, keep_default_na=False)
    missing = [c for c in AR_COLUMNS.values() if c not in df.columns]
    if missing:
        msg = f"{OCD.name}: column(s) {missing} not found (columns: {list(df.columns)}); update {SCRIPT}."
        raise FactorTableError(msg)
    rows, names = [], []
    for i, rec in df.iterrows():
        line = header + 2 + i  # 1-based line in the file
        gas = ocd_name(rec["Species"])
        names.append({"source": OCD.name, "source_name": rec["Species"], "gas": gas})
        for gwp_set, col in AR_COLUMNS.items():
            raw = rec[col].strip()
            if raw == "":
                continue
            try:
                value = float(raw)
            except ValueError as err:
                msg = f"{OCD.name}, line {line}, column {col}: '{raw}' is not a number."
                raise FactorTableError(msg) from err
            rows.append(
                {
                    "gwp_set": gwp_set,
                    "gas": gas,
                    "value": value,
                    "source_ref": f"{OCD.name}, line {line} (Species {rec['Species']}), column {col}",
                    "note": "",
                }
            )
    g = pd.DataFrame(rows)
    dup = g.duplicated(["gwp_set", "gas"])
    if dup.any():
        msg = f"{OCD.name}: two species map to the same gas: {g.loc[dup, 'gas'].tolist()}; fix OCD_NAMES."
        raise FactorTableError(msg)
    for gwp_set in AR_COLUMNS:
        g.loc[len(g)] = {
            "gwp_set": gwp_set,
            "gas": "CO2",
            "value": 1.0,
            "source_ref": "definition: CO2 is the reference gas of every GWP (the CSV has no CO2 row)",
            "note": "",
        }
    return g, pd.DataFrame(names).drop_duplicates()


_CODE = re.compile(r"^(?:\([EZ]\)-)?(?:HFC|PFC)-[0-9A-Za-z-]+$")


def announcement_gas(name: str, formula: str) -> str:
    """Carbon's spelling for one row of announcement 附表四 (col A name, col B formula)."""
    paren = re.findall(r"（([^（）]*(?:\([^)]*\))?[^（）]*)）", name)
    code = next((p for p in paren if _CODE.match(p)), None)
    if code is None and _CODE.match(name):
        code = name
    f = re.sub(r"^n-", "", formula)
    if code is None:
        return f
    if code.startswith("PFC-") and "=" not in f:
        return f
    return code


def read_announcement() -> tuple[pd.DataFrame, dict[str, tuple[str, int]]]:
    """Read 附表四 of the 2024-02-05 announcement: MOENV-2024 pure gases.

    Returns the rows and a map formula -> (gas, row) used to match the workbook rows.
    """
    g = Grid(ANNOUNCEMENT, SHEET_ANN)
    if "溫暖化潛勢" not in str(g.get(1, "A")):
        raise g.fail(1, "A", "title 附表四 溫暖化潛勢 not found; the sheet layout changed.")
    rows, by_formula = [], {}
    special = {"二氧化碳": "CO2", "甲烷": "CH4", "石化甲烷": "CH4_fossil", "氧化亞氮": "N2O"}
    for r in range(3, g.nrows + 1):
        name, formula, val = str(g.get(r, "A")), str(g.get(r, "B")), g.get(r, "C")
        if not formula or val == "":
            continue
        head = re.split(r"[（(]", name)[0].strip()
        gas = special.get(head) or announcement_gas(name, formula)
        note = ""
        if isinstance(val, str):
            if val.replace(" ", "") != "<1":
                raise g.fail(r, "C", f"unexpected GWP text '{val}' (expected a number or '<1').")
            value, note = 0.0, "published '<1' (註2: 僅需定性, qualitative only); counted 0"
        else:
            value = float(val)
        if gas == "CH4_fossil":
            note = "石化甲烷 (fossil methane), 註1: 適用於化石燃料所排放之甲烷 (for CH4 emitted by fossil fuels)"
        rows.append({"gwp_set": "MOENV-2024", "gas": gas, "value": value, "source_ref": g.ref(r, "C"), "note": note})
        if gas not in ("CH4", "CH4_fossil"):
            by_formula[formula] = (gas, r)
    df = pd.DataFrame(rows)
    if df.duplicated("gas").any():
        raise FactorTableError(
            f"{ANNOUNCEMENT.name} 附表四: duplicate gas names {df.loc[df.duplicated('gas'), 'gas'].tolist()}"
        )
    return df, by_formula


_BLEND = re.compile(r"^(R-\d+[A-Z]?)\s*[,，]\s*([A-Za-z0-9/ \-]+?)\s*\(([\d.\s/]+)\)\s*$")
_SEP = re.compile(r"\s*[，]\s*|,\s+")


def wb_name_formula(text: str) -> tuple[str, str]:
    """Split a workbook 附表二 name cell into (name part, formula part)."""
    seps = list(_SEP.finditer(text))
    if seps:
        last = seps[-1]
        return text[: last.start()].strip(), text[last.end() :].strip()
    toks = text.split()
    if len(toks) >= 2:  # 'HFE-347mcf2 CHF2CH2OCF2CF3', 'Fluoro(methoxy)methane CH3OCH2F'
        return " ".join(toks[:-1]), toks[-1]
    return text.strip(), ""


_CODE_LIKE = re.compile(r"^(?:\([EZ]\)-|[EZ]-)?[A-Z][A-Za-z]{0,4}'?[- ]?\d")


def _wb_value(g: Grid, r: int, val, remark: str) -> tuple[float, str]:
    """GWP value and note of one 附表二 row: a number, 停用 (0) or '<1' (0)."""
    if not isinstance(val, str):
        return float(val), remark
    v = val.replace(" ", "")
    if v == "停用":
        return 0.0, f"停用 (not used): {remark or '非氣候法定義之溫室氣體以「0」計'}"
    if v == "<1":
        return 0.0, "published '<1' (僅需定性, qualitative only); counted 0"
    raise g.fail(r, "C", f"unexpected GWP text '{val}'.")


def _wb_gas(text: str, by_formula: dict) -> str:
    """carbon's name of the pure gas of one 附表二 row."""
    if text.startswith("甲烷(石化)"):
        return "CH4_fossil"
    if text.startswith("甲烷(非石化)"):
        return "CH4_non_fossil"
    name, formula = wb_name_formula(text)
    hit = next((v for k, v in WB_TEXT.items() if k in text), None)
    if hit:
        return hit
    if formula in by_formula:
        return by_formula[formula][0]
    if name in WB_NAMES:
        return WB_NAMES[name]
    paren = re.findall(r"（([^（）]+)）", name)
    code_in = next((p for p in paren if _CODE_LIKE.match(p)), None)
    if code_in:
        return code_in
    if _CODE_LIKE.match(name) and " " not in name:
        return name
    return re.sub(r"^n-", "", formula or name)


def _wb_blend(g: Grid, r: int, m: re.Match, code: str, value: float, note: str, text: str, acc: tuple) -> None:
    """One blend row of 附表二: its GWP row, composition and errata (duplicates, fractions not summing to 100 %)."""
    rows, blends, errata, seen_blends, seen_codes = acc
    blend = m.group(1)
    if blend in seen_blends:
        first_r, first_v = seen_blends[blend]
        if first_v != value:
            raise g.fail(r, "C", f"{blend} listed twice with different GWPs ({first_v:g}, row {first_r}).")
        errata[f"MOENV-2024 {blend} ({SHEET_WB} row {r})"] = (
            f"{blend} is listed twice in {WORKBOOK.name} {SHEET_WB} (rows {first_r} and {r}, codes "
            f"{seen_codes[blend]} and {code}) with the same GWP {value:g}; one row kept, both codes are aliases."
        )
        EXTRA_CODES.append(
            {"alias": code, "gas": blend, "rule": f"MOENV 原燃物料代碼, workbook {SHEET_WB} row {r} col A"}
        )
        return
    seen_blends[blend] = (r, value)
    seen_codes[blend] = code
    EXTRA_CODES.append(
        {"alias": code, "gas": blend, "rule": f"MOENV 原燃物料代碼, workbook {SHEET_WB} row {r} col A"}
    )
    comps = [COMPONENT_NAMES.get(c.strip(), c.strip()) for c in m.group(2).split("/")]
    fracs = [float(x) for x in m.group(3).split("/")]
    if len(comps) != len(fracs):
        raise g.fail(r, "B", f"{len(comps)} components but {len(fracs)} fractions in '{text}'.")
    total = sum(fracs)
    bnote = ""
    if abs(total - 100.0) > 1e-6:
        bnote = f"published fractions sum to {total:g} %, not 100 %"
        errata[f"blends.csv {blend}"] = (
            f"{WORKBOOK.name} {SHEET_WB} row {r} (and 6.0.4 sheet 4) give {blend} as "
            f"{m.group(2)} ({m.group(3)}), which sums to {total:g} %. Kept as published; "
            "do not compute its GWP from this composition until corrected."
        )
    for c, f in zip(comps, fracs, strict=True):
        blends.append(
            {
                "blend": blend,
                "component": c,
                "mass_fraction": round(f / 100.0, 6),
                "source_ref": g.ref(r, "B"),
                "note": bnote,
            }
        )
    rows.append(
        {
            "gwp_set": "MOENV-2024",
            "gas": blend,
            "value": value,
            "source_ref": g.ref(r, "C"),
            "note": ("; ".join(x for x in [note, f"MOENV code {code}"] if x)).strip(),
        }
    )


def read_workbook(ann: pd.DataFrame, by_formula: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict, list]:
    """Read 附表二 of the official workbook: blends (+ compositions) and the 停用 gases.

    Returns (MOENV-2024 rows to add, blends, errata, cross-check mismatches).
    """
    g = Grid(WORKBOOK, SHEET_WB)
    if str(g.get(1, "C")) != "溫暖化潛勢":
        raise g.fail(1, "C", "header 溫暖化潛勢 not found; the sheet layout changed.")
    ann_val = dict(zip(ann["gas"], ann["value"], strict=True))
    rows, blends, errata, checks, skipped = [], [], {}, [], {}
    seen_blends: dict[str, tuple[int, float]] = {}
    EXTRA_CODES.clear()
    seen_codes: dict[str, str] = {}
    for r in range(2, g.nrows + 1):
        code, text, val, remark = str(g.get(r, "A")), str(g.get(r, "B")), g.get(r, "C"), str(g.get(r, "D"))
        if not text:
            continue
        if isinstance(code, str) and code.endswith(".0"):
            code = code[:-2]
        if text in WB_NOT_A_GAS:
            skipped[f"{SHEET_WB} row {r} '{text}'"] = WB_NOT_A_GAS[text]
            continue
        value, note = _wb_value(g, r, val, remark)
        m = _BLEND.match(text)
        if m:
            _wb_blend(g, r, m, code, value, note, text, (rows, blends, errata, seen_blends, seen_codes))
            continue
        gas = _wb_gas(text, by_formula)
        if code and not (gas in ("c-C4F8", "c-C5F8") and gas in ann_val and value != ann_val[gas]):
            EXTRA_CODES.append(
                {"alias": code, "gas": gas, "rule": f"MOENV 原燃物料代碼, workbook {SHEET_WB} row {r} col A"}
            )
        if gas in ann_val:
            checks.append((gas, r, value, ann_val[gas]))
            if gas in ("c-C4F8", "c-C5F8") and value != ann_val[gas]:
                errata[f"MOENV-2024 {gas} ({SHEET_WB} row {r})"] = (
                    f"{WORKBOOK.name} {SHEET_WB} row {r} '{text}' says '{val}', but the same gas is listed "
                    f"with GWP {ann_val[gas]:g} in announcement 附表四 and elsewhere in 附表二. "
                    "Duplicate row ignored; the announcement value is kept."
                )
            continue  # the announcement row is the binding value
        rows.append(
            {
                "gwp_set": "MOENV-2024",
                "gas": gas,
                "value": value,
                "source_ref": g.ref(r, "C"),
                "note": ("; ".join(x for x in [note, f"MOENV code {code}"] if x)).strip(),
            }
        )
    add = pd.DataFrame(rows)
    if add.duplicated("gas").any():
        raise FactorTableError(
            f"{WORKBOOK.name} {SHEET_WB}: duplicate gas names {add.loc[add.duplicated('gas'), 'gas'].tolist()}"
        )
    mism = [(gas, r, v, a) for gas, r, v, a in checks if v != a and gas not in ("c-C4F8", "c-C5F8")]
    for k, v in skipped.items():
        errata[k] = f"skipped: {v}"
    return add, pd.DataFrame(blends), errata, mism


def check_blends(gwp: pd.DataFrame, blends: pd.DataFrame) -> list[dict]:
    """Recompute each MOENV-2024 blend GWP from its composition; list the ones that differ.

    Components without a MOENV-2024 row (hydrocarbons HC-*, dimethyl ether HE-E170, and
    HCFC/CFC not listed) count 0 under the MOENV rule.
    """
    m = gwp[gwp["gwp_set"] == "MOENV-2024"].set_index("gas")["value"]
    out = []
    for blend, comp in blends.groupby("blend", sort=True):
        total, unknown = 0.0, []
        for c, f in zip(comp["component"], comp["mass_fraction"], strict=True):
            if c in m.index:
                total += f * m[c]
            elif c.startswith(NON_CLIMATE_ACT_PREFIXES):
                unknown.append(c)
            else:
                raise FactorTableError(
                    f"blend {blend}: component {c} has no MOENV-2024 GWP and is not a non-Climate-Act gas."
                )
        published = float(m[blend])
        out.append({"blend": blend, "computed": round(total, 6), "published": published, "zero": unknown})
    return out


def aliases(gwp: pd.DataFrame, wb_codes: pd.DataFrame) -> pd.DataFrame:
    """Refrigerant numbers (R-xxx), PFC codes and MOENV codes -> carbon gas names."""
    gases = set(gwp["gas"])
    out = []
    for gas in sorted(gases):
        m = re.match(r"^(?:HFC|HCFC|CFC|HC)-(\d+[a-z]*)$", gas)
        if m:
            out.append(
                {"alias": f"R-{m.group(1)}", "gas": gas, "rule": "ASHRAE 34 refrigerant number = halocarbon number"}
            )
        m = re.match(r"^HFC-(\d+[a-z]*)$", gas)
        if m:
            out.append({"alias": f"HFC{m.group(1)}", "gas": gas, "rule": "spelling without hyphen"})
        m = re.match(r"^\(([EZ])\)-HFC-(\d+[a-z]+)$", gas)
        if m:
            out.append({"alias": f"R-{m.group(2)}({m.group(1)})", "gas": gas, "rule": "ASHRAE 34 refrigerant number"})
            out.append({"alias": f"HFC-{m.group(2)}({m.group(1)})", "gas": gas, "rule": "isomer suffix spelling"})
    # PFC codes from announcement 附表四 col A: '四氟化碳（PFC-14）' with formula CF4
    g = Grid(ANNOUNCEMENT, SHEET_ANN)
    for r in range(3, g.nrows + 1):
        name, formula = str(g.get(r, "A")), str(g.get(r, "B"))
        for code in re.findall(r"(PFC-[0-9A-Za-z-]+)", name):
            gas = announcement_gas(name, formula)
            if gas != code:
                out.append({"alias": code, "gas": gas, "rule": f"announcement 附表四 row {r}"})
                num = code[4:]
                if num.isdigit():
                    out.append({"alias": f"R-{num}", "gas": gas, "rule": "ASHRAE 34 refrigerant number of the PFC"})
    out.extend(wb_codes.to_dict("records"))
    df = pd.DataFrame(out).drop_duplicates(["alias", "gas"])
    df = df[~df["alias"].isin(gases)]
    clash = df[df.duplicated("alias", keep=False)]
    if len(clash):
        raise FactorTableError(f"gas aliases map to two gases: {clash.values.tolist()}")
    return df.sort_values("alias", kind="stable").reset_index(drop=True)


def workbook_codes() -> pd.DataFrame:
    """MOENV 原燃物料代碼 (workbook 附表二 col A) and other workbook names -> gas."""
    extra = [{"alias": k, "gas": v, "rule": f"other name in workbook {SHEET_WB}"} for k, v in WB_ALIASES.items()]
    return pd.DataFrame(EXTRA_CODES + extra)


def write_meta(sources: list[Path], shas: dict[str, str], meta: dict, errata: dict, sections: dict) -> None:
    """Write ``factors/gwp/meta.toml`` in the style of ``_build.write_dataset``."""
    lines = ["[dataset]", 'id = "gwp"']
    for k, v in meta.items():
        lines.append(f"{k} = {_toml_value(v)}")
    lines.append(f"generated_by = {_toml_value(SCRIPT)}")
    lines.append(f"source_files = {_toml_value([str(Path(s).relative_to(ROOT)) for s in sources])}")
    lines.append(f"source_sha256 = {_toml_value([sha256(s) for s in sources])}")
    lines.append(f"csv_sha256 = {_toml_value(shas.pop('gwp.csv'))}")
    lines += ["", "[tables]"]
    for name, h in shas.items():
        lines.append(f"{_toml_value(name)} = {_toml_value(h)}")
    for title, content in sections.items():
        lines += ["", f"[{title}]"]
        for k, v in content.items():
            lines.append(f"{_toml_value(k)} = {_toml_value(v)}")
    lines += ["", "[errata]"]
    for k, v in errata.items():
        lines.append(f"{_toml_value(k)} = {_toml_value(v)}")
    (OUT / "meta.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_604_cfc11(errata: dict) -> None:
    """Record the known 6.0.4 sheet 4 defect AR5 CFC-11 = 4,460 (the CSV has 4,660)."""
    g = Grid(TABLE_604, SHEET_604)
    for r in range(1, g.nrows + 1):
        if str(g.get(r, "B")).startswith("CFC-11，"):
            v = g.get(r, "F")
            if v == 4460.0:
                errata["AR5 CFC-11"] = (
                    f"{g.ref(r, 'F')} shows AR5 CFC-11 = 4,460; IPCC AR5 (openclimatedata CSV, AR5GWP100) "
                    "gives 4,660. gwp.csv AR5 uses 4,660 from the CSV. CFCs count 0 under MOENV-2024 anyway."
                )
            return


def check_604_blends(gwp: pd.DataFrame, blends: pd.DataFrame, errata: dict) -> tuple[list[str], str]:
    """Recompute the AR4/AR5 blend values of 6.0.4 sheet 4 (cols E/F) from blends.csv.

    Components without a GWP in the set (hydrocarbons, dimethyl ether, HCFC-31) count 0, as
    6.0.4 does.  Values that do not reproduce (to the 2-decimal rounding of the sheet) are
    written to ``errata``.  Returns (components counted 0, evidence text).
    """
    g = Grid(TABLE_604, SHEET_604)
    lk = {(a, b): v for a, b, v in zip(gwp["gwp_set"], gwp["gas"], gwp["value"], strict=True)}
    ok, zeros = 0, set()
    for r in range(1, g.nrows + 1):
        m = re.match(r"^(R-\d+[A-Z]?)，", str(g.get(r, "B")))
        if not m or m.group(1) not in set(blends["blend"]):
            continue
        comp = blends[blends["blend"] == m.group(1)]
        for col, gwp_set in (("E", "AR4"), ("F", "AR5")):
            pub = g.get(r, col)
            if not isinstance(pub, float):
                continue
            total = 0.0
            for c, f in zip(comp["component"], comp["mass_fraction"], strict=True):
                if (gwp_set, c) in lk:
                    total += f * lk[(gwp_set, c)]
                else:
                    zeros.add(c)
            if abs(total - pub) < 0.0051:
                ok += 1
            else:
                errata[f"6.0.4 sheet 4 {m.group(1)} {gwp_set}"] = (
                    f"{g.ref(r, col)} gives {pub:g}, but the composition {g.get(r, 'B').split('，', 1)[1]} with "
                    f"{gwp_set} component GWPs gives {total:.6g}. Do not use the 6.0.4 value; carbon computes blends from blends.csv."
                )
    evidence = f"{ok} AR4/AR5 blend values of 6.0.4 sheet 4 reproduce from blends.csv when these components count 0"
    return sorted(zeros), evidence


#: IPCC AR6 WG1 (Forster et al. 2021), Chapter 7, Table 7.15: GWP-100 of fossil and non-fossil
#: methane. The openclimatedata CSV carries only the generic AR6 CH4 value (Table 7.SM.7).
AR6_TABLE_7_15 = (
    "IPCC AR6 WG1 (2021), Chapter 7 'The Earth's energy budget, climate feedbacks and climate sensitivity', "
    "Table 7.15 (emission metrics for CH4-fossil and CH4-non fossil), GWP-100"
)
AR6_CH4_SPLIT = [
    {
        "gwp_set": "AR6",
        "gas": "CH4_fossil",
        "value": 29.8,
        "source_ref": AR6_TABLE_7_15 + ", row CH4-fossil",
        "note": "fossil methane (includes the CO2 from its oxidation); not in the openclimatedata CSV",
    },
    {
        "gwp_set": "AR6",
        "gas": "CH4_non_fossil",
        "value": 27.0,
        "source_ref": AR6_TABLE_7_15 + ", row CH4-non fossil",
        "note": "non-fossil (biogenic) methane; not in the openclimatedata CSV",
    },
]


def ch4_split_rows(ann: pd.DataFrame) -> list[dict]:
    """The CH4 fossil / non-fossil rows the CSV lacks: AR5 from MOENV 附表四, AR6 from AR6 WG1 Table 7.15."""
    # AR5 fossil / non-fossil CH4 (the CSV gives one CH4 value; AR5 Table 8.A.1 note: fossil 30)
    a = ann.set_index("gas")
    extra = [
        {
            "gwp_set": "AR5",
            "gas": "CH4_fossil",
            "value": float(a.loc["CH4_fossil", "value"]),
            "source_ref": a.loc["CH4_fossil", "source_ref"],
            "note": "fossil methane as listed by MOENV 附表四 (註1: 適用於化石燃料所排放之甲烷; 註4: AR5 WG1 Ch. 8 Table 8.A.1); the CSV has one CH4 value",
        },
        {
            "gwp_set": "AR5",
            "gas": "CH4_non_fossil",
            "value": float(a.loc["CH4", "value"]),
            "source_ref": a.loc["CH4", "source_ref"],
            "note": "non-fossil (biogenic) methane = the generic AR5 CH4 value, MOENV 附表四 甲烷",
        },
    ]
    return extra + AR6_CH4_SPLIT


def meta_sections(zero_components: list[str], evidence: str) -> tuple[dict, dict]:
    """The dataset metadata and the extra sections of factors/gwp/meta.toml."""
    meta = {
        "title": "100-year global warming potentials: IPCC AR4, AR5, AR6 and the MOENV 2024 list",
        "title_zh": "溫暖化潛勢 (GWP-100)：IPCC AR4/AR5/AR6 與環境部 113年公告附表四",
        "publisher": "IPCC (via openclimatedata globalwarmingpotentials, CC0); 環境部 MOENV",
        "edition": "AR4, AR5, AR6; MOENV 2024-02-05 (環部授氣字第1139101231號) 附表四 + 清冊表單(範例) 附表二",
        "published": "2024-02-05",
        "url": "https://github.com/openclimatedata/globalwarmingpotentials; https://ghgregistry.moenv.gov.tw",
        "licence": "CC0 (openclimatedata); MOENV government information (政府資料開放授權條款)",
        "sets": ["AR4", "AR5", "AR6", "MOENV-2024"],
        "blend_rule": "AR4/AR5/AR6 blend GWPs are computed at run time from blends.csv; MOENV-2024 blend values are the published ones",
    }
    sections = {
        "absent": {
            "AR4 CH4_fossil": "not built: AR4 gives no separate fossil value",
        },
        "ar6_ch4_split": {
            "values": "AR6 CH4_fossil 29.8, CH4_non_fossil 27.0 (GWP-100)",
            "source": AR6_TABLE_7_15,
            "why": "the openclimatedata CSV gives one AR6 CH4 value (27.9, Table 7.SM.7, the generic CH4 row kept as such); "
            "Table 7.15 splits fossil and non-fossil methane, the fossil value including the CO2 from its oxidation",
        },
        "blend_rules": {
            "zero_components": zero_components,
            "rule": "computing an AR4/AR5/AR6 blend GWP, a component without a GWP in that set (hydrocarbon, dimethyl ether, HCFC-31) counts 0; it is not a GHG of the set",
            "evidence": evidence,
        },
        "moenv_rules": {
            "zero": "MOENV-2024 rows with value 0 are published as 停用 (non-Climate-Act gases: HCFC, CFC, HFE, ...) or '<1' (qualitative only)",
            "unlisted": "announcement 附表四 註3: gases not listed may use the latest IPCC assessment report",
            "blend_components": "blend components without a MOENV-2024 row (HC-*, HE-E170) count 0",
        },
    }
    return meta, sections


def main() -> None:
    """Build factors/gwp/."""
    ar, names = read_ocd()
    ann, by_formula = read_announcement()
    wb_rows, blends, errata, mism = read_workbook(ann, by_formula)
    if mism:
        msg = f"workbook {SHEET_WB} and announcement 附表四 disagree: {mism}"
        raise FactorTableError(msg)
    extra = ch4_split_rows(ann)
    gwp = pd.concat([ar, pd.DataFrame(extra), ann, wb_rows], ignore_index=True)
    set_order = {"AR4": 0, "AR5": 1, "AR6": 2, "MOENV-2024": 3}
    gwp["_o"] = gwp["gwp_set"].map(set_order)
    gwp = gwp.sort_values(["_o", "gas"], kind="stable").drop(columns="_o").reset_index(drop=True)
    if gwp.duplicated(["gwp_set", "gas"]).any():
        raise FactorTableError(
            f"duplicate (gwp_set, gas): {gwp.loc[gwp.duplicated(['gwp_set', 'gas']), ['gwp_set', 'gas']].values.tolist()}"
        )
    blends = blends.sort_values(["blend"], kind="stable").reset_index(drop=True)

    check_604_cfc11(errata)
    odd = sorted(blends.loc[blends["component"] == "CFC-31", "blend"].unique())
    if odd:
        errata["blends.csv CFC-31"] = (
            f"{WORKBOOK.name} {SHEET_WB} (and 6.0.4 sheet 4) name a component 'CFC-31' in {', '.join(odd)}; "
            "R-31 is HCFC-31 (CH2ClF, as in R-505). Kept as published; it counts 0 under MOENV-2024 either way."
        )
    zero_components, evidence = check_604_blends(gwp, blends, errata)
    bad = [
        c for c in check_blends(gwp, blends) if abs(c["computed"] - c["published"]) > 1e-6 * max(1.0, c["published"])
    ]
    for c in bad:
        errata[f"MOENV-2024 {c['blend']}"] = (
            f"published {c['published']:g} but composition x MOENV-2024 component GWPs = {c['computed']:g}"
        )

    name_map = pd.concat(
        [
            names,
            pd.DataFrame(
                [
                    {"source": ANNOUNCEMENT.name, "source_name": f"row {r}: {f}", "gas": gname}
                    for f, (gname, r) in by_formula.items()
                ]
            ),
        ],
        ignore_index=True,
    )
    codes = workbook_codes()
    al = aliases(gwp, codes)

    sources = [OCD, ANNOUNCEMENT, WORKBOOK, TABLE_604]
    shas = {
        "gwp.csv": write_table(OUT / "gwp.csv", gwp, SCRIPT, sources),
        "blends.csv": write_table(OUT / "blends.csv", blends, SCRIPT, sources),
        "gas_aliases.csv": write_table(OUT / "gas_aliases.csv", al, SCRIPT, sources),
        "gas_names.csv": write_table(OUT / "gas_names.csv", name_map, SCRIPT, sources),
    }
    meta, sections = meta_sections(zero_components, evidence)
    write_meta(sources, shas, meta, errata, sections)
    print(
        f"gwp: {len(gwp)} rows ({gwp.groupby('gwp_set').size().to_dict()}), {blends['blend'].nunique()} blends, {len(al)} aliases"
    )
    if bad:
        print("blends that do not reproduce:", [c["blend"] for c in bad])


if __name__ == "__main__":
    main()
