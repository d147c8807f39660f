"""Each review's points deducted per item, packed beside its result for the agreement figures.

A review's result (JSON) lists every item of its standard version, in the standard's order, with the
points deducted after the item floor and a status. The agreement figures need exactly those numbers
for every submitted review of a campaign (15 M of them at province scale); unpacking them from the
JSON documents took most of the figure's time. So each review also stores them packed: one
little-endian float64 per item of `result["items"]`, in that order, NaN where the item has no value
(marked N/A, or not applying to the file). The float is the JSON number itself, so the figures are the
same either way.

The packed values are derived data: `pack` is the one way they are written (`workflow.reviews`,
the migration that fills them for existing reviews), and `audit verify` re-derives them from the
result, which the audit chain vouches for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scoring.errors import CaseReviewError

MISSING_STATUSES = frozenset({"na", "not_applicable"})  # an item without a value on this file
DTYPE = np.dtype("<f8")


def pack(result: Mapping[str, Any] | None) -> bytes | None:
    """The packed item values of a stored result (None without a result)."""
    if result is None:
        return None
    items = result.get("items") or []
    values = [np.nan if i.get("status") in MISSING_STATUSES else float(i["deducted"]) for i in items]
    return np.asarray(values, dtype=DTYPE).tobytes()


def unpack(review_ids: Sequence[int], blobs: Sequence[bytes | None], n_items: int) -> np.ndarray:
    """Reviews x items values (NaN = no value) from the packed values of reviews under one standard
    version of `n_items` items. A review whose values are missing or do not hold exactly that many
    items (a direct database edit: `audit verify` names it too) is refused, by its id."""
    width = n_items * DTYPE.itemsize
    bad = next((i for i, b in enumerate(blobs) if b is None or len(b) != width), None)
    if bad is not None:
        blob = blobs[bad]
        raise CaseReviewError(code="item_values.damaged", review=review_ids[bad],
                              got=0 if blob is None else len(blob), expected=width)
    return np.frombuffer(b"".join(blobs), dtype=DTYPE).reshape(len(blobs), n_items)  # type: ignore[arg-type]
