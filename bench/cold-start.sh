#!/usr/bin/env bash
# Rule Lambda cold start, the way DESIGN §9 states it: from the start of a new process to the arrival of its first
# PutEvaluations request at a loopback AWS endpoint. The process is `bootstrap` (rule/LambdaRuntime), started the way
# Lambda starts a function: AWS_LAMBDA_RUNTIME_API and _HANDLER in its environment, a loopback Runtime API
# (tests/SgConfigRule.FakeAws.Host --lambda-event) handing it a recorded Config change event. Every run is a new
# process, stopped once it has answered. Prints each run in ms, then a table of medians.
#
# Builds:
#   r2r   framework-dependent and ReadyToRun, as package.sh builds the functions for the managed dotnet10 runtime
#   jit   the plain `dotnet build` output (no ReadyToRun)
#   aot   Native AOT, as `package.sh --native-aot` builds it for provided.al2023 (installs clang and zlib1g-dev; ~1 min)
#   cli   not the bootstrap: `sg-config-rule invoke rule EVENT` (ReadyToRun), the same function run in-process by the
#         CLI, which also pays for command-line parsing
#
# usage: bench/cold-start.sh [RUNS] [BUILD ...]       (default: 11 runs of r2r jit aot cli)
#   SGCR_BOOTSTRAP=path/to/bootstrap bench/cold-start.sh 11 custom     times another build
set -euo pipefail
runs=${1:-11}
shift || true
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=(r2r jit aot cli)
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
case "$(uname -m)" in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
dotnet build tests/SgConfigRule.FakeAws.Host -c Release -v q -nologo >/dev/null

executable() { # build -> path of its bootstrap, building it first
  case "$1" in
    r2r) dotnet publish rule/LambdaRuntime -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
           -o artifacts/bench/bootstrap-r2r -v q -nologo >/dev/null
         echo artifacts/bench/bootstrap-r2r/bootstrap ;;
    jit) dotnet build rule/LambdaRuntime -c Release -v q -nologo >/dev/null
         echo rule/LambdaRuntime/bin/Release/net10.0/bootstrap ;;
    aot) if ! command -v clang >/dev/null || ! dpkg -s zlib1g-dev >/dev/null 2>&1; then   # the native linker and zlib
           { apt-get update -qq && apt-get install -y -qq clang zlib1g-dev; } >/dev/null ||
             { echo "the aot build needs clang and zlib1g-dev (apt-get install clang zlib1g-dev)" >&2; exit 2; }
         fi
         dotnet publish rule/LambdaRuntime -c Release -r "$rid" -p:PublishAot=true -o artifacts/bench/bootstrap-aot -v q -nologo >/dev/null
         echo artifacts/bench/bootstrap-aot/bootstrap ;;
    cli) dotnet publish cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o artifacts/bench/cli-r2r -v q -nologo >/dev/null
         echo artifacts/bench/cli-r2r/sg-config-rule ;;
    custom) echo "${SGCR_BOOTSTRAP:?custom needs SGCR_BOOTSTRAP=path/to/bootstrap}" ;;
    *) echo "unknown build '$1': r2r, jit, aot, cli or custom" >&2; exit 2 ;;
  esac
}

event=tests/data/recorded/lambda_events/c7n__event-config-rule-security-group.json
# The loopback endpoints; they print one line per AWS request as it arrives, and queue an invocation per "invoke".
coproc HOST { exec dotnet tests/SgConfigRule.FakeAws.Host/bin/Release/net10.0/SgConfigRule.FakeAws.Host.dll --groups 10 --log-calls --lambda-event "$event"; }
trap 'exec {HOST[1]}>&-; wait "$HOST_PID" 2>/dev/null || true' EXIT
read -r endpoint <&"${HOST[0]}"
read -r runtime_api <&"${HOST[0]}"
export "${endpoint?}" "${runtime_api?}"
export _HANDLER=SgConfigRule.Rule::SgConfigRule.Rule.RuleFunction::HandleAsync
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAFAKEAWS000000001 AWS_SECRET_ACCESS_KEY=fake/secret/key/for/loopback/tests/only0 \
       AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
unset AWS_PROFILE AWS_SESSION_TOKEN

run_once() { # build, executable -> ms from process start to the first PutEvaluations
  local started arrived="" pid
  sleep 0.2   # let the host settle after the previous run: 2 cores, shared
  if [ "$1" = cli ]; then
    started=$(date +%s%N)
    "$2" invoke rule "$event" --params '{}' >/dev/null 2>&1 &
  else
    # The invocation is already waiting at the Runtime API, as Lambda has it for a new execution environment.
    echo invoke >&"${HOST[1]}"
    local line queued=""
    while read -r -t 30 line <&"${HOST[0]}"; do
      [ "$line" = QUEUED ] && { queued=1; break; }
    done
    [ -n "$queued" ] || { echo "the host did not queue the invocation" >&2; exit 1; }
    started=$(date +%s%N)
    "$2" >/dev/null 2>&1 &
  fi
  pid=$!
  while read -r -t 30 _ at _ operation <&"${HOST[0]}"; do
    if [ "$operation" = PutEvaluations ]; then arrived=$at; break; fi
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$arrived" ] || { echo "no PutEvaluations request arrived from $2" >&2; exit 1; }
  echo $(( (arrived - started) / 1000000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

summary=()
for build in "${builds[@]}"; do
  bootstrap=$(executable "$build")
  run_once "$build" "$bootstrap" >/dev/null   # once, untimed: the first run after a build also pays for disk caches
  times=()
  for _ in $(seq "$runs"); do
    times+=("$(run_once "$build" "$bootstrap")")
    echo "$build run: ${times[-1]} ms"
  done
  # The files a deployment would hold: the build folder itself, without symbols (not its subfolders of other builds).
  size=$(find "$(dirname "$bootstrap")" -maxdepth 1 -type f ! -name '*.pdb' ! -name '*.dbg' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0fM", s / 1048576 }')
  summary+=("| $build | $(printf '%s\n' "${times[@]}" | median) | $runs | $size |")
done
echo
echo "cold start: process start -> first PutEvaluations"
echo "| build | median (ms) | runs | files (without symbols) |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${summary[@]}"
