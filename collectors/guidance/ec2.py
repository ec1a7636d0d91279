"""Guidance for the EC2, EBS, VPC and Systems Manager checks."""

from __future__ import annotations

from collectors.guidance.base import Guidance

REVOKE_INGRESS = "aws ec2 revoke-security-group-ingress --group-id <security-group-id> "

GUIDANCE: dict[str, Guidance] = {
    "ec2_ebs_default_encryption": Guidance(
        rationale=(
            "With encryption by default on, no one can create an unencrypted volume or snapshot "
            "in the region by forgetting a flag."
        ),
        console=(
            "EC2 > Dashboard > Account attributes > Data protection and security > Manage > "
            "Enable EBS encryption, pick the KMS key > Update (per region)."
        ),
        cli="aws ec2 enable-ebs-encryption-by-default --region <region>",
    ),
    "ec2_ebs_volume_encrypted": Guidance(
        rationale=(
            "Unencrypted volumes and every snapshot taken from them expose data at rest to "
            "anyone who can copy or share a snapshot."
        ),
        console=(
            "EC2 > Volumes > <volume> > Create snapshot; Snapshots > <snapshot> > Create volume "
            "with Encryption ticked; stop the instance, detach the old volume, attach the new "
            "one on the same device, start, then delete the old volume."
        ),
        cli=(
            "aws ec2 create-volume --snapshot-id <snapshot-id> --availability-zone <az> "
            "--encrypted --kms-key-id <kms-key-arn>"
        ),
    ),
    "ec2_ebs_snapshot_not_public": Guidance(
        rationale=(
            "A public snapshot lets any AWS account restore a full copy of the disk, including "
            "secrets and customer data."
        ),
        console=(
            "EC2 > Snapshots > <snapshot> > Actions > Snapshot settings > Modify permissions > "
            "Private > Save changes; also turn on Block public access for snapshots."
        ),
        cli=(
            "aws ec2 modify-snapshot-attribute --snapshot-id <snapshot-id> "
            "--attribute createVolumePermission --operation-type remove --group-names all"
        ),
    ),
    "ec2_ebs_snapshot_encrypted": Guidance(
        rationale=(
            "Snapshots outlive the instances they came from; an unencrypted one is a full copy "
            "of the data with no key policy guarding it."
        ),
        console=(
            "EC2 > Snapshots > <snapshot> > Actions > Copy snapshot > tick Encrypt this snapshot, "
            "choose the KMS key > Copy; delete the original once the copy completes, and turn on "
            "EBS encryption by default so new snapshots start out encrypted."
        ),
        cli=(
            "aws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snapshot-id> "
            "--encrypted --kms-key-id <kms-key-arn>"
        ),
    ),
    "ec2_instance_imdsv2": Guidance(
        rationale=(
            "IMDSv1 answers any request from the instance, so a server-side request forgery bug "
            "can steal the instance role's credentials; IMDSv2 requires a session token."
        ),
        console=(
            "EC2 > Instances > <instance> > Actions > Instance settings > Modify instance "
            "metadata options > IMDSv2 Required > Save."
        ),
        cli=(
            "aws ec2 modify-instance-metadata-options --instance-id <instance-id> "
            "--http-tokens required --http-endpoint enabled"
        ),
    ),
    "ec2_instance_profile_attached": Guidance(
        rationale=(
            "An instance without a role tends to carry static access keys on disk; an instance "
            "profile gives it short-lived, rotated credentials instead."
        ),
        console=(
            "EC2 > Instances > <instance> > Actions > Security > Modify IAM role > choose a "
            "least-privilege role > Update IAM role."
        ),
        cli=(
            "aws ec2 associate-iam-instance-profile --instance-id <instance-id> "
            "--iam-instance-profile Name=<instance-profile-name>"
        ),
    ),
    "ec2_instances_multi_az": Guidance(
        rationale=(
            "Workloads confined to one Availability Zone go down with it; spreading capacity "
            "supports the availability commitments in SOC 2 A1.2."
        ),
        console=(
            "EC2 > Auto Scaling groups > <group> > Details > Network > Edit: add subnets in at "
            "least two Availability Zones > Update."
        ),
        cli=(
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <asg-name> "
            "--vpc-zone-identifier <subnet-id-az-a>,<subnet-id-az-b>"
        ),
    ),
    "ec2_instance_no_public_ip": Guidance(
        rationale=(
            "An instance with a public address can be reached from the internet as soon as a "
            "security group rule allows it; private subnets keep the attack surface small."
        ),
        console=(
            "VPC > Subnets > <subnet> > Actions > Edit subnet settings > untick Auto-assign "
            "public IPv4; relaunch the workload in a private subnet behind a load balancer and "
            "release unneeded Elastic IPs."
        ),
        cli=(
            "aws ec2 modify-network-interface-attribute --network-interface-id <eni-id> "
            "--no-associate-public-ip-address"
        ),
    ),
    "vpc_flow_logs_enabled": Guidance(
        rationale=(
            "Flow logs are the network record investigators need to see what talked to what; "
            "without them an intrusion cannot be scoped."
        ),
        console=(
            "VPC > Your VPCs > <vpc> > Flow logs > Create flow log: filter All (or Reject), "
            "destination CloudWatch Logs or S3 > Create flow log."
        ),
        cli=(
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> "
            "--traffic-type ALL --log-destination-type s3 "
            "--log-destination arn:aws:s3:::<flow-log-bucket>"
        ),
    ),
    "ec2_sg_no_admin_ingress_ipv4": Guidance(
        rationale=(
            "SSH and RDP open to 0.0.0.0/0 are scanned and brute-forced within minutes; "
            "administrative access should come from known networks or Session Manager."
        ),
        console=(
            "EC2 > Security Groups > <group> > Inbound rules > Edit: delete or narrow the rules "
            "with source 0.0.0.0/0 on 22/3389 > Save rules."
        ),
        cli=REVOKE_INGRESS
        + "--ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
    ),
    "ec2_sg_no_admin_ingress_ipv6": Guidance(
        rationale=(
            "An IPv6 rule open to ::/0 exposes admin ports to the whole internet just like "
            "0.0.0.0/0, and is often overlooked in reviews."
        ),
        console=(
            "EC2 > Security Groups > <group> > Inbound rules > Edit: delete or narrow the rules "
            "with source ::/0 on 22/3389 > Save rules."
        ),
        cli=REVOKE_INGRESS
        + "--ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]'",
    ),
    "ec2_sg_no_cifs_ingress": Guidance(
        rationale=(
            "SMB on port 445 has a long history of wormable flaws; file shares must never be "
            "reachable from the internet."
        ),
        console=(
            "EC2 > Security Groups > <group> > Inbound rules > Edit: delete the TCP 445 rules "
            "with source 0.0.0.0/0 or ::/0 > Save rules."
        ),
        cli=REVOKE_INGRESS
        + "--ip-permissions 'IpProtocol=tcp,FromPort=445,ToPort=445,IpRanges=[{CidrIp=0.0.0.0/0}]'",
    ),
    "ec2_default_sg_restricts_all": Guidance(
        rationale=(
            "Resources launched without an explicit group land in the default one; keeping it "
            "empty means forgetting a group fails closed, not open."
        ),
        console=(
            "EC2 > Security Groups > default (per VPC) > Inbound rules > Edit: delete all; "
            "Outbound rules > Edit: delete all; move any members to purpose-built groups first."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <default-sg-id> "
            "--ip-permissions 'IpProtocol=-1,UserIdGroupPairs=[{GroupId=<default-sg-id>}]'"
        ),
    ),
    "ec2_nacl_no_admin_ingress": Guidance(
        rationale=(
            "A network ACL allowing the internet to admin ports removes the subnet-level "
            "backstop if a security group is opened by mistake."
        ),
        console=(
            "VPC > Network ACLs > <acl> > Inbound rules > Edit: add Deny rules for TCP 22 and "
            "3389 from 0.0.0.0/0 and ::/0 numbered below the allow rule (or narrow the allow "
            "rule's source) > Save changes."
        ),
        cli=(
            "aws ec2 create-network-acl-entry --network-acl-id <network-acl-id> --no-egress "
            "--rule-number <number-below-the-allow-rule> --protocol 6 --port-range From=22,To=22 "
            "--cidr-block 0.0.0.0/0 --rule-action deny"
        ),
    ),
    "ec2_sg_no_public_ingress": Guidance(
        rationale=(
            "Every port open to the internet beyond the approved ones is attack surface nobody "
            "signed off; public traffic should enter through a load balancer."
        ),
        console=(
            "EC2 > Security Groups > <group> > Inbound rules > Edit: replace 0.0.0.0/0 and ::/0 "
            "sources on non-approved ports with the load balancer's group or a prefix list > "
            "Save rules."
        ),
        cli=REVOKE_INGRESS + "--ip-permissions 'IpProtocol=tcp,FromPort=<port>,ToPort=<port>,"
        "IpRanges=[{CidrIp=0.0.0.0/0}]'",
    ),
    "ec2_default_vpc_absent": Guidance(
        rationale=(
            "Default VPCs hand out public IPs and permissive defaults; workloads that land there "
            "by accident bypass the network design the auditor reviewed."
        ),
        console=(
            "VPC > Your VPCs > the default VPC: migrate anything still in it, then Actions > "
            "Delete VPC (this removes its subnets and internet gateway)."
        ),
        cli="aws ec2 delete-vpc --vpc-id <default-vpc-id>",
    ),
    "ssm_instances_managed": Guidance(
        rationale=(
            "Instances outside Systems Manager cannot be inventoried, patched or reached "
            "without SSH keys, so configuration management evidence has gaps."
        ),
        console=(
            "Systems Manager > Fleet Manager > Account management > Default Host Management "
            "Configuration > enable (instances need IMDSv2); or attach a role with "
            "AmazonSSMManagedInstanceCore, and make sure the SSM Agent can reach the endpoints."
        ),
        cli=(
            "aws ssm update-service-setting --setting-id "
            "arn:aws:ssm:<region>:<account-id>:servicesetting/ssm/managed-instance/"
            "default-ec2-instance-management-role "
            "--setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"
        ),
    ),
    "ssm_patch_compliance": Guidance(
        rationale=(
            "Missing patches are the usual route into servers; patch compliance is the evidence "
            "that vulnerability management actually runs (SOC 2 CC7.1)."
        ),
        console=(
            "Systems Manager > Patch Manager > Patch now (or a patch policy in Quick Setup) > "
            "Scan and install for the non-compliant instances, with a reboot window."
        ),
        cli=(
            "aws ssm send-command --document-name AWS-RunPatchBaseline "
            "--targets Key=InstanceIds,Values=<instance-id> --parameters Operation=Install"
        ),
    ),
}
