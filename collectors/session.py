"""AWS access for the collectors: assumed-role sessions, retry/timeout config, thread-safe clients.

No long-lived keys are stored: a role is assumed with an external id and the temporary
credentials refresh themselves through STS. ``AWS_ENDPOINT_URL`` (read by botocore itself) keeps
working, so everything can be pointed at a moto server.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, RefreshableCredentials

SESSION_NAME = "grc-evidence-collector"
DEFAULT_REGION = "us-east-1"
ROLE_ARN_PATTERN = re.compile(
    r"^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$"
)
OPTED_IN_STATUSES = ("opt-in-not-required", "opted-in")
# One loader of botocore's service models for every assumed-role session of the process. A
# session with its own loader parses the models again (about 2 s and 40 MB for five services):
# a worker that collects hundreds of accounts would hold gigabytes of identical models.
_MODEL_LOADER = botocore.loaders.create_loader()
_MODEL_LOADER_LOCK = threading.Lock()


class InvalidRoleArn(ValueError):
    """The role ARN is not of the form arn:<partition>:iam::<12-digit account>:role/<name>."""


def client_config(
    *, max_attempts: int = 8, connect_timeout: int = 5, read_timeout: int = 30
) -> Config:
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra=SESSION_NAME,
    )


class ClientFactory:
    """A boto3 Session stand-in that can be shared by threads, with the collector's Config.

    A boto3 Session is not thread-safe but its clients are, so client creation is serialised
    with a lock; the clients then share the session's (refreshable) credentials. Other
    attributes (get_partition_for_region, ...) are read from the wrapped Session.
    """

    def __init__(self, session: boto3.Session, config: Config | None = None) -> None:
        self._session = session
        self._config = config or client_config()
        self._lock = threading.Lock()

    @property
    def region_name(self) -> str:
        return self._session.region_name or DEFAULT_REGION

    def client(self, service_name: str, region_name: str | None = None) -> Any:
        with self._lock:
            client = self._session.client(
                service_name, region_name=region_name or self.region_name, config=self._config
            )
        if service_name == "s3control" and not _is_aws_endpoint(client.meta.endpoint_url):
            client.meta.events.register("before-send.s3-control.*", _drop_account_host_prefix)
        return client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _is_aws_endpoint(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))


def _drop_account_host_prefix(request: Any, **_: Any) -> None:
    """S3 Control puts the account id in the host name (``123456789012.<endpoint>``).

    Local endpoints such as a moto server cannot resolve that name; the account id also travels
    in the ``x-amz-account-id`` header, so the prefix is dropped for non-AWS endpoints only.
    """
    parts = urlsplit(request.url)
    prefix, _, rest = parts.netloc.partition(".")
    if prefix.isdigit() and rest:
        request.url = urlunsplit(parts._replace(netloc=rest))


def as_client_factory(session: boto3.Session | ClientFactory) -> ClientFactory:
    return session if isinstance(session, ClientFactory) else ClientFactory(session)


def validate_role_arn(role_arn: str) -> str:
    if not ROLE_ARN_PATTERN.match(role_arn or ""):
        raise InvalidRoleArn(
            f"invalid IAM role ARN {role_arn!r}: "
            "expected arn:aws:iam::<12-digit account id>:role/<name>"
        )
    return role_arn


class _FixedProvider(CredentialProvider):
    METHOD = "grc-assume-role"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def assume_role_session(
    role_arn: str,
    external_id: str,
    *,
    session_name: str = SESSION_NAME,
    base_session: boto3.Session | None = None,
    region: str | None = None,
    duration: int = 3600,
) -> boto3.Session:
    """A Session on ``role_arn`` whose credentials re-assume the role before they expire.

    The first AssumeRole happens here, so a wrong external id or trust policy fails at once.
    """
    validate_role_arn(role_arn)
    base_session = base_session or _session(region)
    region = region or base_session.region_name or DEFAULT_REGION
    sts = base_session.client("sts", region_name=region, config=client_config())

    def fetch() -> dict[str, str]:
        response = sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName=session_name,
            ExternalId=external_id,
            DurationSeconds=duration,
        )
        credentials = response["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method=_FixedProvider.METHOD
    )
    return _session(region, _FixedProvider(credentials))


def _session(region: str | None, provider: CredentialProvider | None = None) -> boto3.Session:
    """A boto3 Session on the process's shared model loader, with ``provider`` first if given."""
    core_session = botocore.session.Session()
    core_session.register_component("data_loader", _MODEL_LOADER)
    if provider is not None:
        core_session.get_component("credential_provider").insert_before("env", provider)
    with _MODEL_LOADER_LOCK:
        session = boto3.Session(botocore_session=core_session, region_name=region)
        # Each boto3 Session appends its data path to the loader's: keep each path once.
        _MODEL_LOADER.search_paths[:] = list(dict.fromkeys(_MODEL_LOADER.search_paths))
    return session


def caller_identity(session: boto3.Session | ClientFactory) -> dict[str, str]:
    response = as_client_factory(session).client("sts").get_caller_identity()
    return {key: response[key] for key in ("Account", "Arn", "UserId")}


def regions_to_collect(
    session: boto3.Session | ClientFactory, configured: list[str] | None = None
) -> list[str]:
    """The configured regions (each once, in order) or, when none are, every enabled region.

    One rule for every orchestrator: when the regions cannot be listed, the scope of the
    collection is unknown, so this raises instead of guessing a region.
    """
    if configured:
        return list(dict.fromkeys(configured))
    return enabled_regions(session)


def enabled_regions(session: boto3.Session | ClientFactory) -> list[str]:
    """Regions enabled for the account: those needing no opt-in plus those opted in."""
    response = (
        as_client_factory(session)
        .client("ec2")
        .describe_regions(
            AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": list(OPTED_IN_STATUSES)}]
        )
    )
    # Filter client-side too: some endpoints (moto) ignore the opt-in-status filter.
    return sorted(
        region["RegionName"]
        for region in response["Regions"]
        if region.get("OptInStatus", "opt-in-not-required") in OPTED_IN_STATUSES
    )
