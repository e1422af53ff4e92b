#!/usr/bin/env bash
# The one test command: build once, check formatting, run every test project (browser tests
# included) and print "N passed, N failed, N skipped" as the last line. Exits non-zero on any failure.
#   CONFIGURATION=Release ./test.sh   builds and tests in Release instead of Debug.
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

echo "== Tests"
rm -rf "$results"
mkdir -p "$results"
if ! dotnet test ReviewConsole.sln --no-build -c "$configuration" --logger "trx;LogFilePrefix=tests" --results-directory "$results" \
    | tee "$results/console.log"; then
  failed_steps+=("dotnet test")
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
echo "Test result files: $trx_files in $results; took $(( SECONDS - started )) s."
for step in "${failed_steps[@]+"${failed_steps[@]}"}"; do
  echo "FAILED: $step"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "${#failed_steps[@]}" -eq 0 ] && [ "$failed" -eq 0 ]
