"""More translation tables, one module per group of pages: each defines `TEXTS = {key: (zh, en)}`.

`scoring.ui.i18n` merges every module found here, so pages written in parallel never edit one shared
table.
"""
