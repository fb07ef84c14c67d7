#!/usr/bin/env bash
# Lets AWS Config of each organization account invoke the central rule function: one resource-policy statement per
# account (principal config.amazonaws.com, condition SourceAccount), as AWS recommends. Idempotent; run it again
# when accounts join, with --prune to remove accounts that left. Run in the central account, in each Region of
# org/central.yaml, with credentials that may call organizations:ListAccounts (the management account or a
# delegated administrator) or give the accounts yourself.
#
# usage: org/grant-config-invoke.sh [--function NAME] [--region REGION] [--accounts "ID ID ..."] [--prune] [--dry-run]
#   --function   the rule function (default sg-config-rule-rule); the statements are added to its alias "live"
#   --accounts   the accounts to allow (default: every ACTIVE account of the organization)
#   --prune      also remove statements of accounts not in the list
#   --dry-run    print the aws commands instead of running them
# A Lambda resource policy holds about 20 KB (roughly 70 such statements); beyond that use the template parameter
# AllowConfigFromAnyAccount=true (docs/organization.md explains the trade-off).
set -euo pipefail

function_name=sg-config-rule-rule
region_args=()
accounts=""
prune=false
dry_run=false
while [ $# -gt 0 ]; do
  case "$1" in
    --function) function_name="${2:?--function needs a name}"; shift 2 ;;
    --region) region_args=(--region "${2:?--region needs a Region}"); shift 2 ;;
    --accounts) accounts="${2:?--accounts needs account ids}"; shift 2 ;;
    --prune) prune=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

run() {
  if $dry_run; then echo "aws $*"; else aws "$@" >/dev/null; fi
}

if [ -z "$accounts" ]; then
  accounts=$(aws organizations list-accounts --query 'Accounts[?Status==`ACTIVE`].Id' --output text)
fi
# The CLI's text output separates ids with tabs; the membership tests below need single spaces.
accounts=$(tr -s '[:space:]' ' ' <<<"$accounts")
for account in $accounts; do
  [[ "$account" =~ ^[0-9]{12}$ ]] || { echo "not an account id: $account" >&2; exit 2; }
done

# Statements this script added earlier (statement id config-<account>), read from the alias's policy.
existing=$(aws lambda get-policy "${region_args[@]}" --function-name "$function_name" --qualifier live --query Policy --output text 2>/dev/null \
  | python3 -c 'import json,sys; text=sys.stdin.read().strip(); print(" ".join(s["Sid"][7:] for s in (json.loads(text)["Statement"] if text else []) if s.get("Sid","").startswith("config-")))' \
  || true)

added=0
for account in $accounts; do
  if [[ " $existing " == *" $account "* ]]; then continue; fi
  run lambda add-permission "${region_args[@]}" --function-name "$function_name" --qualifier live \
    --statement-id "config-$account" --action lambda:InvokeFunction --principal config.amazonaws.com \
    --source-account "$account"
  added=$((added + 1))
done

removed=0
if $prune; then
  for account in $existing; do
    if [[ " $accounts " == *" $account "* ]]; then continue; fi
    run lambda remove-permission "${region_args[@]}" --function-name "$function_name" --qualifier live --statement-id "config-$account"
    removed=$((removed + 1))
  done
fi
echo "$function_name:live - added $added account(s), removed $removed, $(wc -w <<<"$accounts") allowed"
