#!/usr/bin/env bash
# `scan --live` over an organization on the loopback AWS endpoints: 100 accounts x 17 Regions (5 groups each) through
# an AWS Config aggregator and through a role assumed in each account; prints the API calls and the wall time.
#   usage: bench/org.sh [SgConfigRule.Bench org options, e.g. --latency-ms 20 --concurrency 8]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build cli -c Release -v q -nologo >/dev/null
dotnet build bench/SgConfigRule.Bench -c Release -v q -nologo >/dev/null
exec bench/SgConfigRule.Bench/bin/Release/net10.0/SgConfigRule.Bench org cli/bin/Release/net10.0/sg-config-rule.dll "$@"
