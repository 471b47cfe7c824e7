package airlock.daemon.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A STAND-IN for the vault, for tests only: slots in one JSON file, each with a name, a
 * description, a value (a canary the agent must never see), the profiles it is granted to and
 * the profile that requested it. The real vault (branch 'vault', airlock.daemon.vault) replaces
 * this behind {@link SecretSlots}.
 */
public final class FileSecretSlotsForTests implements SecretSlots {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public FileSecretSlotsForTests(Path file) {
        this.file = file;
    }

    /** What a person does on the host: sets a value and grants it to a profile. */
    public synchronized void setAndGrant(String name, String value, String profile, String description) throws IOException {
        ArrayNode all = read();
        ObjectNode slot = find(all, name);
        if (slot == null) slot = all.addObject().put("name", name).put("description", description).put("requestedBy", "");
        slot.put("value", value).put("requestedBy", "");
        ArrayNode grants = slot.has("grants") ? (ArrayNode) slot.get("grants") : slot.putArray("grants");
        grants.add(profile);
        Files.writeString(file, JSON.writeValueAsString(all));
    }

    @Override
    public synchronized List<Slot> visibleTo(String profile) throws IOException {
        List<Slot> out = new ArrayList<>();
        for (var n : read()) {
            boolean granted = false;
            for (var g : n.path("grants")) granted |= g.asText().equals(profile);
            if (granted || n.path("requestedBy").asText().equals(profile)) {
                out.add(new Slot(n.path("name").asText(), n.path("description").asText(), n.hasNonNull("value"),
                        n.path("requestedBy").asText()));
            }
        }
        return out;
    }

    @Override
    public synchronized Slot request(String profile, String name, String description) throws IOException, Refused {
        ArrayNode all = read();
        if (find(all, name) != null) throw new Refused("airlock: a secret named " + name + " exists already; ask a person on the host to grant it");
        all.addObject().put("name", name).put("description", description).put("requestedBy", profile);
        Files.writeString(file, JSON.writeValueAsString(all));
        return new Slot(name, description, false, profile);
    }

    private ArrayNode read() throws IOException {
        if (!Files.exists(file)) return JSON.createArrayNode();
        return (ArrayNode) JSON.readTree(Files.readString(file));
    }

    private static ObjectNode find(ArrayNode all, String name) {
        for (var n : all) if (n.path("name").asText().equals(name)) return (ObjectNode) n;
        return null;
    }
}
