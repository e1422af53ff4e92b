#!/usr/bin/env bash
# Before the first release only: squash every provider's migrations back into one Initial.
set -euo pipefail
cd "$(dirname "$0")/.."
for provider in Sqlite SqlServer Postgres; do
  rm -rf "migrations/ReviewConsole.Migrations.$provider/Migrations"
done
migrations/add-migration.sh Initial
