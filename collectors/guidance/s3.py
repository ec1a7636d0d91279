"""Guidance for the S3 checks: public access, encryption in transit and at rest, versioning."""

from __future__ import annotations

from collectors.guidance.base import Guidance

BLOCK_ALL = (
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
)

GUIDANCE: dict[str, Guidance] = {
    "s3_account_public_access_block": Guidance(
        rationale=(
            "The account-wide switch stops any bucket, present or future, from being opened to "
            "the internet by one mistaken ACL or policy; it is the cheapest data-exposure control."
        ),
        console=(
            "S3 > Block Public Access settings for this account > Edit > tick Block all public "
            "access > Save changes (website buckets belong behind CloudFront instead)."
        ),
        cli=(
            "aws s3control put-public-access-block --account-id <account-id> "
            f"--public-access-block-configuration {BLOCK_ALL}"
        ),
    ),
    "s3_bucket_public_access_block": Guidance(
        rationale=(
            "Block Public Access on the bucket (or the account) keeps a later ACL or policy "
            "change from exposing its objects."
        ),
        console=(
            "S3 > Buckets > <bucket> > Permissions > Block public access (bucket settings) > "
            "Edit > Block all public access > Save changes."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket-name> "
            f"--public-access-block-configuration {BLOCK_ALL}"
        ),
    ),
    "s3_bucket_not_public": Guidance(
        rationale=(
            "A bucket readable or writable by everyone is the most common way cloud data leaks; "
            "auditors treat an unexplained public bucket as a failed access control."
        ),
        console=(
            'S3 > Buckets > <bucket> > Permissions: remove Principal "*" statements from the '
            "bucket policy and Everyone / Authenticated users grants from the ACL, and turn on "
            "Block public access, which neutralises both. If it must stay public (a website), "
            "serve it through CloudFront or record an exception."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket-name> "
            f"--public-access-block-configuration {BLOCK_ALL}"
        ),
    ),
    "s3_bucket_tls_only": Guidance(
        rationale=(
            "Without a deny on plain HTTP, clients can read and write objects unencrypted in "
            "transit; the bucket policy is where encryption in transit is enforced."
        ),
        console=(
            "S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit: add a Deny for "
            'Principal "*", Action s3:*, the bucket and its objects, when aws:SecureTransport '
            "is false > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-policy --bucket <bucket-name> "
            "--policy file://policy-with-deny-insecure-transport.json"
        ),
    ),
    "s3_bucket_default_encryption": Guidance(
        rationale=(
            "Default encryption guarantees that every new object is encrypted at rest even when "
            "the uploader does not ask for it."
        ),
        console=(
            "S3 > Buckets > <bucket> > Properties > Default encryption > Edit > SSE-KMS (or "
            "SSE-S3), Bucket Key enabled > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-encryption --bucket <bucket-name> "
            '--server-side-encryption-configuration \'{"Rules": [{'
            '"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", '
            '"KMSMasterKeyID": "<kms-key-arn>"}, "BucketKeyEnabled": true}]}\''
        ),
    ),
    "s3_bucket_versioning": Guidance(
        rationale=(
            "Versioning keeps prior copies of overwritten or deleted objects, so data can be "
            "recovered after an error or a ransomware-style overwrite."
        ),
        console=(
            "S3 > Buckets > <bucket> > Properties > Bucket Versioning > Edit > Enable > Save "
            "changes; add a lifecycle rule to expire old versions."
        ),
        cli=(
            "aws s3api put-bucket-versioning --bucket <bucket-name> "
            "--versioning-configuration Status=Enabled"
        ),
    ),
    "s3_bucket_mfa_delete": Guidance(
        rationale=(
            "MFA delete means stolen credentials alone cannot permanently remove object versions "
            "or suspend versioning on critical buckets."
        ),
        console=(
            "Not available in the console: as the root user with its MFA device, run the CLI "
            "command; confirm under S3 > <bucket> > Properties > Bucket Versioning."
        ),
        cli=(
            "aws s3api put-bucket-versioning --bucket <bucket-name> "
            "--versioning-configuration Status=Enabled,MFADelete=Enabled "
            "--mfa 'arn:aws:iam::<account-id>:mfa/<root-mfa-device> <mfa-code>'"
        ),
    ),
    "s3_bucket_access_logging": Guidance(
        rationale=(
            "Server access logs record who requested which object, the evidence needed to scope "
            "an incident or prove data was not accessed."
        ),
        console=(
            "S3 > Buckets > <bucket> > Properties > Server access logging > Edit > Enable, "
            "choose a separate log bucket and prefix > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket <bucket-name> --bucket-logging-status "
            '\'{"LoggingEnabled": {"TargetBucket": "<log-bucket>", '
            '"TargetPrefix": "<bucket-name>/"}}\''
        ),
    ),
    "s3_bucket_policy_object_writers": Guidance(
        rationale=(
            "A bucket policy that lets unapproved principals put or delete objects undermines "
            "the integrity of what the bucket holds, whatever their IAM policies say."
        ),
        console=(
            "S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit: drop s3:PutObject / "
            "s3:DeleteObject for principals that do not need them, or add the approved ARN "
            "pattern to the s3_object_writers parameter > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-policy --bucket <bucket-name> "
            "--policy file://bucket-policy-approved-writers.json"
        ),
    ),
}
