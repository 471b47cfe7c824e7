package airlock.daemon.listen.https;

import airlock.daemon.vault.Vault;
import airlock.rules.ConfigLoader;
import airlock.rules.Policy;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The key store: a secret sealed under the vault's key, never on disk in the clear; every state refuses as it should. */
class ApiKeysTest {
    @TempDir Path tmp;

    Instant now = Instant.parse("2026-12-06T06:00:00Z");

    ApiKeys keys() {
        return new ApiKeys(tmp.resolve("api/keys"), Vault.at(tmp.resolve("vault")), Clock.fixed(now, ZoneOffset.UTC));
    }

    static Policy policy(String profileText) throws Exception {
        Profile p = ConfigLoader.profile("dev", "dev.toml", "commands = []\n" + profileText);
        return new Policy(ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n"), Map.of("dev", p), Map.of());
    }

    static String secret(String key) {
        return key.substring(key.indexOf(':') + 1);
    }

    @Test
    void aKeyIsSealedAndOpensOnlyForItself() throws Exception {
        ApiKeys k = keys();
        ApiKeys.Issued issued = k.create("dev", Optional.empty());
        assertThat(issued.key()).matches("ark_[0-9a-f]{10}:[A-Za-z0-9_-]{43}");
        assertThat(issued.toString()).doesNotContain(secret(issued.key()));
        var found = k.find(issued.meta().keyId(), policy(""));
        assertThat(found).isInstanceOf(RequestVerifier.Found.Usable.class);
        assertThat(new String(((RequestVerifier.Found.Usable) found).secret(), StandardCharsets.UTF_8)).isEqualTo(secret(issued.key()));
        assertThat(found.toString()).doesNotContain(secret(issued.key()));

        Path file = tmp.resolve("api/keys/" + issued.meta().id() + ".json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("api/keys")))).isEqualTo("rwx------");
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (byte[] form : airlock.daemon.redact.SecretForms.of(secret(issued.key()).getBytes(StandardCharsets.UTF_8))) {
                    assertThat(text).as(f.toString()).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
                }
            }
        }

        // another key's sealed secret moved into this key's file does not open
        ApiKeys.Issued second = k.create("dev", Optional.empty());
        Path secondFile = tmp.resolve("api/keys/" + second.meta().id() + ".json");
        String moved = Files.readString(secondFile).replace("\"id\":\"" + second.meta().id() + "\"", "\"id\":\"" + issued.meta().id() + "\"");
        Files.writeString(file, moved);
        assertThat(k.find(issued.meta().keyId(), policy(""))).isEqualTo(new RequestVerifier.Found.Refused(
                new Refusal(Refusal.Reason.UNKNOWN_KEY, "the key cannot be read on the host")));
    }

    @Test
    void revokedExpiredUnknownAndTheProfilesState() throws Exception {
        ApiKeys k = keys();
        ApiKeys.Issued live = k.create("dev", Optional.empty());
        ApiKeys.Issued expiring = k.create("dev", Optional.of(now.plusSeconds(60)));
        assertThat(reason(k, live.meta().keyId(), "")).isNull();
        assertThat(reason(k, expiring.meta().keyId(), "")).isNull();
        assertThat(reason(k, "ark_ffffffffff", "")).isEqualTo(Refusal.Reason.UNKNOWN_KEY);
        assertThat(reason(k, "ark_../../x", "")).isEqualTo(Refusal.Reason.UNKNOWN_KEY);
        assertThat(reason(k, live.meta().keyId(), "revoked = { at = 2026-12-01T00:00:00Z, reason = \"leak\" }\n"))
                .isEqualTo(Refusal.Reason.PROFILE_INACTIVE);
        assertThat(reason(k, live.meta().keyId(), "expires = 2026-12-01T00:00:00Z\n")).isEqualTo(Refusal.Reason.PROFILE_INACTIVE);
        // a rotation after the key was made cuts it off; a key made after the rotation works
        assertThat(reason(k, live.meta().keyId(), "rotated = 2026-12-06T06:00:01Z\n")).isEqualTo(Refusal.Reason.PROFILE_INACTIVE);
        assertThat(reason(k, live.meta().keyId(), "rotated = 2026-12-06T05:00:00Z\n")).isNull();
        assertThat(k.find(live.meta().keyId(), new Policy(ConfigLoader.config("c", "[commands]\nenable = [\"git\"]\n"), Map.of(), Map.of())))
                .isInstanceOf(RequestVerifier.Found.Refused.class);

        assertThat(k.revoke(live.meta().keyId() + ":" + secret(live.key()))).isFalse(); // a whole key is not an id
        assertThat(k.revoke(live.meta().keyId())).isTrue();
        assertThat(k.revoke("ark_ffffffffff")).isFalse();
        assertThat(reason(k, live.meta().keyId(), "")).isEqualTo(Refusal.Reason.REVOKED_KEY);

        now = now.plus(2, ChronoUnit.MINUTES);
        ApiKeys later = keys();
        assertThat(reason(later, expiring.meta().keyId(), "")).isEqualTo(Refusal.Reason.EXPIRED_KEY);
        assertThat(later.list()).extracting(x -> x.state(now)).containsExactlyInAnyOrder("revoked", "expired");

        later.used(live.meta().keyId());
        assertThat(later.get(live.meta().keyId()).orElseThrow().lastUse()).contains(now.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Refusal.Reason reason(ApiKeys k, String id, String profileText) throws Exception {
        return switch (k.find(id, policy(profileText))) {
            case RequestVerifier.Found.Usable u -> null;
            case RequestVerifier.Found.Refused r -> r.refusal().reason();
        };
    }
}
