#!/usr/bin/env python3
"""Validates SSM Automation documents (YAML) against the Automation JSON schema of the npm package
aws-ssm-document-language-service@1.0.0. Run with Debian's python3 (python3-jsonschema, python3-yaml).

usage: validate_automation.py SCHEMA.json DOCUMENT.yaml...   (exit 0 when all are valid)
"""
import json
import sys

import jsonschema
import yaml

validator = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
failed = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(yaml.safe_load(open(path))), key=lambda e: list(e.absolute_path))
    print(path, "VALID" if not errors else "INVALID")
    for error in errors:
        failed += 1
        print("  /" + "/".join(map(str, error.absolute_path)), error.message[:300])
sys.exit(1 if failed else 0)
