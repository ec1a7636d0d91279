"""EFS checks against moto file systems created through boto3."""

from __future__ import annotations

from typing import Any

import boto3

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION


def test_efs_encrypted(collect: Any, aws_session: boto3.Session) -> None:
    efs = aws_session.client("efs")
    sealed = efs.create_file_system(CreationToken="sealed", Encrypted=True)["FileSystemId"]
    plain = efs.create_file_system(CreationToken="plain", Encrypted=False)["FileSystemId"]

    results = collect("efs")["efs_encrypted"]

    fs_arn = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT_ID}:file-system/"
    assert results[fs_arn + sealed].status is Status.PASS
    assert results[fs_arn + sealed].evidence["Encrypted"] is True
    assert results[fs_arn + plain].status is Status.FAIL
    assert results[fs_arn + plain].reason == "not encrypted at rest"
    assert results[fs_arn + plain].sources[0].operation == "DescribeFileSystems"
