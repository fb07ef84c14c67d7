#!/usr/bin/env bash
# Whole-process benchmark of `sg-config-rule scan` on synthetic exports (bench/SgConfigRule.Bench generate):
# wall time, CPU time (user + system: steadier than wall time on a shared machine) and peak resident memory from
# /usr/bin/time -v, median of RUNS runs, for each size and shape.
#   usage: bench/scan.sh [RUNS] [SIZES...]        default: 5 runs; 1000 10000 100000 1000000 groups
#   SGCR_BENCH_DATA=dir   where the exports are generated (default /tmp/sgcr-bench; reused between runs)
#   SGCR_BUILDS="tool native"  the builds to time (default both): the dotnet tool's (JIT) and the native executable
#                         (cli/publish-native.sh, built into SGCR_BENCH_DATA each run: about a minute and a half)
#   SGCR_CLI=path         time this build as "tool" instead of the one built here
#   SGCR_CONFIG_MAX=N     largest size also timed in the Config shapes (default 100000: 1M CLI-shaped items is 3.1 GB)
#   SGCR_SHAPES="cli ec2" the shapes to time (default: cli ec2 config). cli is the realistic one: what
#                         `aws configservice batch-get-resource-config` prints (bench/SgConfigRule.Bench/RealisticShape.cs)
set -euo pipefail
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000 1000000)
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
dotnet build cli -c Release -v q -nologo >/dev/null
dotnet build bench/SgConfigRule.Bench -c Release -v q -nologo >/dev/null
generator=bench/SgConfigRule.Bench/bin/Release/net10.0/SgConfigRule.Bench
data=${SGCR_BENCH_DATA:-/tmp/sgcr-bench}
config_max=${SGCR_CONFIG_MAX:-100000}
builds=${SGCR_BUILDS:-tool native}
mkdir -p "$data"
declare -A cli=([tool]=${SGCR_CLI:-cli/bin/Release/net10.0/sg-config-rule})
if [[ " $builds " == *" native "* ]]; then
  cli[native]=$(cli/publish-native.sh --output "$data/native")
fi

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "| groups | shape | output | build | file MB | median time (s) | groups/s | median CPU (s) | median peak RSS (MB) |"
echo "|-------:|-------|--------|-------|--------:|----------------:|---------:|---------------:|---------------------:|"
for size in "${sizes[@]}"; do
  for shape in ${SGCR_SHAPES:-cli ec2 config}; do
    [ "$shape" = ec2 ] || [ "$size" -le "$config_max" ] || continue
    file="$data/$shape-$size.json"
    # Regenerated when the generator is newer than the file (its shape may have changed).
    [ -s "$file" ] && [ "$file" -nt "$generator" ] || "$generator" generate --groups "$size" --shape "$shape" --out "$file"
    for format in json table; do
      [ "$shape" = ec2 ] || [ "$format" = json ] || continue
      # The builds take turns, run by run: this machine's speed drifts within minutes, and each build should see the same drift.
      declare -A seconds=() cpu=() rss=()
      for _ in $(seq "$runs"); do
        for build in $builds; do
          # Exit code 1 means NON_COMPLIANT groups were found, as they are in every export: that is a success here.
          status=0
          /usr/bin/time -v -o "$data/time.txt" "${cli[$build]}" scan --format "$format" "$file" >/dev/null 2>"$data/stderr.txt" || status=$?
          [ "$status" -le 1 ] || { cat "$data/stderr.txt" "$data/time.txt" >&2; exit 1; }
          seconds[$build]+="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$data/time.txt") "
          cpu[$build]+="$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$data/time.txt") "
          rss[$build]+="$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$data/time.txt") "
        done
      done
      megabytes=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.0f", b / 1048576 }')
      for build in $builds; do
        time_median=$(printf '%s\n' ${seconds[$build]} | median)
        cpu_median=$(printf '%s\n' ${cpu[$build]} | median)
        rss_median=$(printf '%s\n' ${rss[$build]} | median)
        rate=$(awk -v n="$size" -v s="$time_median" 'BEGIN { printf "%.0f", n / s }')
        printf '| %s | %s | %s | %s | %s | %.2f | %s | %.2f | %.0f |\n' "$size" "$shape" "$format" "$build" "$megabytes" "$time_median" "$rate" "$cpu_median" "$rss_median"
      done
      unset seconds cpu rss
    done
  done
done
