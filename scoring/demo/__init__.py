"""Synthetic demo data for one district: a seeded generator (`generate`) and a loader (`load`).

The generated files live in `data/` at the top of the repository and are committed; they can always be
re-made byte for byte with `python -m scoring.demo.generate` (see that module for what each file is).
"""
