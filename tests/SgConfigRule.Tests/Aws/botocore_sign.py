#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth, the independent implementation the C# signer is checked against.

Reads a JSON list of requests on stdin: {accessKey, secretKey, token?, region, service, method, url, headers, body,
time "YYYYMMDDTHHMMSSZ"}; writes a JSON list of the Authorization headers botocore computes. Run it with Debian's
python3 (/usr/bin/python3), which has python3-botocore.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedClock(datetime.datetime):
    moment = None

    @classmethod
    def utcnow(cls):
        return cls.moment


botocore.auth.datetime.datetime = FixedClock

results = []
for r in json.load(sys.stdin):
    FixedClock.moment = datetime.datetime.strptime(r["time"], "%Y%m%dT%H%M%SZ")
    request = AWSRequest(method=r["method"], url=r["url"], data=r["body"].encode("utf-8"), headers=r["headers"])
    SigV4Auth(Credentials(r["accessKey"], r["secretKey"], r.get("token")), r["service"], r["region"]).add_auth(request)
    results.append(request.headers["Authorization"])
json.dump(results, sys.stdout)
