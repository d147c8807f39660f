"""Texts of the Findings page: drafting and editing the findings, traces, rectification requirements."""

TEXTS: dict[str, tuple[str, str]] = {
    "page.findings": ("评查发现", "Findings"),
    "find.title": ("评查发现与整改要求", "Findings and rectification"),
    # generation
    "find.generate": ("生成 / 重新生成草稿", "Generate / regenerate draft"),
    "find.generate_help": (
        "根据各案卷的最终结果起草主要问题、典型问题和意见建议（全区及各单位）。重新生成时，未经修改的条目随结果更新；"
        "您修改过的文字一律保留，草稿有变化的会列出供您选择是否替换。",
        "Drafts the main problems, typical examples and recommendations (campaign and each unit) from the files' "
        "final results. Regenerating updates findings nobody edited; text you edited is always kept, and where its "
        "draft changed you choose whether to replace it.",
    ),
    "find.report": (
        "已生成：新增 {added} 条，更新 {updated} 条，未变 {unchanged} 条，保留人工修改 {kept} 条，替换 {replaced} 条，"
        "依据已消失并保留 {stale} 条，删除 {removed} 条。",
        "Generated: {added} added, {updated} updated, {unchanged} unchanged, {kept} edited and kept, {replaced} "
        "replaced, {stale} kept without basis (stale), {removed} removed.",
    ),
    "find.pending": (
        "还有 {n} 本抽取案卷没有最终结果，未计入本草稿。",
        "{n} sampled {n|file has|files have} no final result yet and {n|is|are} not counted in this draft.",
    ),
    "find.draft_changed": (
        "{n} 条您修改过的评查发现，其草稿已随结果变化；已保留您的文字。勾选需要改用新草稿的条目：",
        "{n} {n|finding|findings} you edited {n|has|have} a changed draft; your text was kept. Tick those that should take the new draft:",
    ),
    "find.your_text": ("您的文字（已保留）", "Your text (kept)"),
    "find.new_draft": ("新草稿", "New draft"),
    "find.replace_this": ("改用新草稿", "Replace with the new draft"),
    "find.replace": ("用新草稿替换所选（{n} 条）", "Replace the ticked ones ({n})"),
    "find.keep_all": ("全部保留我的文字", "Keep all my text"),
    "find.none_yet": ("还没有评查发现：点击“生成 / 重新生成草稿”。", "No findings yet: click “Generate / regenerate draft”."),
    # scope and sections
    "find.scope": ("范围", "Scope"),
    "find.scope_campaign": ("全区（本次评查总体）", "Whole campaign"),
    "find.scope_counts": ("共 {n} 条，其中 {included} 条纳入通报。", "{n} {n|finding|findings}, {included} included in the documents."),
    "find.section_problem": ("主要问题", "Main problems"),
    "find.section_typical": ("典型问题", "Typical examples"),
    "find.section_recommendation": ("意见建议", "Recommendations"),
    "find.section_empty": ("（无）", "(none)"),
    # one finding
    "find.badge_edited": ("已人工修改", "edited"),
    "find.badge_manual": ("人工添加", "written by hand"),
    "find.badge_excluded": ("不纳入", "excluded"),
    "find.badge_stale": ("依据已消失", "basis gone"),
    "find.stale_help": (
        "生成这条评查发现的问题在当前结果中已不存在（或不再位列前几项）。请核实后修改、不纳入或删除。",
        "What this finding was drafted from is no longer in the results (or no longer among the most frequent). "
        "Check it, then edit, exclude or delete it.",
    ),
    "find.field_title": ("标题", "Title"),
    "find.field_body": ("正文", "Text"),
    "find.field_section": ("部分", "Section"),
    "find.include": ("纳入通报", "Include in the documents"),
    "find.save": ("保存", "Save"),
    "find.saved": ("已保存评查发现 #{id}。", "Finding #{id} saved."),
    "find.up": ("上移", "Up"),
    "find.down": ("下移", "Down"),
    "find.delete": ("删除", "Delete"),
    "find.deleted": ("已删除评查发现 #{id}。", "Finding #{id} deleted."),
    "find.conflict": (
        "未保存：这条评查发现在您打开后已被修改（您编辑的是第 {version} 版，现为第 {now} 版，可能是他人修改或重新生成）。"
        "您的文字仍在上面的输入框中。",
        "Not saved: this finding changed after you opened it (you edited version {version}, it is now version "
        "{now}: someone else saved it or it was regenerated). Your text is still in the boxes above.",
    ),
    "find.current_text": ("现在保存的内容：", "What is stored now:"),
    "find.load_current": ("载入现在的内容（放弃我的修改）", "Load the stored text (discard mine)"),
    "find.save_over": ("仍用我的文字覆盖", "Save my text over it"),
    "find.draft_title": ("查看生成的草稿", "The generated draft"),
    "find.use_draft": ("改用草稿", "Use the draft"),
    "find.traces": ("依据：{n} 项案卷扣分", "Basis: {n} file {n|deduction|deductions}"),
    "find.no_traces": ("没有关联的案卷。", "No files linked."),
    "find.gone": ("已不存在", "no longer stands"),
    "find.col_item": ("评查项目", "Item"),
    "find.col_reason": ("扣分情形", "Deduction"),
    "find.col_comment": ("评查意见", "Reviewer's comment"),
    "find.col_location": ("位置", "Location"),
    "find.col_score": ("得分", "Score"),
    "find.col_grade": ("等次", "Grade"),
    "find.col_standing": ("状态", "Status"),
    "find.add": ("手动添加一条评查发现", "Write a finding by hand"),
    "find.add_submit": ("添加", "Add"),
    "find.added": ("已添加评查发现。", "Finding added."),
    # rectification
    "find.rect_title": ("{unit}：整改要求", "{unit}: rectification requirements"),
    "find.rect_all": ("各单位整改要求", "Rectification requirements of all units"),
    "find.rect_none": ("还没有整改要求。", "No rectification requirements yet."),
    "find.rect_none_all": ("还没有整改要求：在“范围”中选择单位后添加。", "None yet: choose a unit under “Scope” to add them."),
    "find.rect_id": ("编号", "ID"),
    "find.rect_requirement": ("整改要求", "Requirement"),
    "find.rect_owner": ("责任人（部门）", "Owner (person or office)"),
    "find.rect_deadline": ("整改期限", "Deadline"),
    "find.rect_status": ("状态", "Status"),
    "find.status_open": ("待整改", "open"),
    "find.status_in_progress": ("整改中", "in progress"),
    "find.status_done": ("已整改", "done"),
    "find.rect_save": ("保存表格修改", "Save the table"),
    "find.rect_nothing": ("表格没有修改。", "The table has no changes."),
    "find.rect_saved": (
        "整改要求已保存：新增 {added} 条，修改 {changed} 条，删除 {deleted} 条。",
        "Rectification requirements saved: {added} added, {changed} changed, {deleted} deleted.",
    ),
    "find.rect_add": ("新增整改要求", "Add a requirement"),
    "find.rect_add_submit": ("新增", "Add"),
    "find.rect_propose": ("根据评查发现生成建议", "Propose from the findings"),
    "find.rect_no_proposals": (
        "没有可建议的整改要求（该单位没有纳入的主要问题，或已全部列入）。",
        "Nothing to propose (the unit has no included main problems, or all are listed already).",
    ),
    "find.rect_proposals_help": (
        "以下建议根据该单位纳入通报的主要问题和评分标准的整改建议生成，可修改后勾选添加：",
        "Proposed from the unit's included main problems and the standard's recommendations; edit them, tick and add:",
    ),
    "find.rect_take": ("添加", "Add"),
    "find.rect_add_proposals": ("添加勾选的建议", "Add the ticked proposals"),
    "find.rect_discard": ("放弃建议", "Discard the proposals"),
}
