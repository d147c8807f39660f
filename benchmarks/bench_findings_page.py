"""How long the Findings page takes to load for the demo's 2024 campaign (all its drafted findings).

    python benchmarks/bench_findings_page.py            # loads the demo into a temporary SQLite file
    python benchmarks/bench_findings_page.py --runs 5

The demo is loaded and the 2024 findings drafted through the core (not measured); then the page is run
headless with Streamlit's AppTest, signed in as the demo lead, and each full run of the page (campaign
scope: one table of every campaign-level finding) is timed. The target is at most 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from scoring.db import models as m  # noqa: E402
from scoring.db.session import open_db, session_factory  # noqa: E402
from scoring.demo.load import load_demo  # noqa: E402
from scoring.findings import generate_findings  # noqa: E402
from scoring.setup import create_first_lead  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["CASEREVIEW_DB_URL"] = url
        engine = open_db(url)
        lead_id = create_first_lead(engine, username="lead", display_name="组长", password="bench-password-1",
                                    password_repeat="bench-password-1")
        load_demo(engine, actor_id=lead_id)
        with session_factory(engine)() as s:
            lead = s.get(m.User, lead_id)
            campaign = next(c for c in s.scalars(select(m.Campaign)) if c.year == 2024)
            generate_findings(s, lead, campaign.id)
            s.commit()
            total = s.query(m.Finding).filter(m.Finding.campaign_id == campaign.id).count()
            campaign_level = s.query(m.Finding).filter(m.Finding.campaign_id == campaign.id,
                                                       m.Finding.unit_id.is_(None)).count()
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["user_id"] = lead_id
        at.run()
        at.switch_page("scoring/ui/pages/findings.py").run()
        at.selectbox(key="find_campaign").set_value(campaign.id).run()
        assert not at.exception, at.exception
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        rows = len(next(e.value for e in at.data_editor if str(e.key).startswith("find_editor_")))
        print(f"findings of the demo 2024 campaign: {total} in all, {campaign_level} campaign-level "
              f"({rows} rows in the table)")
        print(f"page run: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {args.runs} runs "
              f"(target <= 1 s)")
        engine.dispose()


if __name__ == "__main__":
    main()
