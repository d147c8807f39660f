"""The demo's finished campaigns: loaded through the real workflow, complete, realistic, idempotent and
deterministic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from scoring.accounts import authenticate
from scoring.cli import main
from scoring.db import models as m
from scoring.db.session import open_db, session_factory
from scoring.demo.campaign import CAMPAIGNS, CONTENT_SEED
from scoring.demo.load import load_demo
from scoring.demo.marking import WEAK, YEAR_PROFILES, file_truth, reviewer_marks
from scoring.demo.people import DEMO_LEAD_USERNAME, DEMO_PASSWORD, LIAISON, OBSERVER, REVIEWERS
from scoring.domain import CASE_TYPES, MarkStatus, Role
from scoring.engine import score
from scoring.errors import PermissionDenied
from scoring.objections.counts import objection_counts
from scoring.objections.liaison import liaison_view, released_campaigns
from scoring.rubric.loader import RubricLibrary
from scoring.rubric.schema import FileAttributes
from scoring.setup import create_first_lead
from scoring.standards import load_version
from scoring.workflow.publish import readable_campaigns
from scoring.workflow.reviews import attributes_of
from scoring.workflow.sampling import verify_record
from tests.factories import Factory, lead_id

LEAD_PASSWORD = "lead-password-1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """One database set up like the first-run page does: a real lead, then the demo loaded as that lead."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = open_db(url)
    lead_id = create_first_lead(engine, username="lead", display_name="组长", password=LEAD_PASSWORD,
                                password_repeat=LEAD_PASSWORD)
    result = load_demo(engine, actor_id=lead_id)
    yield engine, url, lead_id, result
    engine.dispose()


def campaigns(engine) -> dict[str, m.Campaign]:  # noqa: ANN001
    with session_factory(engine)() as s:
        return {c.name: c for c in s.scalars(select(m.Campaign))}


def sampled(s, campaign_id: int) -> list[m.CaseFile]:  # noqa: ANN001
    return list(s.scalars(
        select(m.CaseFile).join(m.SampleItem, m.SampleItem.case_file_id == m.CaseFile.id)
        .join(m.SampleRecord, m.SampleRecord.id == m.SampleItem.sample_id)
        .where(m.SampleRecord.campaign_id == campaign_id, m.SampleRecord.is_current.is_(True))))


def table_counts(engine) -> dict[str, int]:  # noqa: ANN001
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in m.Base.metadata.sorted_tables}


def final_scores(engine) -> dict[tuple[str, str], tuple]:  # noqa: ANN001
    """(campaign, case number) -> the final result and both reviews' totals, by reviewer."""
    with session_factory(engine)() as s:
        out = {}
        for fr, case_number, campaign in s.execute(
                select(m.FileResult, m.CaseFile.case_number, m.Campaign.name)
                .join(m.CaseFile, m.CaseFile.id == m.FileResult.case_file_id)
                .join(m.Campaign, m.Campaign.id == m.FileResult.campaign_id)):
            reviews = s.execute(
                select(m.User.username, m.Review.total, m.Review.grade).join(m.Assignment, m.Assignment.reviewer_id == m.User.id)
                .join(m.Review, m.Review.assignment_id == m.Assignment.id)
                .where(m.Assignment.campaign_id == fr.campaign_id, m.Assignment.case_file_id == fr.case_file_id)
                .order_by(m.User.username)).all()
            out[(campaign, case_number)] = (fr.source, fr.score, fr.grade, fr.veto, tuple(map(tuple, reviews)))
        return out


# ------------------------------------------------------------------------------ what is there


def test_two_campaigns_with_the_demo_settings(demo) -> None:  # noqa: ANN001
    engine, _, lead_id, result = demo
    found = campaigns(engine)
    assert sorted(found) == sorted(c.name for c in CAMPAIGNS)
    for spec in CAMPAIGNS:
        c = found[spec.name]
        assert (c.year, c.window_start, c.window_end) == (spec.year, *spec.window)
        assert c.reviewers_per_file == 2 and c.created_by_id == lead_id
        assert c.status == "published"
        assert [b["name"] for b in c.grade_bands] == ["优秀", "良好", "合格", "不合格"]
    assert [c["year"] for c in result["campaigns"]] == [2023, 2024]
    assert result["lead"] == "lead" and not result["lead_created"]
    sizes = {c["year"]: c["files"] for c in result["campaigns"]}
    assert sizes[2023] < sizes[2024] and 60 <= sizes[2023] and 100 <= sizes[2024] <= 130


def test_campaigns_use_the_shipped_standards_for_every_case_type(demo) -> None:  # noqa: ANN001
    """No demo-only standard: the default mapping of the shipped library covers every case type."""
    engine = demo[0]
    shipped = RubricLibrary.load()
    with session_factory(engine)() as s:
        for c in campaigns(engine).values():
            rows = s.scalars(select(m.CampaignStandard).where(m.CampaignStandard.campaign_id == c.id)).all()
            assert {r.case_type for r in rows} == set(CASE_TYPES)
            for r in rows:
                standard = load_version(s, r.standard_hash)
                assert standard.id in shipped.standards and r.standard_hash == shipped.get(standard.id).hash
            by_type = {r.case_type: load_version(s, r.standard_hash).id for r in rows}
            assert by_type["行政强制"] == "coercion"
            assert {by_type[t] for t in ("行政确认", "行政给付", "行政征收征用")} == {"other-acts"}


@pytest.mark.parametrize("case_type", ["行政强制", "行政确认", "行政给付", "行政征收征用"])
def test_invented_marks_fit_the_coercion_and_other_acts_standards(case_type: str) -> None:
    """Few such files are drawn in the demo samples; the marking model must still fit their standards."""
    library = RubricLibrary.load()
    attrs = FileAttributes(case_type=case_type, coercive_measure=case_type == "行政强制")
    standard = library.for_file(case_type, None)[0]
    execution = ("CO15", "CO16", "CO17", "CO18", "CO19", "CO20", "CO21", "CO22", "CO23")
    grades, vetoed, measure_only = set(), 0, 0
    for i in range(200):
        truth = file_truth(CONTENT_SEED, 2024, f"T{i}", "港西镇", "town", attrs, dt.date(2024, 6, 3), standard)
        for username in ("demo-reviewer-02", "demo-reviewer-10"):
            result = score(standard, attrs, reviewer_marks(CONTENT_SEED, 2024, truth, standard, attrs, username))
            grades.add(result.grade)
            vetoed += bool(result.veto.triggered)
        if case_type == "行政强制":
            if "CO14" in truth.na:  # a measure only: the whole execution section is N/A
                measure_only += 1
                assert set(execution) <= set(truth.na)
            else:  # executed by the agency itself, or by applying to the court: one of the two
                assert ("CO17" in truth.na) != ("CO23" in truth.na)
    assert len(grades) >= 3 and vetoed
    if case_type == "行政强制":
        assert 100 <= measure_only < 200


def test_samples_are_recorded_draws_that_verify(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        records = s.scalars(select(m.SampleRecord).where(m.SampleRecord.is_current.is_(True))).all()
        assert len(records) == 2
        by_campaign = {r.campaign_id: r for r in records}
        for spec in CAMPAIGNS:
            record = by_campaign[campaigns(engine)[spec.name].id]
            assert record.seed == spec.sample_seed
            assert record.rules["quota"] == {"count": spec.per_unit}
            assert {f["flag"] for f in record.rules["forced"]} == set(spec.forced)
            reasons = {i.reason for i in record.items}
            assert {f"forced:{flag}" for flag in spec.forced} <= reasons
            years = {cf.decision_date.year for cf in sampled(s, record.campaign_id)}
            assert years == {spec.year}
    for record in records:
        assert verify_record(engine, record.id, actor_id=lead_id(engine)).ok


def test_every_file_has_two_submitted_reviews_and_a_final_result(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        for c in campaigns(engine).values():
            files = sampled(s, c.id)
            per_file = dict(s.execute(
                select(m.Assignment.case_file_id, func.count()).join(m.Review, m.Review.assignment_id == m.Assignment.id)
                .where(m.Assignment.campaign_id == c.id, m.Review.status == "submitted")
                .group_by(m.Assignment.case_file_id)).all())
            assert {cf.id: per_file.get(cf.id, 0) for cf in files} == {cf.id: 2 for cf in files}
            assert s.scalar(select(func.count()).select_from(m.Assignment).where(m.Assignment.campaign_id == c.id)) \
                == 2 * len(files)
            results = {r.case_file_id: r for r in s.scalars(select(m.FileResult).where(m.FileResult.campaign_id == c.id))}
            assert set(results) == {cf.id for cf in files}
            sources = [r.source for r in results.values()]
            assert 0 < sources.count("recheck") < sources.count("mean")
            assert any(r.veto for r in results.values())
            assert {r.grade for r in results.values()} >= {"优秀", "良好", "合格", "不合格"}


def test_rechecks_resolve_triggered_files_with_reasons(demo) -> None:  # noqa: ANN001
    engine, _, lead_id, _ = demo
    from scoring.workflow.recheck import outcome

    with session_factory(engine)() as s:
        rechecks = s.scalars(select(m.Recheck)).all()
        assert rechecks
        for rc in rechecks:
            assert rc.decided_by_id == lead_id
            assert rc.reason.startswith("复核原因：") and "组长" in rc.reason and f"{rc.total}分" in rc.reason
        adopted = [rc for rc in rechecks if rc.adopted_review_id is not None]
        own = [rc for rc in rechecks if rc.adopted_review_id is None]
        assert adopted and own
        for c in campaigns(engine).values():
            for cf in sampled(s, c.id):
                out = outcome(s, c, cf)
                assert out.source == ("recheck" if out.triggers else "mean")
        vetoed_one_side = [rc for rc in rechecks if "否决项仅一方认定" in rc.reason]
        assert vetoed_one_side


def test_marks_are_complete_located_and_commented(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        marks = s.scalars(select(m.ReviewMark).where(m.ReviewMark.status.in_([MarkStatus.DEDUCT, MarkStatus.VETO]))).all()
        assert len(marks) > 1000
        for mark in marks:
            assert mark.comment and (mark.page or mark.media_file), mark.id
        media = [mk for mk in marks if mk.media_file]
        assert media and all(mk.item_id.startswith("FPR") and mk.media_time for mk in media)
        assert all(mk.media_file.endswith(".mp4") for mk in media)
        assert any(mk.occurrences > 1 for mk in marks)
        assert s.scalar(select(func.count()).select_from(m.ReviewMark).where(m.ReviewMark.status == MarkStatus.NA))
        # only listed reasons, under the standard each review was made with
        for review in s.scalars(select(m.Review)).all()[:40]:
            standard = load_version(s, review.standard_hash)
            for mark in review.marks:
                if mark.status == MarkStatus.DEDUCT:
                    _, item = standard.items_by_id[mark.item_id]
                    assert item.deduction(mark.reason_id) is not None


def test_reviewers_never_score_their_own_unit(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        own = s.scalar(
            select(func.count()).select_from(m.Assignment).join(m.User, m.User.id == m.Assignment.reviewer_id)
            .join(m.CaseFile, m.CaseFile.id == m.Assignment.case_file_id).where(m.User.unit_id == m.CaseFile.unit_id))
        assert own == 0
        reviewers = {u for (u,) in s.execute(select(m.User.username).join(m.Assignment, m.Assignment.reviewer_id == m.User.id))}
        assert reviewers == {p.username for p in REVIEWERS}  # only the demo panel


def test_demo_accounts(demo) -> None:  # noqa: ANN001
    engine, _, _, result = demo
    with session_factory(engine)() as s:
        users = {u.username: u for u in s.scalars(select(m.User))}
        assert DEMO_LEAD_USERNAME not in users  # a lead existed
        for person in REVIEWERS:
            user = users[person.username]
            assert user.role == Role.REVIEWER and user.unit.name == person.unit
            assert user.display_name.startswith("示例评查员")
        assert users[OBSERVER.username].role == Role.OBSERVER
        kinds = {users[p.username].unit.kind for p in REVIEWERS}
        assert kinds == {"department", "town"}
        assert authenticate(s, REVIEWERS[0].username, DEMO_PASSWORD).username == REVIEWERS[0].username
        observer = authenticate(s, OBSERVER.username, DEMO_PASSWORD)
        assert observer.role == Role.OBSERVER
        assert {c.name for c in readable_campaigns(s, observer)} == {c.name for c in CAMPAIGNS}  # published
    assert len(DEMO_PASSWORD) >= 8
    assert result["people_added"] == len(REVIEWERS) + 2  # the observer and the unit liaison


def test_the_liaison_sees_the_feedback_round_of_the_latest_campaign(demo) -> None:  # noqa: ANN001
    """The demo's unit liaison signs in and sees their unit's released 2024 results with the objection they
    filed and its decision (upheld: the marks stand); the notice counts it."""
    engine = demo[0]
    latest = campaigns(engine)[CAMPAIGNS[-1].name]
    with session_factory(engine)() as s:
        liaison = authenticate(s, LIAISON.username, DEMO_PASSWORD)
        assert liaison.role == Role.LIAISON and liaison.unit.name == LIAISON.unit
        assert [c.name for c in released_campaigns(s, liaison)] == [latest.name]
        view = liaison_view(s, liaison, s.get(m.Campaign, latest.id))
        assert view.unit == LIAISON.unit and view.files and not view.window_open  # closed: published since
        [objection] = view.objections
        assert objection.decision == "upheld" and objection.score_before == objection.score_after
        assert {f.case_number for f in view.files} >= {objection.case_number}
        counts = objection_counts(s, latest.id)
        assert (counts.received, counts.accepted) == (1, 0)
        earlier = campaigns(engine)[CAMPAIGNS[0].name]
        assert s.scalar(select(func.count()).select_from(m.Objection)
                        .where(m.Objection.campaign_id == earlier.id)) == 0


# ------------------------------------------------------------------------------ realistic variation


def focus_rates(s, campaign_id: int) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:  # noqa: ANN001
    rows = s.execute(
        select(m.Unit.name, m.FileFocusScore.focus, func.sum(m.FileFocusScore.earned), func.sum(m.FileFocusScore.applicable_max))
        .join(m.CaseFile, m.CaseFile.id == m.FileFocusScore.case_file_id).join(m.Unit, m.Unit.id == m.CaseFile.unit_id)
        .where(m.FileFocusScore.campaign_id == campaign_id).group_by(m.Unit.name, m.FileFocusScore.focus)).all()
    return {(unit, focus): (Decimal(str(e)), Decimal(str(mx))) for unit, focus, e, mx in rows}


def test_weak_units_are_measurably_weaker_in_their_weak_areas(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        for spec in CAMPAIGNS:
            rates = focus_rates(s, campaigns(engine)[spec.name].id)
            for unit, weak in YEAR_PROFILES[spec.year].items():
                for focus, multiplier in weak.items():
                    if multiplier < WEAK:
                        continue
                    earned, maximum = rates[(unit, focus)]
                    others = [(e, mx) for (u, f), (e, mx) in rates.items() if f == focus and u != unit]
                    rate = earned / maximum
                    other_rate = sum(e for e, _ in others) / sum(mx for _, mx in others)
                    assert rate < other_rate - Decimal("0.10"), (spec.year, unit, focus, rate, other_rate)


def test_reviewers_differ_in_severity(demo) -> None:  # noqa: ANN001
    """The strictest demo reviewer scores below their co-reviewers on average, the most lenient above."""
    engine = demo[0]
    with session_factory(engine)() as s:
        rows = s.execute(
            select(m.Assignment.campaign_id, m.Assignment.case_file_id, m.User.username, m.Review.total)
            .join(m.Review, m.Review.assignment_id == m.Assignment.id).join(m.User, m.User.id == m.Assignment.reviewer_id)
            .where(m.Review.veto.is_(False))).all()
    pairs: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for campaign_id, file_id, username, total in rows:
        pairs[(campaign_id, file_id)].append((username, total))
    gaps: dict[str, list[Decimal]] = defaultdict(list)
    for both in pairs.values():
        if len(both) == 2:
            (a, x), (b, y) = both
            gaps[a].append(x - y)
            gaps[b].append(y - x)
    mean = {u: sum(v) / len(v) for u, v in gaps.items()}
    assert mean["demo-reviewer-06"] < -1 and mean["demo-reviewer-10"] > 1


def test_previous_year_problems_recur_or_improve(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    found = campaigns(engine)
    with session_factory(engine)() as s:
        r23 = focus_rates(s, found[CAMPAIGNS[0].name].id)
        r24 = focus_rates(s, found[CAMPAIGNS[1].name].id)

    def rate(rates, unit, focus):  # noqa: ANN001, ANN202
        e, mx = rates[(unit, focus)]
        return e / mx

    assert rate(r24, "堡镇", "documents") > rate(r23, "堡镇", "documents") + Decimal("0.2")  # fixed
    assert rate(r24, "区交通委", "discretion_benchmark") > rate(r23, "区交通委", "discretion_benchmark")  # fixed
    for unit, focus in (("陈家镇", "full_process_recording"), ("区城管执法局", "legal_review")):  # recur
        assert rate(r23, unit, focus) < Decimal("0.7") and rate(r24, unit, focus) < Decimal("0.7")


# ------------------------------------------------------------------------------ idempotent, deterministic


def test_loading_again_changes_nothing(demo) -> None:  # noqa: ANN001
    engine, _, lead_id, _ = demo
    before = table_counts(engine)
    again = load_demo(engine, actor_id=lead_id)
    assert again["loaded"] is False
    assert [c["changed"] for c in again["campaigns"]] == [False, False]
    assert table_counts(engine) == before
    assert load_demo(engine)["loaded"] is False  # acting as the first lead found
    assert table_counts(engine) == before


def test_cli_on_an_empty_database_creates_a_demo_lead_and_gives_the_same_scores(
        demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["demo", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "loaded the demo: 37 units" in out
    assert f"created the demo panel lead {DEMO_LEAD_USERNAME} (password {DEMO_PASSWORD})" in out
    assert "demo-reviewer-01 .. demo-reviewer-12" in out and "demo-observer" in out and "demo-liaison" in out
    assert out.count("campaign 20") == 2 and out.count("(published)") == 2
    engine = open_db(url)
    try:
        with session_factory(engine)() as s:
            lead = s.scalar(select(m.User).where(m.User.username == DEMO_LEAD_USERNAME))
            assert lead.role == Role.LEAD
            assert authenticate(s, DEMO_LEAD_USERNAME, DEMO_PASSWORD).id == lead.id
        assert final_scores(engine) == final_scores(demo[0])
    finally:
        engine.dispose()
    assert main(["demo", "--db", url]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_register_only(sqlite_engine, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    result = load_demo(sqlite_engine, with_campaigns=False)
    assert result["loaded"] and "campaigns" not in result
    counts = table_counts(sqlite_engine)
    # No campaigns and no panel; only the demo lead, who acts for the imports.
    assert counts["campaigns"] == 0 and counts["case_files"] == result["case_files"]
    with session_factory(sqlite_engine)() as s:
        assert [u.role for u in s.scalars(select(m.User))] == [Role.LEAD]
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["demo", "--register-only", "--db", url]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert table_counts(sqlite_engine) == counts


def test_actor_must_be_a_lead(sqlite_engine) -> None:  # noqa: ANN001
    with session_factory(sqlite_engine)() as s, s.begin():
        observer_id = Factory(s).user("watcher", role=Role.OBSERVER).id
    with pytest.raises(PermissionDenied):
        load_demo(sqlite_engine, actor_id=observer_id)
    assert table_counts(sqlite_engine)["case_files"] == 0


def test_marks_depend_only_on_seed_file_and_reviewer(demo) -> None:  # noqa: ANN001
    engine = demo[0]
    with session_factory(engine)() as s:
        review = s.scalars(select(m.Review).order_by(m.Review.id).limit(1)).one()
        cf, reviewer = review.assignment.case_file, review.assignment.reviewer
        standard = load_version(s, review.standard_hash)
        attrs = attributes_of(cf)
        campaign = s.get(m.Campaign, review.assignment.campaign_id)
        args = (CONTENT_SEED, campaign.year, cf.case_number, cf.unit.name, cf.unit.kind, attrs, cf.decision_date, standard)
        marks = reviewer_marks(CONTENT_SEED, campaign.year, file_truth(*args), standard, attrs, reviewer.username)
        assert marks == reviewer_marks(CONTENT_SEED, campaign.year, file_truth(*args), standard, attrs, reviewer.username)
        bands = [dict(b) for b in campaign.grade_bands]
        from scoring.rubric.schema import GradeBand

        result = score(standard, attrs, marks, bands=[GradeBand.model_validate(b) for b in bands],
                       pass_line=campaign.pass_line)
        assert result.score == review.total


def test_no_results_were_written_outside_the_workflow(demo) -> None:  # noqa: ANN001
    """Every review and re-check went through the core: each has its audit entry."""
    engine = demo[0]
    with engine.connect() as conn:
        def n(action: str) -> int:
            return conn.execute(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.action == action)).scalar_one()

        reviews = conn.execute(select(func.count()).select_from(m.Review)).scalar_one()
        rechecks = conn.execute(select(func.count()).select_from(m.Recheck)).scalar_one()
        assert n("open_review") == n("submit_review") == reviews
        assert n("save_draft") == reviews  # every review has marks
        assert n("recheck") == rechecks
        assert conn.execute(sa.text("select count(*) from audit_log where action = 'assign_auto'")).scalar_one() == 2
        assert n("publish_campaign") == 2
