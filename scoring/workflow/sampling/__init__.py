"""Reproducible, auditable sampling of case files (随机抽取).

A draw is fully determined by the seed, the rules and the candidate files, so anyone holding an
exported record and the register can re-derive it by hand (or with a spreadsheet and `sha256sum`).
The algorithm is named ``ALGORITHM_VERSION = "hashkey-webster-v1"``; any change to the steps below
needs a new name.

Rules (`SampleRules`, stored as JSON in ``SampleRecord.rules``)
    ``quota``: ``{"count": n}`` or ``{"percent": p, "min": a, "max": b}`` (min/max optional), per
    unit. n_unit = n, or ceil(N_unit * p / 100) computed exactly in decimal on p as written, then
    raised to ``min`` and lowered to ``max``; never more than N_unit (the unit's candidate count).
    ``stratify_by_case_type`` (default true). ``forced``: list of ``{"flag": f, "min": k}`` with f one
    of `scoring.domain.FILE_FLAGS`. ``units``: optional list of unit names to restrict the draw to.

Candidates
    The case files whose decision_date lies in the campaign window [window_start, window_end],
    both ends included (restricted to ``units`` when given).

Random key
    key(file) = SHA-256 of the UTF-8 bytes of f"{seed}:{case_number}", as lowercase hex. A lower key
    is drawn earlier. Keys do not depend on database ids or row order, and adding files to another
    unit never changes a unit's draw.

Per unit (units in order of Unit.sort_order, then name)
    1. Forced rules, in the order given: while the unit has fewer than k drawn files with flag f and
       an undrawn file with f exists, draw the lowest-key such file (reason ``forced:<f>``). Files
       drawn by earlier forced rules count. Forced picks count toward n_unit; when they exceed it the
       unit's sample is simply larger (forced rules are always honoured).
    2. remaining = n_unit - picks so far (nothing when <= 0).
       Without stratification: draw the ``remaining`` lowest-key undrawn files (reason ``random``).
       With stratification, the strata are the unit's case types; size(s) = the number of undrawn
       files of s after step 1 (fixed during this step), seats(s) starts at 0. Each seat goes to the
       stratum with the largest size/(2*seats+1) (Sainte-Laguë/Webster) among those with
       seats < size; ties go to the smaller case-type name (Unicode code-point order). The seat
       draws that stratum's lowest-key undrawn file (reason ``stratum:<case type>``). Seats are
       allocated one at a time, so a larger quota only appends seats (house-monotone).

Draw order
    The order files were picked: unit by unit, forced picks first, then random picks or seats in
    allocation order. draw_order starts at 1.

Register fingerprint
    SHA-256 (hex) of the UTF-8 text made of one line per CANDIDATE, sorted by case_number in
    Unicode code-point order:
    ``case_number\\tunit name\\tcase_type\\tprocedure or ''\\tdecision_date ISO\\tmajor_decision\\t``
    ``waiver\\thearing_held\\tcoercive_measure\\tpenalty_amount\\n`` with the four flags as 0/1 and
    penalty_amount as '%.2f' (empty when there is none). Files outside the window do not count;
    every file in the window does, even when ``units`` restricts the draw.

Record and its hash
    The exported record is JSON: ``campaign`` (name, year, window_start, window_end), ``seed``,
    ``rules``, ``algorithm_version``, ``register_fingerprint``, ``candidate_count``, ``created_at``
    (UTC, ISO seconds), ``parent_record_hash`` (the record this one enlarged, or null), ``items``
    (draw_order, case_number, unit, case_type, reason, in draw order) and ``record_hash``.
    record_hash = SHA-256 of the canonical JSON of the record without ``record_hash``: UTF-8 of
    ``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` (a percent
    is a float there, written like ``5.0``). The CSV export lists the same items, UTF-8 with BOM.

Verifying
    Re-check the record hash, recompute the fingerprint from the database (over the campaign window;
    for an exported file, over the window written in it) and re-run the draw from the recorded seed
    and rules; report every difference. The unit order of the re-run is the one the record shows,
    so re-ordering units later is not a difference.

Enlarging
    A campaign has at most one current record. Drawing again needs the same seed, forced rules,
    stratification, an unchanged register (the current record must verify) and a quota at least as
    large in every unit; the new record points to the old one (parent), which stops being current.
    Every earlier pick is kept, in the same order within its unit. Anything else is refused: a
    sample is never re-drawn or filtered after the draw.
"""

from scoring.workflow.sampling.draw import (
    ALGORITHM_VERSION,
    Candidate,
    DrawnFile,
    draw,
    random_key,
)
from scoring.workflow.sampling.record import (
    VerifyResult,
    current_sample,
    draw_sample,
    export_record,
    export_record_csv,
    find_campaign,
    preview_sample,
    record_hash,
    register_fingerprint,
    verify_record,
)
from scoring.workflow.sampling.rules import (
    CountQuota,
    ForcedRule,
    PercentQuota,
    SampleRules,
    unit_quota,
)

__all__ = [
    "ALGORITHM_VERSION",
    "Candidate",
    "CountQuota",
    "DrawnFile",
    "ForcedRule",
    "PercentQuota",
    "SampleRules",
    "VerifyResult",
    "current_sample",
    "draw",
    "draw_sample",
    "export_record",
    "export_record_csv",
    "find_campaign",
    "preview_sample",
    "random_key",
    "record_hash",
    "register_fingerprint",
    "unit_quota",
    "verify_record",
]
