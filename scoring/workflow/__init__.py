"""The campaign workflow, one module per step, each importing only the steps before it:

campaigns -> sampling -> assignments -> reviews -> recheck -> results -> progress -> publish

A lower step never imports a higher one. The one upward need (re-deriving a file's final result when its
assignments, reviews or re-check change) goes through `changes.file_changed`, which the result layer
listens to; importing it here registers that listener whatever module of the package is imported first.
"""

from scoring.workflow import results as _results  # noqa: F401  (registers the result layer's listener)
