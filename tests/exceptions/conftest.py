"""The moto account fixtures of the evidence tests, shared here."""

from tests.evidence.conftest import account, aws  # noqa: F401
