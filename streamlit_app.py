"""Thin entry: `streamlit run streamlit_app.py` serves the Lower Back Lump Navigator."""

from dashboard.app import run

run()
