package airlock.daemon.redact;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-line secret (a kubeconfig delivered as a file, a key) is redacted line by line only
 * where a line is opaque: its structure lines appear in ordinary output (kubectl's YAML) and stay.
 */
class MultiLineSecretTest {
    static final String KEY_DATA = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcw";
    static final String PEM_LINE = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7VJTUt9Us8cKj";
    static final String KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: prod\npreferences: {}\nclusters:\n"
            + "- cluster:\n    server: https://10.0.0.1:6443\n  name: prod\nusers:\n- name: admin\n  user:\n"
            + "    client-key-data: " + KEY_DATA + "\n" + PEM_LINE + "\n";

    private static String redacted(String output) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        RedactionCounts counts = new RedactionCounts();
        try (RedactingStream s = Redactor.of(Map.of("kube_prod", KUBECONFIG.getBytes(StandardCharsets.UTF_8))).stream(got, counts)) {
            s.write(output.getBytes(StandardCharsets.UTF_8));
            s.finish();
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void kubectlsOwnYamlPassesAndTheCredentialLinesDoNot() throws Exception {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: prod\n    server: https://10.0.0.1:6443\ncurrent-context: prod\npreferences: {}\n";
        assertThat(redacted(pod)).isEqualTo(pod);
        assertThat(redacted("key=" + KEY_DATA + "\n")).isEqualTo("key=[airlock:redacted kube_prod]\n");
        assertThat(redacted("> " + PEM_LINE + " <\n")).isEqualTo("> [airlock:redacted kube_prod] <\n");
        assertThat(redacted(KUBECONFIG)).doesNotContain(KEY_DATA).doesNotContain(PEM_LINE);
    }
}
