"""Teaching page (being built)."""

import streamlit as st


def render() -> None:
    """Draw the teaching page."""
    st.title("Teaching cases")
