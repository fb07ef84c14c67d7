#!/usr/bin/env bash
# Builds sg-config-rule as one native executable for this machine (Native AOT): no runtime compiling, so a scan starts
# in a tenth of the time and runs about a third faster on 100k groups (docs/performance.md, "Native executable").
# The same commands, options and output as the `dotnet tool`, which stays the portable install.
#   usage: cli/publish-native.sh [--output DIR]       default DIR: artifacts/native
# Needs the .NET 10 SDK and, on Linux, a C toolchain and zlib (Debian/Ubuntu: apt-get install clang zlib1g-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

output=artifacts/native
while [ $# -gt 0 ]; do
  case "$1" in
    --output) [ $# -ge 2 ] || { echo "error: --output needs a directory" >&2; exit 2; }; output=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (usage: cli/publish-native.sh [--output DIR])" >&2; exit 2 ;;
  esac
done

os=$(uname -s)
machine=$(uname -m)
extra=()
case "$os/$machine" in
  Linux/x86_64)
    rid=linux-x64
    # x86-64-v2 (SSE4.2, POPCNT: every x64 CPU since 2009) rather than the SSE2 baseline, whose byte searches fall back
    # to slow code.
    extra+=(-p:IlcInstructionSet=x86-64-v2) ;;
  Linux/aarch64|Linux/arm64) rid=linux-arm64 ;;
  Darwin/arm64) rid=osx-arm64 ;;
  Darwin/x86_64) rid=osx-x64 ;;
  *) echo "error: no native build for $os $machine here; install the dotnet tool instead (README, \"On your own account\")" >&2; exit 1 ;;
esac
if [ "$os" = Linux ]; then
  if ldd --version 2>&1 | grep -qi musl; then rid=${rid/linux-/linux-musl-}; fi
  if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
    echo "error: Native AOT links with a C toolchain: install clang and zlib (Debian/Ubuntu: apt-get install clang zlib1g-dev)" >&2
    exit 1
  fi
fi

# Built in a scratch folder (its own obj and bin: the repository's builds are left as they are, so this may run beside
# them), of which only the executable is kept: no symbol files, no libraries (it needs none).
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# Optimised for speed rather than size: a megabyte more, a scan a few hundredths of a second quicker.
dotnet publish cli -c Release -r "$rid" -p:PublishAot=true -p:OptimizationPreference=Speed ${extra[@]+"${extra[@]}"} -p:DebugType=none -p:StripSymbols=true \
  --artifacts-path "$build/artifacts" -o "$build/out" --nologo -clp:ErrorsOnly >&2
mkdir -p "$output"
cp "$build/out/sg-config-rule" "$output/sg-config-rule"
echo "$output/sg-config-rule"

