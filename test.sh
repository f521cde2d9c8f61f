#!/usr/bin/env bash
# Run every test suite: those that need no Odoo, then (when Odoo 18.0 is found)
# every addon's Odoo tests on a fresh database. See README.md.
set -euo pipefail
cd "$(dirname "$0")"
exec "${PYTHON:-python3}" scripts/harness test "$@"
