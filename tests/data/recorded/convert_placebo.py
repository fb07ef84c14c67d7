#!/usr/bin/env python3
"""Turns the recorded files of shared/data/recorded into the AWS shapes the product reads.

Cloud Custodian's 'placebo' recorder wraps each boto3 response as {"status_code": 200, "data": {...}}, adds boto3's
ResponseMetadata, and writes datetimes as {"__class__": "datetime", "year": ...} objects. None of that is AWS's;
this script unwraps `data`, drops ResponseMetadata and writes each datetime as epoch seconds (the JSON 1.1 wire
form). Everything else is copied unchanged. Other files are copied verbatim.

usage: convert_placebo.py SOURCE_DIR DEST_DIR
"""
import datetime
import json
import pathlib
import sys


def convert(value):
    if isinstance(value, dict):
        if value.get("__class__") == "datetime":
            moment = datetime.datetime(value["year"], value["month"], value["day"], value.get("hour", 0),
                                       value.get("minute", 0), value.get("second", 0), value.get("microsecond", 0),
                                       tzinfo=datetime.timezone.utc)
            return moment.timestamp()
        return {k: convert(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [convert(v) for v in value]
    return value


def main(source, dest):
    source, dest = pathlib.Path(source), pathlib.Path(dest)
    for path in sorted(source.rglob("*.json")):
        if path.name == "MANIFEST.json":
            continue
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        document = json.loads(path.read_text())
        if isinstance(document, dict) and set(document) == {"status_code", "data"}:
            target.write_text(json.dumps(convert(document["data"]), indent=2) + "\n")
        else:
            target.write_text(path.read_text())


if __name__ == "__main__":
    main(*sys.argv[1:3])
