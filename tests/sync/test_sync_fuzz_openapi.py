"""Schemathesis fuzzes every operation in /openapi.json: no input may cause a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev extra: pip install -e '.[dev]'")
from schemathesis.checks import not_a_server_error  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from sync_helpers import Api, fast_settings, seed  # noqa: E402

from sync.server.app import create_app  # noqa: E402

_DIR = Path(tempfile.mkdtemp(prefix="fieldsync-fuzz-"))
_URL = f"sqlite:///{_DIR / 'fuzz.sqlite3'}"
seed(_URL)
APP = create_app(fast_settings(_URL, login_fail_per_user=10**6, login_fail_per_addr=10**6,
                                   long_poll_cap_s=0.05))
with TestClient(APP) as _c:
    TOKEN = Api(_c).login("cmd-sedena")["token"]

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case) -> None:  # noqa: ANN001
    """Proves random valid-and-invalid requests to every endpoint never answer 5xx (with a real token)."""
    if case.path != "/v1/auth/logout":  # keep the token alive for the other operations
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    ct = response.headers.get("content-type") or [""]
    ct = ct[0] if isinstance(ct, list) else ct
    assert response.status_code == 204 or ct.startswith(("application/json", "text/plain")), ct


def test_error_bodies_are_code_and_detail() -> None:
    """Proves the schema documents ErrorBody for error responses."""
    with TestClient(APP) as c:
        spec = c.get("/openapi.json").json()
    assert "ErrorBody" in spec["components"]["schemas"]
    assert spec["paths"]["/v1/changes"]["post"]["requestBody"]["content"]["application/json"]
    _ = not_a_server_error
