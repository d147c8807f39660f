"""Texts of the Documents page (notice, supervision recommendations, Excel exports)."""

TEXTS: dict[str, tuple[str, str]] = {
    "page.documents": ("文书导出", "Documents"),
    "doc.title": ("文书与导出", "Documents and exports"),
    "doc.intro": (
        "生成评查情况通报、行政执法监督建议书（Word）和 Excel 导出。文书按已纳入的评查发现、整改要求和最终结果起草，"
        "下载后可继续修改。",
        "Make the review notice and the supervision recommendations (Word) and the Excel exports. The documents "
        "are drafted from the included findings, the rectification requirements and the final results; edit "
        "them further after downloading.",
    ),
    "doc.notice": ("评查情况通报", "Review notice (评查情况通报)"),
    "doc.field_title": ("标题", "Title"),
    "doc.field_number": ("文号", "Reference number (文号)"),
    "doc.field_number_help": ("例如：X司〔2025〕3号。留空时文书中保留空白文号栏。",
                              "For example X司〔2025〕3号. Left empty, the document keeps a blank field."),
    "doc.field_issuer": ("发文机关", "Issuing authority"),
    "doc.field_addressee": ("主送机关", "Addressee"),
    "doc.field_date": ("成文日期", "Date of issue"),
    "doc.field_deadline": ("整改情况报送期限", "Report back by"),
    "doc.field_deadline_help": ("留空时取该单位整改要求中最晚的期限。",
                                "Left empty: the latest deadline of the unit's rectification requirements."),
    "doc.make_notice": ("生成通报", "Make the notice"),
    "doc.download_notice": ("下载通报（.docx）", "Download the notice (.docx)"),
    "doc.made": ("已生成：{name}", "Made: {name}"),
    "doc.supervision": ("行政执法监督建议书", "Supervision recommendations (行政执法监督建议书)"),
    "doc.threshold": ("单位平均分低于", "Units whose mean is below"),
    "doc.threshold_help": ("有不合格案卷的单位总会收到建议书；平均分低于此分数的单位也会收到。默认取本次评查的合格线。",
                           "Units with a failing file always get one; so do units whose mean is below this score. "
                           "Default: the campaign's pass line."),
    "doc.targets": ("需制发监督建议书的单位：{n} 个", "Units that get a recommendation: {n}"),
    "doc.no_targets": ("没有单位存在不合格案卷或平均分低于 {threshold} 分。",
                       "No unit has a failing file or a mean below {threshold}."),
    "doc.col_unit": ("单位", "Unit"),
    "doc.col_files": ("案卷数", "Files"),
    "doc.col_failing": ("不合格案卷", "Failing files"),
    "doc.col_mean": ("平均分", "Mean"),
    "doc.col_grade": ("单位等次", "Unit grade"),
    "doc.col_below": ("低于分数线", "Below the threshold"),
    "doc.make_supervision": ("生成监督建议书", "Make the recommendations"),
    "doc.download_zip": ("全部下载（.zip）", "Download all (.zip)"),
    "doc.download_unit": ("{unit}（.docx）", "{unit} (.docx)"),
    "doc.exports": ("Excel 导出", "Excel exports"),
    "doc.exports_help": ("点击即生成并下载当前数据。", "Each click makes the file from the current data."),
    "doc.export.scores": ("案卷得分（含各项扣分）", "Scores with per-item marks"),
    "doc.export.units": ("单位汇总", "Unit summary"),
    "doc.export.deductions": ("扣分台账", "Deduction ledger"),
    "doc.export.sample": ("抽样记录", "Sampling record"),
    "doc.no_sample": ("本次评查尚未抽取案卷，抽样记录无法导出。", "No sample drawn yet: there is no sampling record."),
    "doc.font_ok": ("图表字体：{family}（{path}）", "Chart font: {family} ({path})"),
    "doc.warn.no_cjk_font": (
        "本机未找到中文字体，通报中的图表已略去（否则中文会显示为方框）。请安装中文字体（Debian/Ubuntu：fonts-noto-cjk；"
        "Windows 自带黑体、微软雅黑），或设置环境变量 CASEREVIEW_CJK_FONT 指向字体文件或所在文件夹。",
        "No font with Chinese glyphs was found on this machine: the notice's charts are left out (they would "
        "show empty boxes). Install one (Debian/Ubuntu: fonts-noto-cjk; Windows ships SimHei and Microsoft "
        "YaHei) or set CASEREVIEW_CJK_FONT to the font file or its folder.",
    ),
    "doc.warn.chart_failed": ("图表未能生成，已略去：{error}", "The charts could not be drawn and are left out: {error}"),
    "doc.warn.blank_fields": ("以下栏目留空，需在文书中填写：{fields}", "Left blank to fill in the document: {fields}"),
    "doc.warn.no_findings": (
        "尚无已纳入的评查发现：主要问题、典型问题和工作建议部分为空。请先在“评查发现”页起草并纳入。",
        "No included findings: the problems, typical problems and recommendations are empty. Draft and include "
        "them on the Findings page first.",
    ),
    "doc.warn.stale_findings": ("{n} 条已纳入的评查发现依据的是较早的结果，可能已过时。",
                                "{n} included {n|finding was|findings were} drafted from earlier results and may be out of date."),
    "doc.warn.files_pending": ("{n} 本抽取案卷尚无最终结果，统计数字仅含已有最终结果的案卷。",
                               "{n} sampled {n|file has|files have} no final result yet; the figures cover the reviewed files only."),
    "doc.warn.no_sample": ("本次评查尚未抽取案卷，导出为空。", "The campaign has no sample yet: the export is empty."),
}
