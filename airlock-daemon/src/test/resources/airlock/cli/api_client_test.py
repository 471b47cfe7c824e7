"""Drives the real daemon's HTTPS API with the client shipped in the jar (airlock_client.py, the
one GET /v1/skill.md prints), written from docs/api.md: urllib, ssl pinned by fingerprint, hmac,
hashlib. Every check is an assert; it prints "ok" last. Environment: AIRLOCK_URL, AIRLOCK_FINGERPRINT,
KEY_DEV, KEY_OTHER, KEY_OLD (a key of an expired profile), REVOKE_CMD (JSON argv revoking KEY_OTHER),
CANARIES (JSON list of strings no response may hold), MAX_BODY."""
import json
import os
import subprocess
import sys
import time

import airlock_client as ac

url = os.environ["AIRLOCK_URL"]
fingerprint = os.environ["AIRLOCK_FINGERPRINT"]
dev, other, old = os.environ["KEY_DEV"], os.environ["KEY_OTHER"], os.environ["KEY_OLD"]
canaries = json.loads(os.environ["CANARIES"])
opener = ac.pinned_opener(fingerprint)
seen = []


def send(method, target, headers, body=b""):
    status, h, raw = ac.send(opener, url, method, target, headers, body)
    text = raw.decode("utf-8", "replace")
    seen.append(text + json.dumps(h))
    return status, h, text


def refused(status, text, reason):
    assert status == 401, (status, text)
    error = json.loads(text)["error"]
    assert reason in error, (reason, error)


# a pinned client reaches the API; a wrong pin does not even send the request
api = ac.Airlock(url, dev, fingerprint)
who = api.get("/v1/whoami")
assert who["profile"] == "dev" and who["key_id"] == dev.split(":")[0], who
assert who["commands"] == ["tool"], who
assert who["expires"] is None, who
try:
    ac.Airlock(url, dev, "00" * 32).get("/v1/whoami")
    raise AssertionError("a wrong pin connected")
except Exception as e:
    assert "pinned" in str(e), e

secrets = api.get("/v1/secrets")["secrets"]
assert secrets == [{"name": "DEV_TOKEN", "description": "the dev token", "set": True, "commands": ["tool"]}], secrets
skill = api.get("/v1/skill.md")
assert "# airlock over HTTPS: profile dev" in skill and fingerprint in skill and "def sign(" in skill, skill[:300]

# a signed POST to runs is not served yet: 501 after the signature is checked
status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", b"{}"), b"{}")
assert status == 501 and "not served yet" in json.loads(text)["error"], (status, text)
# a query is covered, "@query": ?a=1
status, _, text = send("GET", "/v1/whoami?a=1", ac.sign(dev, "GET", "/v1/whoami", "a=1"))
assert status == 200, (status, text)

# unsigned: 401 before routing, even for a path that does not exist
status, _, text = send("GET", "/v1/nothing", {})
refused(status, text, "missing header")

# replay: the same signed request twice
headers = ac.sign(dev, "GET", "/v1/whoami")
assert send("GET", "/v1/whoami", headers)[0] == 200
status, _, text = send("GET", "/v1/whoami", headers)
refused(status, text, "nonce already used")

now = int(time.time())
status, _, text = send("GET", "/v1/whoami", ac.sign(dev, "GET", "/v1/whoami", created=now - 120))
refused(status, text, "in the past")
status, _, text = send("GET", "/v1/whoami", ac.sign(dev, "GET", "/v1/whoami", created=now + 120))
refused(status, text, "in the future")
status, _, text = send("GET", "/v1/whoami", ac.sign(dev, "GET", "/v1/whoami", nonce="short-nonce"))
refused(status, text, "nonce shorter than 16")

# wrong key: the right id with another secret, and an id nobody issued
key_id = dev.split(":")[0]
status, _, text = send("GET", "/v1/whoami", ac.sign(key_id + ":not-the-secret-at-all", "GET", "/v1/whoami"))
refused(status, text, "bad signature")
status, _, text = send("GET", "/v1/whoami", ac.sign("ark_00000000ff:whatever-secret", "GET", "/v1/whoami"))
refused(status, text, "unknown key")
# a signature made for another path
status, _, text = send("GET", "/v1/secrets", ac.sign(dev, "GET", "/v1/whoami"))
refused(status, text, "bad signature")

# tampered body: signed for one body, sent with another
body = json.dumps({"command": "tool", "args": ["ok"]}).encode()
tampered = json.dumps({"command": "tool", "args": ["rm"]}).encode()
status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", body), tampered)
refused(status, text, "Content-Digest does not match the body")

# oversized body
big = b"x" * (int(os.environ["MAX_BODY"]) + 1)
status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", big), big)
assert status == 413 and "body too large" in json.loads(text)["error"], (status, text)

# a key works, is revoked on the host (no restart), and is refused from the next request on
assert ac.Airlock(url, other, fingerprint).get("/v1/whoami")["key_id"] == other.split(":")[0]
subprocess.run(json.loads(os.environ["REVOKE_CMD"]), check=True, stdout=subprocess.DEVNULL)
status, _, text = send("GET", "/v1/whoami", ac.sign(other, "GET", "/v1/whoami"))
refused(status, text, "key revoked")

# a key of an expired profile
status, _, text = send("GET", "/v1/whoami", ac.sign(old, "GET", "/v1/whoami"))
refused(status, text, "profile does not accept requests")

for text in seen:
    for c in canaries:
        assert c not in text, "a response holds a canary"
print("ok")
