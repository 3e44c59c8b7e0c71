"""File formats, above the domain.

Our project workbook/CSV/YAML (:mod:`carbon.formats.project`) and the official MOENV
inventory workbook (:mod:`carbon.formats.moenv`).
"""
