"""The one anonymisation rule for everything a campaign shows or prints about cases and units.

When a campaign is anonymised (`Campaign.anonymise`), every document and export made from it (the
notice with its appendix, supervision recommendations, the Excel exports), and every page a reader
other than the panel lead sees, name cases and units this way:

- **Case numbers** keep the issuing agency's prefix and the year and lose the serial number:
  "东城管罚〔2024〕37号" -> "东城管罚〔2024〕****号". A number without a bracketed year has every run
  of digits masked except a year: "XK-2024-0012" -> "XK-2024-****".
- In **campaign-level** text (the notice and its appendix, campaign findings) neither the unit nor
  the case is named: "某单位", "某案" / "一起案件" — an agency prefix alone would name the unit.
  The notice's unit results table still names the units: the results are about units.
- In a **unit's** own text (its findings, its supervision recommendation) the unit is named and case
  numbers are masked as above; no other unit is named.

A panel lead's pages show everything (the lead needs the real files to act on them).
"""

from __future__ import annotations

import re

MASK = "****"
SOME_UNIT = "某单位"
SOME_CASE = "一起案件"
SOME_CASE_SHORT = "某案"

_YEAR_FORM = re.compile(r"^(?P<prefix>.*?[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】])(?P<serial>.*?)(?P<suffix>号?)$")
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")


def mask_case_number(case_number: str) -> str:
    """"东城管罚〔2024〕37号" -> "东城管罚〔2024〕****号" (agency and year kept, serial masked)."""
    number = case_number.strip()
    m = _YEAR_FORM.match(number)
    if m and m.group("serial").strip():
        return f"{m.group('prefix')}{MASK}{m.group('suffix')}"
    masked = _DIGITS.sub(lambda d: d.group(0) if _YEAR.fullmatch(d.group(0)) else MASK, number)
    return masked if masked != number else MASK


def case_label(case_number: str, *, anonymise: bool, campaign_level: bool) -> str:
    """A case number as a document names it under the rule above."""
    if not anonymise:
        return case_number
    return SOME_CASE_SHORT if campaign_level else mask_case_number(case_number)


def unit_label(unit_name: str, *, anonymise: bool, campaign_level: bool) -> str:
    """A unit as a document names it next to a case under the rule above."""
    return SOME_UNIT if anonymise and campaign_level else unit_name
