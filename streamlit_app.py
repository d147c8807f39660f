"""案卷评查 - the web app. Run with `streamlit run streamlit_app.py` (database: $CASEREVIEW_DB_URL)."""

import streamlit as st

from scoring.ui.app import run

st.set_page_config(page_title="案卷评查", page_icon=":material/fact_check:", layout="wide")
run()
