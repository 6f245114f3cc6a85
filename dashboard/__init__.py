"""The Streamlit interface of the Lower Back Lump Navigator (imports only the `knowledge` public API).

`app.py` configures the page and navigation; `common/` holds what two or more pages share; each
page has its own folder (`bedside/`, `teaching/`, `sources/`) and never imports another's.
"""
