#!/usr/bin/env bash
# Builds the two function bundles (dotnet publish, ReadyToRun, for one architecture) as zips, and writes a copy of
# template.yaml that points at them, ready for `aws cloudformation package` + `aws cloudformation deploy` (no SAM CLI
# needed; CloudFormation expands the SAM transform). docs/deploy.md shows both ways.
#
# usage: ./package.sh [--architecture x86_64|arm64] [--output DIR]      (defaults: x86_64, artifacts)
# writes: DIR/rule.zip, DIR/revoke.zip, DIR/template.yaml (one account), DIR/central.yaml (organization, central account)
set -euo pipefail
cd "$(dirname "$0")"

architecture=x86_64
output=artifacts
while [ $# -gt 0 ]; do
  case "$1" in
    --architecture) architecture="${2:?--architecture needs x86_64 or arm64}"; shift 2 ;;
    --output) output="${2:?--output needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$architecture" in x86_64|arm64) ;; *) echo "--architecture must be x86_64 or arm64, not $architecture" >&2; exit 2 ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$output"
output=$(cd "$output" && pwd)
staging="$output/publish"
rm -rf "$staging" "$output/rule.zip" "$output/revoke.zip" "$output/template.yaml" "$output/central.yaml"

for function in rule:RuleFunction revoke:RevokeFunction; do
  name=${function%%:*}
  target=${function#*:}
  echo "building $target ($architecture)"
  make --no-print-directory "build-$target" SGCR_ARCHITECTURE="$architecture" ARTIFACTS_DIR="$staging/$name" >/dev/null
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
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                bundle.writestr(info, f.read())
PY
done

# The templates, with each function's CodeUri (marked "# artifact: <name>") pointing at its zip and the architecture set:
# template.yaml for one account, org/central.yaml for the central account of an organization.
python3 - "$output" "$architecture" template.yaml org/central.yaml <<'PY'
import os, re, sys
output, architecture, *sources = sys.argv[1:]
for source in sources:
    text = open(source, encoding="utf-8").read()
    text, count = re.subn(r"CodeUri: \.\.?\s+# artifact: (\w+)", r"CodeUri: \1.zip", text)
    if count != 2:
        sys.exit(f"expected 2 CodeUri lines marked '# artifact:' in {source}, found {count}")
    text, count = re.subn(r"(  Architecture:\n    Type: String\n    Default: )\w+", r"\g<1>" + architecture, text)
    if count != 1:
        sys.exit(f"expected the Architecture parameter in {source}")
    with open(os.path.join(output, os.path.basename(source)), "w", encoding="utf-8") as target:
        target.write(text)
PY
rm -rf "$staging"
echo "wrote $output/rule.zip, $output/revoke.zip, $output/template.yaml and $output/central.yaml (Architecture defaults to $architecture)"
