package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.rules.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schemas/*.schema.json (issue 28): every built-in module and the files {@code airlock init}
 * writes are valid against them (TOML read into JSON by jackson, checked by {@link SchemaSubset}),
 * name them in their {@code #:schema} first line, and still load (the line is a comment to TOML).
 * The schemas refuse what the loaders refuse, for the mistakes an editor should flag.
 */
class SchemaTest {
    static final Path SCHEMAS = Path.of("").toAbsolutePath().getParent().resolve("schemas");
    static final TomlMapper TOML = new TomlMapper();

    @TempDir Path tmp;

    static SchemaSubset schema(String kind) throws Exception {
        JsonNode s = new ObjectMapper().readTree(SCHEMAS.resolve(kind + ".schema.json").toFile());
        // the #:schema line names the file published in the repository under that same name
        assertThat(s.path("$id").asText()).isEqualTo(SchemaLine.valueOf(kind.toUpperCase()).url());
        return new SchemaSubset(s);
    }

    static List<String> violations(String kind, String toml) throws Exception {
        return schema(kind).validate(TOML.readTree(toml));
    }

    @Test
    void everyBuiltInModuleIsValidNamesItsSchemaAndLoads() throws Exception {
        SchemaSubset module = schema("module");
        assertThat(BuiltinModules.names()).hasSizeGreaterThanOrEqualTo(9);
        for (String name : BuiltinModules.names()) {
            String text = BuiltinModules.text(name).orElseThrow();
            assertThat(text).as(name).startsWith(SchemaLine.MODULE.line());
            assertThat(module.validate(TOML.readTree(text))).as(name).isEmpty();
            assertThat(ConfigDirectory.loadModule(name, BuiltinModules.source(name), text).bin()).isNotBlank();
        }
    }

    @Test
    void theStarterFilesOfInitAreValidNameTheirSchemasAndLoad() throws Exception {
        Cli cli = new Cli(tmp);
        var init = cli.run("init", "--no-service", "--workspace", tmp.resolve("ws").toString());
        assertThat(init.exit()).as(init.all()).isZero();
        String config = Files.readString(cli.config.resolve("config.toml"));
        String profile = Files.readString(cli.config.resolve("profiles/default.toml"));
        assertThat(config).startsWith(SchemaLine.CONFIG.line());
        assertThat(profile).startsWith(SchemaLine.PROFILE.line());
        assertThat(violations("config", config)).isEmpty();
        assertThat(violations("profile", profile)).isEmpty();
        assertThat(ConfigLoader.config("config.toml", config).enabled()).containsExactly("git");
        assertThat(ConfigLoader.profile("default", "default.toml", profile).mounts()).hasSize(1);
        var check = cli.run("check");
        assertThat(check.exit()).as(check.all()).isZero();
    }

    @Test
    void ejectWritesTheSchemaLineAndDiffSeesNoDifference() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        assertThat(cli.run("eject", "git").exit()).isZero();
        String mine = Files.readString(cli.config.resolve("commands/git.toml"));
        assertThat(mine).startsWith(SchemaLine.MODULE.line());
        assertThat(violations("module", mine)).isEmpty();
        assertThat(cli.run("diff", "git").out()).startsWith("no difference");
        assertThat(SchemaLine.MODULE.firstIn("[command]\n")).isEqualTo(SchemaLine.MODULE.line() + "[command]\n");
        assertThat(SchemaLine.MODULE.firstIn(mine)).isEqualTo(mine);
    }

    /** Every key the loaders take is in the schema: a file using them all is valid, and it loads. */
    @Test
    void theSchemasKnowEveryKeyTheLoadersTake() throws Exception {
        String config = "[commands]\nenable = [\"git\"]\n[log]\nmax_size_mb = 5\nmax_files = 3\npath = \"audit.ndjson\"\n"
                + "[hooks]\ntimeout_seconds = 10\n[ui]\nlisten = \"127.0.0.1:9090\"\nallow_remote = false\npublic_url = \"http://localhost:9090\"\n"
                + "[api]\nlisten = \"127.0.0.1:8443\"\nallow_remote = false\ncert = \"a.pem\"\nkey = \"a.key\"\nmax_body_bytes = 2048\n"
                + "requests_per_second = 5\nmax_runs_per_key = 2\nmax_files = 3\nmax_output_bytes = 70000\nruns_kept = 4\n"
                + "[shadow]\nconfig = \"candidate\"\n";
        assertThat(violations("config", config)).isEmpty();
        ConfigLoader.config("config.toml", config);
        String profile = "commands = []\n[mounts]\n\"/w\" = \"/w\"\n[pause]\ntimeout_s = 30\nmax_paused = 2\nmax_answer_bytes = 4096\n";
        assertThat(violations("profile", profile)).isEmpty();
        ConfigLoader.profile("p", "p.toml", profile);
        String module = "[command]\nbin = \"git\"\n[allow]\nargs = [{ match = \"push origin\", only_flags = [\"-u\"] }]\n";
        assertThat(violations("module", module)).isEmpty();
        airlock.rules.ModuleLoader.load("git", "git.toml", module);
    }

    @Test
    void theSchemasRefuseWhatTheLoadersRefuse() throws Exception {
        assertThat(violations("module", "[command]\nbin = \"x\"\n[deny]\narg = []\n"))
                .contains("$.deny.arg: unknown key", "$.deny: missing required key 'args'");
        assertThat(violations("module", "[command]\nbin = \"x\"\n[deny]\nargs = []\n[allow]\nargs = []\n"))
                .contains("$: must match exactly one of oneOf, matches 2");
        assertThat(violations("module", "[deny]\nargs = [3]\n")).contains("$: missing required key 'command'", "$.deny.args[0]: matches none of anyOf");
        assertThat(violations("module", "[command]\nbin = \"x\"\n[allow]\nargs = [{ match = \"status\", because = \"x\" }]\n"))
                .contains("$.allow.args[0]: matches none of anyOf");
        assertThat(violations("module", "[command]\nbin = \"x\"\n[allow]\nargs = []\n[sandbox]\nvenv = \"maybe\"\nread = [\"/etc/passwd\"]\nmemory_mb = -1\n"))
                .hasSize(3);
        assertThat(violations("profile", "[mounts]\n\"/w\" = 3\n")).contains("$: missing required key 'commands'", "$.mounts./w: must be string, not number");
        assertThat(violations("profile", "commands = []\nexpires = 2026-12-31T18:00:00Z\n[lock]\nid = \"A\"\n"))
                .contains("$.lock: missing required key 'salt'", "$.lock.id: 'A' does not match ^[0-9a-z]{1,32}$");
        assertThat(violations("config", "[commands]\nenable = []\n[log]\nmax_files = 0\n"))
                .contains("$.commands.enable: must have at least 1 item(s)", "$.log.max_files: must be at least 1");
    }
}
