"""Low-carbon and smart-manufacturing diagnosis over an inventory result.

* :mod:`~carbon.diagnosis.hotspots`: Pareto of sources, equipment, energy carriers and
  processes; intensities; change against the base year (activity, factor edition, method).
* :mod:`~carbon.diagnosis.measures`: the measure library (engineering calculations with
  inputs, labelled defaults, assumptions, references; ``explain`` prints the working).
* :mod:`~carbon.diagnosis.portfolio`: measures in order without double counting, MACC, target path.
* :mod:`~carbon.diagnosis.fee`: Taiwan carbon fee (碳費收費辦法).
* :mod:`~carbon.diagnosis.subsidy`: the programme's budget rules, diagnosis fees, loan estimate.
* :mod:`~carbon.diagnosis.smart`: smart-manufacturing stage self-assessment.
* :func:`diagnose`: all of it from an inventory and a diagnosis file (:func:`read_diagnosis`).
"""

from carbon.diagnosis.core import Diagnosis, diagnose
from carbon.diagnosis.fee import carbon_fee, fee_basis, fee_from_inventory
from carbon.diagnosis.files import DiagnosisInput, read_diagnosis, write_diagnosis_template
from carbon.diagnosis.measures import MEASURES, Context, make_measure
from carbon.diagnosis.portfolio import apply_portfolio, macc, standalone, target_path
from carbon.diagnosis.smart import assess as smart_stage
from carbon.diagnosis.subsidy import Budget, check_budget, diagnosis_fee, loan_estimate, read_budget

__all__ = [
    "MEASURES",
    "Budget",
    "Context",
    "Diagnosis",
    "DiagnosisInput",
    "apply_portfolio",
    "carbon_fee",
    "check_budget",
    "diagnose",
    "diagnosis_fee",
    "fee_basis",
    "fee_from_inventory",
    "loan_estimate",
    "macc",
    "make_measure",
    "read_budget",
    "read_diagnosis",
    "smart_stage",
    "standalone",
    "target_path",
    "write_diagnosis_template",
]
