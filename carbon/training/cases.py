"""The case library of the programme's classes (data files in ``carbon/training/cases/``).

Each case is a YAML file naming its class, its learning goals (zh-TW and English) and its
data: an inventory project in the same form as ``carbon inventory calc`` reads from YAML,
and for a verification case the errors planted in it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from carbon.errors import InputError, Problem

__all__ = ["CLASSES", "Case", "case_project", "get_case", "list_cases", "load_case", "project_of"]

CASES_DIR = Path(__file__).resolve().parent / "cases"

#: The programme's classes: id -> (zh-TW, English, length).
CLASSES: dict[str, tuple[str, str, str]] = {
    "ceo": ("高階主管班", "CEO class", "0.5 day"),
    "workshop": ("工作坊 (ISO 14064-1 盤查)", "Workshop (ISO 14064-1 inventory)", "1 day"),
    "seed": ("種子人員班 (自廠盤查)", "Seed class (own-factory inventory)", "3 days"),
    "advanced": ("進階班 (查證)", "Advanced class (verification)", "—"),
    "product": ("產品碳足跡班 (ISO 14067, CBAM)", "Product class (ISO 14067, CBAM)", "2 days"),
}
KINDS = ("inventory", "verification", "quick")


@dataclass(frozen=True)
class Case:
    """One training case."""

    id: str
    kind: str
    classes: tuple[str, ...]
    title_zh: str
    title_en: str
    goals_zh: tuple[str, ...]
    goals_en: tuple[str, ...]
    project: dict
    planted: tuple[dict, ...] = field(default=())
    tolerance_rel: float = 0.001
    file: str = ""

    def title(self, lang: str = "zh-TW") -> str:
        """The case's title in ``lang`` ('zh-TW' or 'en')."""
        return self.title_en if lang == "en" else self.title_zh

    def goals(self, lang: str = "zh-TW") -> tuple[str, ...]:
        """The learning goals in ``lang``."""
        return self.goals_en if lang == "en" else self.goals_zh


def _need(data: dict, key: str, file: str, problems: list[Problem]):
    value = data.get(key)
    if value in (None, "", [], {}):
        problems.append(Problem(f"the case has no '{key}'.", file=file, column=key, hint=f"Add '{key}:' to the case file."))
    return value


def load_case(path: str | Path) -> Case:
    """Read one case file.

    Raises
    ------
    InputError
        Naming the file and each missing or wrong key.
    """
    p = Path(path)
    file = p.name
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError([Problem(f"cannot read the case: {type(err).__name__}.", file=file, hint="Save it as UTF-8 YAML.")]) from err
    if not isinstance(data, dict):
        raise InputError([Problem("a case file is a mapping (id, kind, classes, title, goals, project).", file=file)])
    if "project_from" in data and "project" not in data:
        source = CASES_DIR / f"{data['project_from']}.yaml"
        if not source.exists():
            raise InputError([Problem(f"project_from '{data['project_from']}' is not a bundled case.", file=file, column="project_from")])
        data["project"] = load_case(source).project
    problems: list[Problem] = []
    for key in ("id", "kind", "classes", "title_zh", "title_en", "goals_zh", "goals_en", "project"):
        _need(data, key, file, problems)
    if data.get("kind") not in KINDS:
        problems.append(Problem(f"kind '{data.get('kind')}' is not one of {KINDS}.", file=file, column="kind"))
    unknown = sorted(set(data.get("classes") or ()) - set(CLASSES))
    if unknown:
        problems.append(Problem(f"unknown classes {unknown}.", file=file, column="classes", hint=f"Use {sorted(CLASSES)}."))
    if data.get("kind") == "verification" and not data.get("planted"):
        problems.append(Problem("a verification case needs its 'planted' errors.", file=file, column="planted"))
    if problems:
        raise InputError(problems)
    return Case(
        id=str(data["id"]),
        kind=data["kind"],
        classes=tuple(data["classes"]),
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        goals_zh=tuple(data["goals_zh"]),
        goals_en=tuple(data["goals_en"]),
        project=data["project"],
        planted=tuple(data.get("planted") or ()),
        tolerance_rel=float(data.get("tolerance_rel", 0.001)),
        file=str(p),
    )


def list_cases(class_id: str | None = None) -> list[Case]:
    """Every bundled case (of one class, if given), sorted by id."""
    cases = [load_case(p) for p in sorted(CASES_DIR.glob("*.yaml"))]
    return [c for c in cases if class_id is None or class_id in c.classes]


def get_case(case_id: str) -> Case:
    """The bundled case ``case_id``; the error lists the known ids."""
    for c in list_cases():
        if c.id == case_id:
            return c
    known = ", ".join(c.id for c in list_cases())
    raise InputError([Problem(f"no case '{case_id}'.", hint=f"Known cases: {known}.")])


def project_of(data: dict, name: str = "case"):
    """An :class:`~carbon.inventory.InventoryProject` from project data (the YAML form)."""
    from carbon.formats.project import read_project

    with tempfile.TemporaryDirectory(prefix="carbon-case-") as tmp:
        path = Path(tmp) / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        project = read_project(path)
    project.origin["file"] = f"{name}.yaml"
    return project


def case_project(case: Case):
    """The inventory project of a case: its project data, or (a quick-estimate case) its amounts."""
    if case.kind == "quick":
        from carbon.estimate import quick_project

        p = case.project
        return quick_project(p.get("amounts") or {}, units=p.get("units"), year=p.get("year", 2024), gwp_set=p.get("gwp_set", "MOENV-2024"))
    return project_of(case.project, case.id)
