#!/usr/bin/env bash
# The one test command: build once, check formatting, run every test project (browser tests
# included) on SQLite, then the integration tests and the intake's unit tests again on PostgreSQL
# (a throwaway cluster from Debian's package, installed if missing), and print "N passed, N failed, N skipped" over all runs
# as the last line. Exits non-zero on any failure.
#   CONFIGURATION=Release ./test.sh   builds and tests in Release instead of Debug.
#   REVIEWCONSOLE_TEST_SQLSERVER='Server=...;User ID=...;Password=...;TrustServerCertificate=true' ./test.sh
#                                     also runs the integration tests on that SQL Server (the login
#                                     must be allowed to create databases; each test makes its own).
#   REVIEWCONSOLE_TEST_POSTGRES=skip ./test.sh   leaves the PostgreSQL run out.
set -euo pipefail
cd "$(dirname "$0")"
started=$SECONDS
configuration=${CONFIGURATION:-Debug}
results=TestResults/test-sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The browser tests drive the distribution's Chromium (Playwright's browser download is not used).
if ! command -v chromium >/dev/null 2>&1; then
  echo "== Installing Chromium (Debian package) for the browser tests"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

echo "== dotnet tool restore"
dotnet tool restore

echo "== Build ($configuration)"
dotnet build ReviewConsole.sln -c "$configuration" -nologo

failed_steps=()

echo "== Format check"
if ! dotnet format ReviewConsole.sln --verify-no-changes --no-restore; then
  failed_steps+=("dotnet format (run: dotnet format ReviewConsole.sln)")
fi

echo "== Tests (SQLite)"
rm -rf "$results"
mkdir -p "$results"
# Figures the multi-node suite reports (claims, doubles, actions, per-node shares), printed at the end.
export REVIEWCONSOLE_TEST_FIGURES="$PWD/$results/figures.txt"
# The SQLite run uses no server, whatever this shell has set.
if ! env -u REVIEWCONSOLE_TEST_POSTGRES -u REVIEWCONSOLE_TEST_SQLSERVER \
    dotnet test ReviewConsole.sln --no-build -c "$configuration" --logger "trx;LogFilePrefix=sqlite" --results-directory "$results" \
    | tee "$results/console.log"; then
  failed_steps+=("dotnet test (SQLite)")
fi

# The integration tests once more on a server database: each test gets a database of its own.
integration=tests/ReviewConsole.IntegrationTests/ReviewConsole.IntegrationTests.csproj
server_run() { # name, variable, connection string
  local name=$1 variable=$2 connection=$3 run_started=$SECONDS
  echo "== Integration tests ($name)"
  if ! env -u REVIEWCONSOLE_TEST_POSTGRES -u REVIEWCONSOLE_TEST_SQLSERVER "$variable=$connection" \
      dotnet test "$integration" --no-build -c "$configuration" --logger "trx;LogFilePrefix=$name" --results-directory "$results" \
      | tee -a "$results/console.log"; then
    failed_steps+=("dotnet test (integration on $name)")
  fi
  echo "Integration tests on $name took $(( SECONDS - run_started )) s."
}

if [ "${REVIEWCONSOLE_TEST_POSTGRES:-}" != "skip" ]; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/reviewconsole-pg.XXXXXX")
  trap 'tests/pg-cluster.sh stop "$pg_dir"' EXIT
  if pg_connection=$(tests/pg-cluster.sh start "$pg_dir"); then
    server_run postgres REVIEWCONSOLE_TEST_POSTGRES "$pg_connection"
    # The intake's unit tests too: PostgreSQL has its own insert path (multi-row statements, scores
    # by COPY) and its own fallback when the database refuses a record.
    echo "== Intake unit tests (postgres)"
    if ! env -u REVIEWCONSOLE_TEST_SQLSERVER REVIEWCONSOLE_TEST_POSTGRES="$pg_connection" \
        dotnet test tests/ReviewConsole.Tests/ReviewConsole.Tests.csproj --no-build -c "$configuration" --filter "FullyQualifiedName~Flags.Ingestion" \
          --logger "trx;LogFilePrefix=postgres-intake" --results-directory "$results" \
        | tee -a "$results/console.log"; then
      failed_steps+=("dotnet test (intake unit tests on postgres)")
    fi
  else
    failed_steps+=("PostgreSQL test cluster did not start")
  fi
  tests/pg-cluster.sh stop "$pg_dir"
  trap - EXIT
fi

if [ -n "${REVIEWCONSOLE_TEST_SQLSERVER:-}" ]; then
  server_run sqlserver REVIEWCONSOLE_TEST_SQLSERVER "$REVIEWCONSOLE_TEST_SQLSERVER"
fi

# Sums one attribute of the <Counters> element over every test project's .trx file.
count() {
  { cat "$results"/*.trx 2>/dev/null || true; } \
    | grep -o '<Counters [^>]*' \
    | grep -o " $1=\"[0-9]*\"" \
    | grep -o '[0-9][0-9]*' \
    | awk '{ sum += $1 } END { print sum + 0 }'
}

passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(count notExecuted)
# Every test assembly that started must have left its results (a crashed test host may not).
runs=$(grep -c '^Test run for ' "$results/console.log" || true)
trx_files=$(find "$results" -maxdepth 1 -name '*.trx' | wc -l)
if [ "$trx_files" -eq 0 ] || [ "$trx_files" -ne "$runs" ]; then
  failed_steps+=("$runs test assemblies ran but $trx_files result files were written")
fi

echo
if [ -s "$REVIEWCONSOLE_TEST_FIGURES" ]; then
  echo "== Figures"
  cat "$REVIEWCONSOLE_TEST_FIGURES"
fi
echo "Test result files: $trx_files in $results; took $(( SECONDS - started )) s."
# The names of failed tests, so a CI log that shows only its tail still says what failed.
{ cat "$results"/*.trx 2>/dev/null || true; } \
  | grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*' \
  | grep -o 'testName="[^"]*"' | sed 's/^testName="\(.*\)"$/FAILED TEST: \1/' || true
# ...and why: each failure's message (the first lines), from the console log.
awk '/^  Failed [A-Za-z]/ { show = 1; lines = 0 }
     /^  Stack Trace:/ { show = 0 }
     show && lines < 14 { print "  | " $0; lines++ }' "$results/console.log" 2>/dev/null || true
for step in "${failed_steps[@]+"${failed_steps[@]}"}"; do
  echo "FAILED: $step"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "${#failed_steps[@]}" -eq 0 ] && [ "$failed" -eq 0 ]
