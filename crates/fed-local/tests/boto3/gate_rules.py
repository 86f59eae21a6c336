"""The STS rules gate and the federation emulator, driven by boto3 as the reference client.

Reads the fixtures (ARNs, keys, an MFA seed) as JSON from argv[1], runs every scenario, and
prints one JSON object: scenario name -> {"status", "code", "message"} for a refusal, or
{"ok": true, "arn": ...} for a success. The endpoint, region and CA bundle come from the
environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_CA_BUNDLE).
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

fixtures = json.loads(sys.argv[1])


def client(keys):
    return boto3.client(
        "sts",
        aws_access_key_id=keys["id"],
        aws_secret_access_key=keys["secret"],
        aws_session_token=keys.get("token"),
        # The server's validation is under test, not boto3's.
        config=botocore.config.Config(parameter_validation=False),
    )


def totp(seed, at):
    key = base64.b32decode(seed.upper() + "=" * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def outcome(call):
    try:
        answer = call()
    except botocore.exceptions.ClientError as err:
        return {
            "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
            "code": err.response["Error"]["Code"],
            "message": err.response["Error"]["Message"],
        }
    arn = answer.get("Arn") or answer.get("AssumedRoleUser", {}).get("Arn")
    return {"ok": True, "arn": arn}


def keys_of(answer):
    c = answer["Credentials"]
    return {"id": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]}


def signin_token(keys, duration):
    form = {
        "Action": "getSigninToken",
        "Session": json.dumps(
            {"sessionId": keys["id"], "sessionKey": keys["secret"], "sessionToken": keys["token"]}
        ),
    }
    if duration is not None:
        form["SessionDuration"] = str(duration)
    request = urllib.request.Request(
        fixtures["federation"], data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return {"status": answer.status}
    except urllib.error.HTTPError as err:
        return {"status": err.code, "message": err.read().decode()}


me = client(fixtures["me"])
bob = client(fixtures["bob"])
alice = client(fixtures["alice"])
roles = fixtures["roles"]
code = totp(fixtures["seed"], time.time())
wrong = "%06d" % ((int(code) + 500000) % 1000000)

results = {
    "missing_role": outcome(lambda: me.assume_role(RoleArn=roles["missing"], RoleSessionName="s1")),
    "trust_other_user": outcome(lambda: bob.assume_role(RoleArn=roles["only_me"], RoleSessionName="s1")),
    "trust_named_user": outcome(lambda: me.assume_role(RoleArn=roles["only_me"], RoleSessionName="s1")),
    "external_id_missing": outcome(lambda: me.assume_role(RoleArn=roles["vendor"], RoleSessionName="s1")),
    "external_id_right": outcome(
        lambda: me.assume_role(RoleArn=roles["vendor"], RoleSessionName="s1", ExternalId="7f3c2a")
    ),
    "mfa_missing": outcome(lambda: alice.assume_role(RoleArn=roles["mfa"], RoleSessionName="s1")),
    "mfa_wrong_code": outcome(
        lambda: alice.assume_role(
            RoleArn=roles["mfa"], RoleSessionName="s1", SerialNumber=fixtures["serial"], TokenCode=wrong
        )
    ),
    "mfa_right_code": outcome(
        lambda: alice.assume_role(
            RoleArn=roles["mfa"], RoleSessionName="s1", SerialNumber=fixtures["serial"], TokenCode=code
        )
    ),
    "mfa_serial_only": outcome(
        lambda: alice.assume_role(
            RoleArn=roles["mfa"], RoleSessionName="s1", SerialNumber=fixtures["serial"]
        )
    ),
    "source_identity_without_permission": outcome(
        lambda: me.assume_role(RoleArn=roles["only_me"], RoleSessionName="s1", SourceIdentity="alice")
    ),
    "duration_over_max": outcome(
        lambda: me.assume_role(RoleArn=roles["only_me"], RoleSessionName="s1", DurationSeconds=7200)
    ),
    "duration_under_min": outcome(
        lambda: me.assume_role(RoleArn=roles["only_me"], RoleSessionName="s1", DurationSeconds=600)
    ),
}

first = keys_of(me.assume_role(RoleArn=roles["long"], RoleSessionName="one", DurationSeconds=43200))
chained = client(first)
results["chained_over_hour"] = outcome(
    lambda: chained.assume_role(RoleArn=roles["long"], RoleSessionName="two", DurationSeconds=3601)
)
results["chained_hour"] = outcome(
    lambda: chained.assume_role(RoleArn=roles["long"], RoleSessionName="two", DurationSeconds=3600)
)
second = keys_of(chained.assume_role(RoleArn=roles["long"], RoleSessionName="two"))
results["federation_token_with_session"] = outcome(lambda: chained.get_federation_token(Name="alice"))
results["session_token_with_session"] = outcome(lambda: chained.get_session_token())
results["invalid_key"] = outcome(
    lambda: client({"id": "AKIASTRANGER", "secret": "secret"}).get_caller_identity()
)
forged = dict(first, token="not-the-token")
results["wrong_session_token"] = outcome(lambda: client(forged).get_caller_identity())
federated = client(keys_of(me.get_federation_token(Name="alice")))
results["federated_identity"] = outcome(lambda: federated.get_caller_identity())
results["signin_one_hop"] = signin_token(first, 43200)
results["signin_two_hops"] = signin_token(second, 3600)
results["signin_two_hops_without_duration"] = signin_token(second, None)

print(json.dumps(results))
