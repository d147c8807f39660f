"""Machine pre-check (机器预检) of every file in a campaign's register.

A sample of a few per cent is scored by hand, yet many defects show in the register's dates and values
alone (a legal review dated after the decision, a waiver with a fine, a decision outside the statutory
period). Pre-check rules are data (`rubrics/precheck/*.yaml`, beside the standards; see `rules`), evaluated on
whole columns at once (`evaluate`) over every file of the campaign's window (`run`). A flag is a hint
for the reviewer on the related standard item, never a mark.
"""
