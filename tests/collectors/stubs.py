"""botocore Stubber plumbing for APIs moto lacks: recorded responses, checked against the model.

``StubbedClients`` is a ClientFactory (what the runner hands every reader) whose clients for the
named services are botocore Stubbers; every other service goes to moto as usual. A Stubber fails
the test when the collector calls an operation that was not queued, calls it with other
parameters, or when a queued response does not match the service's published shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3
from botocore.stub import Stubber

from collectors.runner import collect_unit
from collectors.session import ClientFactory
from collectors.types import CheckResult

from .conftest import ACCOUNT_ID, REGION


class StubbedClients(ClientFactory):
    def __init__(self, session: boto3.Session, services: Iterable[str]) -> None:
        super().__init__(session)
        self._clients: dict[str, Any] = {}
        self.stubbers: dict[str, Stubber] = {}
        for name in services:
            client = super().client(name, region_name=REGION)
            self._clients[name] = client
            self.stubbers[name] = Stubber(client)

    def client(self, service_name: str, region_name: str | None = None) -> Any:
        if service_name in self._clients:
            return self._clients[service_name]
        return super().client(service_name, region_name=region_name)

    def __getitem__(self, service_name: str) -> Stubber:
        return self.stubbers[service_name]

    def collect(
        self,
        service_name: str,
        region: str = REGION,
        parameters: dict[str, dict[str, Any]] | None = None,
    ) -> dict[str, dict[str, CheckResult]]:
        for stubber in self.stubbers.values():
            stubber.activate()
        try:
            results = collect_unit(
                self, service_name, region, account_id=ACCOUNT_ID, parameters=parameters
            )
        finally:
            for stubber in self.stubbers.values():
                stubber.deactivate()
        indexed: dict[str, dict[str, CheckResult]] = {}
        for result in results:
            indexed.setdefault(result.check_id, {})[result.resource_id] = result
        return indexed

    def assert_all_answered(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()
