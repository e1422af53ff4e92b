#!/usr/bin/env bash
# Adds one same-named migration to every provider's migrations project (or to the providers named).
# Usage: migrations/add-migration.sh <Name> [Sqlite|SqlServer|Postgres ...]
set -euo pipefail
name=${1:?usage: migrations/add-migration.sh <MigrationName> [provider ...]}
shift
providers=("$@")
if [ "${#providers[@]}" -eq 0 ]; then providers=(Sqlite SqlServer Postgres); fi
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in "${providers[@]}"; do
  project="migrations/ReviewConsole.Migrations.$provider/ReviewConsole.Migrations.$provider.csproj"
  [ -f "$project" ] || { echo "No migrations project for provider '$provider' ($project)" >&2; exit 2; }
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
