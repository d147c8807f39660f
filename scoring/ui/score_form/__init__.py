"""What the scoring page shows besides the editable form (`scoring.ui.live_form`): `labels` (values and
labels), `widgets` (the score metrics) and `result_view` (read-only results, others' reviews).

Every number shown comes from the pure engine (`scoring.engine.score`) run on the marks; every rule (what
may be deducted, locations on submit, versions, permissions) is enforced by the core.
"""
