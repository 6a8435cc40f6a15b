"""Reading the CloudFormation template: a loader for its short tags and a resolver for names."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
AWS_DIR = REPO / "aws"
TEMPLATE = AWS_DIR / "cloudformation" / "gas.yaml"
ACCOUNT = "123456789012"  # moto's default account, so resolved ARNs equal the emulator's
REGION = "us-east-1"
SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9:._]+)\}")


class CfnLoader(yaml.SafeLoader):
    """PyYAML loader that turns CloudFormation short tags (!Ref, !Sub, ...) into long form."""


def _intrinsic(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict:
    """`!Ref X` → {"Ref": X}, `!GetAtt A.B` → {"Fn::GetAtt": [A, B]}, `!Sub s` → {"Fn::Sub": s}."""
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict:
    """The template as plain data, intrinsic functions in their long form."""
    return yaml.load(path.read_text(), Loader=CfnLoader)  # CfnLoader is a SafeLoader subclass


class Resolver:
    """Evaluates the template's names and ARNs for given parameter values, as AWS would."""

    def __init__(self, template: dict, parameters: dict[str, str]) -> None:
        self.resources = template["Resources"]
        defaults = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()}
        self.values = {**defaults, **parameters, "AWS::Region": REGION,
                       "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                       "AWS::StackName": "gas-stack"}

    def __call__(self, node):
        """Resolve Ref, GetAtt and Sub (recursively); anything else is returned as is."""
        if isinstance(node, list):
            return [self(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"}:
            return self.ref(node["Ref"])
        if set(node) == {"Fn::GetAtt"}:
            return self.get_att(*node["Fn::GetAtt"])
        if set(node) == {"Fn::Sub"}:
            return self.sub(node["Fn::Sub"])
        return {key: self(value) for key, value in node.items()}

    def name(self, logical_id: str) -> str:
        """The physical name a resource declares (QueueName, TopicName, ...)."""
        properties = self.resources[logical_id]["Properties"]
        for key in ("QueueName", "TopicName", "BucketName", "TableName", "LogGroupName", "Name"):
            if key in properties:
                return self(properties[key])
        raise KeyError(f"{logical_id} declares no name")

    def ref(self, target: str) -> str:
        """What `!Ref target` returns: a parameter's value, or the resource's id."""
        if target in self.values:
            return self.values[target]
        kind, name = self.resources[target]["Type"], self.name(target)
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
        if kind == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
        return name

    def get_att(self, target: str, attribute: str) -> str:
        """What `!GetAtt target.attribute` returns, for the attributes the names use."""
        if attribute not in ("Arn", "QueueName"):
            return f"<{target}.{attribute}>"  # run-time values (endpoints, DNS names)
        kind, name = self.resources[target]["Type"], self.name(target)
        if attribute == "QueueName":
            return name
        return {
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*",
        }[kind]

    def sub(self, spec) -> str:
        """Fn::Sub with its string form or its [template, variables] form."""
        text, variables = (spec, {}) if isinstance(spec, str) else spec
        variables = {key: self(value) for key, value in variables.items()}

        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key in variables:
                return str(variables[key])
            if "." in key and not key.startswith("AWS::"):
                return self.get_att(*key.split(".", 1))
            return self.ref(key)

        return SUB_VARIABLE.sub(replace, text)


def resources_of(template: dict, kind: str) -> dict[str, dict]:
    """Logical id → resource, for every resource of one type."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}
