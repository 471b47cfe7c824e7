package airlock.daemon.agent;

import airlock.daemon.lifecycle.ProfileState;
import airlock.protocol.ExitCodes;
import airlock.rules.CommandModule;
import airlock.rules.Policy;
import airlock.rules.Profile;
import airlock.rules.Rule;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The daemon's answers to the shim invoked as {@code airlock}: {@code skill}, {@code whoami},
 * {@code secrets}, {@code secrets request NAME --description TEXT}. Everything is built from the
 * live policy for the caller's profile, so the agent reads what will actually be enforced. The
 * answers name secrets but never hold a value, and host paths are not shown (the agent works
 * with container paths; the host's layout is none of its business).
 */
public final class AgentVerbs {
    private static final int MAX_DESCRIPTION = 500;

    /** An answer: text for stdout and an exit status, or a refusal (nothing done). */
    public sealed interface Answer {
        record Text(String stdout, int status) implements Answer {}

        record Refused(int code, String message) implements Answer {}
    }

    private final SecretSlots slots;

    public AgentVerbs(SecretSlots slots) {
        this.slots = slots;
    }

    public Answer answer(Policy policy, String profileName, List<String> args, Instant now) {
        Profile profile = policy.profiles().get(profileName);
        if (profile == null) return refused("airlock: profile '" + profileName + "' is not in the configuration any more");
        ProfileState state = ProfileState.of(profile, now);
        var barred = ProfileState.refusal(profileName, state);
        if (barred.isPresent()) return refused(barred.get());
        if (args.isEmpty()) return refused(usage());
        try {
            return switch (args.getFirst()) {
                case "skill" -> args.size() == 1 ? new Answer.Text(skill(policy, profile, state), 0) : refused(usage());
                case "whoami" -> args.size() == 1 ? new Answer.Text(whoami(policy, profile, state), 0) : refused(usage());
                case "secrets" -> secrets(profile, args.subList(1, args.size()));
                default -> refused(usage());
            };
        } catch (IOException e) {
            return new Answer.Refused(ExitCodes.UNREACHABLE, "airlock: the daemon could not read its secret slots: " + e.getMessage());
        }
    }

    private static Answer refused(String message) {
        return new Answer.Refused(ExitCodes.REFUSED, message);
    }

    private static String usage() {
        return "airlock: the verbs are: airlock skill | airlock whoami | airlock secrets"
                + " | airlock secrets request NAME --description TEXT | airlock runs | airlock respond RUN_ID | airlock attach RUN_ID";
    }

    private Answer secrets(Profile profile, List<String> rest) throws IOException {
        if (rest.isEmpty()) {
            StringBuilder b = new StringBuilder();
            List<SecretSlots.Slot> visible = slots.visibleTo(profile.name());
            if (visible.isEmpty()) b.append("no secrets for profile ").append(profile.name()).append('\n');
            for (SecretSlots.Slot s : sorted(visible)) {
                b.append(String.format("%-24s %-6s %s%n", s.name(), s.set() ? "set" : "empty",
                        oneLine(s.description()) + (s.requestedBy().isEmpty() ? "" : "  (requested by " + s.requestedBy() + ")")
                                + "  -> " + arrival(profile, s.name()).replace("`", "")));
            }
            return new Answer.Text(b.toString(), 0);
        }
        if (!rest.getFirst().equals("request") || rest.size() != 4 || !rest.get(2).equals("--description")) return refused(usage());
        String name = rest.get(1);
        String description = rest.get(3);
        // the vault's own rule: a name the agent is told is fine must be one the vault takes
        if (!airlock.daemon.vault.SecretName.valid(name)) {
            return refused("airlock: secret name '" + oneLine(name) + "' is not a name: letters, digits and '_', not starting with a digit (128 at most)");
        }
        if (description.isBlank() || description.length() > MAX_DESCRIPTION || description.chars().anyMatch(Character::isISOControl)) {
            return refused("airlock: --description must be one line of 1 to " + MAX_DESCRIPTION + " characters saying what the secret is for");
        }
        try {
            SecretSlots.Slot s = slots.request(profile.name(), name, description);
            return new Answer.Text("requested secret " + s.name() + " (empty). A person on the host sees it in 'airlock secret list',"
                    + " sets it with 'airlock secret set " + s.name() + "' and grants it to profile " + profile.name()
                    + "; 'airlock secrets' shows it as set then.\n", 0);
        } catch (SecretSlots.Refused e) {
            return refused(e.getMessage());
        }
    }

    private String whoami(Policy policy, Profile profile, ProfileState state) {
        return "profile  " + profile.name() + "\n"
                + "state    " + state.word() + (profile.lifecycle().lock().isPresent() ? ", locked (requests carry its key)" : "") + "\n"
                + "expires  " + profile.lifecycle().expires().map(Instant::toString).orElse("never") + "\n"
                + "commands " + String.join(", ", commands(policy, profile)) + "\n";
    }

    private String skill(Policy policy, Profile profile, ProfileState state) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("---\nname: airlock\ndescription: Run git, terraform, aws, kubectl and similar tools on the host through airlock,")
                .append(" profile ").append(profile.name()).append("; what they may do here and how to ask for more.\n---\n\n");
        b.append("# airlock: profile ").append(profile.name()).append("\n\n");
        b.append("""
                Some commands in this container are airlock's shim: they run the real tool on the host, with the
                host's credentials, after airlock's policy has judged the request. You never see those credentials.
                Call the commands as usual; their output and exit status are the tool's own.

                """);
        b.append("## State\n\n");
        b.append("- profile `").append(profile.name()).append("`: ").append(state.word()).append('\n');
        b.append("- expires: ").append(profile.lifecycle().expires().map(Instant::toString).orElse("never")).append('\n');
        if (profile.lifecycle().lock().isPresent()) {
            b.append("- locked: every request carries the profile key ($AIRLOCK_KEY or the file /run/airlock/key)\n");
        }
        b.append('\n').append("## Commands you may run\n\n");
        List<String> commands = commands(policy, profile);
        if (commands.isEmpty()) b.append("None: this profile allows no enabled command.\n");
        for (String c : commands) {
            CommandModule m = policy.modules().get(c);
            b.append("### ").append(c).append("\n\n");
            if (m == null) {
                b.append("Enabled, but its module is missing: every call is refused.\n\n");
                continue;
            }
            if (m.mode() == CommandModule.Mode.DENY) {
                b.append("Everything runs except what a rule refuses.").append(m.rules().isEmpty() ? " No rule refuses anything.\n" : " Refused:\n");
                for (Rule r : m.rules()) b.append("- ").append(plain(r)).append('\n');
            } else {
                b.append("Only what a rule allows runs; everything else is refused. Allowed:\n");
                for (Rule r : m.rules()) b.append("- ").append(plain(r)).append('\n');
            }
            List<Rule> ask = new ArrayList<>(m.ask().rules());
            ask.addAll(profile.ask().rules());
            if (!ask.isEmpty()) {
                b.append("\nWaits for a person on the host to approve (you see `airlock: waiting for approval on the host (request ID)`;")
                        .append(" unanswered after ").append(m.ask().rules().isEmpty() ? profile.ask().timeoutSeconds() : m.ask().timeoutSeconds())
                        .append(" s it is refused):\n");
                for (Rule r : ask) b.append("- ").append(plain(r)).append('\n');
            }
            b.append('\n');
        }
        b.append("""
                Each rule is judged on every plausible reading of the arguments, so a refused subcommand is refused
                however it is spelled. Checks of the workspace and host hooks may refuse more; the message says why.

                """);
        b.append("## Where you may work\n\n");
        if (profile.mounts().isEmpty()) b.append("Nowhere: this profile has no mounts, so every request is refused.\n");
        for (String path : new TreeMap<>(profile.mounts()).keySet()) b.append("- `").append(path).append("` and below\n");
        b.append("\nThe working directory and every path argument must be inside these; anything else is refused.\n\n");
        b.append("""
                ## Exit statuses and messages

                - the tool's own status when it ran
                - 125: the daemon cannot be reached, or the conversation broke
                - 126: refused by policy (nothing ran), or stopped because the profile expired or was revoked
                - 127: the command is not enabled here
                - airlock's own messages are on stderr and start with `airlock:`; they name the layer that refused
                  and the rule, and often what works instead. Do not retry a refusal unchanged.

                """);
        b.append("## Secrets\n\n");
        List<SecretSlots.Slot> visible = sorted(slots.visibleTo(profile.name()));
        if (visible.isEmpty()) b.append("No secret is granted to this profile.\n");
        for (SecretSlots.Slot s : visible) {
            b.append("- `").append(s.name()).append("`: ").append(s.set() ? "set" : "empty")
                    .append(s.description().isEmpty() ? "" : ", " + oneLine(s.description()))
                    .append("; ").append(arrival(profile, s.name())).append('\n');
        }
        b.append("""

                You never see a secret's value; the tools receive it on the host. To ask for one that is missing:

                    airlock secrets request NAME --description "what it is for"

                A person on the host sees the request, sets the value and grants it to this profile; then
                `airlock secrets` lists it as set. You cannot set, read or grant a secret yourself.

                ## Scripts that pause for your answer

                A sandboxed `python3` script may call `llm.complete(prompt)` (`from airlock import llm`, nothing to
                install) when it needs your reasoning: the script keeps the secrets and does the fetching, you do the
                thinking. Your command then prints what the script printed so far, then on stderr
                `airlock: run RUN_ID is waiting for an answer; reply with: airlock respond RUN_ID < answer.txt`
                and the prompt between `--- prompt ---` and `--- end of prompt ---`, and exits with status 75.
                Secrets in the prompt arrive as markers, as in any output. Answer with
                `airlock respond RUN_ID < answer.txt` (the answer on stdin): the run goes on, and that command
                prints its output from there and exits with the run's status (or 75 again at its next pause).
                `airlock runs` lists this profile's paused runs. A pause waits at most the profile's
                `[pause] timeout_s` (600 s unless set); then `llm.complete` raises `llm.PauseTimeout` in the
                script and the run goes on: `airlock attach RUN_ID` follows it to its next pause or its end.

                                ## More

                - `airlock whoami`: profile, state, expiry, commands
                - `airlock secrets`: the secrets this profile may use, set or empty
                - `airlock skill`: this text, from the policy in force now
                """);
        return b.toString();
    }

    private static List<String> commands(Policy policy, Profile profile) {
        return policy.config().enabled().stream().filter(profile::allows).sorted().toList();
    }

    /** A rule in plain words, with the entry as written so the agent can match it to messages. */
    static String plain(Rule r) {
        return switch (r) {
            case Rule.Subcommand s -> "the subcommand `" + String.join(" ", s.words()) + "`";
            case Rule.Flag f -> f.valueGlob() == null ? "the flag `" + f.text() + "` (in any spelling)"
                    : "the flag `" + f.text().substring(0, f.text().indexOf('=')) + "` with a value matching `"
                    + f.text().substring(f.text().indexOf('=') + 1) + "`";
            case Rule.Sequence q -> String.join(" together with ", q.parts().stream().map(AgentVerbs::plain).toList())
                    + " (`" + q.text() + "`)";
            case Rule.Only o -> plain(o.match()) + (o.flags().isEmpty() ? " with no flag"
                    : " with no flag but " + String.join(", ", o.flags().stream().map(f -> "`" + f.text() + "`").toList()));
        };
    }

    /**
     * Where a secret arrives, from the profile's grants ({@code [secrets.CMD] env} and
     * {@code files}): the agent needs the variable's name to use it, never the value or a host path.
     */
    static String arrival(Profile profile, String secret) {
        List<String> ways = new java.util.ArrayList<>();
        new java.util.TreeMap<>(profile.secrets()).forEach((command, grant) -> {
            new java.util.TreeMap<>(grant.env()).forEach((variable, name) -> {
                if (name.equals(secret)) ways.add("`" + command + "` gets it in `$" + variable + "`");
            });
            new java.util.TreeMap<>(grant.files()).forEach((variable, name) -> {
                if (name.equals(secret)) ways.add("`" + command + "` gets it in a file whose path is in `$" + variable + "`");
            });
        });
        if (!ways.isEmpty()) return String.join(", ", ways) + " (on the host, for that run only; not in your environment)";
        if (profile.redactAlso().contains(secret)) return "given to no command; only hidden from output ([redact] also)";
        return "given to no command yet (a person on the host grants it to a command and names its variable)";
    }

    private static List<SecretSlots.Slot> sorted(List<SecretSlots.Slot> slots) {
        return slots.stream().sorted(java.util.Comparator.comparing(SecretSlots.Slot::name)).toList();
    }

    private static String oneLine(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return airlock.daemon.core.Visible.text(cut);
    }
}
