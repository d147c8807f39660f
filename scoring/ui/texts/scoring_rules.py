"""Texts of issue 11's scoring-form additions: range and other reasons, warnings to confirm."""

TEXTS: dict[str, tuple[str, str]] = {
    "rules.fixed": ("{reason}（扣 {points} 分）", "{reason} (−{points})"),
    "rules.each": ("{reason}（每处扣 {points} 分{cap}）", "{reason} (−{points} each{cap})"),
    "rules.range": ("{reason}（扣 {low}–{high} 分，酌定）", "{reason} (−{low} to −{high}, your choice)"),
    "rules.range_each": ("{reason}（每处扣 {low}–{high} 分{cap}，酌定）", "{reason} (−{low} to −{high} each{cap})"),
    "rules.cap": ("，最多 {cap} 分", ", at most {cap}"),
    "rules.other": ("其他问题（酌情扣分，最多 {max} 分，须说明理由）", "Other problem (up to −{max}, with a comment)"),
    "rules.other_points": ("扣分（最多 {max}）", "Points (at most {max})"),
    "rules.warnings": ("请核对：", "Please check:"),
    "rules.confirm_warnings": ("已核对，以上数量无误", "Checked: these counts are right"),
}
