"""The re-check page shows the electronic case file beside the lead's decision, as the scoring form does."""

from __future__ import annotations

from scoring import case_pdfs
from scoring.db.models import CaseFile, User
from scoring.db.session import transaction
from tests import test_ui_lead_workflow
from tests.pdf_builders import make_pdf
from tests.test_ui_helpers import signed_in_app
from tests.test_ui_reviewer import _shows

world = test_ui_lead_workflow.world  # three units, a lead, reviewers, twelve 行政处罚 files


def test_recheck_page_shows_the_case_file(world):
    test_ui_lead_workflow._sample(world)
    test_ui_lead_workflow._auto_assign(world)
    cf, _, _ = test_ui_lead_workflow._disagreeing_file(world)
    with transaction(world["engine"]) as s:
        number = s.get(CaseFile, cf).case_number
        case_pdfs.attach(s, s.get(User, world["lead"]), number, "复核卷宗.pdf", make_pdf(3))
    at = signed_in_app(world["lead"], "recheck")
    assert not at.exception, at.exception
    assert _shows(at, "复核卷宗.pdf · 第 1 / 3 页")
    at.button(key=f"pdfv_next_{cf}").click().run()
    assert _shows(at, "复核卷宗.pdf · 第 2 / 3 页")
