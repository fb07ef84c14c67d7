#!/usr/bin/env bash
# Rule Lambda cold start, the way DESIGN §9 states it: from the start of a new process to the arrival of its first
# PutEvaluations request at a loopback AWS endpoint. The process is `sg-config-rule invoke rule`, which runs the real
# rule function in-process on a recorded Config change event (so it also pays for command-line parsing, which the
# Lambda runtime does not). The CLI is published ReadyToRun, as package.sh builds the functions for Lambda.
# Prints each run in ms, then the median.
#   usage: bench/cold-start.sh [RUNS]            (default 11)
#   SGCR_CLI=path/to/sg-config-rule bench/cold-start.sh   times another build (cli/bin/Release/net10.0/sg-config-rule: JIT only; AOT)
set -euo pipefail
runs=${1:-11}
cd "$(dirname "$0")/.."
dotnet build tests/SgConfigRule.FakeAws.Host -c Release -v q -nologo >/dev/null
if [ -z "${SGCR_CLI:-}" ]; then
  case "$(uname -m)" in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  dotnet publish cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o artifacts/bench/cli-r2r -v q -nologo >/dev/null
fi
cli=${SGCR_CLI:-artifacts/bench/cli-r2r/sg-config-rule}
event=tests/data/recorded/lambda_events/c7n__event-config-rule-security-group.json

# The loopback endpoints; they print one line per request as it arrives.
coproc HOST { exec dotnet tests/SgConfigRule.FakeAws.Host/bin/Release/net10.0/SgConfigRule.FakeAws.Host.dll --groups 10 --log-calls; }
trap 'exec {HOST[1]}>&-; wait "$HOST_PID" 2>/dev/null || true' EXIT
read -r endpoint <&"${HOST[0]}"
export "${endpoint?}"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAFAKEAWS000000001 AWS_SECRET_ACCESS_KEY=fake/secret/key/for/loopback/tests/only0 \
       AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
unset AWS_PROFILE AWS_SESSION_TOKEN

"$cli" invoke rule "$event" --params '{}' >/dev/null 2>&1   # once, untimed: the first run after a build also pays for disk caches
while read -r -t 10 _ _ _ operation <&"${HOST[0]}"; do [ "$operation" = PutEvaluations ] && break; done

times=()
for _ in $(seq "$runs"); do
  started=$(date +%s%N)
  "$cli" invoke rule "$event" --params '{}' >/dev/null 2>&1
  arrived=
  while read -r -t 10 _ at _ operation <&"${HOST[0]}"; do
    if [ "$operation" = PutEvaluations ]; then arrived=$at; break; fi
  done
  [ -n "$arrived" ] || { echo "no PutEvaluations request arrived" >&2; exit 1; }
  times+=($(( (arrived - started) / 1000000 )))
  echo "run: ${times[-1]} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }')
echo "cold start (process start -> first PutEvaluations), median of $runs: $median ms"
