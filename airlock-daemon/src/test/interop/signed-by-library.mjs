// Signs requests to airlock's HTTPS API with npm's http-message-signatures (RFC 9421, hmac-sha256),
// an implementation airlock shares no code with, and checks the daemon accepts them: another
// label, the components in another order, extra parameters (expires, tag), a query, a POST body.
// Environment: AIRLOCK_URL, AIRLOCK_FINGERPRINT (hex), KEY_DEV (ark_ID:SECRET). Prints "ok" last.
import { createHash, randomBytes } from "node:crypto";
import https from "node:https";
import { httpbis, createSigner } from "http-message-signatures";

const url = new URL(process.env.AIRLOCK_URL);
const pin = process.env.AIRLOCK_FINGERPRINT.replaceAll(":", "").toLowerCase();
const [keyId, secret] = process.env.KEY_DEV.split(/:(.*)/s);
const signer = createSigner(Buffer.from(secret, "utf8"), "hmac-sha256", keyId);

function assert(ok, what) {
  if (!ok) throw new Error("assertion failed: " + what);
}

async function signed(method, target, body, { name = "lib", fields, params, extra = {} } = {}) {
  const digest = "sha-256=:" + createHash("sha256").update(body).digest("base64") + ":";
  const request = {
    method,
    url: new URL(target, url),
    headers: { "Content-Digest": digest, "Content-Type": "application/json" },
  };
  return httpbis.signMessage({
    key: signer,
    name,
    fields: fields ?? ["@method", "@path", "@query", "content-digest"],
    params: params ?? ["created", "nonce", "keyid", "alg"],
    paramValues: { nonce: randomBytes(18).toString("base64url"), ...extra },
  }, request);
}

function send(request, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(request.url, {
      method: request.method,
      headers: { ...request.headers, "Content-Length": Buffer.byteLength(body) },
      // self-signed: trust is the pinned fingerprint, checked on the socket before the body is read
      rejectUnauthorized: false,
    }, (res) => {
      const got = res.socket.getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase();
      if (got !== pin) {
        reject(new Error("not the pinned certificate: " + got));
        res.destroy();
        return;
      }
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function call(method, target, body = "", options) {
  const r = await send(await signed(method, target, Buffer.from(body), options), body);
  return { status: r.status, json: r.body ? JSON.parse(r.body) : null, text: r.body };
}

// the library's defaults, apart from the components airlock requires
let r = await call("GET", "/v1/whoami");
assert(r.status === 200 && r.json.key_id === keyId, "whoami: " + r.text);

// the components in another order, expires and tag added, another label
r = await call("GET", "/v1/whoami?x=1&y=two", "", {
  name: "agent-7",
  fields: ["content-digest", "@query", "@path", "@method"],
  params: ["keyid", "created", "expires", "nonce", "tag", "alg"],
  extra: { tag: "interop", expires: new Date(Date.now() + 60_000) },
});
assert(r.status === 200, "reordered, with expires and tag: " + r.text);

// a run with a body, and its result
r = await call("POST", "/v1/runs", JSON.stringify({ command: "tool", args: ["from-node"] }));
assert(r.status === 201 && r.json.id.startsWith("run_"), "run: " + r.text);
const id = r.json.id;
for (let i = 0; i < 100; i++) {
  r = await call("GET", "/v1/runs/" + id);
  if (r.json.status !== "running") break;
  await new Promise((done) => setTimeout(done, 100));
}
assert(r.json.status === "completed" && r.json.stdout === "tool from-node\n", "run result: " + r.text);

// and what the library signs wrongly on purpose is refused: another key's secret
const wrong = await httpbis.signMessage({
  key: createSigner(Buffer.from("not-the-secret", "utf8"), "hmac-sha256", keyId),
  name: "lib", fields: ["@method", "@path", "@query", "content-digest"], params: ["created", "nonce", "keyid", "alg"],
  paramValues: { nonce: randomBytes(18).toString("base64url") },
}, { method: "GET", url: new URL("/v1/whoami", url), headers: { "Content-Digest": "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:" } });
const refused = await send(wrong, "");
assert(refused.status === 401 && JSON.parse(refused.body).error.includes("bad signature"), "wrong secret: " + refused.body);
console.log("ok");
