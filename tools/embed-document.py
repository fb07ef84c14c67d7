#!/usr/bin/env python3
"""Copies canonical files into the templates that deploy them.

CloudFormation cannot include a local file, so templates carry copies between two marker comments:

    Content:
      # BEGIN automation/sg-config-rule-remediation.yaml (tools/embed-document.py writes this part)
      ...
      # END automation/sg-config-rule-remediation.yaml

- the SSM Automation document, as the Content map of the AWS::SSM::Document in template.yaml and org/member.yaml,
  written compactly as JSON (a YAML flow mapping; one step per line) because templates given inline are limited to
  51,200 bytes and indented YAML spends a quarter of the document on leading spaces;
- the conformance pack, as the TemplateBody text of the AWS::Config::ConformancePack in org/member.yaml, with one
  change: the automation role's ARN loses its !Sub, so the member stack's own Fn::Sub leaves a literal ARN there
  (AWS Config may not resolve intrinsic functions for the automation role).

usage: tools/embed-document.py          rewrite the copies
       tools/embed-document.py --check  exit 1 and name the templates whose copy differs (the tests run this check)
"""
import json
import os
import pathlib
import sys

try:
    import yaml
except ImportError:  # a Python without PyYAML (pyenv's): use Debian's, which ./test.sh installs
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", __file__, *sys.argv[1:]])
    raise

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENT = "automation/sg-config-rule-remediation.yaml"
PACK = "org/conformance-pack.yaml"
ROLE_LINE = "Values: [!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AutomationRoleName}']"
LITERAL_ROLE_LINE = "Values: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AutomationRoleName}']"


def literal_role(text: str) -> str:
    if text.count(ROLE_LINE) != 1:
        raise SystemExit(f"{PACK}: expected the automation role line once: {ROLE_LINE}")
    return text.replace(ROLE_LINE, LITERAL_ROLE_LINE)


def compact_json(text: str) -> str:
    """The document as JSON: each top-level entry on a line, each step on a line of its own."""
    document = yaml.safe_load(text)
    one = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    entries = []
    for key, value in document.items():
        if key == "mainSteps":
            steps = ",\n ".join(one(step) for step in value)
            entries.append(f"{one(key)}:[\n {steps}]")
        else:
            entries.append(f"{one(key)}:{one(value)}")
    return "{" + ",\n".join(entries) + "}\n"


# (file copied, template holding the copy, change applied to the copy)
COPIES = [
    (DOCUMENT, "template.yaml", compact_json),
    (DOCUMENT, "org/member.yaml", compact_json),
    (PACK, "org/member.yaml", literal_role),
]


def embedded(template_text: str, source: str, source_text: str, name: str) -> str:
    begin, end = f"# BEGIN {source}", f"# END {source}"
    lines = template_text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip().startswith(begin)]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise SystemExit(f"{name}: expected one '{begin}' line followed by one '{end}' line")
    indent = lines[starts[0]][: len(lines[starts[0]]) - len(lines[starts[0]].lstrip())]
    copy = [(indent + line) if line else "" for line in source_text.rstrip("\n").split("\n")]
    return "\n".join(lines[: starts[0] + 1] + copy + lines[ends[0]:])


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    stale = []
    for source, target, change in COPIES:
        path = ROOT / target
        text = path.read_text(encoding="utf-8")
        source_text = (ROOT / source).read_text(encoding="utf-8")
        updated = embedded(text, source, change(source_text) if change else source_text, target)
        if updated != text:
            stale.append(f"{target} ({source})")
            if not check:
                path.write_text(updated, encoding="utf-8")
    if check and stale:
        print(f"stale copies: {', '.join(stale)}; run tools/embed-document.py", file=sys.stderr)
        return 1
    if not check:
        print(f"updated: {', '.join(stale) or 'nothing (all copies current)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
