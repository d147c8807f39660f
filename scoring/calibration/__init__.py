"""The calibration round (试评): before live scoring the panel scores a few register files (never part of
the sample) to agree how the standard is read.

The lead picks 2–5 files and may record reference marks (`round`); every reviewer scores them, and with
the round's `required` setting their live queue stays closed until they have (`gate`, checked when a
review is opened). The figures (`figures`) show per item who deducted what, each reviewer's distance from
the reference and Krippendorff's alpha on the calibration set (the project's agreement code); the lead's
guidance notes per item (`guidance`) then appear beside the items on the scoring form, and the campaign
record and, if the lead wants, the notice state that calibration was held, with the agreement figure.
"""
