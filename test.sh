#!/usr/bin/env bash
# Runs every test of SgConfigRule on a fresh clone: builds the solution (warnings are errors), runs the test
# projects, and ends by printing one line alone, "N passed, N failed". Exits non-zero on any failure.
# TEST_ARGS passes extra options to 'dotnet test' (e.g. TEST_ARGS='--filter-class *Cidr*').
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=.test-results
rm -rf "$results"

# What the tests use besides .NET, installed when missing:
# - Debian packages (run with Debian's /usr/bin/python3, not a pyenv one): python3-botocore, the independent SigV4
#   implementation our signer is checked against; python3-jsonschema and python3-yaml, which validate the SSM document;
#   awscli, which runs the restore command of a remediation notification; clang and zlib1g-dev, which link the Native
#   AOT bootstrap (package.sh --native-aot); binutils, whose objdump and readelf check what that binary needs;
#   chromium, whose headless mode renders the HTML scan report (a screenshot, the DOM after its sort script ran);
# - npm packages in tests/tools (package-lock.json pins them): the Automation document JSON schema, and cfn-lint
#   (patch-cfn-lint.js feeds it the current CloudFormation resource specification of @aws-cdk/cfnspec).
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "$@" >/dev/null
}
missing=()
/usr/bin/python3 -c 'import botocore' 2>/dev/null || missing+=(python3-botocore)
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null || missing+=(python3-jsonschema python3-yaml)
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v clang >/dev/null || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
command -v objdump >/dev/null && command -v readelf >/dev/null || missing+=(binutils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt_install "${missing[@]}" || echo "warning: could not install ${missing[*]}; tests that need them will fail"
fi
# The stamp makes a clone that already has node_modules reinstall when package-lock.json changes.
if ! cmp -s tests/tools/package-lock.json tests/tools/node_modules/.sgcr-installed-lock.json; then
  echo "installing the npm test tools"
  if (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error); then
    cp tests/tools/package-lock.json tests/tools/node_modules/.sgcr-installed-lock.json
    rm -rf tests/tools/cfn-lint-patched
  else
    echo "warning: npm ci failed in tests/tools; tests that need it will fail"
  fi
fi
# Patched again when patch-cfn-lint.js changes (a new resource type), not only when the patched copy is missing.
if [ -d tests/tools/cfn-lint-patched ] && ! cmp -s tests/tools/patch-cfn-lint.js tests/tools/cfn-lint-patched/.sgcr-patched-by.js; then
  rm -rf tests/tools/cfn-lint-patched
fi
if [ -d tests/tools/node_modules/cfn-lint ] && [ ! -d tests/tools/cfn-lint-patched ]; then
  if node tests/tools/patch-cfn-lint.js; then
    cp tests/tools/patch-cfn-lint.js tests/tools/cfn-lint-patched/.sgcr-patched-by.js
  else
    echo "warning: could not patch cfn-lint; the template tests will fail"
  fi
fi

if ! dotnet build SgConfigRule.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed: no tests ran"
  echo "0 passed, 1 failed"
  exit 1
fi

# shellcheck disable=SC2086
dotnet test --solution SgConfigRule.sln -c Release --no-build --report-trx --results-directory "$results" ${TEST_ARGS:-}
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done
# A test host that crashed leaves no complete report: count it as a failure rather than report green.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "the test run exited with status $status without reporting a failed test"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
