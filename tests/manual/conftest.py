"""Manual evidence fixtures: users per role, a customer and an inherited control, files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from evidence.manual.models import EvidenceRequest, Frequency
from grc.access.roles import Role
from grc.catalog.models import Control, Responsibility
from tests.factories import ControlFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSV = b"user,access,reviewed_by,decision\nalice,admin,bob,keep\n"


def user_with_role(username: str, role: Role):
    user = UserFactory(username=username)
    if role is Role.ADMIN:
        user.is_superuser = True
        user.save()
    elif role is not Role.NONE:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def users(db) -> dict:
    return {
        "manager": user_with_role("manager", Role.MANAGER),
        "reviewer": user_with_role("reviewer", Role.MANAGER),
        "auditor": user_with_role("auditor", Role.AUDITOR),
        "owner": user_with_role("owner", Role.NONE),
        "other": user_with_role("other", Role.NONE),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def control(db) -> Control:
    return ControlFactory(ref="ACC-04", responsibility=Responsibility.CUSTOMER)


@pytest.fixture
def inherited_control(db) -> Control:
    return ControlFactory(ref="PHY-01", responsibility=Responsibility.INHERITED)


@pytest.fixture
def evidence_request(control, users) -> EvidenceRequest:
    return EvidenceRequest.objects.create(
        control=control,
        title="Quarterly access review",
        frequency=Frequency.QUARTERLY,
        owner=users["owner"],
        first_due_date=dt.date(2026, 3, 31),
    )


def upload(name: str = "policy.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def make_upload() -> Callable[..., SimpleUploadedFile]:
    return upload


from tests.evidence.conftest import account, aws  # noqa: E402, F401 - moto fixtures for rollup tests
