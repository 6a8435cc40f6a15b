#!/bin/bash
# EC2 user data, annotator tier: the annotation bundle, then gas-annotator.service.
# Run by the launch template's user data after it unpacked the release into /opt/gas.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

install_system_packages
create_gas_user
install_release
write_env_file
install_annotation_bundle
start_log_shipping annotator annotator
install_units gas-annotator
check_units_stay_up gas-annotator
log "annotator tier is up"
