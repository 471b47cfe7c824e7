package airlock.daemon.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vault/requests.json}: the agents' open requests, {@code [{"profile","name","description","time"}]}.
 * Holds no value and binds nothing, so it is outside the manifest; it is written atomically under
 * the vault's lock. A file that does not parse counts as no request (an agent can ask again).
 */
final class VaultRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VaultRequests() {}

    static List<SecretRequest> read(VaultFiles files) throws IOException {
        byte[] bytes;
        try {
            if (Files.isSymbolicLink(files.requests())) return List.of();
            bytes = Files.readAllBytes(files.requests());
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<SecretRequest> out = new ArrayList<>();
        JsonNode all;
        try {
            all = JSON.readTree(bytes);
        } catch (IOException e) {
            return List.of();
        }
        if (all == null || !all.isArray()) return List.of();
        for (JsonNode n : all) {
            String name = n.path("name").asText(""), profile = n.path("profile").asText("");
            if (!SecretName.valid(name) || profile.isEmpty()) continue;
            Instant at = Instant.EPOCH;
            try {
                at = Instant.parse(n.path("time").asText(""));
            } catch (RuntimeException ignored) {
                // shown as 1970; the request itself still counts
            }
            out.add(new SecretRequest(profile, name, n.path("description").asText(""), at));
        }
        return out;
    }

    static void write(VaultFiles files, List<SecretRequest> requests) throws IOException {
        ArrayNode a = JSON.createArrayNode();
        for (SecretRequest r : requests) {
            ObjectNode o = a.addObject();
            o.put("profile", r.profile());
            o.put("name", r.name());
            o.put("description", r.description());
            o.put("time", r.at().toString());
        }
        VaultFiles.writeAtomically(files.requests(), JSON.writeValueAsBytes(a));
    }
}
