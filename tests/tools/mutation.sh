#!/usr/bin/env bash
# Mutation testing of the remediation's pure core (plan, ledger, EC2's answer, plain text) with Stryker.NET, against
# the pure tests (tests/SgConfigRule.Tests/Remediation/Pure: no HTTP). Slow (minutes to an hour): not part of ./test.sh.
# The settings are in tests/stryker-config.json; the reports go to tests/StrykerOutput/<time>/reports.
# Extra arguments go to Stryker, e.g. tests/tools/mutation.sh --mutate '**/Plan/*.cs' or --concurrency 2.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version="${STRYKER_VERSION:-5.1.0}"
export PATH="$PATH:$HOME/.dotnet/tools"
# (Stryker's own --version names the project version for its dashboard; the tool list says which tool is installed.)
if ! dotnet tool list --global | grep -Eq "^dotnet-stryker +$version "; then
  echo "installing dotnet-stryker $version"
  dotnet tool update --global dotnet-stryker --version "$version" >/dev/null
fi
# SGCR_STRYKER_COVERAGE=off: run every selected test against every mutant. Needed for code the loopback-HTTP tests
# exercise (AutomationExecutionCheck, say): Stryker's per-test coverage misses mutants reached from their async calls
# and reports them as surviving or uncovered.
config=stryker-config.json
if [ -n "${SGCR_STRYKER_COVERAGE:-}" ]; then
  config=$(mktemp --suffix=.json -p .)
  trap 'rm -f "$config"' EXIT
  sed "s/\"coverage-analysis\": \"[a-zA-Z]*\"/\"coverage-analysis\": \"$SGCR_STRYKER_COVERAGE\"/" stryker-config.json > "$config"
fi
dotnet stryker --config-file "$config" --skip-version-check "$@"
