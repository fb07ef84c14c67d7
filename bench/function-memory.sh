#!/usr/bin/env bash
# Peak memory (max RSS) and wall time of the two functions on synthetic accounts, each run in its own process by the
# CLI (`sg-config-rule invoke rule|remediation`) against the loopback AWS endpoints (tests/SgConfigRule.FakeAws.Host).
# The figures size the functions' MemorySize (docs/deploy.md). The CLI process carries a little more than the Lambda
# host would (its command-line and console libraries), so the figures err on the high side.
#
# usage: bench/function-memory.sh [GROUPS ...]      (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build cli -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build tests/SgConfigRule.FakeAws.Host -c Release -nologo -clp:ErrorsOnly >/dev/null
cli=cli/bin/Release/net10.0/sg-config-rule.dll
host=tests/SgConfigRule.FakeAws.Host/bin/Release/net10.0/SgConfigRule.FakeAws.Host.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export AWS_ACCESS_KEY_ID=AKIAFAKEAWS000000001 AWS_SECRET_ACCESS_KEY=fake/secret/key/for/loopback/tests/only0 AWS_REGION=us-east-1
cat > "$work/scheduled.json" <<'JSON'
{"invokingEvent":"{\"awsAccountId\":\"111122223333\",\"notificationCreationTime\":\"2026-11-26T12:00:00.000Z\",\"messageType\":\"ScheduledNotification\",\"recordVersion\":\"1.0\"}",
 "ruleParameters":"{}","resultToken":"bench-token","eventLeftScope":false,"configRuleName":"sg-config-rule","accountId":"111122223333","version":"1.0"}
JSON
echo '{"SecurityGroupId":"sg-00000000000000000","Mode":"Revoke","RuleParameters":"{}","AccountId":"111122223333","Region":"us-east-1"}' > "$work/revoke.json"

measure() { # label, command...: prints "label  max-RSS-MB  seconds"
  local label=$1; shift
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { echo "$label failed:"; tail -5 "$work/err"; exit 1; }
  read -r kb seconds <"$work/time"
  printf '%-34s %8.0f MB %8.2f s\n' "$label" "$((kb / 1024))" "$seconds"
}

printf '%-34s %11s %10s\n' "run" "max RSS" "time"
for n in "${sizes[@]}"; do
  coproc HOST { dotnet "$host" --groups "$n"; }
  read -r endpoint <&"${HOST[0]}"
  export "${endpoint?}"
  measure "rule: sweep of $n groups" dotnet "$cli" invoke rule "$work/scheduled.json"
  measure "revoke: one group (of $n)" dotnet "$cli" invoke remediation "$work/revoke.json"
  exec {HOST[1]}>&-
  wait "$HOST_PID" || true
done
