package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.Visible;
import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.Vault;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "list", header = "List the secrets (never their values).",
        description = {"One line per secret: name, set or empty, when it last changed, which profiles use it, description.",
                "A secret a profile names but the vault lacks is listed as missing."})
final class SecretListCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON array instead of the table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        ConfigDirectory dir = config.directory();
        List<SecretEntry> entries = Vault.at(dir.vaultDir()).list();
        Map<String, List<String>> users = usedBy(dir);
        TreeSet<String> missing = new TreeSet<>(users.keySet());
        entries.forEach(e -> missing.remove(e.name()));
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            for (SecretEntry e : entries) {
                ObjectNode o = a.addObject();
                o.put("name", e.name());
                o.put("description", e.description());
                o.put("state", e.status().name().toLowerCase());
                o.put("version", e.version());
                o.put("changed", e.changed().toString());
                e.requestedBy().ifPresent(r -> o.put("requested_by", r));
                users.getOrDefault(e.name(), List.of()).forEach(o.putArray("profiles")::add);
                if (!o.has("profiles")) o.putArray("profiles");
            }
            for (String m : missing) {
                ObjectNode o = a.addObject();
                o.put("name", m);
                o.put("state", "missing");
                users.get(m).forEach(o.putArray("profiles")::add);
            }
            out.println(VisibleJson.writer(JSON, true).writeValueAsString(a));
            return 0;
        }
        if (entries.isEmpty() && missing.isEmpty()) {
            out.println("no secrets in " + dir.vaultDir() + " (airlock secret set NAME adds one)");
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"NAME", "STATE", "CHANGED", "PROFILES", "DESCRIPTION"});
        for (SecretEntry e : entries) {
            String state = switch (e.status()) {
                case SET -> "set";
                case EMPTY -> e.requestedBy().map(r -> "empty (requested by " + Visible.text(r) + ")").orElse("empty");
                case DAMAGED -> "damaged";
            };
            rows.add(new String[]{e.name(), state, e.changed().toString(), String.join(",", users.getOrDefault(e.name(), List.of("-"))),
                    Visible.text(e.description())}); // an agent wrote it (airlock secrets request)
        }
        for (String m : missing) rows.add(new String[]{m, "missing", "-", String.join(",", users.get(m)), ""});
        int[] w = new int[4];
        for (String[] r : rows) for (int i = 0; i < 4; i++) w[i] = Math.max(w[i], r[i].length());
        for (String[] r : rows) {
            out.println(String.format("%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %-" + w[3] + "s  %s", (Object[]) r).stripTrailing());
        }
        return 0;
    }

    /** Secret name to the profiles that name it (grants and [redact] also); profiles that do not load are skipped. */
    static Map<String, List<String>> usedBy(ConfigDirectory dir) throws IOException {
        List<Profile> loaded = new java.util.ArrayList<>();
        for (Path f : dir.profileFiles()) {
            String name = f.getFileName().toString().replaceFirst("\\.toml$", "");
            try {
                loaded.add(ConfigLoader.profile(name, f.toString(), Files.readString(f)));
            } catch (ConfigError e) {
                // airlock check reports it
            }
        }
        return Profile.secretUsers(loaded);
    }
}
