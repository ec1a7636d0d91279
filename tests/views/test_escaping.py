"""Strings from AWS render as text: hostile names and tags in the moto demo account."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from evidence.demo import XSS_SG_DESCRIPTION, XSS_TAG_VALUE
from evidence.models import CheckResult, EvidenceDocument

pytestmark = pytest.mark.django_db


def documents_containing(text: str) -> list[EvidenceDocument]:
    return [
        document
        for document in EvidenceDocument.objects.all()
        if text in json.dumps(document.content, ensure_ascii=False)
    ]


def test_hostile_strings_from_the_moto_account_are_escaped_everywhere(demo, auditor_client):
    assert demo.run.status in ("succeeded", "partial")
    sg_documents = documents_containing(XSS_SG_DESCRIPTION)
    tag_documents = documents_containing(XSS_TAG_VALUE)
    assert sg_documents and tag_documents, "the demo evidence carries the hostile strings"
    bastion = CheckResult.objects.get(
        check_id="ec2_sg_no_admin_ingress_ipv4",
        status="FAIL",
        evidence__in=sg_documents,
        run=demo.run,
    )

    urls = [
        reverse("overview"),
        reverse("framework-detail", args=["soc2-2017"]),
        reverse("control-list"),
        reverse("control-detail", args=["NET-01"]),
        reverse("control-detail", args=["DP-04"]),
        reverse("account-detail", args=[demo.account.account_id]),
        *(reverse("evidence-detail", args=[d.sha256]) for d in sg_documents + tag_documents),
    ]
    bodies = {}
    for url in urls:
        response = auditor_client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
        assert XSS_SG_DESCRIPTION not in bodies[url], url
        assert XSS_TAG_VALUE not in bodies[url], url
        assert "ext-secret-7f3a" not in bodies[url], url

    network = bodies[reverse("control-detail", args=["NET-01"])]
    assert bastion.resource.arn in network
    assert reverse("evidence-detail", args=[bastion.evidence.sha256]) in network
    sg_page = bodies[reverse("evidence-detail", args=[bastion.evidence.sha256])]
    assert escape(XSS_SG_DESCRIPTION) in sg_page
    tag_page = bodies[reverse("evidence-detail", args=[tag_documents[0].sha256])]
    assert escape(XSS_TAG_VALUE) in tag_page
