#!/usr/bin/env bash
# Builds the two function bundles (dotnet publish, ReadyToRun, for one architecture) as zips, and writes a copy of
# template.yaml that points at them, ready for `aws cloudformation package` + `aws cloudformation deploy` (no SAM CLI
# needed; CloudFormation expands the SAM transform). docs/deploy.md shows both ways.
#
# usage: ./package.sh [--architecture x86_64|arm64] [--native-aot] [--output DIR]      (defaults: x86_64, artifacts)
#   --native-aot   both functions as one Native AOT executable (`bootstrap`) on the provided.al2023 runtime: a cold
#                  start of ~20 ms instead of ~200 ms (docs/performance.md). Needs clang and zlib1g-dev, builds for
#                  this machine's architecture only, and refuses a binary that needs a newer glibc than AL2023's 2.34.
# writes: DIR/rule.zip, DIR/revoke.zip, DIR/template.yaml (one account), DIR/central.yaml (organization, central account)
set -euo pipefail
cd "$(dirname "$0")"

architecture=x86_64
native_aot=false
output=artifacts
while [ $# -gt 0 ]; do
  case "$1" in
    --architecture) architecture="${2:?--architecture needs x86_64 or arm64}"; shift 2 ;;
    --output) output="${2:?--output needs a directory}"; shift 2 ;;
    --native-aot) native_aot=true; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$architecture" in x86_64|arm64) ;; *) echo "--architecture must be x86_64 or arm64, not $architecture" >&2; exit 2 ;; esac
if [ "$native_aot" = true ]; then
  case "$(uname -m)" in x86_64) host=x86_64 ;; aarch64) host=arm64 ;; *) host=$(uname -m) ;; esac
  # Native AOT links with this machine's toolchain and C library: no cross-compiling here.
  [ "$architecture" = "$host" ] || { echo "--native-aot builds for this machine's architecture ($host) only, not $architecture" >&2; exit 2; }
  command -v clang >/dev/null || { echo "--native-aot needs clang and zlib1g-dev (apt-get install clang zlib1g-dev)" >&2; exit 2; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$output"
output=$(cd "$output" && pwd)
staging="$output/publish"
rm -rf "$staging" "$output/rule.zip" "$output/revoke.zip" "$output/template.yaml" "$output/central.yaml"

for function in rule:RuleFunction revoke:RevokeFunction; do
  name=${function%%:*}
  target=${function#*:}
  echo "building $target ($architecture)"
  if [ "$native_aot" = true ] && [ -d "$staging/rule" ]; then
    cp -a "$staging/rule" "$staging/$name"   # the same executable serves both functions
  else
    make --no-print-directory "build-$target" SGCR_ARCHITECTURE="$architecture" SGCR_NATIVE_AOT="$native_aot" ARTIFACTS_DIR="$staging/$name" >/dev/null
  fi
  if [ "$native_aot" = true ]; then
    # provided.al2023 has glibc 2.34: a binary that asks for a newer symbol version would not start there.
    needed=$(objdump -T "$staging/$name/bootstrap" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
    if [ "$(printf '%s\n2.34\n' "$needed" | sort -V | tail -1)" != 2.34 ]; then
      echo "bootstrap needs glibc $needed, newer than Amazon Linux 2023's 2.34: build on an older distribution (Debian 12, AL2023)" >&2
      exit 1
    fi
  fi
  # A zip with fixed timestamps and order, so the same sources give the same bundle (and the same S3 key).
  python3 - "$staging/$name" "$output/$name.zip" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
    for root, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, source), date_time=(2020, 1, 1, 0, 0, 0))
            # bootstrap (Native AOT) must stay executable in the bundle
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                bundle.writestr(info, f.read())
PY
done

# The templates, with each function's CodeUri (marked "# artifact: <name>") pointing at its zip and the architecture set:
# template.yaml for one account, org/central.yaml for the central account of an organization.
python3 - "$output" "$architecture" "$native_aot" template.yaml org/central.yaml <<'PY'
import os, re, sys
output, architecture, native_aot, *sources = sys.argv[1:]
for source in sources:
    text = open(source, encoding="utf-8").read()
    # Every function of the template (template.yaml also has the optional deploy-time hook's).
    functions = len(re.findall(r"\n    Type: AWS::Serverless::Function\n", text))
    text, count = re.subn(r"CodeUri: \.\.?\s+# artifact: (\w+)", r"CodeUri: \1.zip", text)
    if count != functions or count < 2:
        sys.exit(f"expected {functions} CodeUri lines marked '# artifact:' in {source}, found {count}")
    text, count = re.subn(r"(  Architecture:\n    Type: String\n    Default: )\w+", r"\g<1>" + architecture, text)
    if count != 1:
        sys.exit(f"expected the Architecture parameter in {source}")
    if native_aot == "true":
        # Same handler strings: the bootstrap runs the function _HANDLER names. The architecture is fixed by the build.
        text, count = re.subn(r"(\n      Runtime: )dotnet10\n", r"\g<1>provided.al2023\n", text)
        if count != functions:
            sys.exit(f"expected {functions} functions with Runtime: dotnet10 in {source}, found {count}")
        text = re.sub(r"(  Architecture:\n    Type: String\n    Default: \w+\n)(    AllowedValues: .*\n)?",
                      lambda m: m.group(1) + f"    AllowedValues: [{architecture}]\n", text, count=1)
        # SnapStart is for managed runtimes only; a native executable starts in milliseconds without it.
        text, count = re.subn(r"(  EnableSnapStart:\n    Type: String\n    Default: 'false'\n    AllowedValues: )\['true', 'false'\]",
                              r"\g<1>['false']", text)
        if count != 1:
            sys.exit(f"expected the EnableSnapStart parameter in {source}")
    with open(os.path.join(output, os.path.basename(source)), "w", encoding="utf-8") as target:
        target.write(text)
PY
rm -rf "$staging"
runtime=dotnet10
[ "$native_aot" = true ] && runtime="provided.al2023, Native AOT"
echo "wrote $output/rule.zip, $output/revoke.zip, $output/template.yaml and $output/central.yaml (Architecture defaults to $architecture; runtime $runtime)"
