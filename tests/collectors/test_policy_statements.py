"""The IAM policy grammar the least-privilege checks rely on (documents as AWS writes them)."""

from __future__ import annotations

from typing import Any

import pytest

from collectors.aws.policy_statements import covers_action, covers_all_resources, document


@pytest.mark.parametrize(
    ("statement", "action", "covered"),
    [
        ({"Action": "iam:PassRole"}, "iam:PassRole", True),
        ({"Action": "IAM:pass*"}, "iam:PassRole", True),  # actions are case-insensitive
        ({"Action": ["s3:Get*", "iam:*"]}, "iam:PassRole", True),
        ({"Action": "iam:Get*"}, "iam:PassRole", False),
        ({"NotAction": "iam:*"}, "iam:PassRole", False),
        ({"NotAction": ["s3:*"]}, "iam:PassRole", True),  # Allow+NotAction grants the rest
    ],
)
def test_covers_action(statement: dict[str, Any], action: str, covered: bool) -> None:
    assert covers_action(statement, action) is covered


@pytest.mark.parametrize(
    ("statement", "everything"),
    [
        ({"Resource": "*"}, True),
        ({"Resource": ["arn:aws:s3:::b/*", "*"]}, True),
        ({"NotResource": "arn:aws:iam::*:role/admin"}, True),
        ({"Resource": "arn:aws:iam::*:role/app-*"}, False),
    ],
)
def test_covers_all_resources(statement: dict[str, Any], everything: bool) -> None:
    assert covers_all_resources(statement) is everything


def test_url_encoded_documents_are_decoded() -> None:
    encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"
    assert document(encoded) == {"Statement": [{"Effect": "Allow"}]}
