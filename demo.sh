#!/usr/bin/env bash
# The demo: Odoo with the addons, a sandbox Shopify store with generated orders, a full sync with
# progress and a summary, then Odoo left running at http://localhost:8069. See README.md.
#   ./demo.sh [--orders 200] [--database ecommerce_sync_demo] [--port 8069]
set -euo pipefail
cd "$(dirname "$0")"
exec "${PYTHON:-python3}" scripts/harness demo "$@"
