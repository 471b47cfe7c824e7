package airlock.daemon.agent;

import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.SecretRequest;
import airlock.daemon.vault.RequestedSecrets;
import airlock.daemon.vault.VaultException;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The agent's view of the real vault: the names its profile is granted (in {@code [secrets.CMD]}
 * or {@code [redact] also}) and the ones it requested, with set or empty and the description;
 * never a value. A request is recorded for the profile ({@link RequestedSecrets#ask}) and a person sets and
 * grants it.
 *
 * <p>Which names exist is none of the agent's business (issue 22.6): a request for a name the
 * vault lacks and for one another profile holds do exactly the same (one request recorded, the
 * same answer, the same status), and afterwards the agent sees both as empty and requested by
 * its profile, with its own description, until a person grants the name to it. What the agent can
 * tell apart is only what it already sees ({@link #visibleTo}).
 */
public final class VaultSlots implements SecretSlots {
    private final RequestedSecrets vault;
    private final Supplier<Policy> policy;

    public VaultSlots(RequestedSecrets vault, Supplier<Policy> policy) {
        this.vault = vault;
        this.policy = policy;
    }

    @Override
    public List<Slot> visibleTo(String profile) throws IOException {
        try {
            return visible(profile);
        } catch (IOException e) {
            throw new IOException(withoutVaultPath(String.valueOf(e.getMessage())), e);
        }
    }

    /** The agent learns what failed, not where the host keeps its vault. */
    private String withoutVaultPath(String message) {
        return message.replace(vault.files().root().toAbsolutePath().toString(), "<the host's vault>")
                .replace(vault.files().root().toString(), "<the host's vault>");
    }

    private List<Slot> visible(String profile) throws IOException {
        Profile p = policy.get().profiles().get(profile);
        TreeSet<String> granted = new TreeSet<>();
        if (p != null) {
            p.secrets().values().forEach(g -> {
                granted.addAll(g.env().values());
                granted.addAll(g.files().values());
            });
            granted.addAll(p.redactAlso());
        }
        List<Slot> out = new ArrayList<>();
        TreeSet<String> shown = new TreeSet<>();
        for (SecretEntry e : vault.list()) {
            boolean requestedHere = e.requestedBy().filter(profile::equals).isPresent() && !e.hasValue();
            if (granted.remove(e.name()) || requestedHere) {
                out.add(slot(e));
                shown.add(e.name());
            }
        }
        // granted but not in the vault at all: the profile would not load, but say so if it races
        for (String missing : granted) {
            out.add(new Slot(missing, "", false, ""));
            shown.add(missing);
        }
        // its own requests, as it asked for them, whatever else the vault holds under that name
        for (SecretRequest r : vault.requests()) {
            if (r.profile().equals(profile) && shown.add(r.name())) out.add(new Slot(r.name(), r.description(), false, profile));
        }
        out.sort(java.util.Comparator.comparing(Slot::name));
        return out;
    }

    /** An agent may ask for a few secrets, not fill the host's vault with requests. */
    static final int MAX_OPEN_REQUESTS = 16;

    @Override
    public Slot request(String profile, String name, String description) throws IOException, Refused {
        try {
            List<Slot> visible = visibleTo(profile);
            for (Slot s : visible) {
                if (s.name().equals(name)) {
                    // the agent sees this one already: the answer tells it nothing new
                    throw new Refused("airlock: secret " + name + " is in your list already ('airlock secrets' shows it "
                            + (s.set() ? "set" : "empty") + "); a person on the host sets and grants it");
                }
            }
            long open = visible.stream().filter(s -> !s.set() && s.requestedBy().equals(profile)).count();
            if (open >= MAX_OPEN_REQUESTS) {
                throw new Refused("airlock: profile '" + profile + "' already has " + open + " requested secrets waiting for a"
                        + " person; ask them to fill or remove those first ('airlock secret list' on the host)");
            }
            // the same step whether or not the vault has the name (and whoever holds it)
            SecretRequest r = vault.ask(profile, name, description);
            return new Slot(r.name(), r.description(), false, profile);
        } catch (VaultException e) {
            String m = withoutVaultPath(String.valueOf(e.getMessage()));
            throw new Refused(m.startsWith("airlock:") ? m : "airlock: " + m);
        } catch (IOException e) {
            throw new IOException(withoutVaultPath(String.valueOf(e.getMessage())), e);
        }
    }

    private static Slot slot(SecretEntry e) {
        return new Slot(e.name(), e.description(), e.hasValue(), e.requestedBy().orElse(""));
    }
}
