"""The Streamlit interface of the Lower Back Lump Navigator (imports only the `knowledge` public API)."""
