# shellcheck shell=bash
# Shared steps of the GAS EC2 user-data scripts (web.sh, annotator.sh, workers.sh); sourced.
#
# The instance's user data (aws/cloudformation/gas.yaml) has already unpacked the release into
# /opt/gas and exported AWS_REGION, GAS_SETTINGS_PARAMETER (SSM parameter holding the settings
# file) and GAS_BUNDLE_S3_URI (empty: build the annotation bundle here). Target: Amazon Linux 2023.

GAS_HOME=/opt/gas
GAS_VENV=$GAS_HOME/.venv
GAS_STATE=/var/lib/gas
GAS_LOGS=/var/log/gas
GAS_ENV_FILE=/etc/gas/gas.env
# Settings a production process cannot start without (gas/config.py REQUIRED_IN_PROD minus the
# secrets, plus the secret's id). Secrets never go to disk, and neither do the emulator's
# endpoint and keys (on AWS the instance role signs every request).
REQUIRED_SETTINGS=(GAS_ENV AWS_REGION GAS_NAME GAS_BASE_URL GAS_MAIL_SENDER GLOBUS_CLIENT_ID
                   GAS_SECRETS_ID)
FORBIDDEN_SETTINGS=(SECRET_KEY GLOBUS_CLIENT_SECRET DATABASE_URL AWS_ENDPOINT_URL
                    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY)

log() { echo "gas-user-data: $*" >&2; }

# Python 3.11, git, the CloudWatch agent (ships /var/log/gas/*.log) and logrotate.
install_system_packages() {
    dnf install -y -q python3.11 python3.11-pip git amazon-cloudwatch-agent logrotate
}

# The unprivileged service user; its home is the only writable data directory.
create_gas_user() {
    id gas >/dev/null 2>&1 || useradd --system --home-dir "$GAS_STATE" --shell /sbin/nologin gas
    install -d -o gas -g gas -m 0750 "$GAS_STATE"
    install -d -m 0755 "$GAS_LOGS" /etc/gas
}

# /opt/gas/.venv with the pinned requirements and GAS itself; root-owned, read-only to gas.
install_release() {
    python3.11 -m venv "$GAS_VENV"
    "$GAS_VENV/bin/pip" install -q --no-cache-dir --disable-pip-version-check \
        -r "$GAS_HOME/requirements.txt" -e "$GAS_HOME"
    # Byte-compile now: at run time /opt is read-only to the services.
    "$GAS_VENV/bin/python" -m compileall -q "$GAS_HOME/gas" "$GAS_HOME/ann" "$GAS_HOME/util" \
        "$GAS_HOME/web" >/dev/null
}

# Fail unless FILE is KEY=VALUE lines with every required setting and no secret.
check_env_file() {
    local file=$1 key bad=0
    if grep -Evq '^([A-Z][A-Z0-9_]*=.*|#.*|)$' "$file"; then
        log "$file: lines that are not KEY=VALUE: $(grep -Ev '^([A-Z][A-Z0-9_]*=.*|#.*|)$' "$file" | head -3)"
        bad=1
    fi
    for key in "${REQUIRED_SETTINGS[@]}"; do
        grep -Eq "^$key=.+" "$file" || { log "$file: $key is missing"; bad=1; }
    done
    for key in "${FORBIDDEN_SETTINGS[@]}"; do
        grep -Eq "^$key=" "$file" && { log "$file: $key must not be on disk"; bad=1; }
    done
    grep -qx 'GAS_ENV=prod' "$file" || { log "$file: GAS_ENV must be prod"; bad=1; }
    return "$bad"
}

# The value of KEY in the settings file.
env_value() {
    sed -n "s/^$1=//p" "$GAS_ENV_FILE" | tail -n 1
}

# /etc/gas/gas.env from the stack's SSM parameter: readable by root and gas only.
write_env_file() {
    local tmp
    tmp=$(mktemp)
    aws ssm get-parameter --region "$AWS_REGION" --name "$GAS_SETTINGS_PARAMETER" \
        --query Parameter.Value --output text > "$tmp"
    check_env_file "$tmp"
    install -o root -g gas -m 0640 "$tmp" "$GAS_ENV_FILE"
    rm -f "$tmp"
}

# The annotation bundle at $GAS_ANNOTATION_DATA: synced from S3 when GAS_BUNDLE_S3_URI is set,
# else built from the registry packages (needs PyPI through the NAT gateway; a few minutes).
install_annotation_bundle() {
    local out
    out=$(env_value GAS_ANNOTATION_DATA)
    if [ -n "${GAS_BUNDLE_S3_URI:-}" ]; then
        log "annotation bundle: syncing $GAS_BUNDLE_S3_URI to $out"
        aws s3 sync --only-show-errors "$GAS_BUNDLE_S3_URI" "$out"
    else
        log "annotation bundle: building with python -m ann build-data into $out"
        (cd "$GAS_HOME" && "$GAS_VENV/bin/python" -m ann build-data --out "$out")
    fi
    # Owned by root: the annotator reads it and cannot change it.
    chmod -R a+rX "$out"
}

# Copy units from the release, send each one's output to /var/log/gas/NAME.log (a drop-in, so
# the unit files stay as shipped), enable and start them.
install_units() {
    local unit
    for unit in "$@"; do
        install -m 0644 "$GAS_HOME/aws/systemd/$unit.service" /etc/systemd/system/
        install -d /etc/systemd/system/"$unit".service.d
        printf '[Service]\nStandardOutput=append:%s/%s.log\nStandardError=inherit\n' \
            "$GAS_LOGS" "${unit#gas-}" > /etc/systemd/system/"$unit".service.d/log-file.conf
    done
    systemctl daemon-reload
    for unit in "$@"; do
        systemctl enable --now "$unit.service"
    done
}

# CloudWatch agent configuration: /var/log/gas/PROCESS.log and the boot log into GROUP.
cloudwatch_config() {
    local group=$1 process path files=""
    shift
    for process in "$@" boot; do
        path="$GAS_LOGS/$process.log"
        [ "$process" = boot ] && path=/var/log/cloud-init-output.log
        files+="${files:+, }{\"file_path\": \"$path\", \"log_group_name\": \"$group\","
        files+=" \"log_stream_name\": \"{instance_id}/$process\"}"
    done
    printf '{"logs": {"logs_collected": {"files": {"collect_list": [%s]}}}}\n' "$files"
}

# Ship the tier's process logs and boot log to its log group /gas/GAS_NAME/TIER.
start_log_shipping() {
    local tier=$1 config=/opt/aws/amazon-cloudwatch-agent/etc/gas.json
    shift
    cloudwatch_config "/gas/$(env_value GAS_NAME)/$tier" "$@" > "$config"
    /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl \
        -a fetch-config -m ec2 -s -c "file:$config"
    # copytruncate: the services keep their append-mode file open.
    cat > /etc/logrotate.d/gas <<EOF
$GAS_LOGS/*.log {
    daily
    rotate 7
    compress
    missingok
    notifempty
    copytruncate
}
EOF
}

# Fail unless each unit is still running, never restarted, after a settling period.
check_units_stay_up() {
    local unit
    sleep 20
    for unit in "$@"; do
        if ! systemctl is-active --quiet "$unit" \
                || [ "$(systemctl show -p NRestarts --value "$unit")" != 0 ]; then
            log "$unit is not running steadily; its log ends with:"
            tail -n 30 "$GAS_LOGS/${unit#gas-}.log" >&2 || true
            return 1
        fi
    done
}

# Fail unless the web app answers on its port (what the load balancer's health check asks).
wait_for_web() {
    local url code
    url="http://127.0.0.1:$(env_value PORT)/"
    for _ in $(seq 60); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
        case $code in
            2?? | 3??) log "web answers $code at $url"; return 0 ;;
        esac
        sleep 2
    done
    log "web does not answer at $url; its log ends with:"
    tail -n 30 "$GAS_LOGS/web.log" >&2 || true
    return 1
}
