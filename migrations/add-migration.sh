#!/usr/bin/env bash
# Adds one same-named migration to every provider's migrations project.
# Usage: migrations/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: migrations/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite SqlServer Postgres; do
  project="migrations/ReviewConsole.Migrations.$provider/ReviewConsole.Migrations.$provider.csproj"
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
