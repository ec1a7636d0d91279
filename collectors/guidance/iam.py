"""Guidance for the IAM checks: root user, users and keys, password policy, policies."""

from __future__ import annotations

from collectors.guidance.base import Guidance

# UpdateAccountPasswordPolicy replaces the whole policy: any setting left out falls back to its
# default, so every password check gets the same complete command.
SIGN_IN_POLICY_CLI = (
    "aws iam update-account-password-policy --minimum-password-length 14 "
    "--password-reuse-prevention 24 --max-password-age 90 --require-uppercase-characters "
    "--require-lowercase-characters --require-numbers --require-symbols "
    "--allow-users-to-change-password"
)
SIGN_IN_POLICY_CONSOLE = (
    "IAM > Account settings > Password policy > Edit > Custom: set the length, complexity, "
    "expiry and reuse options together (saving replaces the whole policy) > Save changes."
)

GUIDANCE: dict[str, Guidance] = {
    "iam_root_access_key_absent": Guidance(
        rationale=(
            "A root access key is a long-lived credential that no policy can restrict; if it "
            "leaks, the whole account is lost, so auditors expect the root user to have none."
        ),
        console=(
            "Sign in as the root user > account menu > Security credentials > Access keys: "
            "Actions > Deactivate, confirm nothing broke, then Actions > Delete."
        ),
        cli="aws iam delete-access-key --access-key-id <root-access-key-id>",
    ),
    "iam_root_mfa_enabled": Guidance(
        rationale=(
            "The root user can do anything, including closing the account; a password alone is "
            "not an adequate logical-access control for it."
        ),
        console=(
            "Sign in as the root user > account menu > Security credentials > Multi-factor "
            "authentication (MFA) > Assign MFA device; keep the device under dual control. "
            "Root MFA cannot be assigned from the CLI; use the command to confirm it is on."
        ),
        cli="aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
    ),
    "iam_root_hardware_mfa_enabled": Guidance(
        rationale=(
            "A virtual MFA app lives on a phone that can be cloned, lost or restored elsewhere; "
            "a hardware key kept in a safe gives the root user a verifiable, physical factor."
        ),
        console=(
            "Sign in as the root user > Security credentials > Multi-factor authentication > "
            "Assign MFA device > Passkey or security key (or Hardware TOTP token), then remove "
            "the virtual device."
        ),
        cli=(
            "aws iam list-virtual-mfa-devices --assignment-status Assigned "
            "--query \"VirtualMFADevices[?User.Arn=='arn:aws:iam::<account-id>:root']\""
        ),
    ),
    "iam_root_recent_use": Guidance(
        rationale=(
            "Routine work done as root bypasses role separation and leaves actions that cannot "
            "be traced to a person; each recent use should be explained and tied to a root-only "
            "task."
        ),
        console=(
            "CloudTrail > Event history > filter User name = root: review each event, record "
            "the reason, and move recurring tasks to an administrator role."
        ),
        cli=(
            "aws cloudtrail lookup-events --lookup-attributes "
            "AttributeKey=Username,AttributeValue=root --max-results 50"
        ),
    ),
    "iam_user_console_mfa": Guidance(
        rationale=(
            "A console password without MFA can be phished or guessed; MFA for every "
            "interactive user is a core logical-access control for SOC 2 CC6.1."
        ),
        console=(
            "IAM > Users > <user> > Security credentials > Multi-factor authentication > Assign "
            "MFA device; or Manage console access > Disable if the user needs no console."
        ),
        cli=(
            "aws iam enable-mfa-device --user-name <user-name> "
            "--serial-number arn:aws:iam::<account-id>:mfa/<device-name> "
            "--authentication-code1 <code-1> --authentication-code2 <code-2>"
        ),
    ),
    "iam_credentials_unused": Guidance(
        rationale=(
            "Passwords and keys nobody uses are still valid ways in, and usually belong to "
            "people or systems that no longer need access; removing them shows access is "
            "reviewed."
        ),
        console=(
            "IAM > Users > <user> > Security credentials: Deactivate stale access keys and, "
            "under Console access, Disable the password; delete the user if it is orphaned."
        ),
        cli=(
            "aws iam update-access-key --user-name <user-name> "
            "--access-key-id <access-key-id> --status Inactive"
        ),
    ),
    "iam_user_one_active_key": Guidance(
        rationale=(
            "A second active key is usually a forgotten one from a past rotation; each extra "
            "key doubles what has to be protected and tracked."
        ),
        console=(
            "IAM > Users > <user> > Security credentials > Access keys: find the key the "
            "workload still uses (Last used), then Actions > Deactivate on the other one."
        ),
        cli=(
            "aws iam update-access-key --user-name <user-name> "
            "--access-key-id <unused-access-key-id> --status Inactive"
        ),
    ),
    "iam_access_key_rotated": Guidance(
        rationale=(
            "Old keys have had longer to be copied into scripts, laptops and logs; rotating "
            "them on a schedule limits how long a leaked key stays useful."
        ),
        console=(
            "IAM > Users > <user> > Security credentials > Create access key, deploy it to the "
            "workload, then Deactivate and Delete the old key (or move the workload to a role)."
        ),
        cli="aws iam create-access-key --user-name <user-name>",
    ),
    "iam_user_no_attached_policies": Guidance(
        rationale=(
            "Permissions granted user by user drift and are hard to review; granting them "
            "through groups or roles makes access reviews tractable."
        ),
        console=(
            "IAM > User groups > <group> > Add users; then IAM > Users > <user> > Permissions: "
            "Remove each directly attached or inline policy."
        ),
        cli="aws iam detach-user-policy --user-name <user-name> --policy-arn <policy-arn>",
    ),
    "iam_password_policy_min_length": Guidance(
        rationale=(
            "Short passwords fall quickly to guessing; a minimum length is the password "
            "control auditors look for first."
        ),
        console=SIGN_IN_POLICY_CONSOLE,
        cli=SIGN_IN_POLICY_CLI,
    ),
    "iam_password_policy_reuse": Guidance(
        rationale=(
            "Without reuse prevention a forced change can put back a password that has "
            "already been exposed."
        ),
        console=SIGN_IN_POLICY_CONSOLE,
        cli=SIGN_IN_POLICY_CLI,
    ),
    "iam_password_policy_max_age": Guidance(
        rationale=(
            "Expiry bounds how long a stolen password stays valid; many SOC 2 control sets "
            "still state a maximum age."
        ),
        console=SIGN_IN_POLICY_CONSOLE,
        cli=SIGN_IN_POLICY_CLI,
    ),
    "iam_password_policy_complexity": Guidance(
        rationale=(
            "Requiring mixed character classes widens the search space and rules out the "
            "simplest dictionary passwords."
        ),
        console=SIGN_IN_POLICY_CONSOLE,
        cli=SIGN_IN_POLICY_CLI,
    ),
    "iam_policy_no_full_admin": Guidance(
        rationale=(
            'An attached policy allowing "*" on "*" makes every holder a full administrator, '
            "which defeats least privilege and segregation of duties."
        ),
        console=(
            "IAM > Policies > <policy> > Entities attached: detach it from each user, group and "
            "role, and grant a scoped policy instead; keep admin in one MFA-protected role."
        ),
        cli="aws iam detach-role-policy --role-name <role-name> --policy-arn <policy-arn>",
    ),
    "iam_inline_policy_no_full_admin": Guidance(
        rationale=(
            "Inline full-admin grants hide outside the managed-policy list, so they escape "
            "policy reviews while giving unrestricted access."
        ),
        console=(
            "IAM > Roles (or Users, User groups) > <identity> > Permissions: select the inline "
            "policy > Remove, then attach a scoped managed policy."
        ),
        cli="aws iam delete-role-policy --role-name <role-name> --policy-name <policy-name>",
    ),
    "iam_policy_no_service_wildcard": Guidance(
        rationale=(
            'A "service:*" grant (or Allow with NotAction) includes every future and '
            "destructive action of that service, far beyond what a workload calls."
        ),
        console=(
            "IAM > Policies > <policy> > Edit: replace the wildcard with the actions the "
            "workload uses (Access Analyzer > Generate policy from CloudTrail lists them) > Save."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> "
            "--policy-document file://scoped-policy.json --set-as-default"
        ),
    ),
    "iam_policy_no_passrole_wildcard": Guidance(
        rationale=(
            'iam:PassRole on "*" lets the holder start compute with any role in the account, '
            "a well-known privilege-escalation path."
        ),
        console=(
            "IAM > Policies > <policy> > Edit: set the PassRole Resource to the role ARNs "
            "needed and add an iam:PassedToService condition > Save changes."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> "
            "--policy-document file://scoped-passrole.json --set-as-default"
        ),
    ),
    "iam_support_role_exists": Guidance(
        rationale=(
            "Incidents need someone who can open and track AWS Support cases; a dedicated role "
            "shows that duty is assigned without handing out broader rights."
        ),
        console=(
            "IAM > Roles > Create role > trusted entity: your account (or identity provider) > "
            "attach AWSSupportAccess > name it, e.g. aws-support > Create role."
        ),
        cli=(
            "aws iam attach-role-policy --role-name <support-role-name> "
            "--policy-arn arn:aws:iam::aws:policy/AWSSupportAccess"
        ),
    ),
    "iam_cloudshell_full_access_restricted": Guidance(
        rationale=(
            "AWSCloudShellFullAccess lets a user upload and download files and reach the "
            "internet from inside AWS, a data-exfiltration path outside normal controls."
        ),
        console=(
            "IAM > Policies > AWSCloudShellFullAccess > Entities attached: Detach it from each "
            "identity; grant a narrower CloudShell policy only where it is approved."
        ),
        cli=(
            "aws iam detach-user-policy --user-name <user-name> "
            "--policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
        ),
    ),
    "iam_s3_object_writers": Guidance(
        rationale=(
            "Anyone who can put or delete objects can alter or destroy stored data; limiting "
            "write and delete to approved principals protects data integrity."
        ),
        console=(
            "IAM > Roles (or Users) > <identity> > Permissions: edit the policy so "
            "s3:PutObject / s3:DeleteObject apply only to its own buckets, or record the "
            "principal in the control's s3_object_writers parameter once approved."
        ),
        cli=(
            "aws iam put-role-policy --role-name <role-name> --policy-name <policy-name> "
            "--policy-document file://scoped-s3-policy.json"
        ),
    ),
    "iam_server_certificates_not_expired": Guidance(
        rationale=(
            "An expired certificate left in IAM can be attached to a listener by mistake and "
            "break TLS; removing it keeps the certificate inventory trustworthy."
        ),
        console=(
            "IAM has no console page for server certificates: move any listener still using it "
            "to an ACM certificate (EC2 > Load Balancers > Listeners), then delete it with the "
            "CLI."
        ),
        cli="aws iam delete-server-certificate --server-certificate-name <certificate-name>",
    ),
}
