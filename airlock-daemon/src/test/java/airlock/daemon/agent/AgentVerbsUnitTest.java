package airlock.daemon.agent;

import airlock.daemon.ConfigDirectory;
import airlock.rules.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each verb on a policy loaded from real files, for profiles that are revoked, expired or active. */
class AgentVerbsUnitTest {
    @TempDir
    Path tmp;

    private Policy policy(String lifecycle) throws Exception {
        Path c = tmp.resolve("config");
        Files.createDirectories(c.resolve("profiles"));
        Files.writeString(c.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        Files.writeString(c.resolve("profiles/p.toml"), lifecycle + "commands = []\n[mounts]\n\"/w\" = \"/w\"\n");
        return new ConfigDirectory(c).load();
    }

    private static final List<List<String>> VERBS = List.of(List.of("skill"), List.of("whoami"), List.of("secrets"),
            List.of("secrets", "request", "X", "--description", "y"));

    @Test
    void everyVerbIsRefusedForARevokedProfile() throws Exception {
        Policy p = policy("revoked = { at = 2026-01-01T00:00:00Z, reason = \"leaked\" }\n");
        FileSecretSlotsForTests slots = new FileSecretSlotsForTests(tmp.resolve("s.json"));
        for (List<String> verb : VERBS) {
            var a = new AgentVerbs(slots).answer(p, "p", verb, Instant.now());
            assertThat(a).isInstanceOfSatisfying(AgentVerbs.Answer.Refused.class, r -> assertThat(r.message())
                    .isEqualTo("airlock: profile 'p' was revoked at 2026-01-01T00:00:00Z (leaked); nothing runs through it any more"
                            + " (a person on the host restores it by deleting the 'revoked' line of profiles/p.toml)"));
        }
        assertThat(slots.visibleTo("p")).as("no slot was created").isEmpty();
    }

    @Test
    void everyVerbIsRefusedForAnExpiredProfileAndAnswersBeforeItsTime() throws Exception {
        Policy p = policy("expires = 2026-06-01T12:00:00+02:00\n");
        AgentVerbs verbs = new AgentVerbs(new FileSecretSlotsForTests(tmp.resolve("s.json")));
        for (List<String> verb : VERBS) {
            assertThat(verbs.answer(p, "p", verb, Instant.parse("2026-06-01T10:00:00Z"))).as("at the instant")
                    .isInstanceOfSatisfying(AgentVerbs.Answer.Refused.class, r ->
                            assertThat(r.message()).startsWith("airlock: profile 'p' expired at 2026-06-01T10:00:00Z"));
            assertThat(verbs.answer(p, "p", verb, Instant.parse("2026-06-01T09:59:59Z"))).as("a second before")
                    .isInstanceOf(AgentVerbs.Answer.Text.class);
        }
    }

    @Test
    void aVerbItDoesNotKnowIsRefusedWithTheList() throws Exception {
        var a = new AgentVerbs(SecretSlots.NONE).answer(policy(""), "p", List.of("secret", "set", "X"), Instant.now());
        assertThat(a).isInstanceOfSatisfying(AgentVerbs.Answer.Refused.class, r -> assertThat(r.message()).contains("the verbs are"));
        var none = new AgentVerbs(SecretSlots.NONE).answer(policy(""), "p", List.of("secrets", "request", "X", "--description", "y"), Instant.now());
        assertThat(none).isInstanceOfSatisfying(AgentVerbs.Answer.Refused.class, r -> assertThat(r.message()).contains("no vault"));
    }
}
