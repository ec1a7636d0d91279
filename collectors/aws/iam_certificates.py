"""IAM check on stored server certificates: none has expired."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.aws.iam import (
    SERVER_CERTIFICATES,
    IamSnapshot,
)
from collectors.readers import ReadError, make_result, parse_time, read_error_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


@check(
    "iam_server_certificates_not_expired",
    title="No expired IAM server certificates are stored",
    service="iam",
    resource_type="AWS::IAM::ServerCertificate",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.17", "soc2-2017:CC6.7"),
)
def server_certificates(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_server_certificates_not_expired"
    certificates = snapshot.server_certificates
    if isinstance(certificates, ReadError):
        yield read_error_result(check_id, ctx, ctx.account_id, certificates)
        return
    if not certificates:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "the account has no IAM server certificates",
            sources=(SERVER_CERTIFICATES,),
        )
    for certificate in certificates:
        expiration = parse_time(certificate["Expiration"])
        expired = expiration is not None and expiration < ctx.now
        yield make_result(
            check_id,
            ctx,
            certificate["Arn"],
            Status.FAIL if expired else Status.PASS,
            f"{certificate['ServerCertificateName']} "
            + ("expired" if expired else "expires")
            + f" on {expiration:%Y-%m-%d}",
            evidence={"ServerCertificateMetadata": certificate},
            sources=(SERVER_CERTIFICATES,),
        )
