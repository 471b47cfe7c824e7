"""Drives the real daemon's HTTPS API with the client shipped in the jar (airlock_client.py, the
one GET /v1/skill.md prints), written from docs/api.md: urllib, ssl pinned by fingerprint, hmac,
hashlib. Every check is an assert; it prints "ok" last. Environment: AIRLOCK_URL, AIRLOCK_FINGERPRINT,
KEY_DEV, KEY_OTHER, KEY_OLD (a key of an expired profile), KEY_OPS (a key of another profile),
REVOKE_CMD (JSON argv revoking KEY_OTHER), CANARIES (JSON list of strings no response may hold),
MAX_BODY."""
import base64
import json
import os
import subprocess
import sys
import time

import airlock_client as ac

url = os.environ["AIRLOCK_URL"]
fingerprint = os.environ["AIRLOCK_FINGERPRINT"]
dev, other, old, ops = os.environ["KEY_DEV"], os.environ["KEY_OTHER"], os.environ["KEY_OLD"], os.environ["KEY_OPS"]
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
assert who["commands"] == ["python3", "tool"], who
assert who["expires"] is None, who
try:
    ac.Airlock(url, dev, "00" * 32).get("/v1/whoami")
    raise AssertionError("a wrong pin connected")
except Exception as e:
    assert "pinned" in str(e), e

secrets = api.get("/v1/secrets")["secrets"]
assert secrets == [{"name": "DEV_TOKEN", "description": "the dev token", "set": True, "commands": ["python3", "tool"]}], secrets
skill = api.get("/v1/skill.md")
assert "# airlock over HTTPS: profile dev" in skill and fingerprint in skill and "def sign(" in skill, skill[:300]
# the client the skill teaches is this very file, whole, and it says where each secret arrives
with open(ac.__file__, encoding="utf-8") as f:
    assert f.read() in skill, "the skill's client differs from the one this test runs"
assert "`DEV_TOKEN`: set; given to `python3` as `$TOKEN`, `tool` as `$TOKEN`" in skill, skill
assert "POST /v1/runs" in skill and "Last-Event-ID" in skill, skill

# a sandboxed python3 run that prints the granted secret raw and in base64: only markers come back
script = "import base64, os\nt = os.environ['TOKEN']\nprint('raw', t)\nprint('b64', base64.b64encode(t.encode()).decode())\n"
started = api.run("python3", ["main.py"], files={"main.py": script})
assert started["status"] in ("running", "completed"), started
run_id = started["id"]
streamed = {"stdout": b"", "stderr": b""}
exit_event = None
for event, data in api.events(run_id):
    if event in streamed:
        streamed[event] += data
    elif event == "exit":
        exit_event = data
assert exit_event == {"status": "completed", "exit_code": 0, "signal": 0}, (exit_event, streamed)
marker = b"[airlock:redacted DEV_TOKEN]"
assert streamed["stdout"] == b"raw " + marker + b"\nb64 " + marker + b"\n", streamed
done = api.wait(run_id)
assert done["status"] == "completed" and done["exit_code"] == 0, done
assert done["stdout"] == streamed["stdout"].decode(), done
assert done["key_id"] == dev.split(":")[0] and done["command"] == "python3" and done["args"] == ["main.py"], done
seen.append(json.dumps(done) + streamed["stdout"].decode("latin-1") + streamed["stderr"].decode("latin-1"))
# the events from a point on (Last-Event-ID): the same stream, resumed after the event named
target = "/v1/runs/" + run_id + "/events"
status, _, whole = send("GET", target, ac.sign(dev, "GET", target))
h = ac.sign(dev, "GET", target)
h["Last-Event-ID"] = "0"
status2, _, rest = send("GET", target, h, b"")
ids = [line for line in whole.splitlines() if line.startswith("id: ")]
assert status == 200 and status2 == 200 and ids[0] == "id: 0", whole
assert [line for line in rest.splitlines() if line.startswith("id: ")] == ids[1:], rest
assert any(r["id"] == run_id for r in api.get("/v1/runs")["runs"])

# stdin reaches the tool; a non-zero exit is "failed" with its status
failing = api.run("python3", ["-c", "import sys; d = sys.stdin.read(); print(d.upper()); sys.exit(3)"], stdin="hello")
done = api.wait(failing["id"])
assert done["status"] == "failed" and done["exit_code"] == 3 and done["stdout"] == "HELLO\n", done

# a refused command: 403 with the layer and the rule, and no run kept
status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", b'{"command": "tool", "args": ["rm"]}'),
                       b'{"command": "tool", "args": ["rm"]}')
assert status == 403, (status, text)
refusal = json.loads(text)
assert refusal["layer"] == "module" and refusal["rule"] == "rm" and refusal["error"].startswith("airlock: refused"), refusal
status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", b'{"command": "bash", "args": []}'),
                       b'{"command": "bash", "args": []}')
assert status == 403 and json.loads(text)["layer"] == "config", (status, text)
# what the request itself gets wrong: 400, nothing judged
for bad in [b'{"command": "python3", "files": {"../x.py": "1"}}', b'{"command": "python3", "files": {"a/b": "1"}}',
            b'{"command": "python3", "extra": 1}', b'{"command": 3}', b'[1]', b'{"command": "a", "command": "b"}',
            b'{"command": "python3", "args": ["-c", "print(1)\\u0000"]}', b'{"command": "python3", "files": {".hidden": "1"}}']:
    status, _, text = send("POST", "/v1/runs", ac.sign(dev, "POST", "/v1/runs", "", bad), bad)
    assert status == 400 and json.loads(text)["error"].startswith("airlock: refused by the api layer"), (bad, status, text)

# a long run, cancelled: its process tree is killed and it says so
long_run = api.run("python3", ["-c", "import time\nprint('started', flush=True)\ntime.sleep(60)\nprint('never')"])
for event, data in api.events(long_run["id"]):
    if event == "stdout" and b"started" in data:
        break
cancelled = api.cancel(long_run["id"])
assert cancelled["id"] == long_run["id"], cancelled
done = api.wait(long_run["id"], timeout=30)
assert done["status"] == "cancelled" and "never" not in done["stdout"], done

# another profile's key sees none of this profile's runs: 404 as for an id that never existed
for method, target in [("GET", "/v1/runs/" + run_id), ("GET", "/v1/runs/" + run_id + "/events"), ("DELETE", "/v1/runs/" + run_id)]:
    status, _, text = send(method, target, ac.sign(ops, method, target))
    assert status == 404, (method, target, status, text)
assert ac.Airlock(url, ops, fingerprint).get("/v1/runs")["runs"] == []

# a secret request, as the shim's 'airlock secrets request' makes it
body = json.dumps({"name": "DEPLOY_KEY", "description": "deploys the site"}).encode()
status, _, text = send("POST", "/v1/secrets/requests", ac.sign(dev, "POST", "/v1/secrets/requests", "", body), body)
assert status == 201 and json.loads(text)["name"] == "DEPLOY_KEY" and json.loads(text)["set"] is False, (status, text)
assert {"name": "DEPLOY_KEY", "description": "deploys the site", "set": False, "commands": []} in api.get("/v1/secrets")["secrets"]

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
