"""The shipped server settings (issue 12): no tracebacks in browsers, a bounded upload size, XSRF on;
and the README's reverse-proxy example adds the security headers and TLS."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scoring import limits

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_hides_tracebacks_and_bounds_uploads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    upload = config["server"]["maxUploadSize"]
    assert 0 < upload < 200  # Streamlit's default (200 MB) was the complaint
    assert upload * limits.MB >= limits.REGISTER_FILE.bytes  # the largest register the core accepts fits
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "localhost"


def test_readme_reverse_proxy_example_sets_the_headers_and_tls():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", readme, re.DOTALL)
    assert block, "README has an nginx example"
    conf = block.group(1)
    for needed in ("listen 443 ssl", "ssl_certificate ", "Content-Security-Policy", "X-Frame-Options",
                   "X-Content-Type-Options nosniff", "Strict-Transport-Security", "proxy_set_header Upgrade",
                   "client_max_body_size 150m"):
        assert needed in conf, needed
