"""Synthetic demo data for one district.

- `generate`: the seeded generator of the committed files in `data/` (units, the 2024 and 2023 registers,
  messy import examples); re-made byte for byte with `python -m scoring.demo.generate`.
- `load`: `load_demo`, which loads units and registers through the importers and, by default, the demo
  panel (`people`) and two finished campaigns (`campaign`, with the invented review content of `marking`)
  through the real workflow.
"""
