#!/bin/bash
# EC2 user data, util tier: the notify, archive, restore and thaw workers on one instance.
# Run by the launch template's user data after it unpacked the release into /opt/gas.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

install_system_packages
create_gas_user
install_release
write_env_file
start_log_shipping util notify archive restore thaw
install_units gas-notify gas-archive gas-restore gas-thaw
check_units_stay_up gas-notify gas-archive gas-restore gas-thaw
log "util tier is up"
