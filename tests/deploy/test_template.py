"""The files under aws/ agree with gas/ (names, settings) and with what `gas init` builds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from gas import aws
from gas.config import SECRET_KEYS, SettingsError, load_settings
from gas.jobs import USER_INDEX
from gas.messages import JobRequest, JobResult, RestoreRequest, ThawRequest
from gas.resources import (
    DLQ_RETENTION_SECONDS,
    QUEUE_VISIBILITY_SECONDS,
    QUEUES,
    REDRIVE_SLACK,
    TOPICS,
    ensure_resources,
)

from .cfn_template import ACCOUNT, AWS_DIR, REGION, REPO, TEMPLATE, Resolver, resources_of

DOMAIN = "gas.example.org"
# Values for the parameters without a default.
PARAMETERS = {
    "DomainName": DOMAIN, "MailSender": "gas@example.org", "GlobusClientId": "globus-client",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
    "GlobusClientSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:globus",
    "ArtifactBucket": "gas-artifacts", "ArtifactKey": "releases/gas.tar.gz",
}
USER_DATA = AWS_DIR / "user-data"
UNITS = sorted((AWS_DIR / "systemd").glob("*.service"))
SQS_DEFAULTS = {"VisibilityTimeout": 30, "DelaySeconds": 0, "MessageRetentionPeriod": 345600}
# Secrets stay in Secrets Manager; the emulator's endpoint and keys are for the local stack only
# (on AWS the instance role signs requests).
NOT_ON_DISK = {*SECRET_KEYS, "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
FAKE_SECRETS = {"SECRET_KEY": "k", "GLOBUS_CLIENT_SECRET": "s", "DATABASE_URL": "postgresql://x/y"}
# Which queues each instance role's processes consume (ARCHITECTURE.md, process table).
CONSUMES = {
    "WebRole": set(),
    "AnnotatorRole": {"job_requests"},
    "UtilRole": {"notify", "archive", "restore", "thaw"},
}
# The code each role runs, to find the messages it publishes (web submits via gas/submit.py).
ROLE_CODE = {"WebRole": ["web", "gas/submit.py", "gas/roles.py"], "AnnotatorRole": ["ann"],
             "UtilRole": ["util", "gas/archive/retrieval.py"]}
MESSAGE_TYPES = (JobRequest, JobResult, RestoreRequest, ThawRequest)


def prod_settings():
    """Settings of a deployment called gas-prod (for the names they derive)."""
    return load_settings({"GAS_NAME": "gas-prod", "GAS_DATA_DIR": "/nonexistent"})


def resolver(template: dict, name: str = "gas-prod") -> Resolver:
    """Evaluate the template for a deployment called `name` at DOMAIN."""
    return Resolver(template, {**PARAMETERS, "GasName": name})


def settings_file(template: dict, resolve: Resolver) -> dict[str, str]:
    """The /etc/gas/gas.env the instances get (the SSM parameter's value), as a dict."""
    text = resolve(template["Resources"]["SettingsParameter"]["Properties"]["Value"])
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def statements(template: dict, role: str) -> list[dict]:
    """An instance role's policy statements, the shared boot policy's and conditional ones too."""
    resolve = resolver(template)
    resources = template["Resources"]
    properties = resources[role]["Properties"]
    assert {"Ref": "InstanceBootPolicy"} in properties["ManagedPolicyArns"]
    documents = [policy["PolicyDocument"] for policy in properties["Policies"]]
    documents.append(resources["InstanceBootPolicy"]["Properties"]["PolicyDocument"])
    found = []
    for document in documents:
        for statement in document["Statement"]:
            if "Fn::If" in statement:
                statement = statement["Fn::If"][1]
            found.append(resolve(statement))
    return found


def allowed(template: dict, role: str, action: str) -> set[str]:
    """Resources on which `role` may perform `action`."""
    resources: set[str] = set()
    for statement in statements(template, role):
        actions = statement["Action"]
        if action in ([actions] if isinstance(actions, str) else actions):
            found = statement["Resource"]
            resources.update([found] if isinstance(found, str) else found)
    return resources


# ------------------------------------------------------------------------------ the template
def test_template_passes_cfn_lint():
    api = pytest.importorskip("cfnlint.api", reason="cfn-lint not installed (cfn-lint==1.58.0)")
    assert [str(match) for match in api.lint_file(TEMPLATE)] == []


def test_names_are_those_settings_derive(template):
    settings = prod_settings()
    resolve = resolver(template)

    def names(kind: str) -> set[str]:
        return {resolve.name(logical) for logical in resources_of(template, kind)}

    assert names("AWS::DynamoDB::Table") == {settings.jobs_table}
    assert names("AWS::S3::Bucket") == {settings.inputs_bucket, settings.results_bucket}
    assert names("AWS::SNS::Topic") == {settings.topic_name(t) for t in TOPICS}
    assert names("AWS::SQS::Queue") == {
        settings.queue_name(q) for queue in QUEUES for q in (queue, f"{queue}_dlq")
    }
    table = template["Resources"]["JobsTable"]["Properties"]
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == USER_INDEX
    assert index["KeySchema"] == [{"AttributeName": "user_id", "KeyType": "HASH"},
                                  {"AttributeName": "submit_time", "KeyType": "RANGE"}]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_every_queue_has_its_dead_letter_queue(template):
    resolve = resolver(template)
    queues = resources_of(template, "AWS::SQS::Queue")
    names = {resolve.name(logical): logical for logical in queues}
    max_receives = int(settings_file(template, resolve)["GAS_MAX_RECEIVES"])
    main = [name for name in names if not name.endswith("-dlq")]
    assert len(main) == len(QUEUES)
    for name in main:
        properties = queues[names[name]]["Properties"]
        redrive = resolve(properties["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(f":{name}-dlq")
        assert redrive["maxReceiveCount"] == max_receives + REDRIVE_SLACK
        assert properties["VisibilityTimeout"] == QUEUE_VISIBILITY_SECONDS
        dlq = queues[names[f"{name}-dlq"]]["Properties"]
        assert dlq["MessageRetentionPeriod"] == DLQ_RETENTION_SECONDS


def test_subscriptions_deliver_raw_messages_to_queues(template):
    resolve = resolver(template)
    subscriptions = resources_of(template, "AWS::SNS::Subscription").values()
    pairs = set()
    for subscription in subscriptions:
        properties = resolve(subscription["Properties"])
        assert properties["Protocol"] == "sqs"
        assert properties["RawMessageDelivery"] is True
        # The queue must accept the topic's messages before the first one is published.
        assert subscription["DependsOn"].endswith("QueuePolicy")
        topic, queue = properties["TopicArn"], properties["Endpoint"]
        pairs.add((topic.rsplit(":", 1)[1], queue.rsplit(":", 1)[1]))
    settings = prod_settings()
    assert pairs == {(settings.topic_name(t), settings.queue_name(q)) for q, t in QUEUES.items()}


def test_archive_delay_default_is_the_free_window(template):
    parameters = template["Parameters"]
    retention = parameters["FreeUserDataRetention"]["Default"]
    assert parameters["ArchiveQueueDelaySeconds"]["Default"] == min(retention, 900)
    delay = template["Resources"]["ArchiveQueue"]["Properties"]["DelaySeconds"]
    assert delay == {"Ref": "ArchiveQueueDelaySeconds"}


# ------------------------------------------------------------------------------ settings file
def keys_config_reads() -> set[str]:
    """Every environment key gas/config.py looks up."""
    source = (REPO / "gas" / "config.py").read_text()
    return set(re.findall(r'(?:values\.get\(|_int\(values, |_choice\(values, )"([A-Z0-9_]+)"',
                          source))


def test_settings_file_has_every_setting_and_no_secret(template):
    env = settings_file(template, resolver(template))
    assert "GAS_ANNOTATOR_TIME_LIMIT" in keys_config_reads()  # the regex finds the lookups
    missing = keys_config_reads() - set(env) - NOT_ON_DISK
    assert not missing
    assert not set(env) & NOT_ON_DISK


def test_settings_file_loads_in_production(template):
    env = settings_file(template, resolver(template, "gas-prod"))
    settings = load_settings({**env, **FAKE_SECRETS})
    assert (settings.env, settings.name, settings.base_url) == ("prod", "gas-prod", f"https://{DOMAIN}")
    assert settings.aws_endpoint_url is None
    assert settings.archive_backend == template["Parameters"]["ArchiveBackend"]["Default"]
    # Without the secret the processes refuse to start: the file alone holds no secret.
    without_secret = {key: value for key, value in env.items() if key != "GAS_SECRETS_ID"}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(without_secret)


def test_app_secret_holds_the_secrets_config_reads(template):
    resources = template["Resources"]
    generated = resources["AppSecret"]["Properties"]["GenerateSecretString"]
    fixed = json.loads(resolver(template)(generated["SecretStringTemplate"]))
    assert {*fixed, generated["GenerateStringKey"]} == set(SECRET_KEYS)
    assert fixed["DATABASE_URL"].startswith("postgresql+psycopg://gas:")
    # The generated database password goes into the URL as is: it must need no escaping.
    password = resources["DatabasePasswordSecret"]["Properties"]["GenerateSecretString"]
    assert password["ExcludePunctuation"] is True
    resolve = resolver(template)
    assert settings_file(template, resolve)["GAS_SECRETS_ID"] == resolve.ref("AppSecret")


# ------------------------------------------------------------------------------ user data
def check_env_file(path) -> subprocess.CompletedProcess:
    """Run common.sh's check_env_file on a file."""
    script = f'source "{USER_DATA / "common.sh"}"; check_env_file "{path}"'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(("change", "complaint"), [
    (None, None),
    (lambda env: env.pop("GAS_NAME"), "GAS_NAME is missing"),
    (lambda env: env.update(SECRET_KEY="leaked"), "SECRET_KEY must not be on disk"),
    (lambda env: env.update(AWS_SECRET_ACCESS_KEY="x"), "AWS_SECRET_ACCESS_KEY must not be on"),
    (lambda env: env.update(GAS_ENV="dev"), "GAS_ENV must be prod"),
])
def test_user_data_checks_the_settings_file(template, tmp_path, change, complaint):
    env = settings_file(template, resolver(template))
    if change:
        change(env)
    path = tmp_path / "gas.env"
    path.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    result = check_env_file(path)
    assert result.returncode == (1 if complaint else 0), result.stderr
    assert complaint is None or complaint in result.stderr


def tier_scripts(template: dict) -> dict[str, str]:
    """User-data script name → its text, for each script a launch template runs."""
    launch_templates = json.dumps(resources_of(template, "AWS::EC2::LaunchTemplate"))
    names = re.findall(r"aws/user-data/([a-z]+\.sh)", launch_templates)
    assert sorted(names) == ["annotator.sh", "web.sh", "workers.sh"]
    return {name: (USER_DATA / name).read_text() for name in names}


def cloudwatch_config(group: str, processes: list[str]) -> dict:
    """What common.sh's cloudwatch_config writes for the CloudWatch agent."""
    script = f'source "{USER_DATA / "common.sh"}"; cloudwatch_config "$@"'
    result = subprocess.run(["bash", "-c", script, "bash", group, *processes],
                            capture_output=True, text=True, timeout=30, check=True)
    return json.loads(result.stdout)


def test_user_data_ships_the_log_of_every_unit_it_installs(template):
    log_groups = {resolver(template).name(g) for g in resources_of(template, "AWS::Logs::LogGroup")}
    for name, text in tier_scripts(template).items():
        [units] = re.findall(r"^install_units (.+)$", text, re.M)
        [(tier, processes)] = re.findall(r"^start_log_shipping (\w+) (.+)$", text, re.M)
        # install_units sends gas-NAME's output to /var/log/gas/NAME.log
        assert {unit.removeprefix("gas-") for unit in units.split()} == set(processes.split())
        group = f"/gas/gas-prod/{tier}"
        assert group in log_groups, name
        shipped = cloudwatch_config(group, processes.split())["logs"]["logs_collected"]
        paths = {entry["file_path"] for entry in shipped["files"]["collect_list"]}
        assert paths == {f"/var/log/gas/{p}.log" for p in processes.split()} | {
            "/var/log/cloud-init-output.log"}


def test_user_data_installs_units_that_exist(template):
    for text in tier_scripts(template).values():
        for units in re.findall(r"^install_units (.+)$", text, re.M):
            for unit in units.split():
                assert (AWS_DIR / "systemd" / f"{unit}.service").is_file(), unit


@pytest.mark.parametrize("script", sorted(USER_DATA.glob("*.sh")), ids=lambda p: p.name)
def test_user_data_script_is_valid_bash(script):
    assert subprocess.run(["bash", "-n", str(script)], timeout=30).returncode == 0
    if shutil.which("shellcheck"):
        result = subprocess.run(["shellcheck", "-x", "-P", "SCRIPTDIR", "-s", "bash", str(script)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout


# ------------------------------------------------------------------------------ systemd units
def unit_keys(path) -> dict[tuple[str, str], list[str]]:
    """(section, key) → values of a unit file (keys may repeat)."""
    keys: dict[tuple[str, str], list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            keys.setdefault((section, key.strip()), []).append(value.strip())
    return keys


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_runs_gas_hardened(unit):
    keys = unit_keys(unit)
    expected = {
        "User": "gas", "WorkingDirectory": "/opt/gas", "EnvironmentFile": "/etc/gas/gas.env",
        "Restart": "always", "KillSignal": "SIGTERM", "NoNewPrivileges": "yes",
        "ProtectSystem": "strict", "PrivateTmp": "yes",
    }
    for key, value in expected.items():
        assert keys.get(("Service", key)) == [value], key
    assert "/var/lib/gas" in " ".join(keys.get(("Service", "ReadWritePaths"), []))
    assert keys[("Service", "ExecStart")][0].startswith("/opt/gas/.venv/bin/")
    assert keys[("Install", "WantedBy")] == ["multi-user.target"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_passes_systemd_analyze_verify(unit, tmp_path):
    # verify also checks that ExecStart is executable: point it at stand-ins for the venv.
    venv_bin = tmp_path / "bin"
    venv_bin.mkdir()
    for program in ("python", "gunicorn"):
        (venv_bin / program).write_text("#!/bin/sh\n")
        (venv_bin / program).chmod(0o755)
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace("/opt/gas/.venv/bin/", f"{venv_bin}/"))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)],
                            capture_output=True, text=True, timeout=60)
    complaints = [line for line in result.stderr.splitlines() if unit.name in line]
    assert result.returncode == 0 and not complaints, result.stderr


def test_annotator_may_finish_its_job_when_stopped(template):
    keys = unit_keys(AWS_DIR / "systemd" / "gas-annotator.service")
    env = settings_file(template, resolver(template))
    assert keys[("Service", "ExecStart")] == ["/opt/gas/.venv/bin/python -m ann.annotator"]
    # SIGTERM reaches the worker loop only, not the engine's child processes.
    assert keys[("Service", "KillMode")] == ["mixed"]
    assert int(keys[("Service", "TimeoutStopSec")][0]) > int(env["GAS_ANNOTATOR_TIME_LIMIT"])


def test_web_listens_where_the_load_balancer_looks(template):
    keys = unit_keys(AWS_DIR / "systemd" / "gas-web.service")
    env = settings_file(template, resolver(template))
    resources = template["Resources"]
    assert keys[("Service", "ExecStart")] == [
        "/opt/gas/.venv/bin/gunicorn -c web/gunicorn.conf.py web.wsgi:app"]
    assert env["GAS_BIND"] == "0.0.0.0"
    assert int(env["PORT"]) == resources["WebTargetGroup"]["Properties"]["Port"]
    [ingress] = resources["WebSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert ingress["FromPort"] == ingress["ToPort"] == int(env["PORT"])
    assert env["GAS_TRUSTED_PROXIES"] == "1"  # the load balancer is the one proxy


# ------------------------------------------------------------------------------ permissions
@pytest.mark.parametrize("role", sorted(CONSUMES))
def test_role_grants_no_wildcards(template, role):
    for statement in statements(template, role):
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action, action
        if statement["Resource"] == "*":
            assert statement.get("Condition"), statement  # e.g. SES: only from the sender


@pytest.mark.parametrize("role", sorted(CONSUMES))
def test_role_consumes_only_its_queues(template, role):
    settings = prod_settings()

    def arns(queues) -> set[str]:
        return {f"arn:aws:sqs:{REGION}:{ACCOUNT}:{settings.queue_name(q)}" for q in queues}

    assert allowed(template, role, "sqs:ReceiveMessage") == arns(CONSUMES[role])
    dead_letters = arns(f"{q}_dlq" for q in CONSUMES[role])
    assert dead_letters <= allowed(template, role, "sqs:SendMessage")


@pytest.mark.parametrize("role", sorted(ROLE_CODE))
def test_role_publishes_what_its_code_publishes(template, role):
    settings = prod_settings()
    pattern = re.compile(r"\b(" + "|".join(m.__name__ for m in MESSAGE_TYPES) + r")\(")
    by_name = {m.__name__: m for m in MESSAGE_TYPES}
    published = set()
    for place in ROLE_CODE[role]:
        path = REPO / place
        for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
            published.update(by_name[name].topic for name in pattern.findall(source.read_text()))
    assert published, f"no publishing code found for {role}"
    topics = {f"arn:aws:sns:{REGION}:{ACCOUNT}:{settings.topic_name(t)}" for t in published}
    assert allowed(template, role, "sns:Publish") == topics


# ------------------------------------------------------------------------------ vs `gas init`
@pytest.fixture
def initialised(gas_env, monkeypatch):
    """Settings of a deployment at https://DOMAIN whose resources `gas init` made on moto."""
    monkeypatch.setenv("GAS_BASE_URL", f"https://{DOMAIN}")
    aws.reset_clients()
    settings = load_settings(os.environ)
    ensure_resources(settings)
    return settings


def test_queues_are_configured_as_gas_init_does(template, initialised):
    resolve = resolver(template, initialised.name)
    sqs = aws.client("sqs", initialised)
    urls = sqs.list_queues(QueueNamePrefix=f"{initialised.name}-")["QueueUrls"]
    made = {url.rsplit("/", 1)[1]: sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["All"])["Attributes"] for url in urls}
    declared = {resolve.name(logical): resolve(queue["Properties"])
                for logical, queue in resources_of(template, "AWS::SQS::Queue").items()}
    assert set(declared) == set(made)
    for name, properties in declared.items():
        for key, default in SQS_DEFAULTS.items():
            assert str(properties.get(key, default)) == made[name][key], (name, key)
        redrive = json.loads(made[name].get("RedrivePolicy", "null"))
        if redrive:
            redrive["maxReceiveCount"] = int(redrive["maxReceiveCount"])
        assert properties.get("RedrivePolicy") == redrive, name
    for policy in resources_of(template, "AWS::SQS::QueuePolicy").values():
        properties = resolve(policy["Properties"])
        [url] = properties["Queues"]
        made_policy = json.loads(made[url.rsplit("/", 1)[1]]["Policy"])
        assert properties["PolicyDocument"]["Statement"] == made_policy["Statement"]


def test_topics_and_subscriptions_are_those_gas_init_makes(template, initialised):
    resolve = resolver(template, initialised.name)
    sns = aws.client("sns", initialised)
    prefix = f"arn:aws:sns:{REGION}:{ACCOUNT}:{initialised.name}-"
    made_topics = {topic["TopicArn"] for page in sns.get_paginator("list_topics").paginate()
                   for topic in page["Topics"] if topic["TopicArn"].startswith(prefix)}
    made_subscriptions = {
        (sub["TopicArn"], sub["Endpoint"])
        for page in sns.get_paginator("list_subscriptions").paginate()
        for sub in page["Subscriptions"] if sub["TopicArn"].startswith(prefix)
    }
    declared_topics = {resolve.ref(topic) for topic in resources_of(template, "AWS::SNS::Topic")}
    declared_subscriptions = {
        (resolve(sub["Properties"]["TopicArn"]), resolve(sub["Properties"]["Endpoint"]))
        for sub in resources_of(template, "AWS::SNS::Subscription").values()
    }
    assert declared_topics == made_topics
    assert declared_subscriptions == made_subscriptions


def test_table_is_the_one_gas_init_makes(template, initialised):
    resolve = resolver(template, initialised.name)
    declared = resolve(template["Resources"]["JobsTable"]["Properties"])
    made = aws.client("dynamodb", initialised).describe_table(
        TableName=initialised.jobs_table)["Table"]
    assert declared["TableName"] == made["TableName"]
    assert declared["KeySchema"] == made["KeySchema"]
    assert sorted(declared["AttributeDefinitions"], key=str) == sorted(
        made["AttributeDefinitions"], key=str)
    assert declared["BillingMode"] == made["BillingModeSummary"]["BillingMode"]
    [index] = made["GlobalSecondaryIndexes"]
    assert declared["GlobalSecondaryIndexes"] == [{
        key: index[key] for key in ("IndexName", "KeySchema", "Projection")}]


def test_buckets_are_configured_as_gas_init_does(template, initialised):
    resolve = resolver(template, initialised.name)
    s3 = aws.client("s3", initialised)
    for bucket in resources_of(template, "AWS::S3::Bucket").values():
        declared = resolve(bucket["Properties"])
        name = declared["BucketName"]
        encryption = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
        assert [rule["ApplyServerSideEncryptionByDefault"] for rule in encryption["Rules"]] == [
            rule["ServerSideEncryptionByDefault"]
            for rule in declared["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert block == declared["PublicAccessBlockConfiguration"]
        try:
            made_cors = s3.get_bucket_cors(Bucket=name)["CORSRules"]
        except s3.exceptions.ClientError:
            made_cors = None
        declared_cors = declared.get("CorsConfiguration", {}).get("CorsRules")
        if declared_cors is not None:
            declared_cors = [{"AllowedOrigins": r["AllowedOrigins"],
                              "AllowedMethods": r["AllowedMethods"],
                              "AllowedHeaders": r["AllowedHeaders"],
                              "MaxAgeSeconds": r["MaxAge"]} for r in declared_cors]
        assert declared_cors == made_cors, name


# The resources moto's CloudFormation can create (it accepts but does not apply queue policies
# and subscriptions; `gas init` then adds those, which is what it is for).
DATA_PLANE = {"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::SQS::Queue",
              "AWS::SQS::QueuePolicy", "AWS::SNS::Subscription"}


def queue_attributes(settings) -> dict[str, dict]:
    """Queue name → attributes that describe configuration (no timestamps, no policy)."""
    sqs = aws.client("sqs", settings)
    urls = sqs.list_queues(QueueNamePrefix=f"{settings.name}-")["QueueUrls"]
    return {url.rsplit("/", 1)[1]: {
        key: value
        for key, value in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"].items()
        if "Timestamp" not in key and key != "Policy"
    } for url in urls}


def test_gas_init_over_the_stack_keeps_what_it_declared(template, gas_env, monkeypatch):
    monkeypatch.setenv("GAS_BASE_URL", f"https://{DOMAIN}")
    aws.reset_clients()
    settings = load_settings(os.environ)
    stack = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {key: template["Parameters"][key]
                       for key in ("GasName", "DomainName", "ArchiveQueueDelaySeconds")},
        "Resources": {logical: resource for logical, resource in template["Resources"].items()
                      if resource["Type"] in DATA_PLANE},
    }
    cloudformation = aws.client("cloudformation", settings)
    cloudformation.create_stack(
        StackName=f"{settings.name}-stack", TemplateBody=json.dumps(stack),
        Parameters=[{"ParameterKey": "GasName", "ParameterValue": settings.name},
                    {"ParameterKey": "DomainName", "ParameterValue": DOMAIN}],
    )
    [described] = cloudformation.describe_stacks(StackName=f"{settings.name}-stack")["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    queues = queue_attributes(settings)
    table = aws.client("dynamodb", settings).describe_table(TableName=settings.jobs_table)
    assert len(queues) == 2 * len(QUEUES)

    ensure_resources(settings)  # `gas init` against the stack: no error ...

    assert queue_attributes(settings) == queues  # ... and the same configuration
    after = aws.client("dynamodb", settings).describe_table(TableName=settings.jobs_table)
    assert after["Table"]["KeySchema"] == table["Table"]["KeySchema"]
    assert after["Table"]["GlobalSecondaryIndexes"] == table["Table"]["GlobalSecondaryIndexes"]
