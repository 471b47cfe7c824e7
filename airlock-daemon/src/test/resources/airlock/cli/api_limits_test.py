"""The API's limits through the real daemon, with the shipped client: requests per second (429 and
Retry-After), runs per key at once, files per run; then a long run is left going for the test to
stop the daemon under it. Environment: AIRLOCK_URL, AIRLOCK_FINGERPRINT, KEY_DEV. Prints the
long run's id last."""
import json
import os
import time

import airlock_client as ac

url, fingerprint, dev = os.environ["AIRLOCK_URL"], os.environ["AIRLOCK_FINGERPRINT"], os.environ["KEY_DEV"]
opener = ac.pinned_opener(fingerprint)
api = ac.Airlock(url, dev, fingerprint)


def header(headers, name):
    """HTTP header names are case-insensitive (the JDK's server sends Retry-after)."""
    return {k.lower(): v for k, v in headers.items()}.get(name.lower())


# requests_per_second = 2 (a burst of 4): quick requests from one address soon get 429 with Retry-After
statuses = []
for _ in range(12):
    status, headers, body = ac.send(opener, url, "GET", "/v1/whoami", ac.sign(dev, "GET", "/v1/whoami"))
    statuses.append(status)
    if status == 429:
        assert int(header(headers, "Retry-After")) >= 1, headers
        assert "too many requests" in json.loads(body)["error"], body
        break
assert statuses[0] == 200 and statuses[-1] == 429, statuses
time.sleep(3)

# max_files = 2
status, _, body = api.request("POST", "/v1/runs", json.dumps({"command": "tool", "files": {"a": "1", "b": "2", "c": "3"}}).encode())
assert status == 400 and "max_files" in json.loads(body)["error"], (status, body)
time.sleep(1)

# max_runs_per_key = 1: a second run while the first goes is refused with 429, and nothing of it runs
first = api.run("tool", ["sleep"])
time.sleep(1)
status, headers, body = api.request("POST", "/v1/runs", json.dumps({"command": "tool", "args": ["second"]}).encode())
assert status == 429 and "max_runs_per_key" in json.loads(body)["error"] and header(headers, "Retry-After"), (status, body)
print(first["id"])
