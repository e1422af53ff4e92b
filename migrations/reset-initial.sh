#!/usr/bin/env bash
# Before the first release only: squash every provider's migrations back into one Initial.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf migrations/ReviewConsole.Migrations.Sqlite/Migrations migrations/ReviewConsole.Migrations.SqlServer/Migrations
migrations/add-migration.sh Initial
