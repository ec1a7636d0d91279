"""The API test fixtures (users, keys, the secret scan), shared with the hardening tests."""

from tests.api.conftest import (  # noqa: F401
    api_settings_for_tests,
    auditor_client,
    aws_account,
    make_key,
    manager_client,
    secret_scan,
    users,
)
