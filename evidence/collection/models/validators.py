"""What an AWS account registration may hold: one set of rules for the UI, the API and admin.

Account ids are 12 ASCII digits (``\\d`` would accept Arabic-Indic and other Unicode digits).
Role ARNs follow IAM's grammar in the partitions this product supports; regions come from
botocore's endpoint data for the role's partition, so a typo is refused when the account is
registered rather than failing every run.
"""

from __future__ import annotations

import functools
import re

import botocore.session
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
ACCOUNT_ID = re.compile(r"[0-9]{12}", re.ASCII)
# arn:<partition>:iam::<account>:role<path><name>. IAM: the path is "/" or "/seg/.../" (printable
# ASCII, at most 512 characters; empty segments refused), the name 1-64 of [A-Za-z0-9+=,.@_-].
ROLE_ARN_PATTERN = (
    r"arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/(?:[\x21-\x2e\x30-\x7e]+/)*"
    r"[A-Za-z0-9+=,.@_-]{1,64}"
)
ROLE_ARN = re.compile(
    r"arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):role"
    r"(?P<path>/(?:[\x21-\x2e\x30-\x7e]+/)*)(?P<name>[A-Za-z0-9+=,.@_-]{1,64})",
    re.ASCII,
)
MAX_ROLE_PATH = 512
# AWS's rule for sts:ExternalId.
EXTERNAL_ID = re.compile(r"[A-Za-z0-9_+=,.@:/-]{2,1224}", re.ASCII)
EXTERNAL_ID_MIN, EXTERNAL_ID_MAX = 2, 1224
MAX_REGIONS = 64
ROLE_ARN_HELP = "Expected an IAM role ARN such as arn:aws:iam::123456789012:role/GrcEvidenceReader."


@deconstructible
class FullMatchValidator(RegexValidator):
    """A RegexValidator (so the OpenAPI schema shows its pattern) that matches the whole value:
    ``$`` alone would let a trailing newline through."""

    def __call__(self, value: object) -> None:
        if not isinstance(value, str) or not self.regex.fullmatch(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})


@deconstructible
class RoleArnValidator(FullMatchValidator):
    def __call__(self, value: object) -> None:
        partition = value.split(":")[1] if isinstance(value, str) and value.count(":") > 1 else ""
        if value.startswith("arn:") and partition not in PARTITIONS:  # type: ignore[union-attr]
            raise ValidationError(
                f"Partition {partition!r} is not supported: use one of {', '.join(PARTITIONS)}.",
                code="invalid",
            )
        super().__call__(value)
        path = ROLE_ARN.fullmatch(value)["path"]  # type: ignore[arg-type,index]
        if len(path) > MAX_ROLE_PATH:
            raise ValidationError(f"The role path is over {MAX_ROLE_PATH} characters.")


account_id_validator = FullMatchValidator(
    f"^{ACCOUNT_ID.pattern}$", "An AWS account id is exactly 12 digits (0-9)."
)
role_arn_validator = RoleArnValidator(
    f"^{ROLE_ARN_PATTERN}$",
    f"{ROLE_ARN_HELP} The role name is 1-64 of letters, digits and +=,.@_- and a path, if any, "
    "is /segment/.../ without empty segments.",
)
external_id_validator = FullMatchValidator(
    f"^{EXTERNAL_ID.pattern}$",
    f"An external id is {EXTERNAL_ID_MIN} to {EXTERNAL_ID_MAX} characters: letters, digits and "
    "+ = , . @ : / - _ (AWS's rule).",
)


def role_arn_partition(role_arn: str) -> str | None:
    match = ROLE_ARN.fullmatch(role_arn or "")
    return match["partition"] if match else None


@functools.lru_cache(maxsize=8)
def partition_regions(partition: str) -> frozenset[str]:
    """Regions botocore knows for the partition (its bundled endpoint data, no network)."""
    session = botocore.session.get_session()
    return frozenset(session.get_available_regions("ec2", partition_name=partition))


def regions_normalize(value: object) -> list[str]:
    """Each region once, in the order given; surrounding spaces ignored."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Regions must be a list of region names.")
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))


def validate_regions(value: object) -> None:
    """Shape only: a list of distinct names in any supported partition (the account's own
    partition is checked with its role ARN, in ``validate_regions_in_partition``)."""
    regions = regions_normalize(value)
    if len(regions) != len(value):  # type: ignore[arg-type]
        raise ValidationError("Each region once, please: remove the duplicates.")
    if len(regions) > MAX_REGIONS:
        raise ValidationError(f"At most {MAX_REGIONS} regions.")
    known = frozenset().union(*(partition_regions(partition) for partition in PARTITIONS))
    unknown = [region for region in regions if region not in known]
    if unknown:
        raise ValidationError(f"Not AWS region names: {', '.join(sorted(unknown))}.")


def validate_regions_in_partition(regions: list[str], role_arn: str) -> None:
    partition = role_arn_partition(role_arn)
    if partition is None:
        return  # the role ARN's own error says what is wrong
    outside = [region for region in regions if region not in partition_regions(partition)]
    if outside:
        raise ValidationError(
            f"Not regions of the {partition} partition (the role's): {', '.join(outside)}."
        )
