"""Guidance for data stores and data in transit: RDS, EFS, AWS Backup, KMS, CloudFront, ELB."""

from __future__ import annotations

from collectors.guidance.base import Guidance


def _backup_selection_cli(resource_arn: str) -> str:
    return (
        "aws backup create-backup-selection --backup-plan-id <backup-plan-id> "
        '--backup-selection \'{"SelectionName": "<selection-name>", '
        f'"IamRoleArn": "<backup-role-arn>", "Resources": ["{resource_arn}"]}}\''
    )


BACKUP_CONSOLE = (
    "AWS Backup > Backup plans > <plan> > Assign resources: select by resource ID or by a backup "
    "tag the resource carries > Assign resources; check Settings > Service opt-in includes the "
    "resource type."
)

GUIDANCE: dict[str, Guidance] = {
    "rds_instance_encrypted": Guidance(
        rationale=(
            "Unencrypted database storage leaves the data, its logs, replicas and snapshots "
            "readable to anyone who obtains the underlying storage or a shared snapshot."
        ),
        console=(
            "RDS cannot encrypt in place: Databases > <instance> > Actions > Take snapshot; "
            "Snapshots > <snapshot> > Actions > Copy snapshot with encryption on > Restore "
            "snapshot to a new instance, then switch clients over."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot-id> "
            "--target-db-snapshot-identifier <snapshot-id>-encrypted --kms-key-id <kms-key-arn>"
        ),
    ),
    "rds_instance_not_public": Guidance(
        rationale=(
            "A publicly accessible database gets an internet-resolvable address, leaving only "
            "security groups and passwords between it and the internet."
        ),
        console=(
            "RDS > Databases > <instance> > Modify > Connectivity > Additional configuration > "
            "Not publicly accessible > Continue > Apply immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--no-publicly-accessible --apply-immediately"
        ),
    ),
    "rds_instance_multi_az": Guidance(
        rationale=(
            "A standby in a second Availability Zone lets the database fail over in minutes "
            "instead of waiting for a restore, supporting availability commitments."
        ),
        console=(
            "RDS > Databases > <instance> > Modify > Availability & durability > Create a "
            "standby instance > Continue > apply in the maintenance window or immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--multi-az --apply-immediately"
        ),
    ),
    "rds_backup_retention": Guidance(
        rationale=(
            "Automated backups with enough retention allow point-in-time recovery after "
            "corruption is noticed days later; too short a window makes recovery impossible."
        ),
        console=(
            "RDS > Databases > <instance> > Modify > Backup > Backup retention period: at least "
            "the required days > Continue > Apply immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--backup-retention-period 7 --apply-immediately"
        ),
    ),
    "rds_auto_minor_upgrade": Guidance(
        rationale=(
            "Minor engine versions carry security fixes; applying them automatically in the "
            "maintenance window keeps databases patched without a manual process."
        ),
        console=(
            "RDS > Databases > <instance> > Modify > Maintenance > Enable auto minor version "
            "upgrade > Continue > Apply immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--auto-minor-version-upgrade --apply-immediately"
        ),
    ),
    "rds_snapshot_not_public": Guidance(
        rationale=(
            "A public DB snapshot can be restored by any AWS account, handing over a full copy "
            "of the database."
        ),
        console=(
            "RDS > Snapshots > <snapshot> > Actions > Share snapshot > DB snapshot visibility: "
            "Private > Save."
        ),
        cli=(
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot-id> "
            "--attribute-name restore --values-to-remove all"
        ),
    ),
    "rds_snapshot_encrypted": Guidance(
        rationale=(
            "Manual snapshots are kept long after the instance changes; an unencrypted one is "
            "an unprotected copy of the data that can also be shared by mistake."
        ),
        console=(
            "RDS > Snapshots > <snapshot> > Actions > Copy snapshot > Enable encryption with a "
            "KMS key > Copy; test a restore, then delete the unencrypted snapshot."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot-id> "
            "--target-db-snapshot-identifier <snapshot-id>-encrypted --kms-key-id <kms-key-arn>"
        ),
    ),
    "rds_instance_deletion_protection": Guidance(
        rationale=(
            "Deletion protection stops one mistaken console click or script from dropping a "
            "production database."
        ),
        console=(
            "RDS > Databases > <instance or cluster> > Modify > Deletion protection: Enable > "
            "Continue > Apply immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--deletion-protection --apply-immediately"
        ),
    ),
    "rds_instance_tls_required": Guidance(
        rationale=(
            "Unless the engine refuses plaintext sessions, clients can connect without TLS and "
            "send credentials and query results unencrypted."
        ),
        console=(
            "RDS > Parameter groups > <custom group> > Edit: rds.force_ssl = 1 (PostgreSQL, SQL "
            "Server) or require_secure_transport = 1 (MySQL, MariaDB) > Save; attach it to the "
            "instance or cluster and reboot if pending."
        ),
        cli=(
            "aws rds modify-db-parameter-group --db-parameter-group-name <parameter-group> "
            "--parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=pending-reboot"
        ),
    ),
    "efs_encrypted": Guidance(
        rationale=(
            "File systems often hold shared application data; encryption at rest protects it "
            "if the storage is ever exposed outside the account's controls."
        ),
        console=(
            "EFS cannot be encrypted in place: Create file system > Customize > Enable "
            "encryption of data at rest > Create; copy the data over (DataSync or a backup "
            "restore) and repoint the mounts."
        ),
        cli=(
            "aws efs create-file-system --creation-token <token> --encrypted "
            "--kms-key-id <kms-key-arn> --tags Key=Name,Value=<name>"
        ),
    ),
    "backup_ebs_volume_covered": Guidance(
        rationale=(
            "A volume no backup plan or lifecycle policy covers cannot be restored after loss "
            "or corruption (SOC 2 A1.2)."
        ),
        console=BACKUP_CONSOLE + " Data Lifecycle Manager snapshot policies also count.",
        cli=_backup_selection_cli("arn:aws:ec2:<region>:<account-id>:volume/<volume-id>"),
    ),
    "backup_rds_instance_covered": Guidance(
        rationale=(
            "Automated RDS backups expire with the retention window; an AWS Backup plan keeps "
            "governed, longer-lived recovery points a restore test can rely on."
        ),
        console=BACKUP_CONSOLE,
        cli=_backup_selection_cli("arn:aws:rds:<region>:<account-id>:db:<db-instance-id>"),
    ),
    "backup_efs_covered": Guidance(
        rationale=(
            "Without a backup plan, deleted or overwritten files on a shared file system are "
            "gone for good."
        ),
        console=BACKUP_CONSOLE,
        cli=_backup_selection_cli(
            "arn:aws:elasticfilesystem:<region>:<account-id>:file-system/<file-system-id>"
        ),
    ),
    "kms_key_rotation": Guidance(
        rationale=(
            "Automatic rotation limits how much data is protected by any one key version and "
            "shows key management follows a defined lifecycle."
        ),
        console=(
            "KMS > Customer managed keys > <key> > Key rotation > Edit > Automatically rotate "
            "this KMS key, choose the period > Save."
        ),
        cli="aws kms enable-key-rotation --key-id <key-id> --rotation-period-in-days 365",
    ),
    "cloudfront_viewer_https": Guidance(
        rationale=(
            "A behaviour that serves plain HTTP lets anyone on the network path read or alter "
            "what viewers receive, including session cookies."
        ),
        console=(
            "CloudFront > Distributions > <distribution> > Behaviors: edit each behaviour > "
            "Viewer protocol policy: Redirect HTTP to HTTPS > Save changes."
        ),
        cli=(
            "aws cloudfront update-distribution --id <distribution-id> --if-match <etag> "
            "--distribution-config file://distribution-config-https.json"
        ),
    ),
    "elbv2_listener_tls": Guidance(
        rationale=(
            "A plain HTTP listener that serves content sends traffic unencrypted between "
            "clients and the load balancer; it should only redirect to HTTPS."
        ),
        console=(
            "EC2 > Load Balancers > <lb> > Listeners: add an HTTPS (or TLS) listener with an ACM "
            "certificate, then edit the HTTP listener's default action to Redirect to HTTPS 443."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn <listener-arn> --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
    ),
    "elbv2_access_logging": Guidance(
        rationale=(
            "Load balancer access logs record every client request, needed to investigate "
            "attacks on the application tier."
        ),
        console=(
            "EC2 > Load Balancers > <lb> > Attributes > Edit > Monitoring: Access logs on, "
            "choose the log bucket (its policy must allow ELB log delivery) > Save changes."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <load-balancer-arn> "
            "--attributes Key=access_logs.s3.enabled,Value=true "
            "Key=access_logs.s3.bucket,Value=<log-bucket>"
        ),
    ),
}
