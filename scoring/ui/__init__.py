"""The Streamlit front end. Only this package and `streamlit_app.py` import streamlit."""
