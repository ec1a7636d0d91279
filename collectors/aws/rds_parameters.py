"""RDS parameter groups: the TLS-enforcing parameter of each group an instance or cluster uses.

Only the groups of instances (and clusters) whose engine enforces TLS through a parameter are
read: one paginated DescribeDBParameters (DescribeDBClusterParameters) per distinct group; a
failure is that group's ReadError. Cluster members (Aurora, Multi-AZ DB clusters) take TLS from
their cluster's parameter group, so their instance groups are not read.
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


CLUSTER_TLS_PARAMETERS = {
    "aurora-postgresql": "rds.force_ssl",
    "aurora-mysql": "require_secure_transport",
    "aurora": "require_secure_transport",  # Aurora MySQL 5.6 ("aurora")
    "postgres": "rds.force_ssl",  # Multi-AZ DB clusters
    "mysql": "require_secure_transport",
}


def tls_parameter(engine: str | None, *, cluster: bool = False) -> str | None:
    engine = engine or ""
    if cluster:
        # Longest prefix first, so aurora-postgresql is not read as aurora.
        prefixes = sorted(CLUSTER_TLS_PARAMETERS, key=len, reverse=True)
        return next((CLUSTER_TLS_PARAMETERS[p] for p in prefixes if engine.startswith(p)), None)
    return next((p for prefix, p in TLS_PARAMETERS.items() if engine.startswith(prefix)), None)


def parameters_call(group_name: str) -> ApiCall:
    return api_call("rds", "DescribeDBParameters", DBParameterGroupName=group_name)


def cluster_parameters_call(group_name: str) -> ApiCall:
    return api_call("rds", "DescribeDBClusterParameters", DBClusterParameterGroupName=group_name)


def _tls_parameters(client: Any, group_name: str, *, cluster: bool = False) -> list[dict[str, Any]]:
    wanted = set(TLS_PARAMETERS.values())
    if cluster:
        parameters = paginate(
            client,
            "describe_db_cluster_parameters",
            "Parameters",
            DBClusterParameterGroupName=group_name,
        )
    else:
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


def read_cluster_parameter_groups(
    client: Any, clusters: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]] | ReadError]:
    """Cluster parameter group name -> its TLS parameters."""
    names = sorted(
        {
            str(cluster["DBClusterParameterGroup"])
            for cluster in clusters
            if tls_parameter(cluster.get("Engine"), cluster=True)
            and cluster.get("DBClusterParameterGroup")
        }
    )
    return {
        name: guarded(
            cluster_parameters_call(name),
            lambda name=name: _tls_parameters(client, name, cluster=True),
        )
        for name in names
    }
