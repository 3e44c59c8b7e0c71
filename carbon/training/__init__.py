"""Training for the programme's classes: case library, graded exercises, verification, class summaries.

- :mod:`carbon.training.cases` — bundled cases (``carbon/training/cases/*.yaml``), each naming its
  class and learning goals;
- :mod:`carbon.training.exercise` — exercises made from any inventory project, graded by the core
  with hints that name the step that went wrong;
- :mod:`carbon.training.verification` — find the errors planted in a finished inventory;
- :mod:`carbon.training.classroom` — what an instructor sees over a class's grades.
"""

from carbon.training.cases import CLASSES, Case, case_project, get_case, list_cases, load_case, project_of
from carbon.training.classroom import class_summary
from carbon.training.exercise import MISTAKES, STEPS, Exercise, Grade, build_exercise, grade
from carbon.training.verification import ERROR_KINDS, build_verification, grade_findings

__all__ = [
    "CLASSES",
    "ERROR_KINDS",
    "MISTAKES",
    "STEPS",
    "Case",
    "Exercise",
    "Grade",
    "build_exercise",
    "build_verification",
    "case_project",
    "class_summary",
    "get_case",
    "grade",
    "grade_findings",
    "list_cases",
    "load_case",
    "project_of",
]
