#!/bin/bash
# EC2 user data, web tier: gunicorn behind the load balancer (gas-web.service on port 8000).
# Run by the launch template's user data after it unpacked the release into /opt/gas.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

install_system_packages
create_gas_user
install_release
write_env_file
start_log_shipping web web
install_units gas-web
wait_for_web
check_units_stay_up gas-web
log "web tier is up"
