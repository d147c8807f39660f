"""The register import preview shows the column mapping and the first rows as parsed, not only counts."""

from __future__ import annotations

from tests import test_ui_pages
from tests.test_ui_helpers import register_csv, signed_in_app

db, ids = test_ui_pages.db, test_ui_pages.ids  # the lead's pages' fixtures


def test_preview_shows_where_each_value_came_from(db, ids):
    at = signed_in_app(ids["lead"], "register")
    at.file_uploader[0].set_value(("good.csv", register_csv(*test_ui_pages.GOOD_ROWS), "text/csv")).run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    mapping = next(f for f in frames if "文件中的列" in f.columns)
    pairs = dict(zip(mapping["字段"], mapping["文件中的列"], strict=True))
    assert pairs["案号"] == "案号" and pairs["决定日期"] == "决定日期" and pairs["罚款金额"] == "罚款金额"
    first = next(f for f in frames if "案号 ← 案号" in f.columns)
    assert list(first["行"]) == [2, 3, 4]
    assert list(first["案号 ← 案号"]) == ["东水罚〔2024〕1号", "东水检〔2024〕2号", "东城桥罚〔2024〕3号"]
    assert list(first["决定日期 ← 决定日期"]) == ["2024-03-05", "2024-04-01", "2024-05-06"]  # 2024年5月6日 parsed
    assert list(first["罚款金额 ← 罚款金额"])[2] == "200.00"  # "200元" parsed
    assert not any("casereview" in str(e.value) for e in at.error)  # never a CLI command for a web user
