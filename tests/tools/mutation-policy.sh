#!/usr/bin/env bash
# Mutation testing of the policy core (rule/Policy: Model, Parameters, Evaluation) with Stryker.NET, against the policy
# unit tests (tests/SgConfigRule.Tests/{Model,Parameters,Evaluation}: no I/O). About ten minutes on two cores; not part
# of ./test.sh. Reports go to tests/StrykerOutput/<time>/reports. Extra arguments go to Stryker; a --mutate replaces
# the default files, e.g.  tests/tools/mutation-policy.sh --mutate '**/Model/PortSet.cs'
# The remaining survivors and why each is left are listed in docs/development.md ("Mutation testing").
set -euo pipefail
mutate=(--mutate '**/Evaluation/*.cs' --mutate '**/Model/*.cs' --mutate '**/Parameters/*.cs')
for argument in "$@"; do [ "$argument" = --mutate ] && mutate=(); done
exec "$(dirname "$0")/mutation.sh" --project SgConfigRule.Policy.csproj \
  --test-case-filter 'FullyQualifiedName~SgConfigRule.Tests.Model|FullyQualifiedName~SgConfigRule.Tests.Parameters|FullyQualifiedName~SgConfigRule.Tests.Evaluation' \
  --concurrency 2 "${mutate[@]}" "$@"
