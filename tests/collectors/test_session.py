"""Assumed-role sessions, caller identity, enabled regions and the client configuration."""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
import pytest

from collectors.session import (
    ClientFactory,
    InvalidRoleArn,
    assume_role_session,
    caller_identity,
    enabled_regions,
    validate_role_arn,
)
from tests.collectors.conftest import ACCOUNT_ID

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "tenant-42"}},
        }
    ],
}


def record_assume_role(session: boto3.Session) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    session.events.register(
        "before-parameter-build.sts.AssumeRole",
        lambda params, **kwargs: calls.append(dict(params)),
    )
    return calls


def test_assume_role_with_external_id(aws_session) -> None:
    role = aws_session.client("iam").create_role(
        RoleName="grc-reader", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    calls = record_assume_role(aws_session)
    assumed = assume_role_session(role["Arn"], "tenant-42", base_session=aws_session)
    assert calls == [
        {
            "RoleArn": role["Arn"],
            "RoleSessionName": "grc-evidence-collector",
            "ExternalId": "tenant-42",
            "DurationSeconds": 3600,
        }
    ]
    identity = caller_identity(assumed)
    assert identity["Account"] == ACCOUNT_ID
    assert identity["Arn"] == (
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/grc-reader/grc-evidence-collector"
    )
    credentials = assumed.get_credentials()
    assert credentials.method == "grc-assume-role"
    assert credentials.get_frozen_credentials().token  # temporary credentials, not keys


def test_assumed_credentials_refresh_through_sts(aws_session) -> None:
    role = aws_session.client("iam").create_role(
        RoleName="grc-reader", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    calls = record_assume_role(aws_session)
    # 15 minutes is inside botocore's refresh window, so the next use re-assumes the role
    assumed = assume_role_session(role["Arn"], "tenant-42", base_session=aws_session, duration=900)
    assumed.get_credentials().get_frozen_credentials()
    assert len(calls) == 2
    assert {call["ExternalId"] for call in calls} == {"tenant-42"}


@pytest.mark.parametrize(
    "role_arn",
    [
        "",
        "grc-reader",
        "arn:aws:iam::12345:role/grc-reader",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::123456789012:role/grc reader",
    ],
)
def test_malformed_role_arn_is_rejected_before_sts(aws_session, role_arn: str) -> None:
    calls = record_assume_role(aws_session)
    with pytest.raises(InvalidRoleArn, match="invalid IAM role ARN"):
        assume_role_session(role_arn, "tenant-42", base_session=aws_session)
    assert calls == []
    assert issubclass(InvalidRoleArn, ValueError)


@pytest.mark.parametrize(
    "role_arn",
    [
        "arn:aws:iam::123456789012:role/grc-reader",
        "arn:aws:iam::123456789012:role/service-role/path/Grc.Reader@1",
        "arn:aws-us-gov:iam::123456789012:role/grc-reader",
    ],
)
def test_valid_role_arns(role_arn: str) -> None:
    assert validate_role_arn(role_arn) == role_arn


def test_enabled_regions_excludes_regions_not_opted_in(aws_session) -> None:
    regions = enabled_regions(aws_session)
    assert {"us-east-1", "eu-west-1"} <= set(regions)
    opt_in = {
        r["RegionName"]
        for r in aws_session.client("ec2").describe_regions(AllRegions=True)["Regions"]
        if r["OptInStatus"] == "not-opted-in"
    }
    assert opt_in
    assert not opt_in & set(regions)


def test_clients_retry_adaptively_with_timeouts(aws_session) -> None:
    config = ClientFactory(aws_session).client("s3").meta.config
    # max_attempts=8 retries; botocore stores it as total attempts, the first call included
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 9}
    assert (config.connect_timeout, config.read_timeout) == (5, 30)


def test_s3_control_reaches_a_local_endpoint_without_the_account_host_prefix(
    monkeypatch, aws_credentials
):
    """A moto server on 127.0.0.1 cannot resolve 123456789012.127.0.0.1 (botocore's host)."""
    from moto.server import ThreadedMotoServer

    from collectors.session import ClientFactory

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        s3control = ClientFactory(boto3.Session(region_name="us-east-1")).client("s3control")
        s3control.put_public_access_block(
            AccountId="123456789012",
            PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": False},
        )
        config = s3control.get_public_access_block(AccountId="123456789012")
    finally:
        server.stop()

    assert config["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    assert config["PublicAccessBlockConfiguration"]["IgnorePublicAcls"] is False


def test_sessions_of_many_accounts_share_one_model_loader(aws_session) -> None:
    """A worker collects hundreds of accounts: their sessions parse botocore's models once."""
    sessions = [
        assume_role_session(f"arn:aws:iam::{200000000000 + n}:role/grc-reader", "tenant-42")
        for n in range(3)
    ]
    loaders = {id(session._session.get_component("data_loader")) for session in sessions}
    assert len(loaders) == 1
    (loader,) = {session._session.get_component("data_loader") for session in sessions}
    assert len(loader.search_paths) == len(set(loader.search_paths))  # no growth per session
    identities = {caller_identity(session)["Account"] for session in sessions}
    assert identities == {f"{200000000000 + n}" for n in range(3)}  # each its own credentials
