package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * config.toml {@code [ui] public_url} (issue 27): the address a person types when the console is
 * reached through a published container port; only with it may {@code listen} be a wildcard.
 */
class UiPublicUrlConfigTest {
    static final String BASE = "[commands]\nenable = [\"git\"]\n";

    private static Config.UiSettings load(String ui) throws ConfigError {
        return ConfigLoader.config("config.toml", BASE + "[ui]\n" + ui).ui();
    }

    @Test
    void theDaemonImagesConsoleListensOnEveryAddressAndAnswersAsThePublicUrl() throws Exception {
        Config.UiSettings ui = load("listen = \"0.0.0.0:9090\"\nallow_remote = true\npublic_url = \"http://localhost:9090\"\n");
        assertThat(ui.host()).contains("0.0.0.0");
        assertThat(ui.publicUrl()).contains(new Config.PublicUrl("http", "localhost:9090"));
        assertThat(ui.servedAuthority(9090)).isEqualTo("localhost:9090");
        assertThat(ui.publicUrl().orElseThrow().origin()).isEqualTo("http://localhost:9090");
    }

    @Test
    void theAuthorityIsWhatABrowserSends() throws Exception {
        String listen = "listen = \"127.0.0.1:9090\"\n";
        assertThat(load(listen + "public_url = \"http://Console.Example.com/\"\n").servedAuthority(9090)).isEqualTo("console.example.com");
        assertThat(load(listen + "public_url = \"http://console.example.com:80\"\n").servedAuthority(9090)).isEqualTo("console.example.com");
        assertThat(load(listen + "public_url = \"https://console.example.com:443\"\n").publicUrl().orElseThrow().origin())
                .isEqualTo("https://console.example.com");
        assertThat(load(listen + "public_url = \"http://[::1]:8080\"\n").servedAuthority(9090)).isEqualTo("[::1]:8080");
        assertThat(load(listen + "public_url = \"http://127.0.0.1:8080\"\n").servedAuthority(9090)).isEqualTo("127.0.0.1:8080");
        // without it, the listen address as before
        assertThat(load(listen).publicUrl()).isEqualTo(Optional.empty());
        assertThat(load(listen).servedAuthority(9090)).isEqualTo("127.0.0.1:9090");
    }

    @Test
    void aWildcardStillNeedsThePublicUrlAndAllowRemote() {
        assertThatThrownBy(() -> load("listen = \"0.0.0.0:9090\"\nallow_remote = true\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("ui.listen").hasMessageContaining("wildcard").hasMessageContaining("public_url");
        assertThatThrownBy(() -> load("listen = \"0.0.0.0:9090\"\npublic_url = \"http://localhost:9090\"\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("ui.listen").hasMessageContaining("allow_remote = true");
        assertThatThrownBy(() -> load("listen = \"[::]:9090\"\nallow_remote = true\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("wildcard");
    }

    @Test
    void aPublicUrlIsASchemeAndAnAuthorityNothingElse() {
        for (String bad : new String[]{"localhost:9090", "ftp://localhost", "http://localhost:9090/console", "http://user@localhost:9090",
                "http://localhost:9090?x=1", "http://localhost:9090#top", "http://local host", "http://", "http://localhost:0",
                "http://localhost:70000", "http://*.example.com", "http://localhost:9090\nHost: evil"}) {
            assertThatThrownBy(() -> load("listen = \"127.0.0.1:9090\"\npublic_url = \"" + bad.replace("\n", "\\n") + "\"\n")).as(bad)
                    .isInstanceOf(ConfigError.class).hasMessageContaining("ui.public_url");
        }
    }
}
