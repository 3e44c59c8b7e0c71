"""Figures and tables over results; the only place that imports plotly.

One module per concern (``uncertainty``, …); the app and the reports use the same functions.
"""
