package airlock.daemon.checks.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which configuration keys a workspace may not set. The repository's own config files
 * (.git/config, config.worktree and everything they include) are written by the agent, so a key
 * there that names a program, a host file or a transport is refused before git starts, naming
 * the key. Two nets, both data in {@value #RESOURCE}: keys known to run or read something (each
 * tested with a canary), and sections known to hold only data: a key from any other section is
 * refused too, because git grows new command-running keys with new releases and we cannot vouch
 * for them. The user's own global config (host-owned) is trusted and never judged here.
 */
public final class GitConfigKeys {
    private GitConfigKeys() {}

    private record Danger(Pattern key, String why) {}

    /** The data, shipped next to the git module so a person can read it: builtin-commands/git/config-keys.toml. */
    static final String RESOURCE = "builtin-commands/git/config-keys.toml";

    private static final List<Danger> DANGERS;
    private static final Set<String> DATA_SECTIONS;

    static {
        JsonNode data = read();
        List<Danger> dangers = new ArrayList<>();
        data.path("danger").properties().forEach(e -> dangers.add(new Danger(
                Pattern.compile(e.getKey().replace(".", "\\.").replace("*", ".*")), e.getValue().asText())));
        Set<String> sections = new HashSet<>();
        data.path("data").path("sections").forEach(n -> sections.add(n.asText()));
        if (dangers.isEmpty() || sections.isEmpty()) throw new IllegalStateException(RESOURCE + " has no [danger] or [data] sections");
        DANGERS = List.copyOf(dangers);
        DATA_SECTIONS = Set.copyOf(sections);
    }

    private static JsonNode read() {
        try (InputStream in = GitConfigKeys.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            return new TomlMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Why {@code key} (lowercased section and name, as git config --list prints it) may not come from the workspace. */
    public static Optional<String> danger(String key) {
        String k = lower(key);
        for (Danger d : DANGERS) {
            if (d.key().matcher(k).matches()) return Optional.of(d.why());
        }
        int dot = k.indexOf('.');
        String section = dot < 0 ? k : k.substring(0, dot);
        if (!DATA_SECTIONS.contains(section)) {
            return Optional.of("section '" + section + "' is not one airlock knows to hold only data "
                    + "(sendemail, imap, web, browser, man, guitool, ... run programs)");
        }
        return Optional.empty();
    }

    /** Section and variable name are case-insensitive in git; the subsection (between the dots) is not. */
    static String lower(String key) {
        int first = key.indexOf('.');
        int last = key.lastIndexOf('.');
        if (first < 0) return key.toLowerCase(java.util.Locale.ROOT);
        if (first == last) return key.toLowerCase(java.util.Locale.ROOT);
        return key.substring(0, first).toLowerCase(java.util.Locale.ROOT) + key.substring(first, last + 1)
                + key.substring(last + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
