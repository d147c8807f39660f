"""The scoring page's form, split by job: `labels` (values and labels), `widgets` (inputs), `actions` (save,
submit, conflicts, and the form itself) and `result_view` (read-only results).

Every number shown comes from the pure engine (`scoring.engine.score`) run on the form's current marks;
every rule (what may be deducted, locations on submit, versions, permissions) is enforced by the core.
"""
