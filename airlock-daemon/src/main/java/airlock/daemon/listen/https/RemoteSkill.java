package airlock.daemon.listen.https;

import airlock.daemon.agent.SecretSlots;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /v1/skill.md}: what a remote agent needs, from the live policy of its key's profile:
 * the commands, the secrets by name and the commands that receive them, how to sign, the
 * certificate's fingerprint, and the stdlib-only Python client (the file the API test runs).
 */
final class RemoteSkill {
    static final String CLIENT = "airlock_client.py";

    private RemoteSkill() {}

    static String text(Policy policy, Profile profile, List<SecretSlots.Slot> secrets, String url, String fingerprint) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("---\nname: airlock-remote\ndescription: Use airlock's HTTPS API, profile ").append(profile.name())
                .append(": what this key may do and how to sign requests.\n---\n\n");
        b.append("# airlock over HTTPS: profile ").append(profile.name()).append("\n\n");
        b.append("- URL: ").append(url).append('\n');
        b.append("- certificate SHA-256 (pin it): ").append(fingerprint).append('\n');
        b.append("- expires: ").append(profile.lifecycle().expires().map(Object::toString).orElse("never")).append("\n\n");
        b.append("## Commands this profile allows\n\n");
        List<String> commands = ApiServer.commands(policy, profile);
        if (commands.isEmpty()) b.append("None.\n");
        for (String c : commands) b.append("- `").append(c).append("`\n");
        b.append("""

                ## Runs

                `POST /v1/runs` with `{"command": "python3", "args": ["main.py"], "files": {"main.py": "..."}, "stdin": "..."}`
                runs a command this profile allows, judged by the host's policy exactly as a local agent's. The run's
                working directory is a fresh folder holding `files` (plain names: no `/`, no leading dot) and nothing
                else of the host; it is removed when the run ends, so print what you need. Answers: `201 {"id", "status"}`;
                `403 {"error", "layer", "rule"}` when a layer refuses (read the error: it says what works instead);
                `400` for a body it cannot take; `429` with `Retry-After` past a limit.

                - `GET /v1/runs/ID`: `status` (`running`, `completed`, `failed`, `refused`, `timeout`, `cancelled`,
                  `interrupted`), `exit_code`, `stdout`, `stderr` (UTF-8 text).
                - `GET /v1/runs/ID/events`: `text/event-stream`; `stdout`/`stderr` events carry base64 of the exact bytes,
                  then one `exit` event `{"status", "exit_code", "signal"}`. `Last-Event-ID` resumes after an event.
                - `DELETE /v1/runs/ID` cancels (the process tree is killed); `GET /v1/runs` lists this profile's runs.
                - A sandboxed Python script may pause for your reasoning: `from airlock import llm` then
                  `answer = llm.complete(prompt)`. The run's `status` becomes `awaiting_input` with `seq` and `prompt`
                  (a `prompt` event in the stream); answer with `POST /v1/runs/ID/respond {"seq": N, "answer": "..."}`
                  and the run goes on. Secrets in a prompt reach you as markers, like output.

                Secrets reach the command as the variables below, for that run only; anything of theirs in the output
                comes back as `[airlock:redacted NAME]`, in every encoding. `POST /v1/secrets/requests`
                `{"name": "NAME", "description": "what it is for"}` asks the person on the host for a secret you lack.

                """);
        b.append("## Secrets (names only; values never leave the host)\n\n");
        if (secrets.isEmpty()) b.append("None granted.\n");
        for (SecretSlots.Slot s : secrets.stream().sorted(Comparator.comparing(SecretSlots.Slot::name)).toList()) {
            List<String> to = arrivals(profile, s.name());
            b.append("- `").append(s.name()).append("`: ").append(s.set() ? "set" : "empty")
                    .append(to.isEmpty() ? "" : "; given to " + String.join(", ", to)).append('\n');
        }
        b.append("""

                ## Signing

                Every request carries `Content-Digest: sha-256=:BASE64(SHA-256(body)):` (the empty body too),
                `Signature-Input: sig1=("@method" "@path" "@query" "content-digest");created=UNIX_SECONDS;nonce="RANDOM";keyid="ark_ID";alg="hmac-sha256"`
                and `Signature: sig1=:BASE64(HMAC-SHA256(SECRET, signature base)):` (RFC 9421 section 2.5). `created` must be
                within 60 s of the server's clock and the nonce (16 characters at least) new for this key. A refusal is
                401 with `{"error": "..."}` saying why.

                ## Client (Python standard library only)

                ```python
                """);
        b.append(client());
        b.append("```\n");
        return b.toString();
    }

    /** Where the secret arrives: "python3 as $TOKEN", "gh as the file in $GH_KEY_FILE", sorted. */
    static List<String> arrivals(Profile profile, String secret) {
        List<String> out = new java.util.ArrayList<>();
        for (var e : new java.util.TreeMap<>(profile.secrets()).entrySet()) {
            new java.util.TreeMap<>(e.getValue().env()).forEach((var, name) -> {
                if (name.equals(secret)) out.add("`" + e.getKey() + "` as `$" + var + "`");
            });
            new java.util.TreeMap<>(e.getValue().files()).forEach((var, name) -> {
                if (name.equals(secret)) out.add("`" + e.getKey() + "` as the file named by `$" + var + "`");
            });
        }
        return out;
    }

    /** The client's source, as shipped in the jar. */
    static String client() throws IOException {
        try (InputStream in = RemoteSkill.class.getResourceAsStream(CLIENT)) {
            if (in == null) throw new IOException("the jar lacks " + CLIENT);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
