#!/usr/bin/env python3
"""Copies the canonical SSM Automation document into the templates that deploy it.

CloudFormation cannot include a local file in AWS::SSM::Document.Content, so template.yaml and org/member.yaml carry
a copy of automation/sg-config-rule-remediation.yaml between two marker comments:

    Content:
      # BEGIN automation/sg-config-rule-remediation.yaml (tools/embed-document.py writes this part)
      ...
      # END automation/sg-config-rule-remediation.yaml

usage: tools/embed-document.py          rewrite the copies
       tools/embed-document.py --check  exit 1 and name the templates whose copy differs (the tests run this check)
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENT = "automation/sg-config-rule-remediation.yaml"
TEMPLATES = ["template.yaml", "org/member.yaml"]
BEGIN = f"# BEGIN {DOCUMENT}"
END = f"# END {DOCUMENT}"


def embedded(template_text: str, document_lines: list[str], name: str) -> str:
    lines = template_text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip().startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise SystemExit(f"{name}: expected one '{BEGIN}' line followed by one '{END}' line")
    indent = lines[starts[0]][: len(lines[starts[0]]) - len(lines[starts[0]].lstrip())]
    copy = [(indent + line) if line else "" for line in document_lines]
    return "\n".join(lines[: starts[0] + 1] + copy + lines[ends[0]:])


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    document_lines = (ROOT / DOCUMENT).read_text(encoding="utf-8").rstrip("\n").split("\n")
    stale = []
    for name in TEMPLATES:
        path = ROOT / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        updated = embedded(text, document_lines, name)
        if updated != text:
            stale.append(name)
            if not check:
                path.write_text(updated, encoding="utf-8")
    if check and stale:
        print(f"the copy of {DOCUMENT} differs in: {', '.join(stale)}; run tools/embed-document.py", file=sys.stderr)
        return 1
    if not check:
        print(f"updated: {', '.join(stale) or 'nothing (all copies current)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
