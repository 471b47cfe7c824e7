package airlock.daemon.checks.kubectl;

import airlock.daemon.checks.CheckInput;
import airlock.rules.Decision;
import airlock.rules.Invocation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * kubectl names a resource in many spellings a rule word cannot list: secret, secrets, Secret,
 * secret/name, secrets.v1, secret.v1., secrets,configmaps; ns, namespace, namespaces, ns/prod.
 * Two verbs are judged on the resource they name:
 * <ul>
 * <li>{@code get} of Secrets prints credentials ({@code describe} shows only the sizes);
 * <li>{@code delete} of Namespaces (everything in them) or Nodes.
 * </ul>
 * The words come from the rules engine's reading with the kubectl module's {@code [flags]}: a word
 * that may be a flag's value is still judged as a resource (kubectl's bool flags such as
 * {@code --wait} do not take the next argument), and so is every word after {@code --}.
 */
final class KubectlResources {
    private KubectlResources() {}

    private record Refused(Set<String> kinds, String rule, String why) {}

    private static final Map<String, Refused> BY_VERB = Map.of(
            "get", new Refused(Set.of("secret", "secrets"), "get-secrets", "prints Secrets (credentials)"),
            "delete", new Refused(Set.of("namespace", "namespaces", "ns", "node", "nodes", "no"), "delete-namespaces",
                    "deletes a namespace with everything in it, or a node"));

    static Decision check(Invocation inv) {
        List<Invocation.Word> words = inv.words();
        // the verb is the first certain word; an uncertain word before it may be the verb too
        for (int v = 0; v < words.size(); v++) {
            String verb = words.get(v).text();
            Refused refused = BY_VERB.get(verb);
            if (refused != null) {
                for (Invocation.Word w : words.subList(v + 1, words.size())) {
                    for (String part : w.text().toLowerCase(Locale.ROOT).split(",")) {
                        String kind = part.split("/", 2)[0].split("\\.", 2)[0];
                        if (refused.kinds().contains(kind)) {
                            return CheckInput.refuse("kubectl", refused.rule(), "kubectl " + verb + " " + w.text() + " " + refused.why());
                        }
                    }
                }
            }
            if (words.get(v).sure()) break;
        }
        return Decision.allow(List.of());
    }
}
