"""Stored draws on SQLite and PostgreSQL: record, audit, export, verify and enlarging."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scoring.db.models import AuditEntry, Campaign, CaseFile, SampleItem, SampleRecord, Unit
from scoring.db.session import session_factory
from scoring.errors import NotFound, ValidationFailed
from scoring.workflow.sampling import (
    ALGORITHM_VERSION,
    SampleRules,
    current_sample,
    draw_sample,
    export_record,
    export_record_csv,
    preview_sample,
    record_hash,
    register_fingerprint,
    verify_record,
)
from tests.factories import Factory, lead_id

TYPES = ("行政处罚", "行政许可", "行政检查")
RULES = SampleRules.parse({"quota": {"count": 3}, "forced": [{"flag": "major_decision", "min": 1}]})


def make_campaign(session, name: str = "2024年度案卷评查") -> Campaign:
    campaign = Campaign(name=name, year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 12, 31),
                        grade_bands=[], pass_line=Decimal("60"))
    session.add(campaign)
    session.flush()
    return campaign


def populate(engine, n_per_unit: int = 12) -> int:
    """Two units with files of three types, a few major decisions, some outside the window."""
    with session_factory(engine)() as session, session.begin():
        f = Factory(session)
        units = [f.unit("区市场监管局"), f.unit("某某镇人民政府", kind="town")]
        units[0].sort_order, units[1].sort_order = 2, 1  # the town comes first
        for u, unit in enumerate(units):
            for i in range(n_per_unit):
                f.case_file(
                    unit, case_number=f"测〔2024〕{u}-{i:02d}号", case_type=TYPES[i % 3],
                    procedure="一般" if i % 3 == 0 else None, major_decision=i % 5 == 0,
                    penalty_amount=Decimal("1234.5") if i % 3 == 0 else None,
                    decision_date=dt.date(2024, 1 + i % 12, 1 + i),
                )
            f.case_file(unit, case_number=f"旧〔2023〕{u}号", decision_date=dt.date(2023, 12, 31))
        return make_campaign(session).id


def add_file(engine, unit_name: str, case_number: str, date: dt.date) -> None:
    with session_factory(engine)() as session, session.begin():
        unit = session.scalars(sa.select(Unit).where(Unit.name == unit_name)).one()
        Factory(session).case_file(unit, case_number=case_number, decision_date=date)


def test_draw_is_stored_with_its_audit_entry(engine):
    cid = populate(engine)
    preview = preview_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    record = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    assert (record.seed, record.candidate_count, record.algorithm_version) == (42, 24, ALGORITHM_VERSION)
    assert record.rules == RULES.to_json() and record.is_current and record.parent_id is None
    assert (record.register_fingerprint, record.candidate_count) == register_fingerprint(engine, cid)
    assert [(i.case_file_id, i.draw_order, i.reason) for i in record.items] == [
        (p.ref, p.draw_order, p.reason) for p in preview]
    assert len(preview) == 6 and preview[0].unit == "某某镇人民政府"  # units by sort_order
    assert current_sample(engine, cid, actor_id=lead_id(engine)).id == record.id
    with session_factory(engine)() as session:
        audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "sample_draw")).one()
        assert (audit.entity, audit.entity_id) == ("sample_record", str(record.id))
        assert audit.new_value["record_hash"] == record.record_hash and audit.new_value["files"] == 6


def test_fingerprint_is_the_documented_canonical_text(engine):
    cid = populate(engine, n_per_unit=2)
    text = (
        "测〔2024〕0-00号\t区市场监管局\t行政处罚\t一般\t2024-01-01\t1\t0\t0\t0\t1234.50\n"
        "测〔2024〕0-01号\t区市场监管局\t行政许可\t\t2024-02-02\t0\t0\t0\t0\t\n"
        "测〔2024〕1-00号\t某某镇人民政府\t行政处罚\t一般\t2024-01-01\t1\t0\t0\t0\t1234.50\n"
        "测〔2024〕1-01号\t某某镇人民政府\t行政许可\t\t2024-02-02\t0\t0\t0\t0\t\n"
    )
    assert register_fingerprint(engine, cid) == (hashlib.sha256(text.encode("utf-8")).hexdigest(), 4)


def test_export_json_and_csv(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 7, actor_id=lead_id(engine))
    data = export_record(engine, record.id, actor_id=lead_id(engine))
    assert data["campaign"] == {"name": "2024年度案卷评查", "year": 2024, "window_start": "2024-01-01",
                                "window_end": "2024-12-31"}
    assert (data["seed"], data["rules"], data["candidate_count"]) == (7, RULES.to_json(), 24)
    assert data["register_fingerprint"] == record.register_fingerprint
    assert data["record_hash"] == record.record_hash == record_hash(data)
    assert data["parent_record_hash"] is None
    assert [i["draw_order"] for i in data["items"]] == list(range(1, 7))
    assert {i["reason"] for i in data["items"]} >= {"forced:major_decision"}
    raw = export_record_csv(engine, record.id, actor_id=lead_id(engine))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["抽取顺序", "案号", "执法单位", "案件类型", "抽取方式"]
    assert rows[1:] == [[str(i["draw_order"]), i["case_number"], i["unit"], i["case_type"], i["reason"]]
                        for i in data["items"]]


def test_verify_ok_for_stored_and_exported_records(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 2024, actor_id=lead_id(engine))
    result = verify_record(engine, record.id, actor_id=lead_id(engine))
    assert result.ok, result.problems
    assert result.drawn == 6 and result.candidate_count == 24
    assert verify_record(engine, export_record(engine, record.id, actor_id=lead_id(engine)), actor_id=lead_id(engine)).ok


def test_verify_fails_after_a_register_change_inside_the_window_only(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 5, actor_id=lead_id(engine))
    exported = export_record(engine, record.id, actor_id=lead_id(engine))
    add_file(engine, "区市场监管局", "补〔2025〕1号", dt.date(2025, 1, 1))  # outside the window
    assert verify_record(engine, record.id, actor_id=lead_id(engine)).ok
    assert verify_record(engine, exported, actor_id=lead_id(engine)).ok
    add_file(engine, "区市场监管局", "补〔2024〕1号", dt.date(2024, 12, 31))  # last day of the window
    for target in (record.id, exported):
        result = verify_record(engine, target, actor_id=lead_id(engine))
        assert not result.ok
        assert "register fingerprint changed: candidates 24→25" in result.problems


def test_verify_notices_a_changed_attribute(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 5, actor_id=lead_id(engine))
    with session_factory(engine)() as session, session.begin():
        cf = session.scalars(sa.select(CaseFile).where(CaseFile.case_number == "测〔2024〕0-01号")).one()
        cf.waiver = True
    assert verify_record(engine, record.id, actor_id=lead_id(engine)).problems == ["register fingerprint changed: candidates 24→24"]


def test_verify_fails_for_a_tampered_export(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 5, actor_id=lead_id(engine))
    exported = export_record(engine, record.id, actor_id=lead_id(engine))

    changed = copy.deepcopy(exported)
    changed["seed"] = 6
    result = verify_record(engine, changed, actor_id=lead_id(engine))
    assert not result.ok
    assert result.problems[0].startswith("record tampered: hash mismatch")

    # A forger who also recomputes the hash is caught by the re-run of the draw.
    forged = copy.deepcopy(exported)
    forged["items"][1]["case_number"] = "测〔2024〕0-11号"
    forged["record_hash"] = record_hash(forged)
    problems = verify_record(engine, forged, actor_id=lead_id(engine)).problems
    assert len(problems) == 1 and problems[0].startswith("draw differs at position 2: record has 测〔2024〕0-11号")

    dropped = copy.deepcopy(exported)
    del dropped["items"][-1]
    dropped["record_hash"] = record_hash(dropped)
    assert verify_record(engine, dropped, actor_id=lead_id(engine)).problems == [
        "draw differs at position 6: record has 5 files, re-draw gives 6"]


def test_verify_fails_for_a_tampered_stored_record(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 5, actor_id=lead_id(engine))
    with session_factory(engine)() as session, session.begin():
        session.execute(sa.update(SampleItem).where(SampleItem.draw_order == 1).values(reason="random"))
    problems = verify_record(engine, record.id, actor_id=lead_id(engine)).problems
    assert problems[0].startswith("record tampered: hash mismatch")
    assert problems[1].startswith("draw differs at position 1")


def test_verify_ignores_unit_reordering(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 5, actor_id=lead_id(engine))
    with session_factory(engine)() as session, session.begin():
        session.execute(sa.update(Unit).values(sort_order=-Unit.sort_order))
    assert verify_record(engine, record.id, actor_id=lead_id(engine)).ok


def test_enlarge_keeps_every_pick_and_chains_records(engine):
    cid = populate(engine)
    first = draw_sample(engine, cid, RULES, 9, actor_id=lead_id(engine))
    bigger = RULES.model_copy(update={"quota": SampleRules.parse({"quota": {"percent": 50}}).quota})
    second = draw_sample(engine, cid, bigger, 9, actor_id=lead_id(engine))
    assert second.parent_id == first.id and second.is_current
    assert current_sample(engine, cid, actor_id=lead_id(engine)).id == second.id
    with session_factory(engine)() as session:
        assert session.get(SampleRecord, first.id).is_current is False
        draws = sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "sample_draw")
        assert session.scalar(draws) == 2

    def per_unit(record):
        data = export_record(engine, record.id, actor_id=lead_id(engine))
        out: dict[str, list] = {}
        for item in data["items"]:
            out.setdefault(item["unit"], []).append((item["case_number"], item["reason"]))
        return data, out

    old_data, old = per_unit(first)
    new_data, new = per_unit(second)
    assert len(new_data["items"]) == 12
    for unit, picks in old.items():
        assert new[unit][: len(picks)] == picks
    assert new_data["parent_record_hash"] == old_data["record_hash"]
    assert verify_record(engine, first.id, actor_id=lead_id(engine)).ok and verify_record(engine, second.id, actor_id=lead_id(engine)).ok


@pytest.mark.parametrize(
    ("rules", "seed", "message"),
    [
        ({"quota": {"count": 2}, "forced": [{"flag": "major_decision"}]}, 9, "fewer than its 3"),
        ({"quota": {"count": 5}, "forced": [{"flag": "major_decision"}]}, 10, "same seed"),
        ({"quota": {"count": 5}}, 9, "same forced rules"),
        ({"quota": {"count": 5}, "forced": [{"flag": "major_decision"}], "stratify_by_case_type": False}, 9,
         "stratification"),
        ({"quota": {"count": 5}, "forced": [{"flag": "major_decision"}], "units": ["区市场监管局"]}, 9,
         "cannot restrict units"),
        ({"quota": {"count": 3}, "forced": [{"flag": "major_decision"}]}, 9, "draw no more files"),
    ],
)
def test_enlarge_refuses_anything_else(engine, rules, seed, message):
    cid = populate(engine)
    first = draw_sample(engine, cid, RULES, 9, actor_id=lead_id(engine))
    with pytest.raises(ValidationFailed, match=message) as info:
        draw_sample(engine, cid, rules, seed, actor_id=lead_id(engine))
    assert "\n" not in str(info.value)
    assert current_sample(engine, cid, actor_id=lead_id(engine)).id == first.id


def test_enlarge_refused_after_a_register_change(engine):
    cid = populate(engine)
    draw_sample(engine, cid, RULES, 9, actor_id=lead_id(engine))
    add_file(engine, "区市场监管局", "补〔2024〕2号", dt.date(2024, 6, 1))
    with pytest.raises(ValidationFailed, match="register changed"):
        draw_sample(engine, cid, {"quota": {"count": 5}, "forced": [{"flag": "major_decision"}]}, 9, actor_id=lead_id(engine))


def test_units_rule_and_bad_inputs(engine):
    cid = populate(engine)
    picks = preview_sample(engine, cid, {"quota": {"count": 2}, "units": ["某某镇人民政府"]}, 1, actor_id=lead_id(engine))
    assert {p.unit for p in picks} == {"某某镇人民政府"} and len(picks) == 2
    with pytest.raises(ValidationFailed, match="unknown unit"):
        draw_sample(engine, cid, {"quota": {"count": 2}, "units": ["无此单位"]}, 1, actor_id=lead_id(engine))
    with pytest.raises(NotFound):
        draw_sample(engine, 999, RULES, 1, actor_id=lead_id(engine))
    with pytest.raises(ValidationFailed, match="seed"):
        draw_sample(engine, cid, RULES, -3, actor_id=lead_id(engine))
    with pytest.raises(ValidationFailed, match="no files"):
        draw_sample(engine, cid, {"quota": {"count": 0}, "forced": [{"flag": "hearing_held"}]}, 1, actor_id=lead_id(engine))
    assert current_sample(engine, cid, actor_id=lead_id(engine)) is None


def test_empty_window_is_refused(engine):
    with session_factory(engine)() as session, session.begin():
        cid = make_campaign(session, "空").id
    with pytest.raises(ValidationFailed, match="no case files"):
        draw_sample(engine, cid, RULES, 1, actor_id=lead_id(engine))


def test_concurrent_first_draws_leave_one_current_record(engine):
    """Two people pressing "draw" at once: one sample, the other told it adds nothing."""
    import threading

    cid = populate(engine)
    lead = lead_id(engine)  # made once, before the threads race to draw
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(draw_sample(engine, cid, RULES, 3, actor_id=lead).id)
        except ValidationFailed as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [o for o in outcomes if isinstance(o, int)]
    assert len(outcomes) == 4, outcomes  # every thread drew or was told why not
    assert len(ids) == 1, outcomes
    assert all("draw no more files" in str(o) for o in outcomes if not isinstance(o, int))
    with session_factory(engine)() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SampleRecord)) == 1


def test_current_sample_items_are_usable_after_the_session(engine):
    cid = populate(engine)
    draw_sample(engine, cid, RULES, 8, actor_id=lead_id(engine))
    record = current_sample(engine, cid, actor_id=lead_id(engine))
    numbers = [item.case_file.case_number for item in record.items]
    assert numbers == [i["case_number"] for i in export_record(engine, record.id, actor_id=lead_id(engine))["items"]]
    assert {item.case_file.unit.name for item in record.items} == {"区市场监管局", "某某镇人民政府"}


def test_exported_record_checked_against_the_campaign(engine):
    from scoring.workflow.sampling.record import VerificationFailed

    cid = populate(engine)
    exported = export_record(engine, draw_sample(engine, cid, RULES, 8, actor_id=lead_id(engine)).id, actor_id=lead_id(engine))
    with session_factory(engine)() as session, session.begin():
        session.get(Campaign, cid).window_end = dt.date(2025, 6, 30)
    assert verify_record(engine, exported, actor_id=lead_id(engine)).problems == [
        "campaign window changed: record 2024-01-01..2024-12-31, database 2024-01-01..2025-06-30"]
    with session_factory(engine)() as session, session.begin():
        session.get(Campaign, cid).name = "改名"
    assert verify_record(engine, exported, actor_id=lead_id(engine)).problems == ["campaign '2024年度案卷评查' is not in this database"]
    broken = dict(exported, items=["x"])
    with pytest.raises(VerificationFailed, match="not a sample record"):
        verify_record(engine, broken, actor_id=lead_id(engine))
    with pytest.raises(VerificationFailed, match="missing seed"):
        verify_record(engine, {k: v for k, v in exported.items() if k != "seed"}, actor_id=lead_id(engine))
