"""Shared fixtures for collector tests: moto-backed boto3 sessions, no database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import boto3
import pytest
from moto import mock_aws

from collectors.runner import collect_unit
from collectors.types import CheckResult

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so nothing can reach a real account."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # moto's ~1,300 sample AMIs come with snapshots owned by the test account: skip them.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def aws_session(aws_credentials: None) -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name=REGION)


Collected = dict[str, dict[str, CheckResult]]  # check id -> resource id -> result


@pytest.fixture
def collect(aws_session: boto3.Session) -> Callable[..., Collected]:
    """Run one service unit through the real runner and index its results."""

    def run(
        service_name: str,
        region: str = REGION,
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Collected:
        results = collect_unit(
            aws_session, service_name, region, account_id=ACCOUNT_ID, parameters=parameters
        )
        indexed: Collected = {}
        for result in results:
            by_resource = indexed.setdefault(result.check_id, {})
            assert result.resource_id not in by_resource, f"duplicate {result}"
            by_resource[result.resource_id] = result
        return indexed

    return run


@pytest.fixture(autouse=True)
def _no_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_ENDPOINT_URL (e.g. from a demo shell) would bypass moto's in-process mock."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


class AwsHooks:
    """Fault and response injection through botocore's event hooks on one session."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session

    def fail(
        self,
        service: str,
        operation: str,
        code: str,
        *,
        status: int = 400,
        times: int | None = None,
        message: str = "injected by test",
        region: str | None = None,
    ) -> list[int]:
        """Answer ``operation`` (in ``region``, or anywhere) with an error ``times`` times.

        Hooks ``before-send``, below the retry handler, so botocore retries see the error.
        Returns a list that grows by one per injected failure.
        """
        from botocore.awsrequest import AWSResponse
        from moto.core.botocore_stubber import MockRawResponse

        injected: list[int] = []
        protocol = self.session.client(service).meta.service_model.protocol
        if protocol in ("query", "rest-xml", "ec2"):
            error = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            body = f"<ErrorResponse>{error}<RequestId>1</RequestId></ErrorResponse>".encode()
            headers = {"Content-Type": "text/xml"}
        else:
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1"}

        def handler(request: Any, **kwargs: Any) -> AWSResponse | None:
            if times is not None and len(injected) >= times:
                return None
            if region is not None and f".{region}." not in request.url:
                return None
            injected.append(1)
            return AWSResponse(request.url, status, headers, MockRawResponse(body))

        self.session.events.register_first(f"before-send.{service}.{operation}", handler)
        return injected

    def html_page(self, service: str, operation: str, *, status: int = 500) -> None:
        """Answer ``operation`` with a web page, as a proxy or load balancer in front of an
        endpoint does (no AWS error code, no XML or JSON body)."""
        from botocore.awsrequest import AWSResponse
        from moto.core.botocore_stubber import MockRawResponse

        page = b"<!doctype html>\n<html><head><title>Server Error</title></head><body>" + (
            b"Something went wrong</body></html>"
        )

        def handler(request: Any, **kwargs: Any) -> AWSResponse:
            headers = {"Content-Type": "text/html"}
            return AWSResponse(request.url, status, headers, MockRawResponse(page))

        self.session.events.register_first(f"before-send.{service}.{operation}", handler)

    def unreachable(self, service: str, operation: str) -> list[int]:
        """Make ``operation`` time out connecting, on every attempt."""
        from botocore.exceptions import ConnectTimeoutError

        attempts: list[int] = []

        def handler(request: Any, **kwargs: Any) -> None:
            attempts.append(1)
            raise ConnectTimeoutError(endpoint_url=request.url)

        self.session.events.register_first(f"before-send.{service}.{operation}", handler)
        return attempts

    def respond(self, service: str, operation: str, parsed: Mapping[str, Any]) -> None:
        """Answer ``operation`` with ``parsed`` without calling AWS (for APIs moto lacks)."""
        from botocore.awsrequest import AWSResponse

        def handler(**kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
            return AWSResponse("https://stub", 200, {}, None), dict(parsed)

        self.session.events.register(f"before-call.{service}.{operation}", handler)

    def patch_response(
        self, service: str, operation: str, update: Callable[[dict[str, Any]], None]
    ) -> None:
        """Edit a real (moto) response before the collector sees it."""

        def handler(parsed: dict[str, Any], **kwargs: Any) -> None:
            update(parsed)

        self.session.events.register(f"after-call.{service}.{operation}", handler)


@pytest.fixture
def aws_hooks(aws_session: boto3.Session) -> AwsHooks:
    return AwsHooks(aws_session)


@pytest.fixture
def collect_at(aws_session: boto3.Session) -> Callable[..., Collected]:
    """Like ``collect`` but evaluated at ``now``, to age real moto resources without waiting."""

    def run(
        service_name: str,
        region: str = REGION,
        *,
        now: dt.datetime | None = None,
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Collected:
        results = collect_unit(
            aws_session,
            service_name,
            region,
            account_id=ACCOUNT_ID,
            parameters=parameters,
            now=now,
        )
        indexed: Collected = {}
        for result in results:
            by_resource = indexed.setdefault(result.check_id, {})
            assert result.resource_id not in by_resource, f"duplicate {result}"
            by_resource[result.resource_id] = result
        return indexed

    return run
