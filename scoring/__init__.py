"""案卷评查 casereview: the domain core (no Streamlit here; the pages live in scoring/ui/)."""

__version__ = "0.1.0"
