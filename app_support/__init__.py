"""Streamlit-only helpers for app.py (carbon/ never imports these)."""
