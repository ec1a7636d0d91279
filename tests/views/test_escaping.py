"""Strings from AWS render as text: hostile names and tags in the moto demo account."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from demo import XSS_SG_DESCRIPTION, XSS_TAG_VALUE
from evidence.collection.models import CheckResult, EvidenceDocument
from tests.factories import CheckResultFactory, CollectionRunFactory, EvidenceDocumentFactory

pytestmark = pytest.mark.django_db


def documents_containing(text: str) -> list[EvidenceDocument]:
    return [
        document
        for document in EvidenceDocument.objects.all()
        if text in json.dumps(document.content, ensure_ascii=False)
    ]


def test_hostile_strings_from_the_moto_account_are_escaped_everywhere(demo, auditor_client):
    assert demo.run.status in ("succeeded", "finished_with_errors")
    sg_documents = documents_containing(XSS_SG_DESCRIPTION)
    assert sg_documents, "the demo evidence carries the hostile security group description"
    # The collectors keep no tags in evidence today, so the demo's hostile tag value never
    # reaches the database; test_hostile_tags_and_names_in_results_are_escaped covers it.
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
        *(reverse("evidence-detail", args=[d.sha256]) for d in sg_documents),
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


def test_hostile_tags_and_names_in_results_are_escaped(dashboard, history, auditor_client):
    history(1)
    account = dashboard.accounts[0]
    account.name = XSS_TAG_VALUE
    account.save()
    result = CheckResultFactory(
        run=CollectionRunFactory(account=account),
        resource__arn=f"arn:aws:ec2:us-east-1:111111111111:volume/{XSS_TAG_VALUE}",
        reason=f"Volume {XSS_SG_DESCRIPTION} is not encrypted",
        evidence=EvidenceDocumentFactory(
            content={
                "configuration": {"Tags": [{"Key": "owner", "Value": XSS_TAG_VALUE}]},
                "sources": [{"service": "ec2", "operation": XSS_SG_DESCRIPTION, "params": {}}],
            }
        ),
    )

    for url in (
        reverse("overview"),
        reverse("control-list"),
        reverse("control-detail", args=["NET-01"]),
        reverse("account-list"),
        reverse("account-detail", args=[account.account_id]),
        reverse("evidence-detail", args=[result.evidence.sha256]),
    ):
        body = auditor_client.get(url).content.decode()
        assert XSS_TAG_VALUE not in body, url
        assert XSS_SG_DESCRIPTION not in body, url
        assert escape(XSS_TAG_VALUE) in body, url
