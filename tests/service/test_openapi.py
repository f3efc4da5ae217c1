"""The OpenAPI document against the app itself: schemathesis sends what the document allows,
and what it does not, to every operation in-process; every answer must be a status the
document declares for it, and none a 5xx.

The app runs on SQLite in a temp folder with no workers (submissions are queued, never
scanned) and the guard resolves only pinned names: nothing leaves the process. Bounded in time:
a fixed number of examples per operation and mode, a deadline per example, and the same
examples every run.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from spyglass.service import create_app
from spyglass.settings import Settings
from spyglass.store import Store
from tests.service.conftest import PINS, PUBLIC_URL, make_key

EXAMPLES = 25  # per operation and mode (valid, invalid)
DEADLINE = timedelta(seconds=5)  # per example; an answer takes milliseconds
CHECKS = [not_a_server_error, status_code_conformance]


def test_every_answer_is_declared_and_none_is_a_server_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data")
    try:
        app = create_app(
            Settings(pins_only=True, resolve=PINS, public_url=PUBLIC_URL,
                     rate_limit_minute=100_000, rate_limit_day=1_000_000),
            store,
        )  # fmt: skip
        headers = make_key(store, "fuzzer").headers  # the authenticated routes are fuzzed too
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: dict[str, FailureGroup] = {}
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            for mode in GenerationMode:

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=EXAMPLES,
                    deadline=DEADLINE,
                    derandomize=True,  # a failure here is a bug, not bad luck
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def call(case: schemathesis.Case) -> None:
                    case.call_and_validate(headers=headers, checks=CHECKS)

                try:
                    call()
                except Unsatisfiable:
                    assert mode == GenerationMode.NEGATIVE  # nothing in it can be invalid
                except FailureGroup as e:  # every operation is tried; all are reported
                    failures[f"{operation.label} ({mode})"] = e
        assert len(operations) >= 12
        assert not failures, "\n\n".join(f"{where}:\n{error}" for where, error in failures.items())
    finally:
        store.close()


def test_the_document_declares_urlscan_errors_not_422(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    search = document["paths"]["/api/v1/search/"]["get"]["responses"]
    assert set(search) == {"200", "400", "401", "429"}
    model = search["400"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][model]["required"]) == {
        "message", "description", "status", "errors"
    }  # fmt: skip
    statuses = {
        status
        for path in document["paths"].values()
        for operation in path.values()
        for status in operation["responses"]
    }
    assert "422" not in statuses and {"400", "401", "404", "429"} <= statuses
