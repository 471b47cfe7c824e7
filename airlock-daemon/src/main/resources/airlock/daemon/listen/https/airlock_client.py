"""A stdlib-only client for airlock's HTTPS API (docs/api.md): RFC 9421 signatures with
hmac-sha256, an RFC 9530 Content-Digest, and the server's certificate pinned by its SHA-256.

    key = "ark_ID:SECRET"            # from 'airlock api key create PROFILE', kept out of the code
    api = Airlock("https://127.0.0.1:8443", key, "FINGERPRINT_SHA256")
    print(api.get("/v1/whoami"))
    run = api.run("python3", ["main.py"], files={"main.py": open("main.py").read()})
    for event, data in api.events(run["id"]):   # stdout/stderr bytes as they come, then the exit
        ...
    print(api.get("/v1/runs/" + run["id"])["stdout"])
"""
import base64
import hashlib
import hmac
import http.client
import json
import secrets
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request


def sign(key, method, path, query="", body=b"", created=None, nonce=None, label="sig1"):
    """The three headers that sign one request; created and nonce may be forced (tests do)."""
    key_id, secret = key.split(":", 1)
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    created = int(time.time()) if created is None else created
    nonce = secrets.token_urlsafe(18) if nonce is None else nonce
    params = ('("@method" "@path" "@query" "content-digest");created=%d;nonce="%s";keyid="%s";alg="hmac-sha256"'
              % (created, nonce, key_id))
    base = "\n".join([
        '"@method": ' + method,
        '"@path": ' + path,
        '"@query": ?' + query,
        '"content-digest": ' + digest,
        '"@signature-params": ' + params,
    ])
    mac = hmac.new(secret.encode("utf-8"), base.encode("utf-8"), hashlib.sha256).digest()
    return {
        "Content-Digest": digest,
        "Signature-Input": label + "=" + params,
        "Signature": label + "=:" + base64.b64encode(mac).decode() + ":",
    }


def pinned_opener(fingerprint):
    """A urllib opener that accepts exactly the certificate whose SHA-256 is fingerprint (hex, colons optional)."""
    want = fingerprint.replace(":", "").lower()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # the certificate is self-signed: trust comes from the pin, checked before any request is sent
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class Pinned(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            got = hashlib.sha256(self.sock.getpeercert(binary_form=True)).hexdigest()
            if not hmac.compare_digest(got, want):
                self.close()
                raise ssl.SSLError("airlock: the server's certificate is not the pinned one (sha256 %s)" % got)

    class Handler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(Pinned, req, context=context)

    return urllib.request.build_opener(Handler())


def send(opener, url, method, target, headers, body=b"", timeout=30):
    """Sends as given; returns (status, headers, body bytes) for every status, errors included."""
    req = urllib.request.Request(url + target, data=body if method != "GET" else None, method=method, headers=headers)
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Airlock:
    def __init__(self, url, key, fingerprint):
        self.url = url.rstrip("/")
        self.key = key
        self.opener = pinned_opener(fingerprint)

    def request(self, method, target, body=b""):
        parts = urllib.parse.urlsplit(target)
        headers = sign(self.key, method, parts.path, parts.query, body)
        if body:
            headers["Content-Type"] = "application/json"
        return send(self.opener, self.url, method, target, headers, body)

    def get(self, target):
        status, _, body = self.request("GET", target)
        if status != 200:
            raise RuntimeError("%d %s" % (status, body.decode("utf-8", "replace")))
        return body.decode("utf-8") if target.endswith(".md") else json.loads(body)

    def run(self, command, args=(), files=None, stdin=None):
        """Starts a run; returns {"id", "status"}, or raises with the refusal ({"error", "layer", "rule"} on 403)."""
        body = {"command": command, "args": list(args)}
        if files:
            body["files"] = files
        if stdin is not None:
            body["stdin"] = stdin
        status, _, raw = self.request("POST", "/v1/runs", json.dumps(body).encode("utf-8"))
        if status != 201:
            raise RuntimeError("%d %s" % (status, raw.decode("utf-8", "replace")))
        return json.loads(raw)

    def wait(self, run_id, timeout=120):
        """Polls GET /v1/runs/ID until the run is no longer running; returns it (stdout and stderr as text)."""
        deadline = time.time() + timeout
        while True:
            run = self.get("/v1/runs/" + run_id)
            if run["status"] not in ("running",) or time.time() > deadline:
                return run
            time.sleep(0.2)

    def cancel(self, run_id):
        status, _, raw = self.request("DELETE", "/v1/runs/" + run_id)
        if status != 200:
            raise RuntimeError("%d %s" % (status, raw.decode("utf-8", "replace")))
        return json.loads(raw)

    def events(self, run_id, timeout=120):
        """Yields (event, data) from GET /v1/runs/ID/events: stdout and stderr as the exact bytes, status and exit as dicts."""
        target = "/v1/runs/" + run_id + "/events"
        headers = sign(self.key, "GET", target)
        req = urllib.request.Request(self.url + target, method="GET", headers=headers)
        with self.opener.open(req, timeout=timeout) as r:
            event, data = None, []
            for line in r:
                line = line.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: "):
                    data.append(line[len("data: "):])
                elif line == "" and event:
                    text = "\n".join(data)
                    yield event, base64.b64decode(text) if event in ("stdout", "stderr") else json.loads(text)
                    if event == "exit":
                        return
                    event, data = None, []
