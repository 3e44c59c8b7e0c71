"""The ``--company FILE``: what a report says about the company that no calculation knows.

A small YAML or JSON mapping.  Every key is optional; what it gives overrides what the
input workbook says (name, address …) or fills a passage the consultant would otherwise
write in Word (introduction, policy, information flow).  Unknown keys are an error, so a
misspelt key is never silently ignored.

Example::

    name: 範例螺絲股份有限公司
    introduction: 本公司成立於 1988 年，生產螺絲螺帽……
    policy: 本公司承諾……
    prepared_by: 王小明 (顧問)
    base_year_reason: 首次盤查年度
    carbon_price_paid:            # CBAM summary only
      - {cn_code: "7318 15 42", eur_per_t: 2.1, description: Taiwan carbon fee 2026}
"""

from __future__ import annotations

from pathlib import Path

from carbon.errors import InputError, Problem

__all__ = ["COMPANY_KEYS", "read_company"]

#: key → what it is (also the documentation of the file).
COMPANY_KEYS: dict[str, str] = {
    "name": "organisation name (overrides the input's)",
    "tax_id": "統一編號",
    "registration_no": "管制編號 / registration number",
    "address": "address",
    "industry": "industry (text)",
    "responsible_person": "負責人",
    "contact": "contact person and telephone",
    "prepared_by": "who prepared the report (consultant)",
    "report_date": "date of the report (text)",
    "introduction": "公司簡介 paragraph(s)",
    "policy": "政策聲明 paragraph(s)",
    "boundary_description": "organisational boundary described in words (sites, buildings)",
    "information_flow": "information flow of significant sources (who records, checks, keeps what)",
    "method_changes": "changes of quantification methods since the last inventory",
    "factor_changes": "changes of emission factors since the last inventory",
    "base_year": "base year (overrides the input's)",
    "base_year_reason": "why this base year was chosen",
    "recalculation_policy": "when the base year is recalculated",
    "verifier": "verification body, if any",
    "references": "extra references (list of text)",
    "customer": "CBAM summary: the EU customer (declarant) it is for",
    "carbon_price_paid": "CBAM summary: list of {cn_code, eur_per_t, description}",
    "installation_id": "CBAM summary: operator / installation id in the CBAM registry",
}


def read_company(path: str | Path | None) -> dict:
    """Read a company file (YAML or JSON); ``{}`` when ``path`` is None.

    Raises
    ------
    InputError
        The file is missing, is not a mapping, or has keys not in :data:`COMPANY_KEYS`.
    """
    if path is None:
        return {}
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(f"company file '{p}' does not exist.", file=str(p), hint="Give a YAML or JSON file (see carbon.reports.company).")])
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise InputError([Problem(f"company file is not valid YAML/JSON: {err}", file=str(p))]) from err
    if not isinstance(data, dict):
        raise InputError([Problem("company file must be a mapping of key: value.", file=str(p))])
    unknown = sorted(str(k) for k in data if k not in COMPANY_KEYS)
    if unknown:
        hint = "Known keys: " + ", ".join(COMPANY_KEYS)
        raise InputError([Problem(f"unknown key '{k}' in the company file.", file=str(p), column=k, hint=hint) for k in unknown])
    return {k: v for k, v in data.items() if v is not None}
