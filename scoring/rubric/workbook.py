"""Standards as an Excel workbook: the template a lead writes or changes a standard in, without YAML.

Sheet 标准信息 holds the standard's own settings (one per row: 项目 | 值); sheet 评查标准 has one row per
reason: the section and item it belongs to (repeated on each of its rows), how the reason costs points
(固定 / 每处 / 区间（一次）/ 区间（每处）, 分值, 区间下限/上限, 封顶), conditions (`applies_when` written as in
YAML, e.g. `{hearing_held: true}`), guidance and recommendations. Vetoes (否决) and bonus items (加分) are
rows of the same sheet, told apart by 类型. Importing checks the workbook with the rubric schema and names
the sheet, row and column of every problem; exporting then importing gives back the same standard file
(`tests/test_rubric_workbook.py` round-trips every shipped standard).
"""

from __future__ import annotations

import dataclasses
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from openpyxl.styles import Alignment, Font, PatternFill
from pydantic import ValidationError

from scoring import limits
from scoring.errors import InvalidValue, Problem, ProblemReport, problems_from_validation
from scoring.messages import Msg
from scoring.rubric.schema import Deduction, StandardFile
from scoring.rubric.vocabulary import Vocabulary, shipped_vocabulary
from scoring.rubric.yaml_input import parse_yaml

INFO_SHEET, ROWS_SHEET = "标准信息", "评查标准"
HAS_FINDING = "finding" in Deduction.model_fields  # issue 10's optional phrase per reason

INFO_FIELDS: list[tuple[str, str]] = [
    ("id", "标准编号"), ("title", "标准名称"), ("version_label", "版本"), ("description", "说明"),
    ("case_types", "适用案件类型"), ("procedures", "适用程序"), ("total", "总分"), ("pass_line", "合格线"),
    ("grade_bands", "等次"), ("veto_effect", "否决项默认效果"), ("include", "引用模块"),
    ("allow_other", "其他问题最多扣分（全部项目）"),
]
COLUMNS: list[tuple[str, str]] = [
    ("row_type", "类型"), ("section_id", "部分编号"), ("section_title", "部分名称"), ("section_max", "部分分值"),
    ("section_when", "部分适用条件"), ("item_id", "项目编号"), ("item_title", "项目名称"), ("focus", "关注领域"),
    ("item_max", "项目分值"), ("allow_na", "可标记不适用"), ("allow_other", "其他问题最多扣分"),
    ("item_when", "项目适用条件"), ("reason_id", "事由编号"), ("reason", "事由"), ("kind", "扣分方式"),
    ("points", "分值"), ("range_min", "区间下限"), ("range_max", "区间上限"), ("cap", "封顶"),
    ("effect", "否决效果"), ("guidance", "评查指引"), ("recommendation", "整改建议"),
    *([("finding", "问题概括")] if HAS_FINDING else []),
]
HEADER = {label: key for key, label in COLUMNS}
LABEL = dict(COLUMNS)
ROW_TYPES = {"扣分": "deduct", "否决": "veto", "加分": "bonus"}
TYPE_LABEL = {v: k for k, v in ROW_TYPES.items()}
KINDS = {"固定": "fixed", "每处": "per_occurrence", "区间（一次）": "range_once", "区间（每处）": "range_occurrence"}
KIND_LABEL = {v: k for k, v in KINDS.items()}
YES, NO = "是", "否"


# ------------------------------------------------------------------------------------------- export

def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _flow(value: Any) -> str | None:
    """A condition (or other mapping) as one line of YAML flow text."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _effect_text(effect: dict[str, Any] | None) -> str | None:
    if not effect:
        return None
    return {"zero": "总分为0", "fail": "评为最低等次"}.get(effect["kind"]) or f"最高评为{effect.get('band')}"


def _reason_cells(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"reason_id": d["id"], "reason": d["reason"], "cap": _num(_dec(d.get("cap")))}
    if d.get("points") is not None:
        out.update(kind=KIND_LABEL["fixed"], points=_num(_dec(d["points"])))
    elif d.get("per_occurrence") is not None:
        out.update(kind=KIND_LABEL["per_occurrence"], points=_num(_dec(d["per_occurrence"])))
    else:
        r = d["range"]
        out.update(kind=KIND_LABEL[f"range_{r.get('per', 'once')}"], range_min=_num(_dec(r["min"])),
                   range_max=_num(_dec(r["max"])))
    if HAS_FINDING:
        out["finding"] = d.get("finding")
    return out


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def standard_rows(model: StandardFile) -> tuple[list[tuple[str, Any]], list[dict[str, Any]]]:
    """The two sheets' contents for a standard file."""
    data = model.model_dump(mode="json", exclude_none=True)
    info: list[tuple[str, Any]] = [
        ("id", data["id"]), ("title", data["title"]), ("version_label", data.get("version_label")),
        ("description", data.get("description")), ("case_types", "、".join(data["applies_to"]["case_types"])),
        ("procedures", "、".join(data["applies_to"].get("procedures") or []) or None),
        ("total", _num(_dec(data["total"]))), ("pass_line", _num(_dec(data["pass_line"]))),
        ("grade_bands", "；".join(f"{b['name']}≥{_num(_dec(b['min']))}" for b in data["grade_bands"])),
        ("veto_effect", _effect_text(data["veto_effect"])), ("include", "、".join(data.get("include", [])) or None),
        ("allow_other", _num(_dec(data["allow_other"]["max"])) if data.get("allow_other") else None),
    ]
    rows: list[dict[str, Any]] = []
    for sec in data.get("sections", []):
        base = {"row_type": TYPE_LABEL["deduct"], "section_id": sec["id"], "section_title": sec["title"],
                "section_max": _num(_dec(sec["max"])), "section_when": _flow(sec.get("applies_when"))}
        for item in sec["items"]:
            cells = {**base, "item_id": item["id"], "item_title": item["title"], "focus": item.get("focus"),
                     "item_max": _num(_dec(item["max"])), "allow_na": YES if item.get("allow_na") else NO,
                     "allow_other": _num(_dec(item["allow_other"]["max"])) if item.get("allow_other") else None,
                     "item_when": _flow(item.get("applies_when")), "guidance": item.get("guidance"),
                     "recommendation": item.get("recommendation")}
            for d in item["deductions"] or [None]:
                rows.append({**cells, **(_reason_cells(d) if d else {})})
    for v in data.get("vetoes", []):
        rows.append({"row_type": TYPE_LABEL["veto"], "item_id": v["id"], "item_title": v["title"],
                     "focus": v.get("focus"), "item_when": _flow(v.get("applies_when")),
                     "effect": _effect_text(v.get("effect")), "guidance": v.get("guidance"),
                     "recommendation": v.get("recommendation")})
    for b in data.get("bonus", []):
        cells = {"row_type": TYPE_LABEL["bonus"], "item_id": b["id"], "item_title": b["title"],
                 "focus": b.get("focus"), "item_max": _num(_dec(b["max"])), "guidance": b.get("guidance")}
        for d in b["awards"]:
            rows.append({**cells, **_reason_cells(d)})
    return info, rows


def export_workbook(model: StandardFile) -> bytes:
    """The standard file as the Excel template (.xlsx bytes)."""
    info, rows = standard_rows(model)
    wb = openpyxl.Workbook()
    ws_info = wb.active
    ws_info.title = INFO_SHEET
    ws_info.append(["项目", "值"])
    labels = dict(INFO_FIELDS)
    for key, value in info:
        ws_info.append([labels[key], value])
    ws_info.column_dimensions["A"].width, ws_info.column_dimensions["B"].width = 26, 80
    ws = wb.create_sheet(ROWS_SHEET)
    ws.append([label for _, label in COLUMNS])
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _ in COLUMNS])
    head = PatternFill("solid", fgColor="DDEBF7")
    for sheet in (ws_info, ws):
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), head
        sheet.freeze_panes = "A2"
    for i, (key, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = 30 if key in (
            "reason", "item_title", "guidance", "recommendation", "item_when") else 12
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: Any) -> Any:
    """Text that Excel would read as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# ------------------------------------------------------------------------------------------- import

class _Reader:
    def __init__(self, fname: str) -> None:
        self.fname = fname
        self.problems: list[Problem] = []

    def bad(self, message: Msg | Problem, sheet: str, row: int | None = None, column: str | None = None) -> None:
        """A problem at sheet, row and column: a message, or a (coded) problem whose place is set here."""
        file = f"{self.fname} [{sheet}]"
        if isinstance(message, Problem):
            self.problems.append(dataclasses.replace(message, path=None, line=None, file=file, row=row, column=column))
        else:
            self.problems.append(Problem(code=message.code, params=message.params, file=file, row=row, column=column))


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = str(v).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text or None


def _split(v: Any) -> list[str]:
    text = _text(v) or ""
    return [p.strip() for p in text.replace(",", "、").replace("，", "、").replace("/", "、").split("、") if p.strip()]


def _effect(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    if text in ("总分为0", "zero"):
        return {"kind": "zero"}
    if text in ("评为最低等次", "评为不合格", "fail"):
        return {"kind": "fail"}
    if text.startswith("最高评为"):
        return {"kind": "cap", "band": text.removeprefix("最高评为")}
    raise InvalidValue("workbook.effect", zero="总分为0", fail="评为最低等次", cap="最高评为<等次>")


def _bands(text: str | None) -> list[dict[str, Any]]:
    out = []
    for part in (text or "").replace(";", "；").split("；"):
        if not part.strip():
            continue
        name, sep, low = part.partition("≥")
        if not sep:
            raise InvalidValue("workbook.bands", example="优秀≥90；良好≥80；合格≥60；不合格≥0")
        out.append({"name": name.strip(), "min": low.strip()})
    return out


def _condition(text: str | None, r: _Reader, row: int, column: str) -> Any:
    if not text:
        return None
    try:
        value, _ = parse_yaml(text, f"{r.fname} row {row}")
    except ProblemReport as exc:
        first = exc.problems[0]
        why = Msg(first.code, first.params) if first.code else first.message
        r.bad(Msg("workbook.not_condition", {"why": why}), ROWS_SHEET, row, column)
        return None
    if not isinstance(value, dict):
        r.bad(Msg("workbook.condition_shape", {"example": "{hearing_held: true}"}), ROWS_SHEET, row, column)
        return None
    return value


def _reason(cells: dict[str, Any], r: _Reader, row: int) -> dict[str, Any] | None:
    rid, reason = _text(cells.get("reason_id")), _text(cells.get("reason"))
    kind_text = _text(cells.get("kind"))
    if rid is None and reason is None and kind_text is None:
        return None
    kind = KINDS.get(kind_text or "")
    d: dict[str, Any] = {"id": rid, "reason": reason}
    if kind is None:
        r.bad(Msg("workbook.kind", {"column": LABEL["kind"], "known": list(KINDS)}), ROWS_SHEET, row, LABEL["kind"])
        return d
    if kind == "fixed":
        d["points"] = _text(cells.get("points"))
    elif kind == "per_occurrence":
        d["per_occurrence"] = _text(cells.get("points"))
    else:
        d["range"] = {"min": _text(cells.get("range_min")), "max": _text(cells.get("range_max")),
                      "per": "once" if kind == "range_once" else "occurrence"}
    if _text(cells.get("cap")) is not None:
        d["cap"] = _text(cells.get("cap"))
    if HAS_FINDING and _text(cells.get("finding")) is not None:
        d["finding"] = _text(cells.get("finding"))
    return d


def read_workbook(source: Path | bytes, filename: str | None = None,
                  vocabulary: Vocabulary | None = None) -> StandardFile:
    """The standard file an Excel template holds. Raises ProblemReport naming sheet, row and column."""
    fname = filename or (str(source) if isinstance(source, Path) else "workbook.xlsx")
    if isinstance(source, Path):
        if source.is_dir():
            raise ProblemReport([Problem(code="file.is_folder", file=fname)], title_code="workbook.cannot_read",
                                title_params={"file": fname})
        try:
            limits.check_size(source.stat().st_size, limits.RUBRIC_FILE, fname)
            raw = source.read_bytes()
        except FileNotFoundError:
            raise ProblemReport([Problem(code="file.not_found", file=fname)], title_code="workbook.cannot_read",
                                title_params={"file": fname}) from None
    else:
        limits.check_size(len(source), limits.RUBRIC_FILE, fname)
        raw = source
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise ProblemReport([Problem(code="workbook.not_xlsx", params={"why": type(exc).__name__}, file=fname)],
                            title_code="workbook.cannot_read", title_params={"file": fname}) from None
    r = _Reader(fname)
    try:
        for sheet in (INFO_SHEET, ROWS_SHEET):
            if sheet not in wb.sheetnames:
                r.bad(Msg("workbook.no_sheet", {"sheet": sheet, "sheets": list(wb.sheetnames)}), sheet)
        if r.problems:
            raise ProblemReport(r.problems, title_code="workbook.not_template", title_params={"file": fname})
        data = _read_info(wb[INFO_SHEET], r)
        origin = _read_rows(wb[ROWS_SHEET], r, data)
    finally:
        wb.close()
    if r.problems:
        raise ProblemReport(r.problems, title_code="workbook.not_valid", title_params={"file": fname})
    try:
        return StandardFile.model_validate(data, context={"vocabulary": vocabulary or shipped_vocabulary()})
    except ValidationError as exc:
        for err in exc.errors()[:200]:
            loc = tuple(err["loc"])
            row, column = _locate(loc, origin)
            msg: Msg | Problem = problems_from_validation([err])[0]
            if err["type"] == "missing":
                msg = Msg("workbook.missing_value", {"key": loc[-1]})
            sheet = INFO_SHEET if row is None else ROWS_SHEET
            r.bad(msg, sheet, row, column)
        raise ProblemReport(r.problems, title_code="workbook.not_valid", title_params={"file": fname}) from None


def _read_info(ws: Any, r: _Reader) -> dict[str, Any]:
    by_label = {label: key for key, label in INFO_FIELDS}
    values: dict[str, Any] = {}
    for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not row or row[0] is None:
            continue
        key = by_label.get(str(row[0]).strip())
        if key is None:
            r.bad(Msg("workbook.unknown_setting", {"label": row[0], "known": list(by_label)}), INFO_SHEET, i, "项目")
            continue
        values[key] = row[1] if len(row) > 1 else None
    data: dict[str, Any] = {"kind": "standard", "id": _text(values.get("id")), "title": _text(values.get("title")),
                            "applies_to": {"case_types": _split(values.get("case_types"))}}
    for key in ("version_label", "description"):
        if _text(values.get(key)) is not None:
            data[key] = _text(values.get(key))
    if _split(values.get("procedures")):
        data["applies_to"]["procedures"] = _split(values.get("procedures"))
    for key in ("total", "pass_line"):
        if _text(values.get(key)) is not None:
            data[key] = _text(values.get(key))
    try:
        data["grade_bands"] = _bands(_text(values.get("grade_bands")))
    except InvalidValue as exc:
        r.bad(Msg(exc.code, exc.params), INFO_SHEET, None, "等次")
    try:
        effect = _effect(_text(values.get("veto_effect")))
        if effect:
            data["veto_effect"] = effect
    except InvalidValue as exc:
        r.bad(Msg(exc.code, exc.params), INFO_SHEET, None, "否决项默认效果")
    if _split(values.get("include")):
        data["include"] = _split(values.get("include"))
    if _text(values.get("allow_other")) is not None:
        data["allow_other"] = {"max": _text(values.get("allow_other"))}
    return data


def _read_rows(ws: Any, r: _Reader, data: dict[str, Any]) -> dict[tuple[Any, ...], int]:
    """Fill sections, vetoes and bonus from the rows; returns where each part came from (path -> row)."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = HEADER.get(str(h).strip()) if h is not None else None
        if key is not None:
            cols[key] = i
    for key in ("row_type", "item_id", "item_title"):
        if key not in cols:
            r.bad(Msg("workbook.missing_column", {"column": LABEL[key]}), ROWS_SHEET, 1, LABEL[key])
    if r.problems:
        return {}
    sections: list[dict[str, Any]] = []
    vetoes: list[dict[str, Any]] = []
    bonus: list[dict[str, Any]] = []
    origin: dict[tuple[Any, ...], int] = {}
    for n, values in enumerate(rows, start=2):
        cells = {k: (values[i] if i < len(values) else None) for k, i in cols.items()}
        if all(v is None or _text(v) is None for v in cells.values()):
            continue
        kind = ROW_TYPES.get(_text(cells.get("row_type")) or "")
        if kind is None:
            r.bad(Msg("workbook.row_type", {"column": LABEL["row_type"], "known": list(ROW_TYPES)}), ROWS_SHEET, n,
                  LABEL["row_type"])
            continue
        if kind == "veto":
            v: dict[str, Any] = {"id": _text(cells.get("item_id")), "title": _text(cells.get("item_title"))}
            for key in ("focus", "guidance", "recommendation"):
                if _text(cells.get(key)) is not None:
                    v[key] = _text(cells.get(key))
            cond = _condition(_text(cells.get("item_when")), r, n, LABEL["item_when"])
            if cond is not None:
                v["applies_when"] = cond
            try:
                effect = _effect(_text(cells.get("effect")))
            except InvalidValue as exc:
                r.bad(Msg(exc.code, exc.params), ROWS_SHEET, n, LABEL["effect"])
                effect = None
            if effect:
                v["effect"] = effect
            origin[("vetoes", len(vetoes))] = n
            vetoes.append(v)
            continue
        reason = _reason(cells, r, n)
        if kind == "bonus":
            bid = _text(cells.get("item_id"))
            if not bonus or bonus[-1]["id"] != bid:
                b: dict[str, Any] = {"id": bid, "title": _text(cells.get("item_title")),
                                     "max": _text(cells.get("item_max")), "awards": []}
                for key in ("focus", "guidance"):
                    if _text(cells.get(key)) is not None:
                        b[key] = _text(cells.get(key))
                origin[("bonus", len(bonus))] = n
                bonus.append(b)
            if reason is not None:
                origin[("bonus", len(bonus) - 1, "awards", len(bonus[-1]["awards"]))] = n
                bonus[-1]["awards"].append(reason)
            continue
        sid = _text(cells.get("section_id"))
        if not sections or sections[-1]["id"] != sid:
            sec: dict[str, Any] = {"id": sid, "title": _text(cells.get("section_title")),
                                   "max": _text(cells.get("section_max")), "items": []}
            cond = _condition(_text(cells.get("section_when")), r, n, LABEL["section_when"])
            if cond is not None:
                sec["applies_when"] = cond
            origin[("sections", len(sections))] = n
            sections.append(sec)
        sec = sections[-1]
        si = len(sections) - 1
        iid = _text(cells.get("item_id"))
        if not sec["items"] or sec["items"][-1]["id"] != iid:
            item: dict[str, Any] = {"id": iid, "title": _text(cells.get("item_title")),
                                    "max": _text(cells.get("item_max")), "deductions": []}
            if _text(cells.get("focus")) is not None:
                item["focus"] = _text(cells.get("focus"))
            na = _text(cells.get("allow_na"))
            if na not in (None, YES, NO):
                r.bad(Msg("workbook.allow_na", {"column": LABEL["allow_na"], "yes": "是", "no": "否"}), ROWS_SHEET, n,
                      LABEL["allow_na"])
            item["allow_na"] = na == YES
            if _text(cells.get("allow_other")) is not None:
                item["allow_other"] = {"max": _text(cells.get("allow_other"))}
            cond = _condition(_text(cells.get("item_when")), r, n, LABEL["item_when"])
            if cond is not None:
                item["applies_when"] = cond
            for key in ("guidance", "recommendation"):
                if _text(cells.get(key)) is not None:
                    item[key] = _text(cells.get(key))
            origin[("sections", si, "items", len(sec["items"]))] = n
            sec["items"].append(item)
        item = sec["items"][-1]
        if reason is not None:
            origin[("sections", si, "items", len(sec["items"]) - 1, "deductions", len(item["deductions"]))] = n
            item["deductions"].append(reason)
    data["sections"] = sections
    if vetoes:
        data["vetoes"] = vetoes
    if bonus:
        data["bonus"] = bonus
    return origin


FIELD_COLUMN = {"id": None, "title": None, "max": None, "reason": "reason", "points": "points",
                "per_occurrence": "points", "range": "range_min", "cap": "cap", "focus": "focus",
                "applies_when": "item_when", "allow_other": "allow_other", "effect": "effect",
                "guidance": "guidance", "recommendation": "recommendation", "allow_na": "allow_na"}


def _locate(loc: tuple[Any, ...], origin: dict[tuple[Any, ...], int]) -> tuple[int | None, str | None]:
    """The sheet row and column a schema error at `loc` came from."""
    for n in range(len(loc), 0, -1):
        row = origin.get(loc[:n])
        if row is None:
            continue
        field = next((p for p in loc[n:] if isinstance(p, str)), None)
        if field in ("id", "title", "max"):
            part = {"sections": "section", "deductions": "reason", "awards": "reason"}.get(str(loc[n - 2]), "item")
            column = "reason" if (part, field) == ("reason", "title") else f"{part}_{field}"
            return row, LABEL.get(column)
        key = FIELD_COLUMN.get(field or "")
        return row, LABEL.get(key) if key else None
    return None, str(loc[0]) if loc else None


def to_yaml(model: StandardFile) -> str:
    """The standard file as YAML (numbers as numbers, defaults left out)."""
    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return _num(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    data = plain(model.model_dump(exclude_defaults=True, exclude_none=True, by_alias=True))
    data = {"kind": "standard", **{k: v for k, v in data.items() if k != "kind"}}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
