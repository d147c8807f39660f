"""Texts of issue 9's reviewer's day: the PDF viewer (pdfv.*), the live panel (live.*), autosave
(autosave.*), attaching PDFs (pdfattach.*), sessions (sessions.*)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # pdf viewer
    "pdfv.none": ("本案卷未附电子案卷（PDF）。", "No electronic case file (PDF) is attached to this file."),
    "pdfv.prev": ("上一页", "Previous page"),
    "pdfv.next": ("下一页", "Next page"),
    "pdfv.page": ("页码（共 {pages} 页）", "Page (of {pages})"),
    "pdfv.caption": ("{name} · 第 {page} / {pages} 页", "{name} · page {page} of {pages}"),
    "pdfv.title": ("电子案卷", "Electronic case file"),
    "pdfv.goto": ("看第 {page} 页", "Show page {page}"),
    "pdfv.use_current": ("填入当前页（第 {page} 页）", "Use current page ({page})"),
    # live panel
    "live.no_result": ("尚无得分", "No score yet"),
    "live.score": ("当前得分", "Score so far"),
    "live.grade": ("等次", "Grade"),
    "live.figures": ("扣分 {deducted} · 得分 {earned} / {max} · 否决项 {vetoes} 项",
                     "{deducted} {deducted|point|points} deducted · {earned} of {max} · {vetoes} {vetoes|veto|vetoes}"),
    "live.vetoes": ("否决：{titles}", "Veto: {titles}"),
    "live.missing": ("提交前尚需补充 {n} 处", "{n} thing(s) to complete before submitting"),
    "live.complete": ("各项已填写完整，可以提交。", "Everything is filled in: ready to submit."),
    # autosave
    "autosave.saved": ("已自动保存 {time}", "Saved automatically {time}"),
    "autosave.unsaved": ("有未保存的修改", "Unsaved changes"),
    "autosave.nothing": ("尚未评分：打分后自动保存", "Nothing marked yet: the first mark is saved automatically"),
    "autosave.pending": ("有未填完的项目（未计入得分，也未保存）：{n} 处",
                         "{n} input(s) still being filled in (not counted, not saved yet)"),
    "autosave.incomplete_submit": ("尚有 {n} 处未完成，无法提交；请按下列位置补充（已在各项处标出）。",
                                   ("{n} thing(s) are not complete, so the review cannot be submitted yet; "
                                   "see the list (each is also marked at its item).")),
    "autosave.item_missing": ("此项尚未完成：{what}", "Not complete yet: {what}"),
    "autosave.subtotal": ("{title}（满分 {max}）· 小计 {earned}", "{title} (max {max}) · subtotal {earned}"),
    # attaching PDFs (register page)
    "pdfattach.title": ("电子案卷（PDF）", "Electronic case files (PDF)"),
    "pdfattach.hint": ("上传单个 PDF 并选择案号；或上传 ZIP（文件名含案号），先预览匹配结果再保存。",
                       ("Upload one PDF and choose its case number, or a ZIP whose file names contain the case "
                       "numbers: preview the matching before anything is stored.")),
    "pdfattach.one": ("单个 PDF", "One PDF"),
    "pdfattach.bulk": ("批量（ZIP）", "In bulk (ZIP)"),
    "pdfattach.case": ("案号", "Case number"),
    "pdfattach.file": ("PDF 文件", "PDF file"),
    "pdfattach.zip": ("ZIP 文件", "ZIP file"),
    "pdfattach.attach": ("附加", "Attach"),
    "pdfattach.done.attached": ("已为 {case} 附加 {name}。", "{name} attached to {case}."),
    "pdfattach.done.replaced": ("已替换 {case} 的电子案卷为 {name}。", "The PDF of {case} is replaced by {name}."),
    "pdfattach.done.unchanged": ("{case} 已附有相同的文件，未作改动。", "{case} already has this very file: nothing changed."),
    "pdfattach.matched": ("匹配成功 {n} 个", "{n} matched"),
    "pdfattach.unmatched": ("未匹配 {n} 个（文件名中没有登记的案号）", "{n} not matched (no registered case number in the name)"),
    "pdfattach.ambiguous": ("有歧义 {n} 个（含多个案号，或多个文件对应同一案卷）",
                            "{n} ambiguous (several case numbers in the name, or several files for one case)"),
    "pdfattach.rejected": ("被拒绝 {n} 个", "{n} refused"),
    "pdfattach.col.file": ("文件", "File"),
    "pdfattach.col.case": ("案号", "Case number"),
    "pdfattach.col.pages": ("页数", "Pages"),
    "pdfattach.col.why": ("原因", "Why"),
    "pdfattach.store": ("保存匹配成功的 {n} 个", "Store the {n} matched"),
    "pdfattach.stored": ("已保存：新附加 {attached} 个，替换 {replaced} 个，相同未改 {unchanged} 个。",
                         "Stored: {attached} attached, {replaced} replaced, {unchanged} unchanged."),
    "pdfattach.limits": ("每个 PDF 最大 {mb} MB、{pages} 页；相同文件只存一份。",
                         "Up to {mb} MB and {pages} {pages|page|pages} per PDF; the same file is stored once."),
    # demo loading progress (step names from scoring.demo.progress)
    "demoprog.registers": ("导入单位和案卷登记（{done}/{total}）", "Importing units and registers ({done}/{total})"),
    "demoprog.people": ("创建演示账号", "Creating the demo accounts"),
    "demoprog.draw": ("{year} 年度活动：抽取样本、分配评查人员", "{year} campaign: drawing the sample, assigning reviewers"),
    "demoprog.score": ("{year} 年度活动：评分与复核 {done}/{total} 本", "{year} campaign: scoring and re-checking {done} of {total} {total|file|files}"),
    # sessions
    "sessions.everywhere": ("在所有设备上退出", "Sign out everywhere"),
    "sessions.everywhere_done": ("已结束 {username} 的 {n} 个登录。", "{n} session(s) of {username} ended."),
    "sessions.open": ("当前登录设备：{n} 个", "Signed in on {n} browser(s)"),
}
