"""AWS Config rule compliance as evidence: each rule's verdict on each resource it evaluated.

A customer's own Config rules and conformance packs (whose rules are ordinary rules with a pack
suffix) become results here, one per (rule, resource), with the rule's annotation as the reason.
Reads: one paginated DescribeComplianceByConfigRule per region, then one paginated
GetComplianceDetailsByConfigRule per rule; a failure there is that rule's ERROR.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.readers import ReadError, api_call, guarded, jsonable, make_result, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "config_rules"
DESCRIBE_COMPLIANCE = api_call("config", "DescribeComplianceByConfigRule")
DETAIL_TYPES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
STATUSES = {
    "COMPLIANT": Status.PASS,
    "NON_COMPLIANT": Status.FAIL,
    "NOT_APPLICABLE": Status.NOT_APPLICABLE,
}


@dataclass(frozen=True)
class RuleCompliance:
    rule: dict[str, Any]  # ComplianceByConfigRule: ConfigRuleName, Compliance
    evaluations: list[dict[str, Any]] | ReadError  # GetComplianceDetailsByConfigRule results


def details_call(rule_name: str) -> ApiCall:
    return api_call(
        "config",
        "GetComplianceDetailsByConfigRule",
        ConfigRuleName=rule_name,
        ComplianceTypes=DETAIL_TYPES,
    )


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> list[RuleCompliance]:
    client = session.client("config", region_name=region)
    rules = paginate(client, "describe_compliance_by_config_rule", "ComplianceByConfigRules")
    return [
        RuleCompliance(rule=jsonable(rule), evaluations=_details(client, rule["ConfigRuleName"]))
        for rule in rules
    ]


def _details(client: Any, rule_name: str) -> list[dict[str, Any]] | ReadError:
    return guarded(
        details_call(rule_name),
        lambda: jsonable(
            paginate(
                client,
                "get_compliance_details_by_config_rule",
                "EvaluationResults",
                ConfigRuleName=rule_name,
                ComplianceTypes=DETAIL_TYPES,
            )
        ),
    )


def _evaluation_result(
    ctx: CheckContext, rule_name: str, evaluation: Mapping[str, Any]
) -> CheckResult:
    qualifier = evaluation.get("EvaluationResultIdentifier", {}).get(
        "EvaluationResultQualifier", {}
    )
    resource_type = str(qualifier.get("ResourceType", "AWS::Config::ResourceCompliance"))
    resource_id = str(qualifier.get("ResourceId", ""))
    compliance = str(evaluation.get("ComplianceType", ""))
    annotation = evaluation.get("Annotation")
    return CheckResult(
        check_id="config_rule_compliance",
        account_id=ctx.account_id,
        region=ctx.region,
        resource_id=f"{rule_name}:{resource_type}:{resource_id}",
        resource_type=resource_type,
        status=STATUSES.get(compliance, Status.ERROR),
        reason=f"{rule_name}: {compliance}" + (f" ({annotation})" if annotation else ""),
        evidence={"ConfigRuleName": rule_name, "EvaluationResult": evaluation},
        sources=(DESCRIBE_COMPLIANCE, details_call(rule_name)),
    )


def _rule_result(
    ctx: CheckContext, item: RuleCompliance, status: Status, reason: str
) -> CheckResult:
    name = item.rule["ConfigRuleName"]
    return make_result(
        "config_rule_compliance",
        ctx,
        f"{name}:AWS::Config::ConfigRule:{name}",
        status,
        reason,
        evidence={"ComplianceByConfigRule": item.rule},
        sources=(DESCRIBE_COMPLIANCE, details_call(name)),
    )


@check(
    "config_rule_compliance",
    title="Resources comply with the account's AWS Config rules",
    service=SERVICE,
    resource_type="AWS::Config::ConfigRule",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC7.1",),
    remediation=(
        "Fix the resource as the rule's annotation and documentation say, or attach a remediation "
        "action to the rule; exempt a resource only through the rule's scope, with a reason."
    ),
)
def rule_compliance(rules: list[RuleCompliance], ctx: CheckContext) -> Iterator[CheckResult]:
    if not rules:
        yield make_result(
            "config_rule_compliance",
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            f"no AWS Config rules in {ctx.region}",
            sources=(DESCRIBE_COMPLIANCE,),
        )
    for item in rules:
        name = item.rule["ConfigRuleName"]
        if isinstance(item.evaluations, ReadError):
            reason = f"could not read GetComplianceDetailsByConfigRule: {item.evaluations.reason}"
            yield _rule_result(ctx, item, Status.ERROR, reason)
        elif not item.evaluations:
            compliance = (item.rule.get("Compliance") or {}).get("ComplianceType", "NO_RESULTS")
            reason = f"{name} has no evaluation results yet ({compliance})"
            yield _rule_result(ctx, item, Status.ERROR, reason)
        else:
            for evaluation in item.evaluations:
                yield _evaluation_result(ctx, name, evaluation)
