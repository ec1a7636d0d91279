"""The API test fixtures (users, keys, the secret scan), shared with the hardening tests."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from grc.access.roles import Role
from tests.api.conftest import (  # noqa: F401
    api_settings_for_tests,
    auditor_client,
    aws_account,
    make_key,
    manager_client,
    secret_scan,
    users,
)
from tests.evidence.conftest import account, aws  # noqa: F401


@pytest.fixture
def session_manager(users) -> Client:  # noqa: F811
    client = Client()
    client.force_login(users["manager"])
    return client


@pytest.fixture
def role_groups(db) -> None:
    """The role groups a migration creates; a transactional test's flush removes them."""
    for role in (Role.ADMIN, Role.MANAGER, Role.AUDITOR):
        Group.objects.get_or_create(name=role.value)
