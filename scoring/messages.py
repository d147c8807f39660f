"""Every message the core gives a person, by stable code, in Chinese and English.

The core raises errors and reports problems with a code and its parameters
(`ValidationFailed(code="campaign.window_order", start=..., end=...)`, `Problem(code=..., ...)`); the
English text is kept on the exception for logs. The pages show `localize(exc, lang)` in the language
the person chose; the CLI prints it in the language of `--lang` / `CASEREVIEW_LANG` (`cli_language`).

Adding a message is one line in `MESSAGES`: `"area.what": ("中文……{name}", "English ... {name}")`.
Templates:
- `{name}` — a parameter (str() of it; a `Msg` parameter is rendered in the same language, so labels
  such as statuses translate too: `status=Msg("file_state.not_started")`);
- `{n|file|files}` — English plural by the number in `n` ("1 file", "2 files"); Chinese needs none.
Both languages must use the same parameters (tests/test_messages.py checks every line).
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("zh", "en")
ENV_LANG = "CASEREVIEW_LANG"

# code -> (zh, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # generic (fallbacks for older raise sites and for pydantic's checks on forms)
    "generic.error": ("{message}", "{message}"),
    "problems.title": ("{title}：共{n}个问题", "{title}: {n} {n|problem|problems}"),
    "problems.more": ("……另有{n}个问题", "... and {n} more {n|problem|problems}"),
    "where.row": ("第{row}行", "row {row}"),
    "where.line": ("第{line}行", "line {line}"),
    "where.column": ("“{column}”列", "column {column}"),
    "where.value": ("（值：{value}）", " (value: {value!r})"),
    "field.required": ("必须填写", "is required"),
    "field.empty": ("不能为空", "must not be empty"),
    "field.too_long": ("不能超过{max}个字符", "must be at most {max} {max|character|characters}"),
    "field.not_number": ("不是有效的数字", "is not a valid number"),
    "field.not_integer": ("不是有效的整数", "is not a whole number"),
    "field.not_date": ("不是有效的日期（例如 2025-03-31）", "is not a valid date (e.g. 2025-03-31)"),
    "field.too_small": ("不能小于{min}", "must be at least {min}"),
    "field.too_large": ("不能大于{max}", "must be at most {max}"),
    "field.invalid": ("填写不正确", "is not valid"),
    "field.unknown": ("不是可用的选项", "is not one of the options"),
    "field.one_of": ("应为以下之一：{expected}", "Input should be {expected}"),
    # database and sampling (shown on pages too: no CLI commands in them)
    "db.no_schema": ("数据库尚未初始化：请先完成初始设置", "the database has no schema yet: initialise it first"),
    "sample.register_changed": ("评查活动“{campaign}”已有抽样（记录#{record}）：抽取后登记表已有变化（可先核验抽样记录），不能扩大抽样",
                                "campaign {campaign!r} already has a sample (record #{record}): the register changed "
                                "since it was drawn (verify the sample record), so it cannot be enlarged"),
    # sign-in and accounts
    "auth.wrong_credentials": ("用户名或密码错误", "wrong user name or password"),
    "auth.locked": ("连续{max}次登录失败，账号已被暂时锁定，请{minutes}分钟后再试",
                    "account locked after {max} failed sign-ins; try again in {minutes} {minutes|minute|minutes}"),
    "auth.passwords_differ": ("两次输入的密码不一致", "the two passwords differ"),
    "auth.password_short": ("密码至少需要{n}个字符", "a password needs at least {n} {n|character|characters}"),
    "auth.sign_in_first": ("请先登录", "sign in first"),
    # electronic case files (scoring.case_pdfs)
    "pdf.empty": ("{name}：文件为空", "{name}: the file is empty"),
    "pdf.too_large": ("{name}：超过大小上限 {mb} MB（CASEREVIEW_PDF_MAX_MB）",
                      "{name}: larger than the limit of {mb} MB (CASEREVIEW_PDF_MAX_MB)"),
    "pdf.not_pdf": ("{name}：不是 PDF 文件（文件头不是 %PDF-）", "{name}: not a PDF (it does not start with %PDF-)"),
    "pdf.unreadable": ("{name}：无法读取该 PDF（{why}）", "{name}: the PDF cannot be read ({why})"),
    "pdf.no_pages": ("{name}：PDF 没有页面", "{name}: the PDF has no pages"),
    "pdf.too_many_pages": ("{name}：{pages} 页，超过上限 {max} 页（CASEREVIEW_PDF_MAX_PAGES）",
                           "{name}: {pages} pages is more than the limit of {max} (CASEREVIEW_PDF_MAX_PAGES)"),
    "pdf.no_case": ("登记中没有案号为“{number}”的案卷", "no case file numbered {number!r} in the register"),
    "pdf.not_zip": ("不是 ZIP 文件：请上传包含 PDF 的 .zip（或指定文件夹）",
                    "not a ZIP file: upload a .zip of PDFs (or give a folder)"),
    "pdf.not_readable_here": ("没有您可查看的案卷 {id}", "no case file {id} that you may read"),
    "pdf.none_attached": ("案卷 {id} 未附电子案卷", "no electronic case file is attached to case file {id}"),
    "pdf.page_outside": ("第 {page} 页不在文件范围内（1-{pages}）", "page {page} is outside the file (1-{pages})"),
    # campaigns and publishing
    "campaign.invalid": ("评查活动设置有误", "campaign settings are not valid"),
    "campaign.standards_misfit": ("评查活动的评分标准设置有误", "the campaign's standards do not fit"),
    "campaign.window_order": ("评查范围的截止日期（{end}）早于起始日期（{start}）",
                              "the review window ends ({end}) before it starts ({start})"),
    "campaign.exists": ("已有名为“{name}”的评查活动", "a campaign named {name!r} exists already"),
    "campaign.not_found": ("找不到评查活动“{ref}”", "no campaign {ref!r}"),
    "campaign.published_already": ("评查活动“{name}”已经发布", "campaign {name!r} is published already"),
    "campaign.not_published": ("评查活动“{name}”尚未发布", "campaign {name!r} is not published"),
    "campaign.results_not_published": ("评查活动“{name}”的结果尚未发布", "the results of {name!r} are not published yet"),
    "campaign.nothing_to_publish": ("该评查活动还没有抽取案卷，无可发布的结果",
                                    "nothing to publish: the campaign has no sampled files"),
    "campaign.withdraw_reason": ("撤回已发布的结果需要说明理由", "withdrawing published results needs a reason"),
    # units' objections (issue 13)
    "objection.window_open": ("异议期限（至{deadline}，UTC）尚未届满；期限届满且全部异议处理完毕后方可发布",
                              "the objection window is open until {deadline} (UTC); publish after it closes and "
                              "every objection is decided"),
    "objection.undecided": ("尚有{n}条异议未处理，处理完毕后方可发布",
                            "{n} {n|objection|objections} not decided yet; decide them before publishing"),
    "objection.not_released": ("评查活动“{name}”的评查结果尚未向被评查单位反馈",
                               "the results of {name!r} are not released to the units yet"),
    "objection.window_closed": ("异议期限已于{deadline}（UTC）届满，不能再提出异议",
                                "the objection window closed on {deadline} (UTC); nothing more can be filed"),
    "objection.not_found": ("找不到异议#{id}", "no objection #{id}"),
    "objection.decided_already": ("异议#{id}已经处理完毕", "objection #{id} is decided already"),
    "objection.no_member": ("找不到编号为{id}的用户", "no user with id {id}"),
    "objection.member_inactive": ("{name}不是在岗的评查组成员", "{name} is not an active panel member"),
    "objection.member_own_unit": ("{name}属于该案卷的执法单位，应当回避",
                                  "{name} belongs to the file's unit and must stand aside"),
    "objection.member_scored": ("{name}评查过该案卷；异议应交由未评查该案卷的人员处理",
                                "{name} scored this file; an objection goes to someone who did not"),
    "objection.not_yours": ("异议#{id}未分配给您处理", "objection #{id} is not assigned to you"),
    "objection.changed": ("异议#{id}已被他人修改，请刷新后再处理", "objection #{id} was changed meanwhile; reload it"),
    "objection.decided_meanwhile": ("异议#{id}刚刚已由他人处理，请刷新后查看",
                                    "objection #{id} was decided at the same moment; reload it"),
    "objection.unknown_decision": ("处理结论“{decision}”无法识别（可选：{known}）",
                                   "unknown decision {decision!r}; use one of {known}"),
    "objection.decision_reason": ("处理异议需要说明理由", "a decision needs its reason"),
    "objection.no_review": ("该案卷没有已提交的评分，无从修改", "the file has no submitted review to amend"),
    "objection.veto_not_partly": ("对否决项的异议只能采纳或维持，不能部分采纳", "a veto is accepted or upheld, never partly"),
    "objection.no_deduction_to_amend": ("评分中没有扣分项{item}/{reason}，无从修改",
                                        "the marks have no deduction {item}/{reason} to amend"),
    "objection.partly_occurrences": ("部分采纳时保留的扣分处数应少于原来的{n}处，且至少保留1处",
                                     "partly accepting keeps fewer occurrences than {n}, and at least 1"),
    "objection.partly_points": ("部分采纳时保留的扣分应少于原扣分，且大于0分",
                                "partly accepting keeps fewer points than chosen, and more than 0"),
    "objection.upheld_no_marks": ("维持原评查结论时不修改评分", "upholding the deduction changes no marks"),
    "objection.needs_marks": ("采纳异议需要提供修改后的评分", "accepting an objection needs the amended marks"),
    "objection.accepted_still_there": ("采纳异议应撤销被异议的扣分，但修改后的评分中仍保留该扣分",
                                       "accepting the objection removes the objected deduction; it is still in "
                                       "the marks"),
    "objection.partly_gone": ("部分采纳应保留并减少该扣分，但修改后的评分中已没有该扣分（全部撤销请选择“采纳”）",
                              "partly accepting keeps the deduction, reduced; it is gone from the marks "
                              "(accept the objection instead)"),
    "objection.partly_must_raise": ("部分采纳后案卷得分应当提高", "partly accepting must raise the file's score"),
    "objection.not_own_file": ("本次评查中没有本单位的案卷{id}，只能对本单位的案卷提出异议",
                               "no file {id} of your unit in this campaign"),
    "objection.no_grounds": ("请填写异议理由", "an objection needs its grounds"),
    "objection.grounds_long": ("异议理由共{n}个字，最多{max}个字",
                               "the grounds are {n} {n|character|characters} long; at most {max}"),
    "objection.no_standing_deduction": ("案卷{case_number}没有现行有效的扣分项{item}/{reason}",
                                        "file {case_number} has no standing deduction {item}/{reason}"),
    "objection.pending": ("对该扣分的异议#{id}尚在处理中，不能重复提出", "objection #{id} to this deduction is still being decided"),
    "objection.too_many_attachments": ("每条异议最多附{max}个附件，现有{n}个",
                                       "at most {max} attachments per objection, got {n}"),
    "objection.no_attachment": ("找不到附件{id}", "no attachment {id}"),
    "objection.released_already": ("评查活动“{name}”的评查结果已经反馈；如需更多时间，请延长异议期限",
                                   "the results of {name!r} are released already; extend the deadline instead"),
    "objection.deadline_past": ("异议截止时间必须晚于当前时间", "the objection deadline must be in the future"),
    "objection.nothing_to_release": ("该评查活动还没有抽取案卷，无可反馈的结果",
                                     "nothing to release: the campaign has no sampled files"),
    "objection.files_not_final": ("抽取的{n}本案卷中尚有{open}本没有最终结果；全部案卷有最终结果后方可反馈",
                                  "{open} of the {n} sampled files {open|has|have} no final result yet; release the "
                                  "results once every file is final"),
    "objection.extension_early": ("延长后的截止时间必须晚于现在的截止时间（{deadline}，UTC）",
                                  "an extension must end after the current deadline ({deadline} UTC)"),
    # calibration round (试评)
    "calibration.pending": ("请先完成剩余{n}本试评案卷的评分，之后才能开始正式评查",
                            "score the {n} remaining calibration {n|file|files} first; your live queue opens once "
                            "you have"),
    "calibration.guidance_item": ("请选择该评查说明针对的评查项目", "say which item the guidance is for"),
    "calibration.guidance_long": ("评查说明最多{max}个字，现有{n}个字",
                                  "a guidance note has at most {max} characters, not {n}"),
    "calibration.listed_twice": ("同一本试评案卷选择了两次", "a calibration file is listed twice"),
    "calibration.file_count": ("试评案卷应为{min}至{max}本，现为{n}本", "a calibration round uses {min} to {max} files, not {n}"),
    "calibration.not_in_register": ("登记表中没有以下案卷：{numbers}", "not in the register: {numbers}"),
    "calibration.in_sample": ("以下案卷已被抽取为评查样本，不能作为试评案卷：{numbers}",
                              "calibration files are never sample files: {numbers}"),
    "calibration.files_fixed": ("试评案卷已有人评分，不能再更换", "calibration files were scored already; they can no longer change"),
    "calibration.not_calibration_file": ("案卷{id}不是评查活动“{name}”的试评案卷",
                                         "file {id} is not a calibration file of {name!r}"),
    "calibration.bad_marks": ("{path}：评分内容无效（{why}）", "{path}: not valid marks: {why}"),
    "case_file.not_found": ("登记表中没有案号为“{number}”的案卷", "no file {number!r}"),
    # machine pre-check
    "precheck.unknown_rule": ("预检规则{rules}不存在（现有规则：{known}）", "unknown pre-check rule {rules} (known: {known})"),
    "campaign.unknown_case_type": ("评分标准设置中的案件类型“{case_type}”不存在（可选：{known}）",
                                   "unknown case type {case_type!r} in standards mapping; known: {known}"),
    "campaign.unknown_procedure": ("评分标准设置中的程序“{procedure}”不存在（可选：{known}）",
                                   "unknown procedure {procedure!r} in standards mapping; known: {known}"),
    "campaign.no_standard": ("评查活动“{name}”没有适用于{case_type}{procedure}案卷的评分标准",
                             "campaign {name!r} has no standard for {case_type}{procedure} files"),
    "precheck.rules.none": ("没有预检规则", "no pre-check rules"),
    "precheck.rules.no_files": ("没有找到预检规则文件（.yaml）", "no pre-check rule files (.yaml) found"),
    "precheck.rules.unreadable": ("无法读取（{why}）", "cannot read: {why}"),
    "precheck.rules.id_in_two_files": ("规则编号“{id}”在多个文件中出现", "rule id {id!r} appears in more than one file"),
    "precheck.rules.problems": ("预检规则有误", "pre-check rules have problems"),
    "precheck.rules.not_rule_file": ("{file}不是预检规则文件", "{file} is not a pre-check rule file"),
    "precheck.rules.file_problems": ("{file}：预检规则有误", "{file}: pre-check rules have problems"),
    "precheck.rule.not_rule_file": ("预检规则文件应为包含“kind: precheck”的映射",
                                    "a pre-check rule file is a mapping with `kind: precheck`"),
    "precheck.rule.no_rules": ("“rules”应为非空列表", "`rules` must be a non-empty list"),
    "precheck.rule.not_mapping": ("每条规则应为一个映射（键: 值）", "a rule is a mapping"),
    "precheck.rule.unknown_key": ("未知的键“{key}”", "unknown key {key!r}"),
    "precheck.rule.missing_key": ("缺少必填的键“{key}”", "required key {key!r} is missing"),
    "precheck.rule.empty_text": ("“{key}”应为非空文本", "`{key}` must be a non-empty text"),
    "precheck.rule.id_twice": ("规则编号“{id}”重复使用", "rule id {id!r} is used twice"),
    "precheck.rule.unknown_focus": ("未知的评查重点“{focus}”（可用：{known}）", "unknown focus {focus!r} (known: {known})"),
    "precheck.rule.hints": ("“hints”应列出该规则提示的评分项或否决项编号",
                            "`hints` must list the standard item or veto ids the rule hints at"),
    "precheck.rule.basis": ("“basis”应为文本", "`basis` must be text"),
    "precheck.rule.unknown_attribute": ("未知的属性“{name}”（可用：{known}）", "unknown attribute {name!r} (known: {known})"),
    "precheck.rule.attribute_type": ("属性“{name}”是{type}，此处需要{want}",
                                     "attribute {name!r} is a {type}, here a {want} is needed"),
    "precheck.rule.unknown_comparison": ("未知的比较符“{op}”（可用：{known}）", "unknown comparison {op!r} (use one of {known})"),
    "precheck.rule.condition_shape": ("条件应为只有一个键的映射（dates、days、value、in、missing、present、all、any、not）",
                                      "a condition is a mapping with exactly one key (dates, days, value, in, missing, "
                                      "present, all, any, not)"),
    "precheck.rule.needs_conditions": ("“{key}”后应为非空的条件列表", "`{key}` takes a non-empty list of conditions"),
    "precheck.rule.needs_list": ("“{key}”后应为列表", "`{key}` takes a list"),
    "precheck.rule.dates_shape": ("“dates”的格式为 [日期属性, 比较符, 日期属性]",
                                  "`dates` takes [date attribute, comparison, date attribute]"),
    "precheck.rule.days_shape": ("“days”的格式为 [起始日期, 截止日期, 比较符, 天数]",
                                 "`days` takes [from date, to date, comparison, number of days]"),
    "precheck.rule.days_number": ("天数应为整数，不能是“{value}”", "the number of days must be a whole number, not {value!r}"),
    "precheck.rule.value_shape": ("“value”的格式为 [属性, 比较符, 值或属性]",
                                  "`value` takes [attribute, comparison, value or attribute]"),
    "precheck.rule.cannot_compare": ("{a}（{a_type}）不能与{b}（{b_type}）比较",
                                     "cannot compare {a} ({a_type}) with {b} ({b_type})"),
    "precheck.rule.bad_literal": ("“{value}”不是属性{name}可取的{type}值", "{value!r} is not a {type} value for {name}"),
    "precheck.rule.equality_only": ("{type}属性只能用 == 或 != 比较", "{type} attributes compare only with == or !="),
    "precheck.rule.in_shape": ("“in”的格式为 [属性, [值, ...]]", "`in` takes [attribute, [value, ...]]"),
    "precheck.rule.unknown_condition": ("未知的条件“{key}”（可用：dates、days、value、in、missing、present、all、any、not）",
                                        "unknown condition {key!r} (use dates, days, value, in, missing, present, "
                                        "all, any or not)"),
    "precheck.type.date": ("日期", "date"),
    "precheck.type.number": ("数值", "number"),
    "precheck.type.bool": ("是/否", "bool"),
    "precheck.type.text": ("文本", "text"),
    "label.campaign.name": ("名称", "name"),
    "label.campaign.year": ("年度", "year"),
    "label.campaign.window_start": ("评查范围起", "window start"),
    "label.campaign.window_end": ("评查范围止", "window end"),
    "label.campaign.pass_line": ("合格线", "pass line"),
    "label.campaign.reviewers_per_file": ("每卷评查人数", "reviewers per file"),
    "label.campaign.grade_bands": ("等次划分", "grade bands"),
    "label.campaign.standards": ("评分标准", "standards"),
    "label.campaign.unit_bands": ("单位等次划分", "unit bands"),
    "label.campaign.tie_break": ("并列名次的排序规则", "tie-break rule"),
    "publish.files_open": ("尚有{n}本抽取案卷没有最终结果，暂不能发布：{files}{more}",
                           "{n} sampled {n|file has|files have} no final result yet: {files}{more}"),
    "publish.open_file": ("{case_number}（{state}）", "{case_number} ({state})"),
    "db.busy": ("数据库正忙（其他人正在同时保存），本次没有保存。您填写的内容仍在页面上，请稍后再保存一次。",
                "the database is busy with other saves: nothing was saved; your input is kept, please try again "
                "in a moment"),
    "audit.publish_refused": ("评查活动“{name}”未通过审计链校验，不能发布（{first}）。请在“评查进度”页查看校验结果。",
                              "campaign {name} fails audit verification, so it cannot be published ({first}); see "
                              "the audit chain check on the Progress page"),
    # audit verify: what the chain walk and the row check found
    "audit.v.where": ("第{seq}条（编号{id}，{action} {entity} {entity_id}，{at}）",
                      "seq {seq} (id {id}, {action} {entity} {entity_id}, at {at})"),
    "audit.v.broken": ("{where}：{why}", "{where}: {why}"),
    "audit.v.also_broken": ("另有断裂：{where}：{why}", "also broken: {where}: {why}"),
    "audit.v.missing": ("第{first}至{last}条记录缺失", "entries {first}..{last} are missing"),
    "audit.v.repeats": ("记录序号重复", "sequence number repeats"),
    "audit.v.unlinked": ("与前一条记录链接不上（有记录被删除或插入）",
                         "does not link to the entry before it (an entry was removed or inserted)"),
    "audit.v.rewritten": ("内容与其哈希值不符（记录被改写）", "content does not match its hash (the entry was rewritten)"),
    "audit.v.backdated": ("日期为{at}，早于其前一条记录（{prev}）：倒签", "dated {at}, before the entry it follows ({prev}): backdated"),
    "audit.v.unchained": ("记录编号{id}（{action}，{at}）不在审计链中（在本系统之外写入）",
                          "entry id {id} ({action}, at {at}) is not part of the chain (written outside the application)"),
    "audit.v.head_missing": ("审计链的链头记录缺失", "the chain's head row is missing"),
    "audit.v.head_mismatch": ("链头记载共{head}条记录，但日志止于第{last}条：末尾的记录被删除或链头被修改",
                              "the chain's head says {head} entries but the log ends at {last}: entries at the end were "
                              "removed or the head was edited"),
    "audit.v.damaged": ("数据库文件已损坏：{detail}", "the database file is damaged: {detail}"),
    "audit.v.unreadable": ("数据库无法读取：{detail}", "the database cannot be read: {detail}"),
    "audit.v.row": ("数据“{table}”第{key}行：{why}", "row {table} {key}: {why}"),
    "audit.v.row_differs": ("与审计链记载的状态不符", "differs from the state the chain vouches for"),
    "audit.v.row_said_deleted": ("审计链记载该行已删除", "the chain says it was deleted"),
    "audit.v.row_unchained": ("不在审计链中（在本系统之外写入）", "not in the chain (written outside the application)"),
    "audit.v.row_deleted": ("在本系统之外被删除", "deleted outside the application"),
    "audit.v.batch_differs": ("该导入批次的案卷与导入时不同", "the case files of this import batch differ from what was imported"),
    "audit.v.batch_gone": ("该导入批次的案卷已不存在", "the case files of this import batch are gone"),
    "audit.v.more_rows": ("……另有{n}行", "... and {n} more rows"),
    "audit.v.ok": ("审计链完整：{entries}条记录，{rows}行数据与之相符；锚点 {anchor}",
                   "audit chain intact: {entries} entries, {rows} rows match; anchor {anchor}"),
    "audit.v.failed": ("审计校验未通过：{chain}{n}行数据与审计链不符",
                       "audit verification FAILED: {chain}{n} rows do not match the chain"),
    "audit.v.chain_broken": ("审计链断裂；", "chain broken; "),
    "audit.table.users": ("账户", "accounts"),
    "audit.table.campaigns": ("评查活动", "campaigns"),
    "audit.table.campaign_standards": ("活动评查标准", "campaign standards"),
    "audit.table.standard_versions": ("评查标准版本", "standard versions"),
    "audit.table.case_files": ("案卷登记", "case files"),
    "audit.table.import_batches": ("登记导入批次", "import batches"),
    "audit.table.sample_records": ("抽样记录", "sample records"),
    "audit.table.sample_items": ("抽中案卷", "sample items"),
    "audit.table.assignments": ("评查分配", "assignments"),
    "audit.table.reviews": ("评分", "reviews"),
    "audit.table.review_marks": ("评分明细", "review marks"),
    "audit.table.rechecks": ("复核", "re-checks"),
    "audit.table.file_results": ("案卷最终结果", "final results"),
    "audit.table.file_focus_scores": ("重点领域得分", "focus-area scores"),
    "audit.table.file_deductions": ("扣分汇总", "deductions"),
    "audit.table.findings": ("评查发现", "findings"),
    "audit.table.finding_links": ("评查发现所涉案卷", "finding links"),
    "audit.table.rectifications": ("整改", "rectifications"),
    "publish.more_files": ("等", " and {n} more"),
    "file_state.unassigned": ("未分配", "unassigned"),
    "file_state.not_started": ("未开始", "not started"),
    "file_state.in_progress": ("评查中", "in progress"),
    "file_state.awaiting_recheck": ("待复核", "awaiting re-check"),
    "file_state.final": ("已有最终结果", "final"),
    # scoring form
    "review.incomplete": ("评分表尚未填写完整", "the scoring form is not complete"),
    "review.needs_location": ("{item}的扣分需要注明在案卷中的位置（页码或音像文件）",
                              "{item}: a deduction needs where in the file it is (page or media file)"),
    # issue 11: standards in use (impact before change), attributes set by the lead, campaign bands
    "bands.empty": ("至少需要一个等次", "give at least one grade band"),
    "bands.unique": ("等次名称不能重复", "grade band names must be unique"),
    "bands.order": ("等次应从高到低排列，各等次的最低分须依次递减", "grade bands must be listed best first, with strictly falling `min`"),
    "bands.last_zero": ("最低一个等次的最低分必须为0", "the last (worst) grade band must have `min: 0`"),
    "bands.above_100": ("等次最低分超过100，永远达不到", "a grade band `min` above 100 can never be reached"),
    "bands.pass_line": ("合格线 {pass_line} 必须是某个等次（最低等次除外）的最低分",
                        "`pass_line` {pass_line} must be the `min` of a band other than the last"),
    "campaign.unknown_tie_break": ("无法识别的并列排序规则“{tie_break}”（可选：{known}）",
                                   "unknown tie-break {tie_break!r}; choose one of {known}"),
    "impact.not_in_campaign": ("评查活动“{campaign}”未使用评分标准“{standard}”",
                               "campaign {campaign!r} does not score with standard {standard!r}"),
    "impact.same_version": ("评查活动“{campaign}”已在使用评分标准“{standard}”的这一版本",
                            "campaign {campaign!r} already scores with this version of {standard}"),
    "impact.misfit": ("{case_number}（{what}）：{why}", "{case_number} ({what}): {why}"),
    "impact.misfit_title": ("已核对{n}本案卷：新版本不能容纳部分已有评分",
                            "{n} {n|file|files} checked: the new version cannot take some existing marks"),
    "impact.reason_needed": ("切换评查活动的评分标准需要说明理由", "switching a campaign's standard needs a reason"),
    "impact.changed_since": ("评分标准在显示影响之后已有变化（现为 {hash}），请重新评估影响",
                             "the standard changed since its impact was shown (now {hash}); look at the impact again"),
    # register import (shown in the problem table beside the row, column and value)
    "register.import_failed": ("登记表导入失败", "the register has problems"),
    "register.nothing_imported": ("{source}：未导入{capped}", "{source}: nothing imported{capped}"),
    "register.capped": ("（共{n}个问题，列出前{kept}个）", " ({n} {n|problem|problems} in all, the first {kept} listed)"),
    "register.required": ("必填项为空", "missing required value"),
    "register.unit_missing_csv": ("必填项为空（CSV 文件中合并的单位单元格只有第一行有值：请每行填写，或直接导入 .xlsx 文件）",
                                  "missing required value (merged unit cells lose their value in CSV: fill every "
                                  "row, or import the .xlsx itself)"),
    "register.case_number_long": ("案号超过{max}个字符", "case number is longer than {max} characters"),
    "register.bad_case_type": ("案件类型无法识别（可选：{known}）", "unknown case type (known: {known})"),
    "register.bad_procedure": ("程序无法识别（应为 一般 或 简易）", "{why}"),
    "register.procedure_needed": ("{case_type}案卷需要注明程序（一般 或 简易）", "{case_type} needs a procedure (一般 or 简易)"),
    "register.bad_date": ("日期无法识别（例如 2024-03-05 或 2024年3月5日）", "bad date: {why}"),
    "register.future_date": ("日期无法识别：决定日期晚于今天", "bad date: the decision date is in the future"),
    "register.bad_flag": ("取值无法识别（应为 是 或 否）", "bad flag: {why}"),
    "register.bad_amount": ("金额无法识别（例如 5000 或 5,000元）", "bad amount: {why}"),
    "register.bad_attribute": ("{name}无法识别", "bad {name}: {why}"),
    "register.formula_sign": ("案号以全角符号开头，会被表格软件当作公式（=、+、-、@）",
                              "starts with a full-width sign that would read as a formula sign (=, +, -, @)"),
    "register.duplicate_in_file": ("案号重复：与第{row}行相同", "duplicate case number: already in row {row}"),
    "register.duplicate_in_db": ("案号重复：数据库中已有该案卷{where}", "duplicate case number: already in the database{where}"),
    "register.batch": ("（第{batch}批导入）", " (import batch {batch})"),
    "register.unknown_unit": ("执法单位不在单位名录中：请先在单位名录中添加该单位",
                              "unknown unit (add it to the units first)"),
    # findings
    "findings.not_found": ("找不到评查发现#{id}", "no finding {id}"),
    "findings.changed": ("有{n}条评查发现在您编辑期间已被修改（{ids}），本次未保存任何修改；请查看其当前内容后重新保存",
                         "{n} {n|finding was|findings were} changed meanwhile ({ids}); nothing was saved: "
                         "look at the current text and save again"),
    # documents
    "documents.threshold_not_number": ("阈值“{threshold}”不是数字", "threshold {threshold!r} is not a number"),
    "documents.threshold_range": ("阈值{threshold}不在0至100之间", "threshold {threshold} is outside 0-100"),
    "documents.unit_no_results": ("单位{unit}在评查活动“{campaign}”中没有已评查的案卷",
                                  "unit {unit} has no reviewed files in campaign {campaign!r}"),
    # permissions (scoring.policy): who may not do what, and why
    "policy.needs_role": ("{user}（{role}）无权{thing}，需要{roles}权限", "{user} ({role}) may not {thing}; it needs role {roles}"),
    "policy.only": ("{user}（{role}）不能{thing}：{reasons}", "{user} ({role}) may {thing} {reasons}"),
    "policy.role.lead": ("评查组长", "lead"),
    "policy.role.reviewer": ("评查人员", "reviewer"),
    "policy.role.observer": ("观察员", "observer"),
    "policy.role.liaison": ("被评查单位联络员", "liaison"),
    "policy.only.always": ("无此权限", "always"),
    "policy.only.own_assignment": ("只能对分配给本人且不属于本单位的案卷进行（回避）",
                                   "only for files assigned to them and not of their own unit (回避)"),
    "policy.only.own_submitted": ("须先提交本人对该案卷的评分（背对背评查）",
                                  "only after submitting their own review (blind review)"),
    "policy.only.published": ("须在评查结果发布之后", "only once the results are published"),
    "policy.only.own_unit_released": ("只能查看本单位的结果，且须在评查组长反馈评查结果之后",
                                      "only their own unit's results, once the lead released them"),
    "policy.only.own_unit_window_open": ("只能在异议期限内对本单位的案卷提出",
                                         "only for their own unit's files while the objection window is open"),
    "policy.only.assigned_not_scorer": ("只能处理分配给本人、本人未评查过且不属于本单位案卷的异议（回避）",
                                        "only objections assigned to them, on files they did not score and not of "
                                        "their own unit (回避)"),
    "policy.only.not_own_unit": ("只能对不属于本单位的案卷进行（回避）", "only files not of their own unit (回避)"),
    "policy.only.own_unit": ("只能针对本单位", "only for their own unit"),
    "policy.only.assigned": ("只能针对分配给本人的事项", "only what is assigned to them"),
    "policy.only.own_account": ("只能针对本人的账户", "only for their own account"),
    "action.manage_accounts": ("管理账户", "manage accounts"),
    "action.import_register": ("导入案卷登记表和单位名录", "import register"),
    "action.read_register": ("查看案卷登记表", "read register"),
    "action.manage_campaigns": ("管理评查活动", "manage campaigns"),
    "action.sample": ("抽取案卷", "sample"),
    "action.read_sample": ("查看抽样结果", "read sample"),
    "action.assign": ("分配评查任务", "assign"),
    "action.read_assignments": ("查看评查分配和进度", "read assignments"),
    "action.own_queue": ("查看本人的评查任务", "own queue"),
    "action.score": ("评分", "score"),
    "action.read_reviews": ("查看该案卷的评分", "read reviews"),
    "action.reopen_review": ("退回已提交的评分", "reopen review"),
    "action.recheck": ("复核", "recheck"),
    "action.publish": ("发布或撤回评查结果", "publish"),
    "action.overview": ("查看评查概况", "overview"),
    "action.read_results": ("查看评查结果", "read results"),
    "action.read_reviewer_names": ("查看评查人员姓名", "read reviewer names"),
    "action.read_unmasked": ("查看未隐去的案号和单位", "read unmasked"),
    "action.read_findings": ("查看评查发现", "read findings"),
    "action.edit_findings": ("编辑评查发现和整改要求", "edit findings"),
    "action.make_notice": ("生成评查情况通报", "make notice"),
    "action.make_documents": ("生成监督建议书和导出表格", "make documents"),
    "action.precheck": ("运行机器预检", "precheck"),
    "action.precheck_hints": ("查看机器预检提示", "precheck hints"),
    "action.case_pdfs": ("上传或删除电子案卷", "case pdfs"),
    "action.manage_objections": ("管理结果反馈和异议", "manage objections"),
    "action.read_released": ("查看反馈的评查结果", "read released"),
    "action.file_objection": ("提出异议", "file objection"),
    "action.decide_objection": ("处理异议", "decide objection"),
    "action.manage_calibration": ("管理试评", "manage calibration"),
    "action.calibration_score": ("对试评案卷评分", "calibration score"),
    "action.file_attributes": ("设置案卷属性", "file attributes"),
    "action.switch_standard": ("更换评分标准版本", "switch standard"),
    "action.read_case_pdf": ("查看电子案卷", "read case pdf"),
    "action.read_objection_attachment": ("查看异议附件", "read objection attachment"),
    "action.verify_audit": ("核验审计记录", "verify audit"),
    "action.end_sessions": ("结束账户的登录会话", "end sessions"),
    "policy.what.read_released": ("查看反馈的评查结果", "read the released results"),
    "policy.what.file_objections": ("提出异议", "file objections"),
    "policy.what.decide_objections": ("处理异议", "decide objections"),
    "policy.what.decide_objection": ("处理异议#{id}", "decide objection #{id}"),
    "policy.what.read_results_of": ("查看评查活动“{name}”的结果", "read the results of {name!r}"),
    "policy.what.score_file": ("对案卷{case_number}评分", "score file {case_number}"),
    "policy.what.score_calibration": ("对试评案卷评分", "score calibration files"),
    "policy.what.end_sessions": ("结束该账户在所有设备上的登录", "end an account's sessions"),
    "policy.what.finding_history": ("查看评查发现的修改记录", "read a finding's history"),
    "policy.what.score_calibration_file": ("对试评案卷{case_number}评分", "score calibration file {case_number}"),
    "auth.no_unit": ("单位名录中没有名为“{name}”的单位", "no unit named {name!r}"),
    "auth.setup_done": ("初始设置已经完成（已有账户），请联系评查组长", "set-up is done already: accounts exist; ask the panel lead"),
    "auth.first_is_lead": ("第一个账户必须是评查组长", "the first account must be a panel lead"),
    "auth.username_required": ("请填写用户名", "a user name is required"),
    "auth.unknown_role": ("角色“{role}”无法识别（可选：评查组长、评查人员、观察员、被评查单位联络员）",
                          "unknown role {role!r}; use lead, reviewer, observer or liaison"),
    "auth.username_taken": ("用户名“{username}”已被使用", "user name {username!r} is taken"),
    "auth.reviewer_needs_unit": ("评查人员需要填写所在单位（用于回避：不评查本单位的案卷）",
                                 "a reviewer needs a home unit (for recusal: nobody reviews their own unit)"),
    "auth.liaison_needs_unit": ("被评查单位联络员需要填写所代表的单位", "a unit liaison needs the unit they speak for"),
    "auth.enter_credentials": ("请输入用户名和密码", "enter a user name and a password"),
    "auth.sso_no_email": ("统一身份认证没有提供电子邮箱地址，请联系评查组长为您创建账户",
                          "the sign-in provider gave no e-mail address; ask the panel lead to create your account"),
    "auth.sso_no_account": ("没有使用邮箱{address}的账户，请联系评查组长为您创建账户",
                            "no account for {address}: ask the panel lead to create your account"),
    "auth.sso_deactivated": ("邮箱{address}对应的账户已停用，请联系评查组长", "the account for {address} is deactivated: ask the panel lead"),
    "auth.no_user": ("找不到编号为{id}的用户", "no user with id {id}"),
    "auth.deactivate_self": ("不能停用自己的账户", "you cannot deactivate your own account"),
    "auth.active_already": ("账户{username}已经是启用状态", "{username} is active already"),
    "auth.deactivated_already": ("账户{username}已经停用", "{username} is deactivated already"),
    "auth.own_lead_role": ("不能取消自己的评查组长角色", "you cannot take away your own lead role"),
    "auth.unit_clash": ("{name}已被分配{unit}的案卷（{files}），请先取消这些分配再调入该单位（回避）",
                        "{name} is assigned files of {unit} ({files}); remove those assignments before moving them "
                        "there (回避)"),
    "auth.display_name_required": ("请填写姓名", "a display name is required"),
    "auth.email_taken": ("电子邮箱{address}已被其他账户使用", "e-mail {address} belongs to another account"),
    "auth.current_password_wrong": ("当前密码不正确", "the current password is wrong"),
    # assignments (who reviews which file)
    "assign.not_active_reviewer": ("{username}不是在岗的评查人员", "{username} is not an active reviewer"),
    "assign.own_unit": ("{name}属于{unit}，不能评查该单位的案卷{case_number}（回避：不评查本单位的案卷）",
                        "{name} belongs to {unit} and may not review its file {case_number} (回避: nobody reviews "
                        "their own unit)"),
    "assign.assigned_already": ("{name}已被分配案卷{case_number}", "{name} is already assigned file {case_number}"),
    "assign.not_found": ("找不到评查分配#{id}", "no assignment {id}"),
    "assign.scored_already": ("{name}已对案卷{case_number}评分，不能取消该分配；如需重评，请退回该评分或进行复核",
                              "{name} has already scored file {case_number}; reopen or re-check instead of removing "
                              "the assignment"),
    "assign.no_sample": ("该评查活动还没有抽取案卷：请先抽样", "draw the sample first: the campaign has no sampled files"),
    "assign.no_reviewers": ("没有可分配的在岗评查人员", "there are no active reviewers to assign"),
    "assign.too_few_eligible": ("案卷{case_number}（{unit}）还需要{need}名其他单位的评查人员，但符合条件的只有{n}人",
                                "file {case_number} ({unit}) needs {need} more reviewer(s) from other units but only "
                                "{n} are eligible"),
    "assign.auto_impossible": ("无法自动分配", "automatic assignment is not possible"),
    "assign.no_reviewer_or_file": ("找不到评查人员#{reviewer}或案卷#{case_file}", "no reviewer {reviewer} or case file {case_file}"),
    "assign.csv.bad_file": ("分配表有误", "bad assignment file"),
    "assign.csv.columns": ("分配表需要“案号”和“评查人员”两列；现有列：{found}", "needs columns 案号 and 评查人员; found: {found}"),
    "assign.csv.not_sampled": ("不是本评查活动抽取的案卷", "not a sampled file of this campaign"),
    "assign.csv.no_user": ("没有该用户（请填写用户名或姓名）", "no such user"),
    "assign.csv.already": ("{name}已被分配该案卷", "{name} is already assigned this file"),
    "assign.csv.too_many": ("该案卷将有{n}名评查人员，本评查活动要求每卷{per_file}名",
                            "file would have {n} reviewers; the campaign asks for {per_file}"),
    "assign.csv.cannot_apply": ("{file}无法执行", "{file} cannot be applied"),
    "file.undecodable": ("无法识别文本编码（应为 UTF-8 或 GBK；出错的字节：{bytes}）",
                         "cannot decode the text as UTF-8 or GBK (bytes {bytes})"),
    "file.bad_csv": ("CSV 格式有误（{why}）", "malformed CSV: {why}"),
    "file.empty": ("文件为空", "the file is empty"),
    # campaigns
    "campaign.veto_band": ("评分标准{standard}的否决项{veto}将等次限定为“{band}”，但本评查活动为该标准设置的等次中没有“{band}”（现有：{bands}）",
                           "standard {standard}: veto {veto} caps the grade at {band!r}, which is not one of the "
                           "campaign's grade bands for it ({bands})"),
    "campaign.no_standard_for_file": ("评查活动“{name}”没有适用于{case_type}{procedure}案卷的评分标准（案卷{case_number}）",
                                      "campaign {name!r} has no standard for {case_type}{procedure} files (file "
                                      "{case_number})"),
    "campaign.unused_band_overrides": ("为本评查活动未使用的评分标准设置了等次划分：{standards}",
                                       "band overrides for standards the campaign does not use: {standards}"),
    "campaign.standard_case_type": ("评分标准{standard}适用于{types}，不适用于{case_type}",
                                    "standard {standard} is for {types}, not {case_type}"),
    "campaign.standard_procedure": ("评分标准{standard}适用于{procedures}程序，不适用于{procedure}程序",
                                    "standard {standard} is for {procedures}程序, not {procedure}程序"),
    "campaign.no_id": ("找不到编号为{id}的评查活动", "no campaign with id {id}"),
    "case_file.no_id": ("找不到编号为{id}的案卷", "no case file with id {id}"),
    # re-check
    "recheck.reason": ("复核需要说明理由", "a re-check needs a reason"),
    "recheck.marks_or_adopt": ("请填写最终评分，或选择采用其中一份评分（二者选其一）",
                               "give either the final marks or the review to adopt"),
    "recheck.not_review_of_file": ("评分#{id}不是案卷{case_number}的评分", "review {id} is not a review of file {case_number}"),
    "recheck.adopt_submitted": ("只能采用已提交的评分作为最终结果", "only a submitted review can be adopted as final"),
    "recheck.changed": ("该复核已被他人修改，请刷新后重新决定", "this re-check was changed meanwhile; reload it and decide again"),
    "recheck.changed_same_moment": ("该复核刚刚被他人同时修改，请刷新后重新决定",
                                    "this re-check was changed at the same moment; reload it and decide again"),
    # reviews (the scoring form)
    "review.not_found": ("找不到评分#{id}", "no review {id}"),
    "review.not_assigned": ("案卷{case_number}没有分配给{user}", "file {case_number} is not assigned to {user}"),
    "review.own_unit": ("案卷{case_number}属于{user}所在的单位，不能评查（回避：不评查本单位的案卷）",
                        "file {case_number} belongs to {user}'s own unit (回避: nobody reviews their own unit)"),
    "review.locked": ("该评分已提交并锁定；如需修改，请评查组长退回", "this review is submitted and locked; the panel lead can reopen it"),
    "review.changed_elsewhere": ("该评分已在别处被修改（当前为第{version}版，您编辑的是第{edited}版）；您填写的内容仍保留：请与当前评分核对后再保存",
                                 "this review was changed elsewhere (version {version}, you edited version {edited}); "
                                 "your input is kept: compare with the current marks and save again"),
    "review.changed_same_moment": ("该评分刚刚在别处被同时修改，请刷新后再保存",
                                   "this review was changed elsewhere at the same moment; reload and save again"),
    "review.gone": ("该评分已不存在，请刷新案卷", "this review no longer exists; reload the file"),
    "review.started_elsewhere": ("该案卷已在别处（另一个标签页或窗口）开始评分；您填写的内容仍保留：请与当前评分核对后再保存",
                                 "this file was started elsewhere (another tab or window); your input is kept: compare "
                                 "with the current marks and save again"),
    "review.deduction_needs_location": ("评查项目{item}的扣分“{reason}”需要注明问题在案卷中的位置（页码，或音像文件及时间）",
                                        "deduction {reason} on item {item} needs where in the file the defect is (page, "
                                        "or media file and time)"),
    "review.veto_needs_location": ("否决项{veto}需要注明问题在案卷中的位置（页码，或音像文件及时间）",
                                   "veto {veto} needs where in the file the defect is"),
    "review.cannot_submit": ("暂不能提交：评分表尚未填写完整", "cannot submit yet"),
    "review.answer_first": ("请先回答“{label}”（{key}）：评分标准中有评查项目取决于该项",
                            "answer {key} ({label}) first: items of the standard depend on it"),
    "review.confirm_warnings": ("提交前请确认以下提示（扣分处数按所填保留）",
                                "confirm the warnings before submitting (the counts are kept as entered)"),
    "review.reopen_reason": ("退回已提交的评分需要说明理由", "reopening a submitted review needs a reason"),
    "review.reopen_submitted_only": ("只有已提交的评分才能退回", "only a submitted review can be reopened"),
    # sampling
    "sample.where": ("评查活动“{campaign}”已有抽样（记录#{record}）", "campaign {campaign!r} already has a sample (record #{record})"),
    "sample.enlarge_seed": ("{where}，其随机种子为{seed}：扩大抽样须使用相同的随机种子，已有抽样不会重新抽取",
                            "{where} drawn with seed {seed}: enlarging needs the same seed, a sample is never re-drawn"),
    "sample.enlarge_forced": ("{where}：扩大抽样须使用相同的必抽规则，且顺序不变",
                              "{where}: enlarging needs the same forced rules, in the same order"),
    "sample.enlarge_forced_files": ("{where}：扩大抽样须使用相同的必抽案卷", "{where}: enlarging needs the same forced files"),
    "sample.enlarge_strata": ("{where}：扩大抽样不能改变是否按案件类型分层", "{where}: enlarging cannot change stratification"),
    "sample.enlarge_drop_units": ("{where}：扩大抽样不能去掉单位（{units}）", "{where}: enlarging cannot drop units ({units})"),
    "sample.enlarge_restrict": ("{where}，覆盖全部单位：扩大抽样不能只限于部分单位",
                                "{where} covering all units: enlarging cannot restrict units"),
    "sample.enlarge_unverified": ("{where}，但该抽样记录未通过核验（{problem}），不能扩大抽样",
                                  "{where} that does not verify ({problem}), so it cannot be enlarged"),
    "sample.enlarge_nothing_more": ("{where}，共{n}本：按新规则不会多抽案卷", "{where} of {n} files: the new rules draw no more files"),
    "sample.enlarge_fewer": ("{where}：按新的配额，单位“{unit}”只抽{after}本，少于原来的{before}本；抽样只能扩大，不能减少",
                             "{where}: the new quota gives unit {unit!r} {after} files, fewer than its {before}; a sample "
                             "is never reduced"),
    "sample.record_not_found": ("找不到抽样记录#{id}", "no sample record with id {id}"),
    "sample.unknown_units": ("抽样规则中的单位不在单位名录中：{units}", "unknown unit in sampling rules: {units}"),
    "sample.forced_not_candidates": ("以下必抽案卷不在本评查活动的评查范围或所选单位内：{files}{more}",
                                     "files forced into the sample are not in the campaign's window or units: {files}{more}"),
    "sample.bad_seed": ("随机种子应为0至{max}之间的整数，现为“{seed}”", "seed must be a whole number from 0 to {max}, got {seed!r}"),
    "sample.no_candidates": ("评查活动“{name}”的评查范围（{start}至{end}）内没有作出决定的案卷",
                             "campaign {name!r} has no case files decided between {start} and {end}"),
    "sample.draws_nothing": ("按这些规则抽不到任何案卷（配额为0，且没有可抽的必抽案卷）",
                             "these rules draw no files (quota 0 and no forced file available)"),
    "sample.bad_rules": ("抽样规则有误：{where}：{why}{more}", "bad sampling rules: {where}: {why}{more}"),
    "sample.rules_more": ("（另有{n}个问题）", " (and {n} more)"),
    "sample.quota_min_max": ("配额下限{min}大于上限{max}", "quota min {min} is larger than max {max}"),
    "sample.unknown_flag": ("未知的案卷标记“{flag}”（可用：{known}）", "unknown flag {flag!r} (known: {known})"),
    "sample.flag_twice": ("同一标记设置了多条必抽规则：{flags}", "flag forced more than once: {flags}"),
    "sample.units_empty": ("指定单位时至少要列出一个单位", "units, when given, must name at least one unit"),
    "sample.unit_twice": ("同一单位列出了两次", "a unit is listed twice"),
    "sample.file_twice": ("同一案卷被多次列为必抽：{files}", "file forced in more than once: {files}"),
    # the scoring engine: marks that do not fit the standard (shown beside the item on the scoring form)
    "engine.marks_misfit": ("评分与评分标准{standard}不符", "marks do not fit standard {standard}"),
    "engine.no_other": ("评查项目{item}（{title}）不允许“其他问题”扣分", "item {item} ({title}) allows no `other` deduction (其他问题)"),
    "engine.other_occurrences": ("“其他问题”扣分按分值扣，处数应为1", "an `other` deduction is given as points; occurrences must be 1"),
    "engine.other_points": ("评查项目{item}的“其他问题”扣分应大于0分且不超过{max}分",
                            "an `other` deduction on item {item} needs points above 0 and at most {max}"),
    "engine.other_comment": ("评查项目{item}的“其他问题”扣分需要说明具体问题",
                             "an `other` deduction on item {item} needs a comment saying what the problem is"),
    "engine.unknown_reason": ("“{reason}”不是评查项目{item}所列的{kind}情形；可选：{listed}{extra}",
                              "{reason!r} is not a listed {kind} reason of item {item}; listed: {listed}{extra}"),
    "engine.kind.deduction": ("扣分", "deduction"),
    "engine.kind.award": ("加分", "award"),
    "engine.other_listed": ("，{other}（其他问题，最多{max}分）", ", {other} (其他问题, up to {max})"),
    "engine.once_fixed": ("扣分情形{reason}（{text}）为固定扣分，处数应为1", "reason {reason} ({text}) is a fixed deduction; occurrences must be 1"),
    "engine.once_range": ("扣分情形{reason}（{text}）为区间扣分且只计一次，处数应为1",
                          "reason {reason} ({text}) is a range deduction counted once; occurrences must be 1"),
    "engine.no_points": ("扣分情形{reason}（{text}）按评分标准规定的分值扣分，不需要填写分值",
                         "reason {reason} ({text}) costs what the standard says; do not give points"),
    "engine.points_needed": ("扣分情形{reason}（{text}）需要在{span}分之间选择扣分分值",
                             "reason {reason} ({text}) needs the points chosen within {span}"),
    "engine.points_outside": ("{points}分超出扣分情形{reason}的分值区间{span}", "{points} points is outside reason {reason}'s range {span}"),
    "engine.range_comment": ("扣分情形{reason}（{text}）由评查人员酌定分值，需要说明理由",
                             "reason {reason} ({text}) lets the reviewer choose the points: a comment saying why is required"),
    "engine.bonus_na": ("加分项{item}不能标记为不适用；不加分时请留空", "bonus item {item} cannot be marked not applicable; leave it empty"),
    "engine.no_na": ("评查项目{item}（{title}）不能标记为不适用", "item {item} ({title}) may not be marked not applicable"),
    "engine.not_applicable": ("评查项目{item}不适用于该案卷（仅适用于：{only}），不能扣分",
                              "item {item} does not apply to this file (only: {only}), so it cannot be deducted"),
    "engine.reason_twice": ("扣分情形“{reason}”在评查项目{item}中列了{n}次；请用处数计数",
                            "reason {reason!r} is listed {n} times on item {item}; count it with occurrences"),
    "engine.no_item": ("评分标准{standard}中没有评查项目“{item}”", "no item {item!r} in standard {standard}"),
    "engine.no_veto": ("评分标准{standard}中没有否决项“{veto}”", "no veto {veto!r} in standard {standard}"),
    "engine.veto_not_applicable": ("否决项{veto}不适用于该案卷", "veto {veto} does not apply to this file"),
    "engine.nothing_to_score": ("无可评分的项目", "nothing to score"),
    "engine.all_na": ("该评分标准没有适用于该案卷的评查项目：所有项目均为不适用",
                      "no item of this standard applies to this file; every item is not applicable"),
    "engine.bad_bands": ("等次划分有误", "bad grade bands"),
    "engine.veto_band_missing": ("否决项{veto}将等次限定为“{band}”，但所用的等次划分（{bands}）中没有该等次",
                                 "veto {veto} caps at band {band!r}, which the grade bands in use ({bands}) do not have"),
    "engine.suspicious": ("评查项目{item}扣分情形{reason}：填写了{n}处，但{enough}处已扣完该项全部分值（{max}分），该项最低扣至0分——请核对处数",
                          "item {item} reason {reason}: {n} occurrences, but {enough} already take the whole item ({max} "
                          "points); the item stops at 0 — please confirm the count"),
    # counts the notice states, said in the CLI's language too
    "objection.counts": ("共收到异议{received}条，采纳{accepted}条，部分采纳{partly}条",
                         "{received} {received|objection|objections} received, {accepted} accepted, {partly} partly "
                         "accepted"),
    "calibration.record": ("正式评查前，组织{reviewers}名评查人员对{files}本案卷进行了试评，统一评查尺度{agreement}。",
                           "Before live scoring, {reviewers} {reviewers|reviewer|reviewers} scored {files} calibration "
                           "{files|file|files} to align their judgement{agreement}."),
    "calibration.record_alpha": ("，评分一致性系数（Krippendorff α）为{alpha}", "; agreement (Krippendorff's alpha) {alpha}"),
    # reading a register or unit file (the file as a whole)
    "table.cannot_read": ("{source}：无法读取文件", "{source}: cannot read the file"),
    "table.cannot_read_faithfully": ("{source}：无法如实读取该工作簿", "{source}: cannot read the workbook faithfully"),
    "table.read_error": ("无法读取文件（{why}）", "cannot read the file: {why}"),
    "table.empty": ("文件为空", "the file is empty"),
    "table.xls": ("不支持旧版 Excel .xls 工作簿：请另存为 .xlsx 或 .csv",
                  "old Excel .xls workbooks are not supported: save it as .xlsx or .csv"),
    "table.bad_xlsx": ("不是有效的 .xlsx 工作簿（是否把 .xls 或 .csv 文件改了扩展名？）",
                       "not a valid .xlsx workbook (is it a renamed .xls or .csv file?)"),
    "table.xlsx_as_csv": ("这是 Excel 工作簿，不是 CSV 文本：请把扩展名改为 .xlsx",
                          "this is an Excel workbook, not CSV text: give it the .xlsx extension"),
    "table.bad_type": ("不支持的文件类型“{ext}”：请使用 .xlsx 或 .csv", "unsupported file type {ext!r}: use .xlsx or .csv"),
    "table.empty_head": ("文件为空（前几行没有内容）", "the file is empty (no values in the first rows)"),
    "table.no_header": ("前{n}行中找不到表头：需要“{need}”等列；文件中的内容：{seen}",
                        "no header row found in the first {n} rows: need columns {need}; saw {seen}"),
    "table.seen_row": ("第{row}行：{cells}", "row {row}: {cells}"),
    "table.missing_columns": ("缺少必需的列：{wanted}；表头现有：{have}",
                              "missing required {n|column|columns}: {wanted}; the header has: {have}"),
    "table.wanted_column": ("{label}（或{others}）", "{label} (or {others})"),
    "table.mixed_encodings": ("{why}：请将整个文件另存为 UTF-8 编码的 CSV", "{why}: save the whole file as UTF-8 CSV"),
    "table.undecodable": ("无法识别文本编码（应为 UTF-8 或 GBK/GB18030；{why}）：请另存为 UTF-8 编码的 CSV",
                          "cannot decode the text as UTF-8 or GBK/GB18030 ({why}): save it as UTF-8 CSV"),
    "table.quote_unclosed": ("CSV 格式有误：第{start}行开始的引号没有正确闭合（在第{found}行发现：{why}），其后各行会被并入该单元格",
                             "malformed CSV: a quote opened at line {start} is never closed properly (found by line "
                             "{found}: {why}); rows after it would be swallowed"),
    "table.quote_unbalanced": ("CSV 格式有误：第{opened}行开始的引号延续到第{end}行，吞并了{lines}行（该行有{cells}个单元格，应为{width}个）",
                               "malformed CSV: unbalanced quote: a quote opened at line {opened} spans to line {end} "
                               "and swallows {lines} line(s) ({cells} cells instead of {width})"),
    "table.damaged_after": ("工作簿在第{row}行之后已损坏（{why}）", "the workbook is damaged after row {row}: {why}"),
    "table.unreadable_xlsx": ("不是可读取的 .xlsx 工作簿（{why}）", "not a readable .xlsx workbook: {why}"),
    "table.no_sheets": ("工作簿中没有工作表", "the workbook has no worksheets"),
    "table.cell_too_long": ("该单元格有{n}个字符，最多接受{max}个", "the cell holds {n} characters; at most {max} are accepted"),
    "table.control_char": ("第{position}个字符是控制字符 U+{char}（请在源文件中删除该字符；它无法如实显示或保存）",
                           "control character U+{char} at position {position} (remove it in the source file; it cannot "
                           "be shown or stored faithfully)"),
    "xlsx.inflated": ("工作簿解压后的 XML 共{mb} MB；最多读取{cap} MB（设置项 {setting}）",
                      "the workbook inflates to {mb} MB of XML; at most {cap} MB is read (setting {setting})"),
    "xlsx.zip_bomb": ("工作簿的组成部分{part}解压后膨胀{ratio}倍（{mb} MB）：这是压缩炸弹，不是登记表",
                      "the workbook part {part} inflates {ratio} times ({mb} MB): a zip bomb, not a register"),
    "xlsx.shared_strings": ("工作簿的文本表解压后为{mb} MB；最多读取{cap} MB（设置项 {setting}）",
                            "the workbook's text table inflates to {mb} MB; at most {cap} MB is read (setting {setting})"),
    "xlsx.damaged_sheet": ("工作簿已损坏（工作表“{sheet}”：{why}）", "the workbook is damaged (sheet {sheet}): {why}"),
    "xlsx.no_tag": ("工作表“{sheet}”：超过{mb} MB 的内容中没有任何 XML 标记", "sheet {sheet}: more than {mb} MB without any XML tag"),
    "xlsx.too_many_rows": ("工作表“{sheet}”：第{row}行超出了{max}行的上限", "sheet {sheet}: row {row} is beyond the limit of {max} rows"),
    "xlsx.too_many_columns": ("工作表“{sheet}”：单元格{cell}超出了{max}列的上限",
                              "sheet {sheet}: cell {cell} is beyond the limit of {max} columns"),
    "xlsx.formula_without_value": ("工作表“{sheet}”单元格{cell}：公式保存时没有计算结果（请用 Excel 或 WPS 打开后重新保存，或粘贴为数值）",
                                   "sheet {sheet}, cell {cell}: a formula saved without its value (open the file in "
                                   "Excel or WPS and save it again, or paste the values)"),
    "xlsx.merged_too_far": ("工作表“{sheet}”：合并单元格延伸到第{row}行，超出上限", "sheet {sheet}: a merged range reaches row {row}, beyond the limit"),
    "xlsx.merged_too_many": ("工作表“{sheet}”：合并单元格覆盖超过{max}个单元格", "sheet {sheet}: merged ranges cover more than {max} cells"),
    # register import (the file or the database)
    "register.db_refused": ("{name}：未导入：数据库拒绝了一行（{why}）；可能有其他导入同时添加了相同的案号，请重新导入",
                            "{name}: nothing imported: the database refused a row ({why}); another import may have "
                            "added the same case numbers meanwhile, run it again"),
    "register.db_error": ("{name}：未导入：数据库出错（{why}）", "{name}: nothing imported: database error: {why}"),
    "register.no_rows": ("表头（第{row}行）以下没有案卷", "no case files below the header (row {row})"),
    "register.imported_already": ("该文件已经导入过（第{batch}批，{when} UTC）", "this exact file was already imported (batch {batch}, {when} UTC)"),
    # units (单位名录)
    "units.bad_kind": ("单位类型无法识别（应为 区级部门 或 乡镇）", "unknown unit kind (expected 区级部门/department or 乡镇/town)"),
    "units.add_bad_kind": ("单位“{name}”：单位类型“{kind}”无法识别（应为 区级部门 或 乡镇）",
                           "unit {name}: unknown unit kind (expected 区级部门/department or 乡镇/town) (value: {kind!r})"),
    "units.cannot_add": ("不能添加单位“{name}”：{why}", "cannot add unit {name!r}: {why}"),
    "units.name_empty": ("单位名称为空", "the unit name is empty"),
    "units.name_long": ("单位名称超过{max}个字符", "the unit name is longer than {max} characters"),
    "units.name_exists": ("已有名为“{name}”的单位", "a unit named {name} already exists"),
    "units.name_is_code": ("该名称是单位“{name}”的编码", "the name is the code of the unit {name}"),
    "units.code_long": ("单位编码超过{max}个字符", "the unit code is longer than {max} characters"),
    "units.code_taken": ("该编码已属于单位“{name}”", "the code already belongs to the unit {name}"),
    "units.code_is_name": ("该编码是单位“{name}”的名称", "the code is the name of the unit {name}"),
    "units.duplicate_name": ("单位名称重复：与第{row}行相同", "duplicate unit name: already in row {row}"),
    "units.duplicate_code": ("单位编码重复：与第{row}行相同", "duplicate unit code: already in row {row}"),
    "units.exists_differently": ("单位“{name}”已存在，其类型为{kind}，编码为{code}",
                                 "the unit {name} already exists with kind {kind} and code {code}"),
    "units.added_meanwhile": ("{name}：有单位刚刚被同时添加，本次未导入（{why}）",
                              "{name}: a unit was added meanwhile, nothing imported: {why}"),
    "units.db_error": ("{name}：数据库出错，本次未导入（{why}）", "{name}: database error, nothing imported: {why}"),
    "units.no_rows": ("表头（第{row}行）以下没有单位", "no units below the header (row {row})"),
    # findings and rectification requirements
    "findings.campaign_not_found": ("找不到编号为{id}的评查活动", "no campaign {id}"),
    "findings.version_changed": ("评查发现#{id}已被修改（他人编辑或重新生成草稿）：您编辑的是第{edited}版，现为第{version}版；请刷新后重新修改",
                                 "finding {id} was changed meanwhile (by a person or by regenerating the draft): you "
                                 "edited version {edited}, it is now version {version}; reload it and apply your change again"),
    "findings.empty": ("评查发现的{what}不能为空（如不需要该条，请选择“不采用”）",
                       "a finding's {what} cannot be empty (exclude the finding instead)"),
    "findings.too_long": ("评查发现的{what}最多{max}个字，现有{n}个字", "a finding's {what} is limited to {max} characters (got {n})"),
    "findings.what.title": ("标题", "title"),
    "findings.what.body": ("正文", "body"),
    "findings.unknown_section": ("未知的部分“{section}”（可选：{known}）", "unknown section {section!r}; use one of {known}"),
    "findings.no_unit": ("找不到编号为{id}的单位", "no unit {id}"),
    "findings.unknown_focus": ("未知的评查重点“{focus}”", "unknown focus area {focus!r}"),
    "findings.drafted_keep": ("评查发现#{id}由当前评查结果生成，重新生成时会再次出现：请选择“不采用”，不要删除",
                              "finding {id} is drafted from the current results and would come back on regeneration: "
                              "exclude it instead"),
    "findings.no_results": ("评查活动“{name}”还没有最终评查结果，无法生成评查发现",
                            "campaign {name!r} has no final results yet: nothing to draft findings from"),
    "findings.not_in_campaign": ("评查活动“{name}”中没有评查发现{ids}", "no finding {ids} in campaign {name!r}"),
    "findings.no_current_draft": ("评查发现{ids}已没有可采用的新草稿（生成它的评查结果已不存在）",
                                  "finding {ids} has no current draft to take (what it was drafted from is gone)"),
    "rectify.bad_deadline": ("整改期限“{value}”不是有效的日期（例如 2025-03-31）", "deadline {value!r} is not a date like 2025-03-31"),
    "rectify.needs": ("整改要求需要填写{what}", "a rectification needs {what}"),
    "rectify.too_long": ("{what}最多{max}个字，现有{n}个字", "the {what} is limited to {max} characters (got {n})"),
    "rectify.what.requirement": ("整改要求", "a requirement"),
    "rectify.what.owner": ("责任人或责任科室", "an owner (responsible person or office)"),
    "rectify.unknown_status": ("未知的整改状态“{status}”（可选：{known}）", "unknown status {status!r}; use one of {known}"),
    "rectify.not_found": ("找不到整改要求#{id}", "no rectification requirement {id}"),
    "rectify.changed": ("整改要求#{id}已被他人修改（您编辑的是第{edited}版，现为第{version}版），请刷新后再修改",
                        "rectification requirement {id} was changed meanwhile (version {edited} edited, now {version}); "
                        "reload it"),
    # documents and exports
    "documents.no_sample": ("评查活动“{name}”还没有抽样", "campaign {name!r} has no sample yet"),
    "documents.unknown_export": ("未知的导出类型“{what}”（可选：{known}）", "unknown export {what!r}; known: {known}"),
    # results (aggregate)
    "results.no_campaign": ("找不到编号为{id}的评查活动", "no campaign {id}"),
    "results.unknown_unit_kind": ("单位类型“{kind}”无法识别（可选：{known}）", "unknown unit kind {kind!r}; known: {known}"),
    "results.unknown_case_type": ("案件类型“{case_type}”无法识别（可选：{known}）", "unknown case type {case_type!r}; known: {known}"),
    "results.no_final_result": ("案卷#{id}在评查活动“{name}”中没有最终结果", "file {id} has no final result in campaign {name!r}"),
    # the register list (views)
    "views.page_size": ("每页条数应在1至{max}之间", "page size must be between 1 and {max}"),
    "views.offset": ("起始位置不能为负数", "offset must not be negative"),
    "views.unknown_flag": ("案卷标记“{flag}”无法识别（可选：{known}）", "unknown flag {flag!r}; known: {known}"),
    # the lead's desk
    "plan.changed": ("预览之后评查分配已有变化，本次未执行任何分配；请重新预览分配方案",
                     "the assignments changed since this plan was previewed; nothing was applied. Preview the plan again."),
    "plan.same_moment": ("有人同时修改了这些评查分配，本次未执行任何分配；请重新预览分配方案",
                         "another change to these assignments was made at the same moment; nothing was applied. "
                         "Preview the plan again."),
    "recheck.marks_invalid": ("评分内容无效", "the marks are not valid"),
    # declared file attributes (rubrics/vocabulary.yaml)
    "attr.unknown": ("属性“{key}”未声明（除内置属性外，已声明：{known}）",
                     "unknown attribute {key!r}; declared (besides the built-in ones): {known}"),
    "attr.no_case_file": ("找不到编号为{id}的案卷", "no case file {id}"),
    "attr.not_set_by_lead": ("属性“{label}”（{key}）不由评查组长设置（由{set_by}填写）",
                             "attribute {key} ({label}) is not set by the lead (set by: {set_by})"),
    "attr.not_answered_by_reviewer": ("属性“{label}”（{key}）不由评查人员回答", "attribute {key} ({label}) is not answered by the reviewer"),
    "attr.file_value": ("案卷{case_number}：{why}", "file {case_number}: {why}"),
    "attr.yes_no": ("{key}是“是/否”属性：请填写 是 或 否", "{key} is yes/no: give true or false"),
    "attr.one_of": ("{key}应为以下之一：{choices}", "{key} must be one of {choices}"),
    "attr.number": ("{key}应为数字", "{key} must be a number"),
    "attr.finite": ("{key}应为有限的数字", "{key} must be a finite number"),
    "attr.date": ("{key}应为日期（例如 2025-03-31）", "{key} must be a date (YYYY-MM-DD)"),
    # the scoring form's input (before it becomes marks)
    "form.incomplete": ("评分表尚未填写完整", "the scoring form is not complete"),
    "form.bad_media_time": ("{what}：时间点“{time}”格式不对，应为 12:34 或 1:02:03",
                            "{what}: media time {time!r} is not a time like 12:34 or 1:02:03"),
    "form.media_needs_file": ("{what}：填写了时间点，还需填写对应的音视频文件",
                              "{what}: a media timestamp needs the media file it belongs to"),
    "form.invalid": ("{what}：{field}{why}", "{what}: {field}{why}"),
    "form.unknown_choice": ("评查项目{item}：选项“{choice}”无法识别", "item {item}: unknown choice {choice!r}"),
    "form.no_reason": ("评查项目{item}已选“扣分”，但没有选择扣分情形：请选择扣分情形，或改选“符合”",
                       "item {item} is marked as a deduction but no listed reason is chosen; choose the reason(s), or "
                       "mark the item OK"),
    "form.occurrences": ("{what}：处数应为1至{max}之间的整数", "{what}: occurrences must be a whole number from 1 to {max}"),
    "form.what_reason": ("评查项目{item}的扣分情形{reason}", "item {item}, reason {reason}"),
    "form.what_veto": ("否决项{veto}", "veto {veto}"),
    # settings and limits (environment variables)
    "limit.not_mb": ("设置项 {env}={raw!r} 不是以 MB 计的数字", "{env}={raw!r} is not a number of MB"),
    "limit.not_positive": ("设置项 {env}={raw!r} 必须大于0", "{env}={raw!r} must be greater than 0"),
    "limit.too_large_title": ("{source}：文件过大", "{source}: file too large"),
    "limit.too_large": ("文件大小为{mb} MB；{what}最大为{cap} MB（设置项 {env}）",
                        "the file is {mb} MB; a {what} may be at most {cap} MB (setting {env})"),
    "limit.what.register": ("案卷登记表", "register"),
    "limit.what.unit_list": ("单位名录", "unit list"),
    "limit.what.assignment_csv": ("评查分配表", "assignment CSV"),
    "limit.what.rubric_file": ("评分标准文件", "rubric file"),
    "limit.what.marks_file": ("评分文件", "marks file"),
    "limit.what.workbook_inflated": ("工作簿（解压后）", "workbook (inflated)"),
    "limit.what.workbook_shared_strings": ("工作簿文本表", "workbook shared strings"),
    "settings.not_number": ("设置项 {name}={raw!r} 不是数字", "{name}={raw!r} is not a number"),
    "settings.not_positive": ("设置项 {name}={raw!r} 必须大于0", "{name}={raw!r} must be greater than 0"),
    "settings.bad_timezone": ("设置项 {name}={value!r} 不是可识别的时区（例如 Asia/Shanghai）",
                              "{name}={value!r} is not a known time zone (e.g. Asia/Shanghai)"),
    "prefs.unknown_language": ("语言“{language}”无法识别（可选：{known}）", "unknown language {language!r}; use one of {known}"),
    "ranking.unknown_tie_break": ("并列名次的排序规则“{rule}”无法识别（可选：{known}）",
                                  "unknown tie-break {rule!r}; choose one of {known}"),
    "auth.password_required": ("请设置密码", "a password is required"),
    "audit.head_missing": ("审计链的链头记录缺失：请在“评查进度”页进行审计链校验",
                           "the audit chain's head row is missing: run `casereview audit verify`"),
    "notes.no_file": ("找不到编号为{id}的案卷", "no file {id}"),
    "standards.no_version": ("找不到已保存的评分标准版本 {hash}", "no stored standard version {hash}"),
    "standards.hash_mismatch": ("已保存的评分标准{standard}与其哈希值 {hash} 不符（内容被改动）",
                                "stored standard {standard} does not match its hash {hash}"),
    # databases: opening, backing up, restoring
    "db.bad_url": ("数据库地址有误：{url!r}（{why}）", "bad database URL {url!r}: {why}"),
    "db.unsupported_url": ("不支持的数据库地址 {url!r}（请使用 sqlite:/// 或 postgresql://）：{why}",
                           "unsupported database URL {url!r} (use sqlite:/// or postgresql://): {why}"),
    "db.cannot_open": ("无法打开数据库 {url}：{why}", "cannot open database {url}: {why}"),
    "db.protections_gone": ("审计日志的保护措施已被移除（{problems}）：数据库在本系统之外被改动，系统拒绝运行。请从备份恢复，或请数据库管理员调查后再核验审计链。",
                            "the audit log's protections are gone ({problems}): the database was changed outside the "
                            "application; refusing to run. Restore a backup (`casereview restore`) or have the database "
                            "owner investigate, then run `casereview audit verify`."),
    "backup.in_memory": ("内存数据库无法备份", "an in-memory database cannot be backed up"),
    "backup.no_tool": ("本机没有安装 {name}：请安装 PostgreSQL 客户端工具（Debian：postgresql-client），或在数据库服务器上执行：备份用 `pg_dump --format=custom --file=FILE URL`，恢复到空数据库用 `pg_restore --no-owner --dbname=URL FILE`",
                       "{name} is not installed here: install the PostgreSQL client tools (Debian: postgresql-client) "
                       "or run it on the database server: `pg_dump --format=custom --file=FILE URL` to back up, "
                       "`pg_restore --no-owner --dbname=URL FILE` into an empty database to restore"),
    "backup.exists": ("{path}已存在：请换一个文件名（备份不会覆盖已有文件）", "{path} exists already: choose a new file name (a backup never overwrites)"),
    "backup.no_database": ("{path}处没有数据库", "no database at {path}"),
    "backup.integrity": ("备份副本未通过完整性检查（{check}），未写入任何内容", "the backup copy failed its integrity check ({check}); nothing written"),
    "backup.pg_dump": ("pg_dump 执行失败：{why}", "pg_dump failed: {why}"),
    "backup.unsupported": ("无法备份 {backend} 数据库", "cannot back up a {backend} database"),
    "backup.no_file": ("找不到备份文件 {path}", "no backup file {path}"),
    "restore.target_exists": ("{path}中已有数据库：请恢复到一个新的空文件", "{path} already holds a database: restore into a new, empty file"),
    "restore.not_sqlite": ("{path}不是 SQLite 备份", "{path} is not a SQLite backup"),
    "restore.target_has_tables": ("目标数据库中已有数据表：请恢复到空数据库", "the target database already has tables: restore into an empty database"),
    "restore.pg_restore": ("pg_restore 执行失败：{why}", "pg_restore failed: {why}"),
    "restore.unsupported": ("无法恢复到 {backend} 数据库", "cannot restore into a {backend} database"),
    "restore.verify_failed": ("已恢复，但{summary}", "restored, but {summary}"),
    # the command line
    "cli.no_case_file": ("登记表中没有案号为“{number}”的案卷", "no case file {number!r}"),
    "cli.no_unit": ("找不到单位“{ref}”", "no unit {ref!r}"),
    "cli.no_user": ("找不到用户“{username}”", "no user {username!r}"),
    "cli.who_acts": ("请用 --as 用户名 指明由谁操作（评查组长不止一名或没有）",
                     "say who acts with --as USERNAME (there is not exactly one panel lead)"),
    "cli.no_pdf_matched": ("没有 PDF 与登记表中的案卷对应：未保存任何文件", "no PDF matched a case file: nothing stored"),
    "cli.no_sample": ("评查活动“{name}”还没有抽样：请先执行 `casereview sample draw`",
                      "campaign {name!r} has no sample yet: run `casereview sample draw`"),
    "cli.rubric_folder": ("这是一个文件夹：请指定评分标准文件或内置评分标准的编号",
                          "this is a folder; give a standard file or a shipped standard id"),
    "cli.cannot_read_standard": ("无法读取评分标准", "cannot read the standard"),
    "cli.bad_marks_file": ("{path}不是有效的评分文件", "{path} is not a valid marks file"),
    "cli.wrong_standard": ("评分标准{standard}适用于{types}案卷，不适用于{case_type}", "standard {standard} is for {types} files, not {case_type}"),
    "cli.wrong_standard_title": ("该案卷不适用此评分标准", "wrong standard for this file"),
    "cli.module_not_standard": ("这是模块，不是评分标准", "this is a module, not a standard"),
    "cli.not_a_standard": ("不是评分标准", "not a standard"),
    # the demo
    "demo.campaign_clash": ("已有名为“{name}”的评查活动，但不是示例活动（{year}，{start}..{end}）",
                            "a campaign named {name!r} exists but is not the demo's ({year}, {start}..{end})"),
    "demo.no_data": ("找不到示例数据：缺少{missing}（示例需要完整的代码仓库；可用 `casereview demo generate` 重新生成）",
                     "demo data not found: missing {missing} (the demo needs a checkout of the repository; regenerate "
                     "it with `casereview demo generate`)"),
    "demo.partly_present": ("数据库中已有{path}的{n}本示例案卷中的{present}本：请将示例载入新的数据库（例如 --db sqlite:///demo.db）",
                            "the database already holds {present} of the {n} demo case files of {path}: load the demo "
                            "into a fresh database (e.g. --db sqlite:///demo.db)"),
    "demo.units_not_loaded": ("{file}：示例单位未载入", "{file}: demo units not loaded"),
    "demo.register_not_loaded": ("{file}：示例登记表未载入", "{file}: demo register not loaded"),
    "demo.no_lead": ("数据库中已有账户，但没有在岗的评查组长：示例评查活动需要由评查组长操作",
                     "the database has accounts but no active panel lead: the demo campaigns need a lead to act as"),
    "demo.person_clash": ("用户“{username}”已存在，但不是在岗的{role}：请将示例载入新的数据库",
                          "user {username!r} exists but is not an active {role}; load the demo into a fresh database"),
    # standards (rubric files, Excel templates, vocabulary files)
    "rubric.unknown_key": ("未知的键“{key}”", "unknown key {key!r}"),
    "rubric.missing_key": ("缺少必填的键“{key}”", "required key {key!r} is missing"),
    "rubric.not_mapping": ("评分标准文件应为 YAML 映射（键: 值）", "a rubric file must be a YAML mapping (key: value)"),
    "rubric.not_rubric": ("{file}不是评分标准文件", "{file} is not a rubric"),
    "rubric.bad_kind": ("“kind”应为 standard、module 或 vocabulary，不能是“{kind}”",
                        "`kind` must be 'standard', 'module' or 'vocabulary', not {kind!r}"),
    "rubric.not_valid": ("{file}不是有效的{kind}", "{file} is not a valid {kind}"),
    "rubric.unknown_module": ("模块“{module}”不存在（已找到的模块：{known}）", "unknown module {module!r} (modules found: {known})"),
    "rubric.none_found": ("无", "none found"),
    "rubric.duplicate_id": ("{what}编号“{id}”重复（另见{where}）", "duplicate {what} id {id!r} (also at {where})"),
    "rubric.what.section": ("部分", "section"),
    "rubric.what.item": ("评查项目", "item"),
    "rubric.what.veto": ("否决项", "veto"),
    "rubric.what.bonus_item": ("加分项", "bonus item"),
    "rubric.item_focus": ("评查项目需要填写“focus”（评查重点或一般类别）", "item needs `focus` (a focus area or general category)"),
    "rubric.item_nothing": ("评查项目没有列出扣分情形，也不允许“其他问题”扣分：该项永远无法扣分",
                            "item lists no deduction reason and allows no `allow_other` deduction: nothing could ever "
                            "be deducted"),
    "rubric.veto_focus": ("否决项需要填写“focus”", "veto needs `focus`"),
    "rubric.veto_band": ("否决项限定的等次“{band}”不在等次划分中（{bands}）", "veto effect band {band!r} is not one of the grade bands {bands}"),
    "rubric.veto_top_band": ("限定为最高等次“{band}”没有作用", "capping at the top band {band!r} has no effect"),
    "rubric.default_veto_band": ("否决项默认效果中的等次“{band}”不在等次划分中", "veto_effect band {band!r} is not one of the grade bands"),
    "rubric.total_mismatch": ("各部分满分相加为{sum}（{parts}），与总分{total}不符", "section maxima add up to {sum} ({parts}), not the total {total}"),
    "rubric.no_sections": ("评分标准没有任何部分（本文件或引用的模块中都没有）", "the standard has no sections (own or included)"),
    "rubric.does_not_compose": ("{file}无法组成有效的评分标准", "{file} does not compose into a valid standard"),
    "rubric.no_files": ("没有找到 .yaml 评分标准文件", "no .yaml rubric files found"),
    "rubric.no_rubrics": ("没有评分标准", "no rubrics"),
    "rubric.id_used": ("编号“{id}”已被{other}使用", "id {id!r} is also used by {other}"),
    "rubric.check_failed": ("评分标准检查未通过", "rubric check failed"),
    "rubric.unknown_standard": ("没有编号为“{id}”的评分标准（现有：{known}）", "no standard with id {id!r} (known: {known})"),
    "rubric.unknown_standard_title": ("评分标准不存在", "unknown standard"),
    "rubric.module_not_standard": ("该文件是模块，不是评分标准（kind: standard）", "this file is a module, not a standard (kind: standard)"),
    "rubric.not_standard": ("不是评分标准", "not a standard"),
    "rubric.upload_suffix": ("请上传 .yaml 或 .xlsx 格式的评分标准，不能是{suffix}",
                             "upload a .yaml or .xlsx standard, not {suffix}"),
    "rubric.no_suffix": ("没有扩展名的文件", "a file without suffix"),
    "rubric.not_standard_file": ("不是评分标准文件", "not a standard file"),
    "file.cannot_read": ("无法读取{file}", "cannot read {file}"),
    "file.is_folder": ("这是一个文件夹，不是文件", "this is a folder, not a file"),
    "file.not_found": ("找不到该文件", "file not found"),
    "file.permission": ("没有读取权限", "permission denied"),
    "file.os_error": ("无法读取（{why}）", "cannot be read ({why})"),
    "file.binary": ("这是二进制数据，不是文本文件（请将评分标准保存为 UTF-8 文本）",
                    "binary data, not a text file (save the standard as UTF-8 text)"),
    "file.not_utf8": ("不是 UTF-8 文本（第{byte}个字节：{why}）；请另存为 UTF-8 编码",
                      "not UTF-8 text ({why} at byte {byte}); save it as UTF-8"),
    "yaml.not_usable": ("{file}不是可用的评分标准", "{file} is not a usable rubric"),
    "yaml.key_not_plain": ("映射的键必须是普通值", "a mapping key must be a plain value"),
    "yaml.duplicate_key": ("键“{key}”重复（首次出现在第{line}行）", "duplicate key {key!r} (first at line {line})"),
    "yaml.duplicate_keys": ("{file}中有重复的键", "{file} has duplicate keys"),
    "yaml.unexpected_event": ("无法识别的 YAML 内容（{event}）", "unexpected YAML event {event}"),
    "yaml.not_valid": ("{file}不是有效的 YAML", "{file} is not valid YAML"),
    "yaml.many_documents": ("文件中有多个 YAML 文档", "more than one YAML document in the file"),
    "yaml.syntax": ("YAML 语法错误：{why}", "YAML syntax error: {why}"),
    "yaml.error": ("YAML 错误：{why}", "YAML error: {why}"),
    "yaml.too_deep": ("嵌套层数太多，无法读取", "nested too deeply to read"),
    "yaml.deeper_than": ("嵌套超过{max}层", "nested more than {max} levels deep"),
    "json.not_valid": ("不是有效的 JSON：{why}", "not valid JSON: {why}"),
    "vocab.attribute_twice": ("属性“{key}”已经声明过", "attribute {key!r} is already declared"),
    "vocab.focus_twice": ("评查重点“{key}”已经声明过", "focus area {key!r} is already declared"),
    "vocab.not_valid": ("{file}不是有效的术语表", "{file} is not a valid vocabulary"),
    "vocab.conflict": ("术语表文件相互冲突", "vocabulary files conflict"),
    "workbook.cannot_read": ("无法读取{file}", "cannot read {file}"),
    "workbook.not_xlsx": ("不是 Excel 工作簿（.xlsx）：{why}", "not an Excel workbook (.xlsx): {why}"),
    "workbook.no_sheet": ("工作簿中没有工作表“{sheet}”（现有工作表：{sheets}）", "the workbook has no sheet {sheet!r} (sheets: {sheets})"),
    "workbook.not_template": ("{file}不是评分标准模板", "{file} is not a standard template"),
    "workbook.not_valid": ("{file}不是有效的评分标准", "{file} is not a valid standard"),
    "workbook.missing_value": ("缺少必填的值“{key}”", "required value {key!r} is missing"),
    "workbook.unknown_setting": ("未知的设置项“{label}”（可用：{known}）", "unknown setting {label!r}; known: {known}"),
    "workbook.not_condition": ("不是有效的条件：{why}", "not a condition: {why}"),
    "workbook.condition_shape": ("条件的写法如 {example}", "a condition is written like {example}"),
    "workbook.kind": ("“{column}”应为以下之一：{known}", "{column} must be one of {known}"),
    "workbook.missing_column": ("缺少“{column}”列", "column {column!r} is missing"),
    "workbook.row_type": ("“{column}”应为以下之一：{known}", "{column} must be one of {known}"),
    "workbook.allow_na": ("“{column}”应为 {yes} 或 {no}", "{column} must be {yes} or {no}"),
    "workbook.effect": ("请填写 {zero}、{fail} 或 {cap}", "write {zero}, {fail} or {cap}"),
    "workbook.bands": ("等次的写法如 {example}", "write the bands as {example}"),
    "yaml.unsupported_tag": ("不支持的 YAML 标签“{tag}”", "unsupported YAML tag {tag!r}"),
    "yaml.alias_bomb": ("YAML 别名展开后将超过{max}个值（别名炸弹？）", "YAML aliases would expand to more than {max} values (an alias bomb?)"),
    "yaml.alias_self": ("YAML 别名引用了包含它自身的值", "a YAML alias refers to the value it is inside"),
    "yaml.alias_no_anchor": ("YAML 别名 *{anchor} 没有对应的锚点", "YAML alias *{anchor} has no anchor"),
    "yaml.merge_keys": ("不支持 YAML 合并键（<<）：请把各个键完整写出", "YAML merge keys (<<) are not supported; write the keys out"),
}


@dataclass(frozen=True)
class Msg:
    """A message by code with its parameters, rendered in either language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        return text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


@dataclass(frozen=True)
class Join:
    """A list parameter joined with its own separators per language (a plain list joins with "、" / ", ")."""

    items: tuple[Any, ...]
    zh: str = "、"
    en: str = ", "

    def render(self, lang: str = "en") -> str:
        return (self.zh if lang == "zh" else self.en).join(str(_value(v, lang)) for v in self.items)

    def __str__(self) -> str:
        return self.render("en")


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Msg | Join):
        return value.render(lang)
    if isinstance(value, list | tuple):
        sep = "、" if lang == "zh" else ", "
        return sep.join(str(_value(v, lang)) for v in value)
    return value


def plurals(template: str, values: Mapping[str, Any]) -> str:
    """Resolve the `{n|one|many}` markers of a template by the numbers in `values` (before formatting)."""
    def pick(m: re.Match[str]) -> str:
        n = values.get(m.group(1))
        try:
            one = float(str(n).replace(",", "")) == 1
        except ValueError:
            one = False
        return m.group(2) if one else m.group(3)

    return _PLURAL.sub(pick, template)


def text(code: str, lang: str = "en", /, **params: Any) -> str:
    """The message `code` in `lang` with its parameters filled in. Unknown codes raise KeyError."""
    zh, en = MESSAGES[code]
    template = zh if lang == "zh" else en
    values = {k: _value(v, lang) for k, v in params.items()}
    return plurals(template, values).format(**values)


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (plural markers included)."""
    names = {m.group(1) for m in _PLURAL.finditer(template)}
    rest = _PLURAL.sub("", template)
    names |= {m.group(1) for m in re.finditer(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}", rest)}
    return names


def localize(thing: Any, lang: str) -> str:
    """Anything the core hands a person (an error, a problem, a Msg, a plain string) in `lang`.
    Errors and problems without a code fall back to their English message."""
    render = getattr(thing, "localized", None)
    if callable(render):
        return str(render(lang))
    if isinstance(thing, Msg):
        return thing.render(lang)
    return str(thing)


def cli_language(explicit: str | None = None) -> str:
    """The CLI's language: `--lang`, else `CASEREVIEW_LANG`, else Chinese when the locale is Chinese
    (LC_ALL / LC_MESSAGES / LANG, or the system locale), else English."""
    for value in (explicit, os.environ.get(ENV_LANG)):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        current = locale.getlocale()[0] or ""
    except ValueError:
        current = ""
    return "zh" if current.lower().startswith("zh") else "en"
