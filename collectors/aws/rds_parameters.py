"""RDS DB parameter groups: the TLS-enforcing parameter of each group an instance uses.

Only the groups of instances whose engine enforces TLS through a DB parameter are read (one
paginated DescribeDBParameters per distinct group); a failure is that group's ReadError. Aurora
cluster members take TLS settings from the cluster parameter group, which is not read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.types import ApiCall

# Engine (prefix) -> the parameter that refuses non-TLS connections when on.
TLS_PARAMETERS = {
    "postgres": "rds.force_ssl",
    "sqlserver": "rds.force_ssl",
    "mysql": "require_secure_transport",
    "mariadb": "require_secure_transport",
}


def tls_parameter(engine: str | None) -> str | None:
    engine = engine or ""
    return next((p for prefix, p in TLS_PARAMETERS.items() if engine.startswith(prefix)), None)


def parameters_call(group_name: str) -> ApiCall:
    return api_call("rds", "DescribeDBParameters", DBParameterGroupName=group_name)


def _tls_parameters(client: Any, group_name: str) -> list[dict[str, Any]]:
    wanted = set(TLS_PARAMETERS.values())
    parameters = paginate(
        client, "describe_db_parameters", "Parameters", DBParameterGroupName=group_name
    )
    return [jsonable(p) for p in parameters if p.get("ParameterName") in wanted]


def read_parameter_groups(
    client: Any, instances: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]] | ReadError]:
    """Group name -> its TLS parameters (as DescribeDBParameters returns them)."""
    names = sorted(
        {
            group["DBParameterGroupName"]
            for instance in instances
            if tls_parameter(instance.get("Engine")) and not instance.get("DBClusterIdentifier")
            for group in instance.get("DBParameterGroups", [])
        }
    )
    return {
        name: guarded(parameters_call(name), lambda name=name: _tls_parameters(client, name))
        for name in names
    }
