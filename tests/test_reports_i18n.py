"""The reports' translation table is complete: every key in both languages, every key used exists."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from carbon.errors import CarbonError
from carbon.reports.i18n import LANGS, MESSAGES, t
from carbon.schema import METHODS

REPORTS = Path(__file__).resolve().parent.parent / "carbon" / "reports"


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_every_language_with_the_same_placeholders():
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key
        assert _fields(entry["zh-TW"]) == _fields(entry["en"]), key


def _literal_keys() -> set[str]:
    keys = set()
    for path in REPORTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
    return keys


def test_every_literal_key_used_exists():
    keys = _literal_keys()
    assert len(keys) > 150
    assert sorted(k for k in keys if k not in MESSAGES) == []


def test_dynamic_keys_exist():
    from carbon.inventory import BOUNDARY_APPROACHES
    from carbon.reports.inventory import ISO_93

    dynamic = [f"cat.{c}" for c in "123456"] + [f"approach.{a}" for a in BOUNDARY_APPROACHES] + [f"method.{m}" for m in METHODS]
    dynamic += [f"rounding.{r}" for r in ("exact", "moenv")] + [f"inv.p.sigfig.{r}" for r in ("exact", "moenv")]
    dynamic += [f"iso93.{k}" for k, _ in ISO_93] + [key for _, key in ISO_93] + [f"ref.{k}" for k in ("iso", "act", "rules", "guide", "template")]
    dynamic += [f"org.{k}" for k in ("name", "tax_id", "registration_no", "address", "industry", "responsible_person", "contact")]
    dynamic += [f"caption.{k}" for k in ("table", "figure")]
    dynamic += [f"cbam.col.{c}" for c in ("cn", "good", "process", "see_direct", "see_indirect", "see_total", "indirect_counted", "electricity",
                                          "activity_level", "attr_direct", "attr_indirect", "name", "method", "activity", "unit_", "ncv", "ef",
                                          "co2e", "mwh", "ef_el", "ef_source", "country", "value_source", "value_source_el")]
    dynamic += [f"col.{c}" for c in ("factor_id", "name", "gas", "factor_value", "factor_unit", "dataset_edition", "source_doc")]
    dynamic += [f"dg.by.{b}" for b in ("source", "equipment", "carrier", "process")] + ["dg.p.not_eligible"]
    dynamic += [f"dg.col.{c}" for c in ("id", "measure", "alone", "portfolio", "saving", "capex", "payback", "cost_per_t", "year", "annual_cost",
                                        "case", "emissions", "chargeable", "rate", "fee", "item", "total", "subsidy", "company", "balance", "interest", "net")]
    dynamic += [f"pr.boundary.{b}" for b in ("cradle-to-gate", "cradle-to-grave", "gate-to-gate")]
    dynamic += [f"pr.stage.{s}" for s in ("原料取得", "製造", "配送銷售", "使用", "廢棄處理")] + ["pr.p.limit.cradle-to-gate", "pr.p.limit.other"]
    assert sorted(k for k in dynamic if k not in MESSAGES) == []


def test_t_fills_values_and_refuses_unknowns():
    assert t("cover.total_value", "zh-TW", total=48925.715) == "48,925.715 公噸 CO2e"
    assert t("cover.total_value", "en", total=48925.715) == "48,925.715 t CO2e"
    assert t("gas.HFC-23", "en", default="HFC-23") == "HFC-23"
    with pytest.raises(CarbonError, match="no translation"):
        t("no.such.key", "en")
    with pytest.raises(CarbonError, match="not supported"):
        t("total", "fr")
