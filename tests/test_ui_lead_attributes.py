"""The Register page: the lead sets a file's declared attributes (saved through the core, audited);
the reviewer's scoring form then no longer asks them."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring import audit
from scoring.db.models import CaseFile
from scoring.db.session import open_db, session_factory, transaction
from scoring.file_attributes import attributes_of
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import page_path, seed, signed_in_app, texts


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    engine = open_db(url)
    ids = seed(engine)
    with transaction(engine) as s:
        f = Factory(s)
        unit = f.unit("区城管执法局")
        cf = f.case_file(unit, case_number="城管罚〔2024〕7号")
        ids["file"] = cf.id
    yield dict(engine=engine, **ids)
    engine.dispose()


def _open(world, who: str = "lead"):
    at = signed_in_app(world[who], "register")
    assert not at.exception, at.exception
    return at


def test_the_lead_sets_a_files_attributes_on_the_register_page(world):
    at = _open(world)
    at.selectbox(key="reg_attr_file").set_value(world["file"]).run()
    fid = world["file"]
    onsite = at.segmented_control(key=f"reg_attr|{fid}|onsite_verification")
    assert onsite.label == "需现场核查" and onsite.value is None
    onsite.set_value("yes")
    at.selectbox(key=f"reg_attr|{fid}|discretion_tier").set_value("从轻")
    at.date_input(key=f"reg_attr|{fid}|filing_date").set_value(dt.date(2024, 3, 5))
    at.button(key=f"FormSubmitter:reg_attr_form_{fid}-保存").click().run()
    assert not at.exception, at.exception
    assert any("已保存案卷城管罚〔2024〕7号的情况（3项有变化）" in s for s in texts(at, "success"))
    with session_factory(world["engine"])() as s:
        cf = s.get(CaseFile, fid)
        fa = attributes_of(cf)
        assert fa.attrs["onsite_verification"] is True and fa.sources["onsite_verification"] == "lead"
        assert fa.attrs["discretion_tier"] == "从轻" and fa.attrs["filing_date"] == dt.date(2024, 3, 5)
        assert [e.action for e in audit.history(s, "case_file", fid)].count("set_file_attribute") == 3
    # Shown again with where the value came from.
    at.switch_page(page_path("overview")).run()
    at.switch_page(page_path("register")).run()
    at.selectbox(key="reg_attr_file").set_value(fid).run()
    assert at.segmented_control(key=f"reg_attr|{fid}|onsite_verification").value == "yes"
    assert any("来源：组长设定" in c for c in texts(at, "caption"))

