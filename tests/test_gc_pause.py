"""The cycle collector paused around bulk steps (scoring/gc_pause.py): paused inside, running again after
the last step leaves (nested, in several threads, after an error), left off when it was off, and the
bulk core steps run paused."""

from __future__ import annotations

import gc
import threading

import pytest

from scoring.documents.excel import export_scores
from scoring.findings import generate
from scoring.gc_pause import bulk_step, collector_paused
from scoring.register import importer
from scoring.workflow.sampling import record
from tests.factories import lead_id
from tests.test_findings import fw  # noqa: F401 - the findings world
from tests.test_register_helpers import add_units, csv_text, good_rows


@pytest.fixture(autouse=True)
def collector_running():
    was = gc.isenabled()
    gc.enable()
    yield
    assert gc.isenabled()  # every test leaves it running
    if not was:
        gc.disable()


def test_paused_inside_running_after_even_nested_or_after_an_error():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer step still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_steps_in_two_threads_resume_it_when_the_last_leaves():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


def test_a_bulk_step_returns_what_its_function_returns():
    @bulk_step
    def step(x: int, *, y: int) -> tuple[int, bool]:
        return x + y, gc.isenabled()

    assert step(1, y=2) == (3, False)
    assert step.__name__ == "step"


def test_drafting_findings_runs_with_the_collector_paused(fw, monkeypatch):  # noqa: F811
    seen: list[bool] = []
    draft = generate.draft_findings

    def watched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return draft(*args, **kwargs)

    monkeypatch.setattr(generate, "draft_findings", watched)
    report = generate.generate_findings(fw.session, fw.lead, fw.campaign.id)
    fw.session.commit()
    assert report.added and seen == [False]


@pytest.mark.parametrize("step", [generate.generate_findings, export_scores, record.preview_sample, record.draw_sample,
                                  record.verify_record, importer.import_register])
def test_the_bulk_core_steps_are_marked(step):
    assert step.__wrapped__.__name__ == step.__name__  # `bulk_step` wraps it
    assert step.__code__.co_filename.endswith("gc_pause.py")


def test_the_import_sweeps_after_each_chunk(engine, monkeypatch):
    """The import runs paused and collects its cycles chunk by chunk, so its memory stays flat."""
    seen: list[bool] = []
    monkeypatch.setattr(importer, "sweep", lambda: seen.append(gc.isenabled()))
    monkeypatch.setattr(importer, "CHUNK_ROWS", 10)
    add_units(engine)
    report = importer.import_register(engine, csv_text(good_rows(25)).encode(), filename="r.csv",
                                      actor_id=lead_id(engine))
    assert report.ok and report.rows_imported == 25
    assert seen == [False, False, False]  # three chunks of at most ten rows, each swept while paused
