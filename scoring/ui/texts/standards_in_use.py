"""Texts of issue 11's pages: questions on the scoring form, bonus items, attributes set by the lead,
campaign bands and tie rule, and the impact of a standard change."""

TEXTS: dict[str, tuple[str, str]] = {
    # attributes the reviewer answers on the scoring form
    "attrq.title": ("请先回答：本案卷的情况", "First answer: about this file"),
    "attrq.hint": ("评分标准中有些项目是否适用取决于以下情况；回答后适用的项目随之变化，结果中注明“评查人员回答”。",
                   "Whether some items of the standard apply depends on these facts; the items follow your answers, "
                   "and the result marks them as answered by the reviewer."),
    "attrq.yes": ("是", "Yes"),
    "attrq.no": ("否", "No"),
    "attrq.choose": ("请选择", "Choose"),
    "attrq.missing": ("请回答：{label}", "Answer: {label}"),
    "attrq.refused": ("回答未保存：{message}", "The answer was not saved: {message}"),
    "attrq.source.register": ("登记导入", "register"),
    "attrq.source.lead": ("组长设定", "set by the lead"),
    "attrq.source.reviewer": ("评查人员回答", "answered by the reviewer"),
    "attrq.known": ("案卷情况：{values}", "About this file: {values}"),
    # bonus items
    "bonus.title": ("加分项", "Bonus items"),
    "bonus.hint": ("本标准设有加分项：选择案卷中具备的加分情形并注明位置；加分后总分不超过100分。",
                   "This standard has bonus items: choose the merits the file shows and say where; with bonuses the "
                   "score never passes 100."),
    "bonus.max": ("最多加 {max} 分", "at most +{max}"),
    "bonus.awards": ("加分情形", "Merits found"),
    "bonus.none_chosen": ("选择加分情形（可不选）", "Choose merits (optional)"),
    "bonus.fixed": ("{reason}（加 {points} 分）", "{reason} (+{points})"),
    "bonus.each": ("{reason}（每处加 {points} 分{cap}）", "{reason} (+{points} each{cap})"),
    "bonus.range": ("{reason}（加 {low}–{high} 分，酌定）", "{reason} (+{low} to +{high}, your choice)"),
    "bonus.range_each": ("{reason}（每处加 {low}–{high} 分{cap}，酌定）", "{reason} (+{low} to +{high} each{cap})"),
    "bonus.cap": ("，最多加 {cap} 分", ", at most +{cap}"),
    "bonus.item_awarded": ("本项加 {points} 分（上限 {max} 分）", "This item adds {points} (at most {max})"),
    "bonus.item_capped": ("；所选合计 {asked} 分，按上限计", "; chosen {asked} in all, counted up to the maximum"),
    "bonus.panel": ("加分 {points} 分（已计入得分，总分不超过100）", "Bonus +{points} (in the score; never above 100)"),
    "bonus.result": ("加分", "Bonus"),
}
