"""Knowledge and sources page (being built)."""

import streamlit as st


def render() -> None:
    """Draw the knowledge and sources page."""
    st.title("Knowledge and sources")
