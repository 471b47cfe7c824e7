package airlock.e2e;

import airlock.daemon.Daemon;
import airlock.daemon.ShimRunner;
import airlock.daemon.agent.FileSecretSlotsForTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent in a bubblewrap sandbox onboards itself: reads 'airlock skill', asks for a secret, a
 * person on the host sets and grants it, the agent sees it set. The secret slots are the test-only
 * stand-in: using the value in a tool waits for the vault (branch 'vault'), which fills the tool's
 * environment on the host.
 */
class AgentOnboardingTest {
    private static final String CANARY = "ghp_canaryValue0123456789";

    @TempDir
    Path tmp;

    @Test
    void theAgentReadsItsSkillRequestsASecretAndSeesItOnceAPersonSetsIt() throws Exception {
        Assumptions.assumeTrue(BwrapProxyTest.bwrapWorks(), "bubblewrap cannot create a sandbox here");
        FileSecretSlotsForTests slots = new FileSecretSlotsForTests(tmp.resolve("slots.json"));
        try (Workbench bench = new Workbench(tmp.resolve("bench")).start(new Daemon.Settings(64, Duration.ofSeconds(10), slots));
             Sandbox box = new BwrapProxyTest.Bwrap(bench)) {
            Path socket = bench.socket("agent");
            ShimRunner.Result skill = ShimRunner.run(box.command(socket, Sandbox.WORKSPACE, List.of("airlock", "skill"), Map.of(), "skill"), new byte[0]);
            assertThat(skill.exit()).as(skill.err()).isZero();
            assertThat(skill.out()).contains("# airlock: profile agent").contains("### git").contains("`/workspace` and below")
                    .contains("No secret is granted to this profile.");

            ShimRunner.Result ask = ShimRunner.run(box.command(socket, Sandbox.WORKSPACE,
                    List.of("airlock", "secrets", "request", "GH_TOKEN", "--description", "open pull requests on acme/app"), Map.of(), "ask"), new byte[0]);
            assertThat(ask.exit()).as(ask.err()).isZero();
            assertThat(slots.visibleTo("agent")).singleElement().satisfies(s -> {
                assertThat(s.requestedBy()).isEqualTo("agent");
                assertThat(s.set()).isFalse();
            });

            slots.setAndGrant("GH_TOKEN", CANARY, "agent", "open pull requests on acme/app"); // the person on the host
            ShimRunner.Result listed = ShimRunner.run(box.command(socket, Sandbox.WORKSPACE, List.of("airlock", "secrets"), Map.of(), "list"), new byte[0]);
            assertThat(listed.out()).contains("GH_TOKEN").contains("set").doesNotContain(CANARY);
            String again = ShimRunner.run(box.command(socket, Sandbox.WORKSPACE, List.of("airlock", "skill"), Map.of(), "skill2"), new byte[0]).out();
            assertThat(again).contains("`GH_TOKEN`: set").doesNotContain(CANARY);
        }
    }
}
