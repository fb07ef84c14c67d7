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
exec dotnet stryker --config-file stryker-config.json --skip-version-check "$@"
