#!/usr/bin/env bash
# The fast tier, for everyday work on the policy and input reading: builds the test project and runs the policy
# (model, parameters, evaluation) and input-reading tests only — seconds, not minutes. ./test.sh stays the full run.
# Ends like ./test.sh with one line, "N passed, N failed". Extra arguments go to the test runner.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build tests/SgConfigRule.Tests -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
output=$(dotnet test --project tests/SgConfigRule.Tests -c Release --no-build -- \
  --filter-namespace 'SgConfigRule.Tests.Model' --filter-namespace 'SgConfigRule.Tests.Parameters' \
  --filter-namespace 'SgConfigRule.Tests.Evaluation' --filter-namespace 'SgConfigRule.Tests.Parsing' "$@" 2>&1)
status=$?
grep -E '^(failed|  )' <<<"$output" | head -200
passed=$(sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' <<<"$output" | tail -1)
failed=$(sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' <<<"$output" | tail -1)
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
