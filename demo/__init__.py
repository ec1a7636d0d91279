"""A simulated AWS account for demos: seeds a moto server through the ordinary boto3 APIs.

``seed_demo_account`` builds the account of "Acme Analytics", a small SaaS company, with a
deliberate mix of compliant and non-compliant resources across two regions, so that every
family of checks in ``collectors/aws`` has something to PASS and something to FAIL where moto
can model it. ``mutate_demo_account`` then makes a small configuration change, so a second
collection run shows history.

Plain boto3, no Django: the caller points boto3 at the moto server with ``AWS_ENDPOINT_URL``
(or runs inside ``moto.mock_aws``). Never point this at a real account.
"""

from demo.base import (
    COMPANY,
    DEFAULT_REGIONS,
    DEMO_AMI,
    MOTO_LIMITATIONS,
    SEED_MARKER,
    XSS_SG_DESCRIPTION,
    XSS_TAG_VALUE,
)
from demo.identity import DEMO_PASSWORDS
from demo.monitoring import CIS_ALARMS
from demo.seed import mutate_demo_account, seed_demo_account

__all__ = [
    "CIS_ALARMS",
    "COMPANY",
    "DEFAULT_REGIONS",
    "DEMO_AMI",
    "DEMO_PASSWORDS",
    "MOTO_LIMITATIONS",
    "SEED_MARKER",
    "XSS_SG_DESCRIPTION",
    "XSS_TAG_VALUE",
    "mutate_demo_account",
    "seed_demo_account",
]
