package airlock.install;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20: what a person reads in README.md and docs/ runs, exactly as written, on a new user's
 * machine ({@link UserMachine}: a temporary HOME, so the defaults {@code ~/.local} and
 * {@code ~/.config/airlock} are used, no {@code --config}, no extra flag).
 * <ul>
 *   <li>{@link #scenario()} is the table: one {@link Step} per documented command text, in the
 *   order a person would go, with the exit status and the output that shows it worked.
 *   {@link DocumentedCommandsCoverageTest} fails when a command documented in README.md or
 *   docs/*.md has no step (or a step has no documented command any more), saying what to add.</li>
 *   <li>A step runs its documented text as written with {@code sh -c}, {@code ~/.local/bin} first
 *   on PATH. A synopsis ({@code airlock profile show NAME}, see {@link DocumentedCommand}) runs as one
 *   instance of it written in the step ({@code .as("airlock profile show default")}), which must
 *   match the synopsis word by word. Placeholder values used: NAME/PROFILE/P: {@code default}
 *   (a profile) or a secret's name, CMD/X: {@code git}, ID: the id {@code airlock approvals} shows
 *   for a request started for that step ({@code {ID}} in the instance), FILE/DIR/PATH: a path
 *   under HOME, TEXT/T/ARGS: ordinary words.</li>
 *   <li>Host steps run as the user; agent steps ({@code airlock skill}, ... documented "in the
 *   container") run the installed shim linked as {@code airlock} with the profile's socket, from
 *   the workspace, which maps onto itself as the starter profile says.</li>
 *   <li>The first step is the README's set-up line in a copy of this checkout (a real Maven build;
 *   ~30 s); its daemon, and later {@code airlock start}, run in the background. Then
 *   {@link #theReadmesNewUserPathPushesFromAContainer} runs the README's {@code docker run}, and
 *   {@link #everyDocumentedCommandRunsAsWritten} the rest of the table.</li>
 * </ul>
 * Commands that cannot run here are in {@link #EXCLUDED} with the reason. Not airlock's own lines
 * are not in the table ({@code systemctl --user ...}, {@code docker build}, the agent's
 * {@code gh}/{@code pip}/{@code python3}, {@code curl ... | sh}, whose download path InstallTest
 * runs against a local release); the README's {@code docker run} line is, in the container test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentedCommandsTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    /** Documented command texts no step runs, each with the reason. */
    static final Map<String, String> EXCLUDED = Map.of(
            "airlock test PROFILE CMD ARGS ──▶ the same Gate, same config, prints its trace (nothing runs)",
            "a line of the diagram in docs/architecture.md, not a command");

    // Canaries: values typed or piped into the vault and the export passphrase. None may appear in
    // any output, log or file outside the vault's sealed entries.
    static final String TOKEN = "ghp_canaryDocCmds0123456789abcdefABCDEF";
    static final String KUBE = "canary-kube-Zq8Lr2Vw5Xt9";
    static final String API = "canary-api-Hk3Mn7Pq1Rs4";
    static final String PASSPHRASE = "canary passphrase for the backup 7f3a";

    enum Side { HOST, AGENT }

    /** One entry of the scenario: a documented command run, or a set-up a person would do by hand. */
    sealed interface Item permits Step, Setup {}

    interface Action {
        void run(Scenario s) throws Exception;
    }

    /** What a person does between commands (edits a file, starts a waiting request), said in words. */
    record Setup(String what, Action action) implements Item {}

    /**
     * A documented command and how it is run: {@code run} is {@code documented} itself or an
     * instance of it; {@code cwd} starts with {@code ~/}; {@code typed} answers the prompts on a
     * terminal; {@code daemon}: runs in the background until these profiles listen.
     */
    record Step(String documented, String run, Side side, String cwd, String stdin, List<String> prompts, List<String> typed,
                int exit, List<String> shows, List<String> daemon) implements Item {
        Step as(String instance) {
            return new Step(documented, instance, side, cwd, stdin, prompts, typed, exit, shows, daemon);
        }

        Step agent() {
            return new Step(documented, run, Side.AGENT, "~/airlock-workspace/demo", stdin, prompts, typed, exit, shows, daemon);
        }

        Step in(String dir) {
            return new Step(documented, run, side, dir, stdin, prompts, typed, exit, shows, daemon);
        }

        Step stdin(String text) {
            return new Step(documented, run, side, cwd, text, prompts, typed, exit, shows, daemon);
        }

        /** prompt, answer, prompt, answer, ... on a terminal. */
        Step typing(String... promptsAndAnswers) {
            List<String> p = new ArrayList<>();
            List<String> t = new ArrayList<>();
            for (int i = 0; i < promptsAndAnswers.length; i += 2) {
                p.add(promptsAndAnswers[i]);
                t.add(promptsAndAnswers[i + 1]);
            }
            return new Step(documented, run, side, cwd, stdin, p, t, exit, shows, daemon);
        }

        Step exit(int status) {
            return new Step(documented, run, side, cwd, stdin, prompts, typed, status, shows, daemon);
        }

        Step shows(String... texts) {
            return new Step(documented, run, side, cwd, stdin, prompts, typed, exit, List.of(texts), daemon);
        }

        Step daemon(String... profiles) {
            return new Step(documented, run, side, cwd, stdin, prompts, typed, exit, shows, List.of(profiles));
        }
    }

    static Step host(String documented) {
        return new Step(documented, documented, Side.HOST, "~", null, List.of(), List.of(), 0, List.of(), List.of());
    }

    static Setup setup(String what, Action action) {
        return new Setup(what, action);
    }

    static final String README_SETUP = "./install.sh && ~/.local/bin/airlock init && ~/.local/bin/airlock start";

    /** The table, in the order a person goes (the README first). */
    static List<Item> scenario() {
        return List.of(
                host(README_SETUP).in("checkout").daemon("default"),

                // --- first steps (README, docs/cli.md quick start)
                host("airlock version [--json]").as("airlock version").shows("airlock 0.", "protocol "),
                host("airlock init").shows("kept", "config.toml (exists)"),
                host("airlock init --workspace ~/code/myproject").shows("--workspace"),
                host("airlock init [--workspace DIR] [--no-service] [--uninstall]").as("airlock init --workspace ~/airlock-workspace --no-service")
                        .shows("kept"),
                host("airlock check").shows("ok: "),
                host("airlock profile list").shows("default ", "active"),
                host("airlock profile ...").as("airlock profile list").shows("default "),
                host("airlock profile show NAME").as("airlock profile show default").shows("state    active", "mounts "),

                // --- JSON for scripts (docs/cli.md "JSON output"); InstallTest parses each
                host("airlock version [--json]").as("airlock version --json").shows("\"airlock\":\"0."),
                host("airlock version --json").shows("\"protocol\":"),
                host("airlock check [--json]").as("airlock check --json").shows("\"ok\":true"),
                host("airlock check --json").shows("\"problems\":0"),
                host("airlock doctor [--json]").as("airlock doctor --json").shows("\"level\":\"ok\""),
                host("airlock doctor --json").shows("\"message\":\"config loads"),
                host("airlock profile list [--json]").as("airlock profile list --json").shows("\"name\":\"default\""),
                host("airlock profile list --json").shows("\"state\":\"active\""),
                host("airlock profile show NAME [--json]").as("airlock profile show default --json").shows("\"allowed\":[\"git\"]"),
                host("airlock profile show default --json").shows("\"daemon_running\":true"),
                host("airlock show git").shows("builtin:git", "[command]"),
                host("airlock show CMD").as("airlock show git").shows("builtin:git"),
                setup("a repository in the workspace with a remote (the agent's work, done on the host here)", s -> s.sh(
                        "git init -q --bare -b main ~/airlock-workspace/demo-remote.git && git init -q -b main ~/airlock-workspace/demo"
                                + " && git -C ~/airlock-workspace/demo -c user.name=A -c user.email=a@example.invalid commit -q --allow-empty -m first"
                                + " && git -C ~/airlock-workspace/demo remote add origin ~/airlock-workspace/demo-remote.git")),

                // --- airlock test
                host("airlock test default git push --force origin main").shows("verdict: ", "daemon:  agrees"),
                host("airlock test default git push origin main").shows("verdict: allowed", "daemon:  agrees"),
                host("airlock test default git -c x log").exit(1).shows("REFUSED", "verdict: airlock: refused by the check layer"),
                host("airlock test").as("airlock test default git status").shows("verdict: allowed"),
                host("airlock test PROFILE X ARGS...").as("airlock test default git status --short").shows("verdict: allowed"),
                host("airlock test PROFILE CMD ARGS").as("airlock test default git log").shows("verdict: allowed"),
                host("airlock test PROFILE CMD [ARGS...]").as("airlock test default git status").shows("verdict: allowed"),
                host("airlock test <profile> <command> <args...>").as("airlock test default git diff HEAD").shows("verdict: allowed"),
                host("airlock test [--cwd PATH] [--no-daemon] PROFILE CMD [ARGS...]")
                        .as("airlock test --cwd ~/airlock-workspace/demo --no-daemon default git status")
                        .shows("(cwd " + "~/airlock-workspace/demo)", "verdict: allowed"),

                // --- modules
                host("airlock eject git").shows("wrote ", "commands/git.toml"),
                host("airlock eject X").as("airlock eject git").exit(1).shows("exists; not overwriting"),
                host("airlock eject CMD").as("airlock eject git").exit(1).shows("exists; not overwriting"),
                host("airlock eject").as("airlock eject git").exit(1).shows("--force replaces it"),
                host("airlock eject CMD [--force]").as("airlock eject git --force").shows("wrote "),
                host("airlock diff git").shows("no difference"),
                host("airlock diff CMD").as("airlock diff git").shows("no difference"),

                // --- the vault (README, docs/secrets.md)
                host("airlock secret set github_token").typing("value for github_token: ", TOKEN, "again: ", TOKEN)
                        .shows("secret github_token added"),
                host("airlock secret set github_token --description \"GitHub, repo scope for myproject\"").stdin(TOKEN + "\n")
                        .shows("github_token"),
                setup("gh is logged in on this host (a stand-in gh that prints the token: no GitHub here)", s -> {
                    Path gh = s.m.userBin.resolve("gh");
                    Files.writeString(gh, "#!/bin/sh\n[ \"$1 $2\" = \"auth token\" ] && echo " + TOKEN + "\n");
                    gh.toFile().setExecutable(true);
                }),
                host("gh auth token | airlock secret set github_token").shows("github_token"),
                setup("a kubeconfig at ~/.kube/prod.yaml", s -> s.write("~/.kube/prod.yaml", "apiVersion: v1\nkind: Config\n# " + KUBE + "\n")),
                host("airlock secret set kube_prod < ~/.kube/prod.yaml").shows("secret kube_prod added"),
                host("airlock secret set NAME [--description T]").as("airlock secret set api_token --description \"the usage API\"")
                        .stdin(API + "\n").shows("secret api_token added"),
                host("airlock secret set NAME").as("airlock secret set api_token").stdin(API + "\n").shows("api_token"),
                host("airlock secret set").as("airlock secret set api_token").stdin(API + "\n").shows("api_token"),
                host("airlock secret list").shows("github_token", "kube_prod", "api_token"),
                setup("the README's grant of github_token to git in profiles/default.toml", s -> s.append("~/.config/airlock/profiles/default.toml", """
                        [secrets.git]
                        env = { AIRLOCK_GIT_TOKEN = "github_token" }
                        [env]
                        set = { AIRLOCK_GIT_HOST = "github.com" }
                        """)),
                setup("a folder for the backup", s -> s.sh("mkdir -p ~/backup")),
                host("airlock secret export ~/backup/airlock-vault.export").typing("passphrase: ", PASSPHRASE, "again: ", PASSPHRASE)
                        .shows("exported 3 secret(s)"),
                host("airlock secret export FILE").as("airlock secret export ~/backup/second.export")
                        .typing("passphrase: ", PASSPHRASE, "again: ", PASSPHRASE).shows("exported 3 secret(s)"),
                host("airlock secret import ~/backup/airlock-vault.export --dry-run").typing("passphrase: ", PASSPHRASE)
                        .shows("replace  github_token", "nothing was imported"),
                setup("the passphrase in ~/.pass", s -> s.write("~/.pass", PASSPHRASE + "\n")),
                host("airlock secret import ~/backup/airlock-vault.export --passphrase-file ~/.pass").shows("imported 3 secret(s)"),
                host("airlock secret import FILE").as("airlock secret import ~/backup/second.export").typing("passphrase: ", PASSPHRASE)
                        .shows("imported 3 secret(s)"),
                host("airlock secret ...").as("airlock secret list").shows("github_token"),
                setup("two secrets nobody uses", s -> s.sh("printf 'scratch-value-1\\n' | ~/.local/bin/airlock secret set scratch_one"
                        + " && printf 'scratch-value-2\\n' | ~/.local/bin/airlock secret set scratch_two")),
                host("airlock secret rm NAME").as("airlock secret rm scratch_one").shows("secret scratch_one removed"),
                host("airlock secret rm").as("airlock secret rm scratch_two").shows("secret scratch_two removed"),

                // --- the agent's own verbs, in the container (README, docs/cli.md, docs/SKILL.md)
                host("airlock skill").agent().shows("# airlock: profile default", "github_token"),
                host("airlock whoami").agent().shows("profile  default", "state    active"),
                host("airlock secrets").agent().shows("github_token"),
                host("airlock secrets request NAME --description TEXT").as("airlock secrets request db_password --description \"for the migration\"")
                        .agent().shows("requested secret db_password"),
                host("airlock secrets request").as("airlock secrets request api_key --description \"the usage report\"")
                        .agent().shows("requested secret api_key"),
                host("airlock secrets request NAME --description ...").as("airlock secrets request build_key --description \"the build\"")
                        .agent().shows("requested secret build_key"),

                // --- approvals (README's profiles/ci.toml; docs/cli.md)
                setup("the README's profiles/ci.toml (an expiry far ahead), on the workspace", s -> {
                    s.write("~/.config/airlock/profiles/ci.toml", """
                            expires = 2999-12-31T18:00:00Z
                            commands = ["git", "terraform"]
                            [ask]
                            args = ["push", "apply"]
                            [mounts]
                            "%1$s" = "%1$s"
                            """.formatted(s.m.home.resolve("airlock-workspace")));
                    s.awaitSocket("ci");
                }),
                setup("the agent runs git push through profile ci; it waits", s -> s.startWaiting()),
                host("airlock approvals").shows("profile ci", "git push origin main"),
                host("airlock approvals [--json]").as("airlock approvals --json").shows("\"argv\":[\"git\",\"push\",\"origin\",\"main\"]"),
                host("airlock approve ID").as("airlock approve {ID}").shows("approved request"),
                setup("the push ran", s -> s.finishWaiting(0, "main -> main")),
                setup("the agent runs git push again", s -> s.startWaiting()),
                host("airlock approve").as("airlock approve {ID}").shows("approved request"),
                setup("the push ran", s -> s.finishWaiting(0, "Everything up-to-date")),
                setup("the agent runs git push again", s -> s.startWaiting()),
                host("airlock deny ID [--reason TEXT]").as("airlock deny {ID} --reason \"not today\"").shows("denied request"),
                setup("the agent is told why", s -> s.finishWaiting(126, "not today")),
                setup("the agent runs git push again", s -> s.startWaiting()),
                host("airlock deny").as("airlock deny {ID}").shows("denied request"),
                setup("the agent is told", s -> s.finishWaiting(126, "airlock: ")),

                // --- the audit log
                host("airlock log").shows("git push origin main"),
                host("airlock log --verify").shows("audit log intact"),
                host("airlock log [--config DIR] [--follow] [--denied] [--profile P] [--verify] [--format text|ocsf]")
                        .as("airlock log --config ~/.config/airlock --denied --profile ci").shows("git push origin main"),
                host("airlock log [--follow] [--denied] [--profile P] [--verify] [--format text\\|ocsf]")
                        .as("airlock log --profile ci --verify").shows("intact"),
                host("airlock log --format ocsf").shows("\"class_uid\":1007"),
                host("airlock log --json").shows("\"verdict\":\"allowed\"", "\"args\":[\"push\",\"origin\",\"main\"]"),
                host("airlock log --verify --json").shows("\"intact\":true"),

                // --- changing a policy (docs/cli.md): the agent's work on default, a candidate, suggest, replay, shadow
                setup("the agent's ordinary work through profile default: status, log, a push, and a refused -c", s -> {
                    Path demo = s.m.home.resolve("airlock-workspace/demo");
                    for (String line : List.of("git status", "git log --oneline", "git push origin main")) {
                        UserMachine.Run r = s.m.sh(line, demo, s.agentEnv("default"), null);
                        assertThat(r.exit()).as(line + "\n" + r.all()).isZero();
                    }
                    assertThat(s.m.sh("git -c core.pager=cat log", demo, s.agentEnv("default"), null).exit()).isEqualTo(126);
                }),
                setup("a candidate: a copy of the configuration (docs/cli.md)", s -> s.sh("mkdir -p ~/candidate && cp -r"
                        + " ~/.config/airlock/config.toml ~/.config/airlock/profiles ~/.config/airlock/commands ~/candidate/")),
                host("airlock suggest PROFILE [--since 30d] [--command CMD]").as("airlock suggest default --since 30d --command git")
                        .shows("\n[allow]\n", "{ match = \"status\", only_flags = [] }", "module-refused request(s) still refused"),
                host("airlock suggest").as("airlock suggest default").shows("\n[allow]\n"),
                host("airlock suggest default --command git > ~/candidate/commands/git.toml"),
                host("airlock test --replay --candidate ~/candidate --profile default").shows(", 0 newly refused, 0 newly allowed, "),
                host("airlock test --replay --candidate DIR [--since 7d] [--profile P]")
                        .as("airlock test --replay --candidate ~/candidate --since 7d --profile default").shows(", 0 newly refused, "),
                setup("[shadow] in config.toml names the candidate; the agent runs git status --short, which it never ran", s -> {
                    s.append("~/.config/airlock/config.toml", "\n[shadow]\nconfig = \"" + s.path("~/candidate") + "\"\n");
                    for (int i = 0; i < 300 && !s.m.daemonLog().contains("shadow: every request is judged by the candidate"); i++) Thread.sleep(50);
                    assertThat(s.m.daemonLog()).contains("shadow: every request is judged by the candidate");
                    UserMachine.Run r = s.m.sh("git status --short", s.m.home.resolve("airlock-workspace/demo"), s.agentEnv("default"), null);
                    assertThat(r.exit()).as("the live policy decides: " + r.all()).isZero();
                }),
                host("airlock log --shadow").shows("git status --short", "shadow: would be refused [module]"),
                setup("[shadow] taken out of config.toml again", s -> s.edit("~/.config/airlock/config.toml",
                        "\n[shadow]\nconfig = \"" + s.path("~/candidate") + "\"\n", "\n")),

                // --- scripts in a sandbox (docs/sandbox.md)
                setup("docs/sandbox.md: enable python3 and pip in config.toml", s -> s.edit("~/.config/airlock/config.toml",
                        "enable = [\"git\"]", "enable = [\"git\", \"python3\", \"pip\"]")),
                host("airlock doctor").shows("ok    config loads", "ok    sandbox: ", "makes sandboxes for ["),
                host("airlock python rebuild PROFILE").as("airlock python rebuild default").shows("made again"),
                setup("docs/sandbox.md: the agent's python3 script pauses for its answer (llm.complete)", s -> s.startPaused()),
                host("airlock runs").agent().shows("awaiting_input", "python3 ask.py"),
                host("airlock attach RUN_ID").as("airlock attach {ID}").agent().exit(75)
                        .shows("is waiting for an answer", "--- prompt ---\nWhat is six times seven?\n--- end of prompt ---"),
                host("airlock respond RUN_ID < answer.txt").as("airlock respond {ID} < answer.txt").agent().shows("answer: forty-two"),
                setup("the run ended", s -> s.endPaused()),

                // --- the console: turned on in config.toml, then the daemon restarted (README)
                setup("[ui] listen in config.toml, and the daemon stopped", s -> {
                    s.append("~/.config/airlock/config.toml", "\n[ui]\nlisten = \"127.0.0.1:" + freePort() + "\"\n");
                    s.m.stopDaemon();
                }),
                host("airlock start").daemon("default", "ci"),
                host("airlock ui").shows("http://127.0.0.1:", "/login"),
                host("airlock ui --no-browser").shows("http://127.0.0.1:", "/login"),

                // --- the HTTPS API (README, docs/api.md, docs/cli.md): [api] added while the daemon runs, no restart
                setup("[api] listen in config.toml; the running daemon starts the API on the reload", s -> {
                    s.append("~/.config/airlock/config.toml", "\n[api]\nlisten = \"127.0.0.1:" + freePort() + "\"\n");
                    Path address = s.path("~/.config/airlock/api/address");
                    for (int i = 0; i < 600 && !Files.exists(address); i++) Thread.sleep(50);
                    assertThat(address).as(s.m.daemonLog()).exists();
                }),
                host("airlock api info").shows("url                https://127.0.0.1:", "fingerprint_sha256 "),
                host("airlock api info --json").shows("\"url\":\"https://127.0.0.1:", "\"fingerprint_sha256\":\""),
                host("airlock api info [--json]").as("airlock api info --json").shows("\"fingerprint_sha256\""),
                host("airlock api key create default").shows("ark_", "for profile default"),
                host("airlock api key create PROFILE [--expires TIME]").as("airlock api key create default --expires 30d")
                        .shows("ark_", "until 20"),
                setup("a key for the remote agent in ~/.agent-key", s -> s.sh("airlock api key create default > ~/.agent-key")),
                host("airlock api key list").shows("ark_", "default", "active"),
                host("airlock api key list [--json]").as("airlock api key list --json").shows("\"state\" : \"active\""),
                host("airlock api key revoke ID").as("airlock api key revoke \"$(cut -d: -f1 ~/.agent-key)\"").shows("revoked"),
                setup("the revoked key is listed as revoked, and no secret is", s -> {
                    String key = s.read("~/.agent-key").strip();
                    String list = s.sh("airlock api key list --json").out();
                    assertThat(list).contains("\"revoked\"").doesNotContain(key.substring(key.indexOf(':') + 1));
                }),
                setup("the daemon stopped", s -> s.m.stopDaemon()),
                host("airlock start --config DIR").as("airlock start --config ~/.config/airlock").daemon("default", "ci"),

                // --- completion and man pages
                host("mkdir -p ~/.local/share/bash-completion/completions && airlock generate-completion > ~/.local/share/bash-completion/completions/airlock"),
                setup("the completion script is in place", s -> assertThat(s.read("~/.local/share/bash-completion/completions/airlock"))
                        .contains("complete -F")),
                host("airlock generate-completion").shows("complete -F"),
                host("airlock man --dir ~/.local/share/man/man1").shows("wrote ", "man pages"),
                host("airlock man [--dir DIR]").as("airlock man --dir ~/man-pages").shows("wrote "),
                host("airlock man | man -l -").shows("AIRLOCK(1)", "NAME"),
                host("airlock completion SHELL").as("airlock completion zsh").shows("#compdef airlock"),
                setup("a fish completions folder", s -> s.sh("mkdir -p ~/.config/fish/completions")),
                host("airlock completion fish > ~/.config/fish/completions/airlock.fish"),
                setup("the fish script is in place", s -> assertThat(s.read("~/.config/fish/completions/airlock.fish"))
                        .contains("complete -c airlock -n '__fish_use_subcommand' -a 'start'")),

                // --- a profile's life, last: it ends what it acts on (README, docs/cli.md, docs/console.md)
                host("airlock profile lock ci").shows("ark_", "the running daemon applied it"),
                host("airlock profile rotate ci").shows("ark_", "rotated", "the running daemon applied it"),
                host("airlock profile revoke ci --reason \"token leaked\"").shows("revoked", "the running daemon applied it"),
                setup("profile ci's agent is told it was revoked and why; nothing runs", s -> s.awaitRevoked("ci", "token leaked")),
                host("airlock profile lock NAME").as("airlock profile lock default").shows("ark_", "locked"),
                host("airlock profile rotate NAME").as("airlock profile rotate default").shows("ark_", "rotated"),
                host("airlock profile lock|rotate|revoke").as("airlock profile rotate default").shows("rotated"),
                host("airlock profile revoke NAME [--reason TEXT]").as("airlock profile revoke default --reason \"the demo is over\"")
                        .shows("revoked"),
                setup("both profiles show their state", s -> {
                    assertThat(s.sh("airlock profile show ci").out()).contains("revoked at ", "(token leaked)");
                    assertThat(s.sh("airlock profile show default").out()).contains("revoked at ", "(the demo is over)", "locked (key ark_");
                }));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The state a scenario carries from one item to the next. */
    static final class Scenario {
        final UserMachine m;
        final Path agentBin;
        final List<String> outputs = new ArrayList<>();
        String approvalId;
        Process waiting;

        Scenario(UserMachine m) throws IOException {
            this.m = m;
            this.agentBin = Files.createDirectories(m.root.resolve("agent-bin"));
        }

        Path path(String tilde) {
            return tilde.equals("~") ? m.home : tilde.startsWith("~/") ? m.home.resolve(tilde.substring(2)) : m.root.resolve(tilde);
        }

        UserMachine.Run sh(String line) throws Exception {
            UserMachine.Run r = m.sh(line);
            outputs.add(r.all());
            assertThat(r.exit()).as(line + "\n" + r.all()).isZero();
            return r;
        }

        void write(String file, String text) throws IOException {
            Path p = path(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        }

        void append(String file, String text) throws IOException {
            Files.writeString(path(file), text, java.nio.file.StandardOpenOption.APPEND);
        }

        void edit(String file, String from, String to) throws IOException {
            String text = Files.readString(path(file));
            assertThat(text).contains(from);
            Files.writeString(path(file), text.replace(from, to));
        }

        String read(String file) throws IOException {
            return Files.readString(path(file));
        }

        void awaitSocket(String profile) throws Exception {
            Path sock = m.config.resolve("sockets/" + profile + ".sock");
            for (int i = 0; i < 300 && !Files.exists(sock); i++) Thread.sleep(50);
            assertThat(sock).as(m.daemonLog()).exists();
        }

        /** The socket stays (a container may have mounted the file) and answers every request with why (issue 20.6). */
        void awaitRevoked(String profile, String reason) throws Exception {
            UserMachine.Run r = null;
            for (int i = 0; i < 100; i++) {
                r = m.sh("git status", m.home.resolve("airlock-workspace/demo"), agentEnv(profile), null);
                if (r.exit() == 126 && r.all().contains("revoked")) break;
                Thread.sleep(50);
            }
            outputs.add(r.all());
            assertThat(r.exit()).as(r.all()).isEqualTo(126);
            assertThat(r.all()).contains("revoked", reason).doesNotContain("On branch");
        }

        Map<String, String> agentEnv(String profile) {
            return Map.of("PATH", agentBin + ":/usr/bin:/bin", "AIRLOCK_SOCKET", m.config.resolve("sockets/" + profile + ".sock").toString());
        }

        /** The agent's {@code git push origin main} through profile ci, waiting for a person; its id. */
        void startWaiting() throws Exception {
            waiting = m.start(List.of(agentBin.resolve("git").toString(), "push", "origin", "main"),
                    m.home.resolve("airlock-workspace/demo"), agentEnv("ci"));
            waiting.getOutputStream().close();
            Pattern id = Pattern.compile("\"id\":\"([0-9a-f]+)\"");
            for (int i = 0; i < 100; i++) {
                Matcher found = id.matcher(m.sh("airlock approvals --json").out());
                if (found.find()) {
                    approvalId = found.group(1);
                    return;
                }
                assertThat(waiting.isAlive()).as("the request waits").isTrue();
                Thread.sleep(100);
            }
            throw new AssertionError("no request waits for approval");
        }

        /** The agent's python3 script that pauses for its answer (docs/sandbox.md): its run's id, for {ID}. */
        void startPaused() throws Exception {
            write("~/airlock-workspace/demo/ask.py", "from airlock import llm\nprint('asking')\n"
                    + "print('answer:', llm.complete('What is six times seven?'))\n");
            write("~/airlock-workspace/demo/answer.txt", "forty-two\n");
            UserMachine.Run r = m.sh("python3 ask.py", m.home.resolve("airlock-workspace/demo"), agentEnv("default"), null);
            outputs.add(r.all());
            assertThat(r.exit()).as(r.all()).isEqualTo(75);
            assertThat(r.all()).contains("asking");
            Matcher id = Pattern.compile("airlock: run (run_[0-9a-f]+) is waiting for an answer").matcher(r.all());
            assertThat(id.find()).as(r.all()).isTrue();
            approvalId = id.group(1);
        }

        void endPaused() {
            approvalId = null;
        }

        void finishWaiting(int exit, String shows) throws Exception {
            assertThat(waiting.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String out = UserMachine.read(waiting.getInputStream()) + UserMachine.read(waiting.getErrorStream());
            outputs.add(out);
            assertThat(waiting.exitValue()).as(out).isEqualTo(exit);
            assertThat(out).contains(shows);
            waiting = null;
            approvalId = null;
        }

        void run(Step step) throws Exception {
            String line = step.run();
            if (line.contains("{ID}")) {
                assertThat(approvalId).as("a request waits for " + step.documented()).isNotNull();
                line = line.replace("{ID}", approvalId);
            }
            Path cwd = path(step.cwd());
            if (!step.daemon().isEmpty()) {
                m.startDaemon(line, cwd, 600, step.daemon().toArray(String[]::new));
                outputs.add(m.daemonLog());
                return;
            }
            Map<String, String> env = step.side() == Side.AGENT ? agentEnv("default") : Map.of();
            UserMachine.Run r;
            if (!step.prompts().isEmpty()) {
                assertThat(step.side()).isEqualTo(Side.HOST);
                r = m.onATerminal(line, cwd, step.prompts(), step.typed());
            } else {
                r = m.sh(line, cwd, env, step.stdin());
            }
            outputs.add(r.all());
            String what = "documented: " + step.documented() + "\nran: " + line + "\nexit " + r.exit() + "\n" + r.all();
            assertThat(r.exit()).as(what).isEqualTo(step.exit());
            for (String s : step.shows()) {
                assertThat(r.all()).as(what).contains(s.replace("~/", m.home + "/"));
            }
            assertThat(r.all()).as(what).doesNotContain("Exception", "failed: java.");
        }
    }

    @TempDir
    static Path tmp;
    UserMachine machine;
    Scenario scenario;
    List<Item> items;

    /** The README's set-up line, from a copy of this checkout: build, install, init, start. */
    @BeforeAll
    void installAsTheReadmeSays() throws Exception {
        machine = new UserMachine(tmp);
        machine.cloneCheckout(REPO);
        scenario = new Scenario(machine);
        items = scenario();
        Step setupLine = (Step) items.getFirst();
        assertThat(setupLine.run()).isEqualTo(README_SETUP);
        long t0 = System.nanoTime();
        scenario.run(setupLine);
        System.err.printf("DocumentedCommandsTest: the README's set-up line (build, install, init, start) took %d s%n",
                (System.nanoTime() - t0) / 1_000_000_000);
        assertThat(machine.home.resolve(".local/bin/airlock")).isExecutable();
        assertThat(machine.home.resolve(".local/bin/airlock-shim")).isExecutable();
        assertThat(machine.config.resolve("profiles/default.toml")).isRegularFile();
        assertThat(machine.home.resolve("airlock-workspace")).isDirectory();
        for (String tool : List.of("git", "airlock", "python3")) {
            Files.createSymbolicLink(scenario.agentBin.resolve(tool), machine.home.resolve(".local/bin/airlock-shim"));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (scenario != null && scenario.waiting != null) UserMachine.stop(scenario.waiting);
        if (machine != null) machine.close();
    }

    /**
     * The README's new-user path ends in a push from a container: the README's own {@code docker run}
     * line (the profile's socket and the workspace mounted as it shows), with what this test's
     * image needs added where the README says {@code my-agent}: {@code --network none}, the host's
     * /usr (and the JDK) read-only, the installed shim under /opt/airlock, linked as git and
     * airlock. The agent clones from, commits to and pushes to a bare repository on the host over
     * ssh (an sshd on 127.0.0.1); the key, the ssh command and the identity are the host user's
     * ({@code ~/.ssh}, {@code ~/.gitconfig}), which the container never sees.
     */
    @Test
    @Order(1)
    void theReadmesNewUserPathPushesFromAContainer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "no /usr/sbin/sshd (openssh-server, installed by .ci/run)");
        PrivateDocker docker;
        try {
            docker = PrivateDocker.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("""
                    ***************************************************************************
                    SKIPPED: DocumentedCommandsTest: the README's container path: no Docker engine here: %s
                    (.ci/run starts one and exports DOCKER_HOST)
                    ***************************************************************************""".formatted(e.getMessage()));
            Assumptions.abort("no Docker engine: " + e.getMessage());
            return;
        }
        Path server = Files.createDirectories(tmp.resolve("server"));
        Process sshd = null;
        try (docker) {
            int port = freePort();
            sshd = startSshd(server, port);
            Path bare = server.resolve("project.git");
            UserMachine.Run seed = machine.sh("git init -q --bare -b main " + bare + " && git init -q -b main " + server.resolve("seed")
                    + " && cd " + server.resolve("seed") + " && echo hello > README && git add README"
                    + " && git -c user.name=Seed -c user.email=seed@example.invalid commit -q -m first && git push -q " + bare + " main");
            assertThat(seed.exit()).as(seed.all()).isZero();
            // the host user's credentials for the git server: an ssh key and ~/.gitconfig
            Files.createDirectories(machine.home.resolve(".ssh"));
            assertThat(machine.sh("ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_ed25519").exit()).isZero();
            Files.copy(machine.home.resolve(".ssh/id_ed25519.pub"), server.resolve("authorized_keys"));
            Files.writeString(machine.home.resolve(".gitconfig"), """
                    [user]
                    \tname = Host Person
                    \temail = person@example.invalid
                    [core]
                    \tsshCommand = ssh -i ~/.ssh/id_ed25519 -o HostName=127.0.0.1 -p %d -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
                    """.formatted(port));
            String url = "ssh://" + System.getProperty("user.name") + "@gitserver.invalid" + bare;

            String readme = readmeDockerRun();
            assertThat(readme).contains(" my-agent ");
            String java = machine.env.get("JAVA_HOME");
            String image = "--network none -v /usr:/usr:ro" + (java.startsWith("/usr/") ? "" : " -v " + java + ":" + java + ":ro")
                    + " -v ~/.local:/opt/airlock:ro " + docker.image;
            String asReadme = readme.replace(" my-agent ", " " + image + " ");
            Map<String, String> dockerHost = Map.of("DOCKER_HOST", docker.host);
            machine.env.putAll(dockerHost);
            try {
                UserMachine.Run status = machine.onATerminal(asReadme, machine.home, List.of(), List.of());
                assertThat(status.out()).as(asReadme + "\n" + status.all()).contains("not a git repository");
                assertThat(status.exit()).as(status.all()).isEqualTo(128);

                String proj = machine.home.resolve("airlock-workspace/project").toString();
                for (String agentCommand : List.of("git clone " + url + " " + proj,
                        "sh -c 'echo \"from the container\" > " + proj + "/NOTE'",
                        "git -C " + proj + " add NOTE",
                        "git -C " + proj + " commit -q -m 'from the container'",
                        "git -C " + proj + " push origin main",
                        "airlock whoami")) {
                    String line = asReadme.replace(" git status", " " + agentCommand);
                    UserMachine.Run r = machine.onATerminal(line, machine.home, List.of(), List.of());
                    assertThat(r.exit()).as(line + "\n" + r.all()).isZero();
                    if (agentCommand.startsWith("airlock")) assertThat(r.out()).contains("profile  default");
                }
                UserMachine.Run log = machine.sh("git --git-dir " + bare + " log --format='%s by %an' main");
                assertThat(log.out()).isEqualTo("from the container by Host Person\nfirst by Seed\n");
                assertThat(machine.sh("airlock log").out()).contains("git -C " + proj + " push origin main");
            } finally {
                machine.env.remove("DOCKER_HOST");
            }
        } finally {
            if (sshd != null) UserMachine.stop(sshd);
        }
    }

    /** The README's {@code docker run} block, its continuation lines joined. */
    static String readmeDockerRun() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher m = Pattern.compile("```sh\\n(docker run [^`]*?)\\n```").matcher(readme);
        assertThat(m.find()).as("README.md has a ```sh block starting with docker run").isTrue();
        return m.group(1).replaceAll("\\s*\\\\\\n\\s*", " ").strip();
    }

    Process startSshd(Path dir, int port) throws Exception {
        assertThat(machine.sh("ssh-keygen -q -t ed25519 -N '' -f " + dir.resolve("host_key")).exit()).isZero();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "StrictModes no", "UsePAM no",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
                "PidFile " + dir.resolve("sshd.pid"), ""));
        if (!Files.isDirectory(Path.of("/run/sshd"))) Files.createDirectories(Path.of("/run/sshd"));
        Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("sshd did not listen: " + Files.readString(dir.resolve("sshd.log")));
    }

    /** Every step after the set-up line, in order; then no canary anywhere. */
    @Test
    @Order(2)
    void everyDocumentedCommandRunsAsWritten() throws Exception {
        long t0 = System.nanoTime();
        int steps = 0;
        for (Item item : items.subList(1, items.size())) {
            switch (item) {
                case Step step -> {
                    scenario.run(step);
                    steps++;
                }
                case Setup setup -> {
                    try {
                        setup.action().run(scenario);
                    } catch (AssertionError e) {
                        throw new AssertionError("set-up '" + setup.what() + "': " + e.getMessage(), e);
                    }
                }
            }
        }
        System.err.printf("DocumentedCommandsTest: %d documented commands ran in %d s%n", steps, (System.nanoTime() - t0) / 1_000_000_000);

        List<String> canaries = List.of(TOKEN, KUBE, API, PASSPHRASE);
        for (String out : scenario.outputs) for (String c : canaries) assertThat(out).doesNotContain(c);
        List<Path> scanned = new ArrayList<>(UserMachine.files(machine.config));
        scanned.removeIf(p -> p.startsWith(machine.config.resolve("vault")));
        for (Path f : scanned) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String c : canaries) assertThat(text).as(f.toString()).doesNotContain(c);
        }
        for (Path f : List.of(machine.home.resolve("backup/airlock-vault.export"), machine.home.resolve("backup/second.export"))) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String c : canaries) assertThat(text).as(f + " is sealed").doesNotContain(c);
        }
        assertThat(machine.sh("airlock log --verify").exit()).as("the audit chain is intact at the end").isZero();
    }

    static List<Step> steps() {
        List<Step> out = new ArrayList<>();
        for (Item i : scenario()) if (i instanceof Step s) out.add(s);
        return out;
    }
}
