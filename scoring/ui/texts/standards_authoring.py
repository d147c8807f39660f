"""Texts of issue 11's Standards page additions: ranges, other and bonus items, checking an upload,
downloading the Excel template and the Word table."""

TEXTS: dict[str, tuple[str, str]] = {
    "stdx.ded_range": ("{reason}：扣 {low}–{high} 分（评查人员酌定，须说明理由）",
                       "{reason}: −{low} to −{high} (the reviewer chooses, with a comment)"),
    "stdx.ded_range_each": ("{reason}：每处扣 {low}–{high} 分（评查人员酌定，须说明理由）",
                            "{reason}: −{low} to −{high} each (the reviewer chooses, with a comment)"),
    "stdx.other": ("其他问题酌情扣分：最多扣 {max} 分（须说明理由）", "Other problems: up to −{max} (with a comment)"),
    "stdx.bonus": ("加分项（总分不超过 100 分）", "Bonus items (the score never passes 100)"),
    "stdx.col_awards": ("加分情形", "Awards"),
    "stdx.award_fixed": ("{reason}：加 {points} 分", "{reason}: +{points}"),
    "stdx.award_each": ("{reason}：每处加 {points} 分", "{reason}: +{points} each"),
    "stdx.award_range": ("{reason}：加 {low}–{high} 分", "{reason}: +{low} to +{high}"),
    "stdx.award_cap": ("，最多加 {cap} 分", ", at most +{cap}"),
    "stdx.check_title": ("校验标准文件", "Check a standard file"),
    "stdx.check_help": ("上传 YAML 或 Excel 模板格式的评查标准，按载入评分标准时的同一套规则校验。",
                        "Upload a standard as YAML or in the Excel template; it is checked with the same rules as "
                        "the standards the tool loads."),
    "stdx.upload": ("标准文件（.yaml / .xlsx）", "Standard file (.yaml / .xlsx)"),
    "stdx.valid": ("校验通过：{n} 个标准。", "Valid: {n} {n|standard|standards}."),
    "stdx.download_xlsx": ("下载 Excel 模板", "Download the Excel template"),
    "stdx.download_docx": ("下载 Word 版评查标准（发各单位自查）", "Download as Word (for the units' self-check)"),
}
