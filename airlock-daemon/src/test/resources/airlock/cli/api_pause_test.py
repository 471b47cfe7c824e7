"""Issue 25 through the real daemon's HTTPS API, with the client shipped in the jar
(airlock_client.py): a python3 run that fetches with a granted secret and pauses twice, answered
by POST /v1/runs/{id}/respond; a wrong seq, a second answer, another profile's answer; a pause
that times out and is caught by the script; a profile revoked while its run is paused. Every check
is an assert; it prints "ok" last.

    api_pause_test.py main          AIRLOCK_URL, AIRLOCK_FINGERPRINT, KEY_DEV, KEY_QUICK, KEY_OTHER,
                                    KEY_REV, BILLING_URL, TOKEN, REVOKE_CMD (JSON argv revoking profile rev)
    api_pause_test.py pause         starts a run with KEY_DEV that pauses; prints its id, then "ok"
    api_pause_test.py restarted ID  the run's answer after a daemon restart is refused, and says why
"""
import base64
import json
import os
import subprocess
import sys
import time

import airlock_client as ac

url = os.environ["AIRLOCK_URL"]
fingerprint = os.environ["AIRLOCK_FINGERPRINT"]
MARK = "[airlock:redacted billing_token]"


def client(key):
    return ac.Airlock(url, key, fingerprint)


def call(api, method, target, body=None):
    raw = b"" if body is None else json.dumps(body).encode()
    status, _, text = api.request(method, target, raw)
    return status, (json.loads(text) if text.startswith(b"{") else text.decode())


def start(api, script):
    status, r = call(api, "POST", "/v1/runs", {"command": "python3", "args": ["job.py"], "files": {"job.py": script}})
    assert status == 201, (status, r)
    return r["id"]


def until(api, run_id, want):
    for _ in range(600):
        status, r = call(api, "GET", "/v1/runs/" + run_id)
        assert status == 200, (status, r)
        if r["status"] in want:
            return r
        time.sleep(0.1)
    raise AssertionError("run %s never became %s: %s" % (run_id, want, r))


ASK_ONCE = """
from airlock import llm
print("before", flush=True)
try:
    print("answer:", llm.complete("the question"))
except llm.PauseTimeout as e:
    print("no answer:", e)
print("after")
"""

mode = sys.argv[1]
if mode == "pause":
    api = client(os.environ["KEY_DEV"])
    run_id = start(api, ASK_ONCE)
    until(api, run_id, ["awaiting_input"])
    print(run_id)
    print("ok")
    sys.exit(0)
if mode == "restarted":
    run_id = sys.argv[2]
    api = client(os.environ["KEY_DEV"])
    status, r = call(api, "POST", "/v1/runs/%s/respond" % run_id, {"seq": 1, "answer": "late"})
    assert status == 404, (status, r)
    assert "was interrupted: the daemon stopped while it waited for an answer" in r["error"], r
    status, r = call(api, "GET", "/v1/runs/" + run_id)
    assert status == 404 and "was interrupted: the daemon stopped while it waited for an answer" in r["error"], (status, r)
    print("ok")
    sys.exit(0)

token = os.environ["TOKEN"]
dev, quick, other, rev = (client(os.environ[k]) for k in ("KEY_DEV", "KEY_QUICK", "KEY_OTHER", "KEY_REV"))
seen = []

# a script that fetches with its secret and pauses twice with prompts that hold it
run_id = start(dev, """
import json, os, urllib.request
from airlock import llm
token = os.environ["BILLING_TOKEN"]
request = urllib.request.Request("%s", headers={"Authorization": "Bearer " + token})
rows = json.load(urllib.request.urlopen(request, timeout=20))["invoices"]
print("fetched", len(rows), "invoices", flush=True)
summary = llm.complete("Summarise totals %%d (fetched with %%s)" %% (sum(r["total"] for r in rows), token))
print("summary:", summary, flush=True)
risk = llm.complete("Name one risk; the token was " + token.encode().hex())
print("result:", summary.strip(), "|", risk.strip())
""" % os.environ["BILLING_URL"])
first = until(dev, run_id, ["awaiting_input"])
seen.append(json.dumps(first))
assert first["prompt"] == "Summarise totals 42 (fetched with %s)" % MARK, first
assert first["stdout"] == "fetched 2 invoices\n", first
seq = first["seq"]
assert isinstance(seq, int), first

# a wrong seq, another profile's answer: refused, nothing changes
status, r = call(dev, "POST", "/v1/runs/%s/respond" % run_id, {"seq": seq + 1, "answer": "wrong"})
assert status == 409 and ("waits at pause %d, not %d" % (seq, seq + 1)) in r["error"], (status, r)
status, r = call(other, "POST", "/v1/runs/%s/respond" % run_id, {"seq": seq, "answer": "not yours"})
assert status == 404, (status, r)
status, r = call(other, "GET", "/v1/runs/" + run_id)
assert status == 404, (status, r)
status, r = call(dev, "POST", "/v1/runs/%s/respond" % run_id, {"answer": "no seq"})
assert status == 400, (status, r)
again = until(dev, run_id, ["awaiting_input"])
assert again["seq"] == seq, again

status, r = call(dev, "POST", "/v1/runs/%s/respond" % run_id, {"seq": seq, "answer": "SUM-42"})
assert status == 200, (status, r)
# a second answer to the same pause: refused, the script got the first
status, r = call(dev, "POST", "/v1/runs/%s/respond" % run_id, {"seq": seq, "answer": "SUM-99"})
assert status == 409, (status, r)

second = None
for _ in range(600):
    second = until(dev, run_id, ["awaiting_input"])
    if second["seq"] != seq:
        break
    time.sleep(0.1)
assert second["seq"] > seq and second["prompt"] == "Name one risk; the token was " + MARK, second
seen.append(json.dumps(second))
status, r = call(dev, "POST", "/v1/runs/%s/respond" % run_id, {"seq": second["seq"], "answer": "RISK-7"})
assert status == 200, (status, r)
done = until(dev, run_id, ["completed", "failed", "interrupted", "timeout"])
seen.append(json.dumps(done))
assert done["status"] == "completed" and done["exit_code"] == 0, done
assert done["stdout"] == "fetched 2 invoices\nsummary: SUM-42\nresult: SUM-42 | RISK-7\n", done

# the events stream carries both prompts, redacted, numbered as the seq an answer names
status, _, raw = dev.request("GET", "/v1/runs/%s/events" % run_id)
events = raw.decode()
seen.append(events)
prompts = [json.loads(line[len("data: "):]) for block in events.split("\n\n") if "event: prompt" in block
           for line in block.split("\n") if line.startswith("data: ")]
assert [p["seq"] for p in prompts] == [seq, second["seq"]], events
assert prompts[0]["prompt"] == first["prompt"] and prompts[1]["prompt"] == second["prompt"], prompts
assert "event: status\ndata: {\"status\":\"awaiting_input\"}" in events, events

# nobody answers: the script catches the timeout and goes on
late = start(quick, ASK_ONCE)
until(quick, late, ["awaiting_input"])
ended = until(quick, late, ["completed", "failed"])
assert ended["status"] == "completed", ended
assert ended["stdout"].startswith("before\nno answer: airlock: nobody answered run " + late + " within 2 s"), ended
assert ended["stdout"].endswith("after\n"), ended

# a profile revoked while its run is paused: the run is interrupted, and its keys refused
paused = start(rev, ASK_ONCE)
until(rev, paused, ["awaiting_input"])
subprocess.run(json.loads(os.environ["REVOKE_CMD"]), check=True, capture_output=True)
for _ in range(300):
    status, r = call(rev, "GET", "/v1/runs/" + paused)
    if status == 401:
        break
    time.sleep(0.1)
assert status == 401, (status, r)
print(paused)

for text in seen:
    for form in (token, base64.b64encode(token.encode()).decode(), token.encode().hex()):
        assert form not in text, "the token reached the agent"
print("ok")
