package airlock.protocol;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional key field and the AGENT mode: new requests round-trip, old ones still decode. */
class RequestKeyTest {
    private static final Request WITH_KEY = new Request(Request.Mode.RUN, "git", List.of("status"), "/w", Map.of(), "", false,
            "ark_0a1b2c3d4e:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA");

    @Test
    void aKeyRoundTripsAndARequestWithoutOneEncodesAsBefore() throws Exception {
        assertThat(Request.decode(WITH_KEY.encode())).isEqualTo(WITH_KEY);
        Request old = new Request(Request.Mode.RUN, "git", List.of("status"), "/w", Map.of(), "", false);
        byte[] oldBytes = old.encode();
        assertThat(Request.decode(oldBytes).key()).isEmpty();
        // a request without a key is byte for byte what a shim before the key sent: it ends at stdin_tty
        assertThat(oldBytes).isEqualTo(Arrays.copyOf(WITH_KEY.encode(), oldBytes.length));
        var agent = new Request(Request.Mode.AGENT, "airlock", List.of("skill"), "/w", Map.of(), "", false);
        assertThat(Request.decode(agent.encode())).isEqualTo(agent);
    }

    @Test
    void theKeyIsNeverPrintedAndAnOverlongOrTruncatedKeyIsRefused() {
        assertThat(WITH_KEY.toString()).doesNotContain("c2VjcmV0").contains("key=<hidden>");
        byte[] b = WITH_KEY.encode();
        assertThatThrownBy(() -> Request.decode(Arrays.copyOf(b, b.length - 1))).isInstanceOf(ProtocolException.class);
        var longKey = new Request(Request.Mode.RUN, "git", List.of(), "/w", Map.of(), "", false, "k".repeat(Limits.MAX_KEY + 1));
        assertThatThrownBy(() -> Request.decode(longKey.encode())).isInstanceOf(ProtocolException.class);
    }
}
