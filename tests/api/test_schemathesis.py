"""Fuzz every operation of /api/schema/ in-process (WSGI) as a compliance manager's API key.

Per operation: schema examples, then at most MAX_EXAMPLES generated cases (valid and invalid
data), derandomized with a fixed seed so CI sees the same cases every run. The coverage phase
(hundreds of boundary cases per operation, unbounded) is off to keep the run bounded. Checks: no
5xx, every status code and body is one the schema documents, and no response carries a secret.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from evidence.collection.models import EvidenceDocument
from evidence.posture.models import ControlStatusDaily, ControlStatusEvent
from grc.catalog.models import Origin
from grc.wsgi import application
from tests.api.conftest import EXTERNAL_ID, ResultSpec, add_results
from tests.factories import (
    ControlFactory,
    ControlMappingFactory,
    ControlParameterFactory,
    CriterionFactory,
    FrameworkFactory,
)

MAX_EXAMPLES = 10

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261123,
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
    }
)
with override_settings(GRC_API_DOCS_PUBLIC=True):  # loaded at import, before any user exists
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture
def wsgi_keeps_test_connection():
    """Called through WSGI (not Django's test client), each request would close the database
    connection on request_started/finished, and with it the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(aws_account, users, make_key, wsgi_keeps_test_connection):
    """A little of everything, so generated ids sometimes hit real rows."""
    framework = FrameworkFactory(slug="soc2-2017")
    criterion = CriterionFactory(framework=framework, section__framework=framework, ref="CC6.1")
    control = ControlFactory(ref="CUS-01", origin=Origin.CUSTOM)
    ControlMappingFactory(control=control, criterion=criterion)
    ControlParameterFactory(control=control, name="max_age_days", value=90, default_value=90)
    document = EvidenceDocument.objects.create(sha256="d" * 64, content={"k": "v"}, size=9)
    results = add_results(
        aws_account,
        [ResultSpec(status=status) for status in ("PASS", "FAIL", "ERROR")],
        evidence=document,
    )
    ControlStatusDaily.objects.create(
        account=aws_account, control=control, day=dt.date.today(), status="fail"
    )
    ControlStatusEvent.objects.create(
        account=aws_account,
        control=control,
        previous_status="pass",
        status="fail",
        occurred_at=results[0].collected_at,
    )
    api_key, plaintext = make_key(users["manager"])
    return {"Authorization": f"Api-Key {plaintext}"}, [
        EXTERNAL_ID.encode(),
        plaintext.partition(".")[2].encode(),
        api_key.hashed_secret.encode(),
    ]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, fuzz_world):
    headers, secrets = fuzz_world
    response = case.call_and_validate(
        headers=headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
    for secret in secrets:
        assert secret not in response.content
