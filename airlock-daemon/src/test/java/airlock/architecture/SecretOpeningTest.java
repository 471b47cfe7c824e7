package airlock.architecture;

import airlock.daemon.core.Secret;
import airlock.daemon.core.SecretAccess;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A secret's value is read only where a reviewer expects it (issue 23.5): the classes that hold a
 * {@link SecretAccess} are the vault's, which the compiled classes show (jdeps), and any other
 * class asking for one is refused when it runs.
 */
class SecretOpeningTest {
    @Test
    void onlyTheVaultsPackageUsesTheAccess() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "-verbose:class", "-filter:none", "-e", "airlock\\.daemon\\.core\\.SecretAccess", "target/classes");
        assertThat(status).as(out.toString()).isZero();
        Set<String> users = new TreeSet<>();
        for (String line : out.toString().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && f[2].equals("airlock.daemon.core.SecretAccess")) users.add(f[0]);
        }
        assertThat(users).as("classes that can open a secret").contains("airlock.daemon.vault.RunSecrets")
                .allSatisfy(c -> assertThat(c).matches("airlock\\.daemon\\.vault\\.[A-Za-z$]+|airlock\\.daemon\\.core\\.Secret"));
    }

    @Test
    void anyOtherClassIsRefusedTheAccess() {
        assertThatThrownBy(() -> SecretAccess.get()).isInstanceOf(IllegalCallerException.class)
                .hasMessageStartingWith("airlock: " + SecretOpeningTest.class.getName() + " may not open secrets");
        Secret s = Secret.of("github_token", "openingCanary-77a1c".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> s.open(null)).isInstanceOf(NullPointerException.class).hasMessageNotContaining("openingCanary");
        assertThat(s).hasToString("Secret[github_token]");
    }
}
