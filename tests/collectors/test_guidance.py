"""Every registered check carries remediation guidance, and every CLI command is real syntax."""

from __future__ import annotations

import dataclasses
import json
import shlex
from functools import cache
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name
from botocore.model import ServiceModel, Shape

import collectors.guidance
from collectors.aws.cloudwatch_patterns import CANONICAL_PATTERNS, canonical_pattern
from collectors.guidance import GUIDANCE, Guidance
from collectors.registry import guidance_for, load_checks

# AWS CLI command names that differ from the botocore service name.
CLI_ALIASES = {"s3api": "s3", "configservice": "config", "deploy": "codedeploy"}
# Options every AWS CLI command accepts, whatever the operation.
GLOBAL_OPTIONS = {"region", "query", "output", "profile", "endpoint-url", "no-paginate"}
# Options the AWS CLI adds or reshapes on top of the API model (awscli customizations).
CLI_CUSTOM_OPTIONS = {("configservice", "put-configuration-recorder"): {"recording-group"}}
CHECK_IDS = sorted(load_checks())


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def _service_model(cli_service: str) -> ServiceModel:
    return _session().get_service_model(CLI_ALIASES.get(cli_service, cli_service))


def _argv(check_id: str) -> list[str]:
    return shlex.split(GUIDANCE[check_id].cli)


def test_every_registered_check_has_guidance() -> None:
    assert len(CHECK_IDS) >= 99
    assert sorted(set(CHECK_IDS) - set(GUIDANCE)) == []


def test_no_guidance_for_unknown_check_ids() -> None:
    assert sorted(set(GUIDANCE) - set(CHECK_IDS)) == []
    assert guidance_for("no_such_check") is None
    assert guidance_for("") is None


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_guidance_is_complete(check_id: str) -> None:
    guidance = guidance_for(check_id)
    assert isinstance(guidance, Guidance)
    assert guidance is GUIDANCE[check_id]
    for field in dataclasses.fields(Guidance):
        text = getattr(guidance, field.name)
        assert isinstance(text, str)
        assert text.strip() == text
        assert len(text) >= 20, f"{check_id}.{field.name} is too short: {text!r}"
    assert guidance.cli.startswith("aws ")
    assert "\n" not in guidance.cli


def test_guidance_is_frozen() -> None:
    guidance = GUIDANCE[CHECK_IDS[0]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        guidance.cli = "aws sts get-caller-identity"  # type: ignore[misc]


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_cli_names_a_botocore_service_and_operation(check_id: str) -> None:
    argv = _argv(check_id)
    assert argv[0] == "aws"
    service = CLI_ALIASES.get(argv[1], argv[1])
    assert service in _session().get_available_services(), f"{check_id}: no service {argv[1]!r}"
    model = _service_model(argv[1])
    commands = {xform_name(name, "-"): name for name in model.operation_names}
    assert argv[2] in commands, f"{check_id}: aws {argv[1]} has no command {argv[2]!r}"


def _options(argv: list[str]) -> list[tuple[str, list[str]]]:
    """The command's options after ``aws <service> <command>``, each with its values."""
    options: list[tuple[str, list[str]]] = []
    for arg in argv[3:]:
        if arg.startswith("--"):
            options.append((arg[2:], []))
        else:
            assert options, f"value {arg!r} before any option"
            options[-1][1].append(arg)
    return options


def _placeholder(value: str) -> bool:
    return value.startswith("<") and value.endswith(">")


def _check_value(where: str, shape: Shape, values: list[str]) -> None:
    if shape.type_name == "boolean":
        assert values == [], f"{where} is a flag and takes no value"
        return
    assert values, f"{where} needs a value"
    if shape.type_name != "list":
        assert len(values) == 1, f"{where} takes one value, got {values}"
    for value in values:
        if shape.type_name in ("structure", "list", "map") and value[:1] in "{[":
            json.loads(value)  # JSON, not shorthand: it must parse
        if _placeholder(value):
            continue
        scalar = shape.member if shape.type_name == "list" else shape
        if scalar.type_name == "string" and scalar.enum:
            assert value in scalar.enum, f"{where}: {value!r} is not one of {scalar.enum}"
        if scalar.type_name in ("integer", "long"):
            int(value)


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_cli_options_exist_and_take_valid_values(check_id: str) -> None:
    argv = _argv(check_id)
    model = _service_model(argv[1])
    commands = {xform_name(name, "-"): name for name in model.operation_names}
    shape = model.operation_model(commands[argv[2]]).input_shape
    members = {xform_name(name, "-"): name for name in (shape.members if shape else {})}
    custom = CLI_CUSTOM_OPTIONS.get((argv[1], argv[2]), set())
    given = set()
    for option, values in _options(argv):
        where = f"{check_id}: aws {argv[1]} {argv[2]} --{option}"
        if option in GLOBAL_OPTIONS | custom:
            assert len(values) == 1, f"{where} takes one value"
            continue
        name = option
        if name not in members and name.startswith("no-"):
            # A boolean parameter also has a --no- form (e.g. --no-publicly-accessible).
            name = name.removeprefix("no-")
            assert shape.members[members[name]].type_name == "boolean", f"{where}: not a flag"
        assert name in members, f"{where}: no such option"
        _check_value(where, shape.members[members[name]], values)
        given.add(name)
    required = {xform_name(name, "-") for name in (shape.required_members if shape else [])}
    assert required - given == set(), f"{check_id}: required options missing"


@pytest.mark.parametrize("check_id", [c for c in CHECK_IDS if c.startswith("cloudwatch_alarm_")])
def test_alarm_commands_use_a_pattern_the_check_accepts(check_id: str) -> None:
    argv = _argv(check_id)
    pattern = argv[argv.index("--filter-pattern") + 1]
    name = check_id.removeprefix("cloudwatch_alarm_")
    assert canonical_pattern(pattern) in CANONICAL_PATTERNS[name]


def test_guidance_modules_stay_small() -> None:
    package = Path(collectors.guidance.__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in package.glob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 400} == {}
