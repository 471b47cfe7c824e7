package airlock.rules;

import java.util.List;

/** config.toml: the ceiling of what exists ({@code [commands] enable}) and daemon settings. */
public record Config(List<String> enabled, LogSettings log, HookSettings hooks, UiSettings ui, ApiSettings api, ShadowSettings shadow) {
    public Config {
        enabled = List.copyOf(enabled);
    }

    public Config(List<String> enabled, LogSettings log, HookSettings hooks, UiSettings ui, ApiSettings api) {
        this(enabled, log, hooks, ui, api, ShadowSettings.OFF);
    }

    public Config(List<String> enabled, LogSettings log, HookSettings hooks, UiSettings ui) {
        this(enabled, log, hooks, ui, ApiSettings.OFF);
    }

    public Config(List<String> enabled, LogSettings log, HookSettings hooks) {
        this(enabled, log, hooks, UiSettings.OFF);
    }

    public Config(List<String> enabled, LogSettings log) {
        this(enabled, log, HookSettings.DEFAULT);
    }

    public boolean isEnabled(String command) {
        return enabled.contains(command);
    }

    /** {@code [hooks]}: how long a hook may run before it is killed and the request refused. */
    public record HookSettings(long timeoutSeconds) {
        public static final HookSettings DEFAULT = new HookSettings(30);
    }

    /**
     * {@code [log]}: audit log rotation, and where the log is written.
     *
     * @param path the audit log file as written in config.toml ({@code [log] path}, the original
     *             airlock's key): absolute, {@code ~/...}, or relative to the config directory;
     *             null for the default {@code <config>/audit/audit.ndjson}
     */
    public record LogSettings(long maxSizeMb, int maxFiles, String path) {
        public static final LogSettings DEFAULT = new LogSettings(10, 5);

        public LogSettings(long maxSizeMb, int maxFiles) {
            this(maxSizeMb, maxFiles, null);
        }
    }

    /**
     * {@code [ui]}: the web console. Off unless {@code listen} is set; an address that is not
     * loopback is refused at load unless {@code allow_remote} says the operator means it, because
     * the console can revoke profiles and set secrets. {@code publicUrl} is the address a person
     * types when it is not the listen address (a published container port: listen on the
     * container's side, open http://localhost:9090 on the host); the console then answers only to
     * that URL's authority, and only then may {@code listen} be a wildcard.
     */
    public record UiSettings(java.util.Optional<String> host, int port, boolean allowRemote, java.util.Optional<PublicUrl> publicUrl) {
        public static final UiSettings OFF = new UiSettings(java.util.Optional.empty(), 0, false);

        public UiSettings(java.util.Optional<String> host, int port, boolean allowRemote) {
            this(host, port, allowRemote, java.util.Optional.empty());
        }

        public boolean enabled() {
            return host.isPresent();
        }

        /** host:port as a browser writes it in the Host header ({@code [::1]:9090} for IPv6). */
        public String authority(int boundPort) {
            String h = host.orElseThrow();
            return (h.contains(":") ? "[" + h + "]" : h) + ":" + boundPort;
        }

        /** The authority the console answers to: the public URL's when set, else the listen address's. */
        public String servedAuthority(int boundPort) {
            return publicUrl.map(PublicUrl::authority).orElseGet(() -> authority(boundPort));
        }
    }

    /**
     * {@code [ui] public_url}: {@code http://HOST[:PORT]} (or https behind a TLS proxy), nothing
     * else, with its authority as a browser sends it in the Host header (lower case; no port
     * when the URL has none).
     */
    public record PublicUrl(String scheme, String authority) {
        public String origin() {
            return scheme + "://" + authority;
        }
    }

    /**
     * {@code [api]}: the HTTPS API for remote agents (docs/api.md). Off unless {@code listen} is
     * set; a non-loopback address needs {@code allow_remote}, like the console. Without
     * {@code cert} and {@code key} (PEM files, absolute or relative to the config directory) the
     * daemon makes a self-signed certificate once.
     */
    public record ApiSettings(java.util.Optional<String> host, int port, boolean allowRemote, java.util.Optional<String> cert,
                              java.util.Optional<String> key, long maxBodyBytes, RunLimits runs) {
        public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
        public static final ApiSettings OFF = new ApiSettings(java.util.Optional.empty(), 0, false, java.util.Optional.empty(),
                java.util.Optional.empty(), DEFAULT_MAX_BODY_BYTES, RunLimits.DEFAULT);

        public boolean enabled() {
            return host.isPresent();
        }

        /** host:port as a URL writes it ({@code [::1]:8443} for IPv6). */
        public String authority(int boundPort) {
            String h = host.orElseThrow();
            return (h.contains(":") ? "[" + h + "]" : h) + ":" + boundPort;
        }

        /**
         * What one key or address may ask of the API: {@code requests_per_second} per key and per
         * address (twice that in a burst), {@code max_runs_per_key} runs at once, {@code max_files}
         * files per run, {@code max_output_bytes} of a run's output kept (the run is stopped past
         * it), {@code runs_kept} finished runs per profile answered by {@code GET /v1/runs/ID}.
         */
        public record RunLimits(int requestsPerSecond, int maxRunsPerKey, int maxFiles, long maxOutputBytes, int runsKept) {
            public static final RunLimits DEFAULT = new RunLimits(20, 4, 64, 4L * 1024 * 1024, 32);
        }
    }

    /**
     * {@code [shadow] config = "DIR"}: a candidate configuration directory the daemon also judges
     * every live request by, never acting on it (docs/audit-and-hooks.md). As written: absolute,
     * {@code ~/...}, or relative to the config directory; empty when off.
     */
    public record ShadowSettings(java.util.Optional<String> config) {
        public static final ShadowSettings OFF = new ShadowSettings(java.util.Optional.empty());
    }
}
