"""Demo network and compute: VPCs, security groups, network ACLs, instances, flow logs, ELBv2."""

from __future__ import annotations

from typing import Any

from demo.base import (
    DEMO_AMI,
    XSS_SG_DESCRIPTION,
    SeederBase,
)


class NetworkSeeder(SeederBase):
    """The ec2 and elbv2 steps: network, instances and the load balancer."""

    def default_vpc(self, region: str) -> tuple[str, list[dict[str, Any]]]:
        ec2 = self.client("ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
            "Subnets"
        ]
        return vpc["VpcId"], sorted(subnets, key=lambda s: s["AvailabilityZone"])

    def default_group(self, region: str, vpc_id: str) -> str:
        return self.client("ec2", region).describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]["GroupId"]

    def security_group(
        self, region: str, vpc_id: str, name: str, description: str, rules: list[dict[str, Any]]
    ) -> str:
        ec2 = self.client("ec2", region)
        group = ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=rules)
        self.counts["security_groups"] += 1
        return group

    @staticmethod
    def tcp(port: int, cidr: str, description: str) -> dict[str, Any]:
        return {
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "IpRanges": [{"CidrIp": cidr, "Description": description}],
        }

    def ec2(self) -> None:
        primary = self.primary
        ec2 = self.client("ec2")
        vpc_id, subnets = self.default_vpc(primary)
        self.refs["vpc_id"], self.refs["subnets"] = vpc_id, subnets

        web = self.security_group(
            primary,
            vpc_id,
            "acme-web-alb",
            "Public HTTPS for the customer-facing load balancer",
            [self.tcp(443, "0.0.0.0/0", "HTTPS from anywhere"), self.tcp(80, "0.0.0.0/0", "HTTP")],
        )
        bastion = self.security_group(
            primary,
            vpc_id,
            "acme-bastion",
            XSS_SG_DESCRIPTION,
            [
                self.tcp(22, "0.0.0.0/0", "SSH from anywhere (temporary)"),
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "SSH over IPv6"}],
                },
            ],
        )
        app = self.security_group(primary, vpc_id, "acme-app", "Application servers", [])
        ec2.authorize_security_group_ingress(
            GroupId=app,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "UserIdGroupPairs": [{"GroupId": web, "Description": "from the ALB"}],
                }
            ],
        )
        db = self.security_group(
            primary,
            vpc_id,
            "acme-db",
            "PostgreSQL from the app tier",
            [self.tcp(5432, "172.31.0.0/16", "VPC only")],
        )
        # A legacy file share's group, opened to the internet over SMB for a vendor.
        fileshare = self.security_group(
            primary,
            vpc_id,
            "acme-legacy-fileshare",
            "SMB for the legacy reporting file share",
            [self.tcp(445, "0.0.0.0/0", "SMB from anywhere (vendor uploads)")],
        )
        self.refs.update(
            web_sg=web, bastion_sg=bastion, app_sg=app, db_sg=db, fileshare_sg=fileshare
        )
        # The primary region's default group is locked down (no rules either way).
        default = self.default_group(primary, vpc_id)
        self.attempt(
            f"ec2 RevokeSecurityGroupEgress on {default}",
            lambda: ec2.revoke_security_group_egress(
                GroupId=default,
                IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            ),
        )

        # Two custom network ACLs: one allowing RDP from the internet, one tight.
        dmz = ec2.create_network_acl(
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "acme-dmz"}]}
            ],
        )["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(
            NetworkAclId=dmz,
            RuleNumber=100,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": 3389, "To": 3389},
        )
        ec2.create_network_acl_entry(
            NetworkAclId=dmz,
            RuleNumber=110,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": 443, "To": 443},
        )
        data = ec2.create_network_acl(
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "acme-data"}]}
            ],
        )["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(
            NetworkAclId=data,
            RuleNumber=100,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="172.31.0.0/16",
            PortRange={"From": 5432, "To": 5432},
        )
        ec2.create_network_acl_entry(
            NetworkAclId=data,
            RuleNumber=200,
            Protocol="-1",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
        )
        self.counts["network_acls"] += 2

        # Two running instances in different AZs: IMDSv2 required on one, optional on the other.
        # Only the app server has an IAM instance profile; the bastion runs without one.
        app_profile = {"IamInstanceProfile": {"Arn": self.refs["app_instance_profile"]}}
        for index, tokens in enumerate(("required", "optional")):
            subnet = subnets[index % len(subnets)]
            ec2.run_instances(
                ImageId=DEMO_AMI,
                InstanceType="t3.medium",
                MinCount=1,
                MaxCount=1,
                SubnetId=subnet["SubnetId"],
                SecurityGroupIds=[app] if tokens == "required" else [bastion],
                MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                **(app_profile if tokens == "required" else {}),
                TagSpecifications=[
                    {
                        "ResourceType": "instance",
                        "Tags": [
                            {"Key": "Name", "Value": f"acme-{'app' if index == 0 else 'bastion'}"}
                        ],
                    }
                ],
            )
            self.counts["ec2_instances"] += 1

        # VPC flow logs on the primary region's default VPC only.
        ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName="/acme/vpc/flow-logs",
            DeliverLogsPermissionArn=self.refs["acme-vpc-flow-logs"],
        )
        self.counts["flow_logs"] += 1

        for region in self.secondary:
            regional = self.client("ec2", region)
            regional.enable_ebs_encryption_by_default()
            eu_vpc, _ = self.default_vpc(region)
            # Someone opened the EU default group to the office network.
            regional.authorize_security_group_ingress(
                GroupId=self.default_group(region, eu_vpc),
                IpPermissions=[self.tcp(443, "203.0.113.0/24", "office")],
            )
            edge = self.security_group(
                region,
                eu_vpc,
                "acme-eu-edge",
                "HTTPS for the EU edge",
                [self.tcp(443, "0.0.0.0/0", "HTTPS from anywhere")],
            )
            # A single EU edge node: one Availability Zone only.
            regional.run_instances(
                ImageId=DEMO_AMI,
                InstanceType="t3.small",
                MinCount=1,
                MaxCount=1,
                SecurityGroupIds=[edge],
                MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "acme-eu-edge"}]}
                ],
            )
            self.counts["ec2_instances"] += 1

    def elbv2(self) -> None:
        elbv2 = self.client("elbv2")
        subnets = [s["SubnetId"] for s in self.refs["subnets"][:2]]
        alb = elbv2.create_load_balancer(
            Name="acme-web",
            Subnets=subnets,
            SecurityGroups=[self.refs["web_sg"]],
            Scheme="internet-facing",
            Type="application",
            Tags=[{"Key": "env", "Value": "prod"}],
        )["LoadBalancers"][0]["LoadBalancerArn"]
        target_group = elbv2.create_target_group(
            Name="acme-web-app",
            Protocol="HTTP",
            Port=8080,
            VpcId=self.refs["vpc_id"],
            TargetType="instance",
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ],
        )
        elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=8080,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
        )
        self.counts["elbv2_load_balancers"] += 1
        self.counts["elbv2_listeners"] += 2
        certificate, key = self.certificate()
        if not certificate:
            return
        arn = self.attempt(
            "acm ImportCertificate",
            lambda: self.client("acm").import_certificate(
                Certificate=certificate.encode(), PrivateKey=key.encode()
            )["CertificateArn"],
        )
        if arn and self.attempt(
            "elbv2 CreateListener HTTPS",
            lambda: elbv2.create_listener(
                LoadBalancerArn=alb,
                Protocol="HTTPS",
                Port=443,
                SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                Certificates=[{"CertificateArn": arn}],
                DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
            ),
        ):
            self.counts["acm_certificates"] += 1
            self.counts["elbv2_listeners"] += 1
