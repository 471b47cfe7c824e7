package airlock.daemon;

import airlock.daemon.listen.unix.AcceptLoop;
import airlock.daemon.pipeline.OpenCalls;

import airlock.daemon.approval.Approvals;
import airlock.daemon.lifecycle.Expiries;
import airlock.daemon.lifecycle.ProfileState;
import airlock.protocol.ExitCodes;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Each profile's socket through its life: opened when the profile appears, closed when it is
 * removed, kept as a refusing tombstone when it expires or is revoked (the inode a container
 * mounted), replaced by a new inode when it is rotated or restored, and stopped at its
 * {@code expires} instant. Every change also ends what ran or waited on the old state (sessions
 * through {@link OpenCalls}, approvals through {@link Approvals#stop}).
 */
final class ProfileSockets implements Closeable {
    /** A profile's open socket and the lifecycle values it was opened with. */
    private record Listening(ServerSocketChannel server, Thread acceptor, Optional<Instant> rotated, Optional<String> lockId) {}

    private final ConfigDirectory dir;
    private final Supplier<Policy> policy;
    private final OpenCalls connections;
    private final Approvals approvals;
    private final AcceptLoop accept;
    private final PrintStream log;
    /** (event type, detail) into the audit log. */
    private final BiConsumer<String, String> event;
    private final Expiries expiries = new Expiries(this::expire);
    /** Open sockets by profile; changed by a reload. Guarded by {@code this}. */
    private final Map<String, Listening> servers = new LinkedHashMap<>();
    /** Profiles without a socket because they expired or were revoked, with that state. Guarded by {@code this}. */
    private final Map<String, ProfileState> inactive = new LinkedHashMap<>();
    /**
     * The sockets of those profiles, kept open so that a caller (a container that mounted the
     * socket file) is told the profile expired or was revoked, and why, instead of meeting no
     * daemon at all. Every connection on one is refused before anything is judged or run
     * (a {@link airlock.daemon.listen.unix.UnixCall} on a stopped profile). Guarded by {@code this}.
     */
    private final Map<String, Listening> tombstones = new LinkedHashMap<>();

    ProfileSockets(ConfigDirectory dir, Supplier<Policy> policy, OpenCalls connections, Approvals approvals, AcceptLoop accept,
                   PrintStream log, BiConsumer<String, String> event) {
        this.dir = dir;
        this.policy = policy;
        this.connections = connections;
        this.approvals = approvals;
        this.accept = accept;
        this.log = log;
        this.event = event;
    }

    private void listen(Profile profile) throws IOException {
        Path sock = dir.socketOf(profile.name());
        connections.resume(profile.name());
        ServerSocketChannel server = SocketFile.bind(sock, profile.socketOwner());
        Thread acceptor = Thread.ofPlatform().name("accept-" + profile.name()).daemon(true)
                .unstarted(() -> accept.run(server, profile.name()));
        servers.put(profile.name(), new Listening(server, acceptor, profile.lifecycle().rotated(), lockId(profile)));
        acceptor.start();
        log.println("airlock: profile " + profile.name() + " listening on " + sock
                + profile.lifecycle().expires().map(t -> " until " + t).orElse("")
                + (profile.lifecycle().lock().isPresent() ? " (locked)" : ""));
    }

    private static Optional<String> lockId(Profile p) {
        return p.lifecycle().lock().map(Profile.Lock::id);
    }

    /**
     * Makes the sockets match {@code next}: a new profile gets its socket, a removed one loses it
     * (its sessions already running finish). A profile that expired or was revoked loses its
     * running sessions and keeps its socket as a tombstone; one whose {@code rotated} changed gets
     * a new socket (a new inode) at the same path.
     *
     * @param reload false at the start: a profile stopped already is reported, not announced as a transition
     */
    synchronized void apply(Policy next, boolean reload) throws IOException {
        for (String name : List.copyOf(servers.keySet())) {
            if (!next.profiles().containsKey(name)) {
                stopListening(servers.remove(name));
                Files.deleteIfExists(dir.socketOf(name));
                log.println("airlock: profile " + name + " removed; its socket is closed");
            }
        }
        for (String name : List.copyOf(tombstones.keySet())) {
            if (!next.profiles().containsKey(name)) bury(name);
        }
        inactive.keySet().retainAll(next.profiles().keySet());
        Instant now = Instant.now();
        Map<String, Instant> future = new java.util.HashMap<>();
        // in name order: the start-up report reads the same every time (Policy's map has no order)
        for (Profile profile : new java.util.TreeMap<>(next.profiles()).values()) {
            String name = profile.name();
            ProfileState state = ProfileState.of(profile, now);
            Listening l = servers.get(name);
            if (!state.active()) {
                if (l != null || !state.equals(inactive.get(name))) deactivate(profile, state, reload || l != null);
                Listening t = tombstones.get(name);
                // rotated while stopped: whoever holds the old inode loses even the refusals
                if (t != null && !t.rotated().equals(profile.lifecycle().rotated())) {
                    bury(name);
                    tombstone(profile);
                }
                continue;
            }
            profile.lifecycle().expires().ifPresent(t -> future.put(name, t));
            if (l == null) {
                boolean restored = inactive.remove(name) != null;
                // a restored profile gets a new socket (a new inode): the stopped one's mounts stay cut off
                if (tombstones.containsKey(name)) bury(name);
                listen(profile);
                if (restored) event.accept("profile-restored", "profile " + name + " is active again; its socket is open");
            } else if (!l.rotated().equals(profile.lifecycle().rotated())) {
                rotate(profile);
            } else if (!l.lockId().equals(lockId(profile))) {
                servers.put(name, new Listening(l.server(), l.acceptor(), l.rotated(), lockId(profile)));
                event.accept(lockId(profile).isPresent() ? "profile-locked" : "profile-unlocked", "profile " + name
                        + lockId(profile).map(id -> ": requests need key ark_" + id + ":...").orElse(": requests need no key"));
            }
        }
        expiries.schedule(future);
    }

    /**
     * Ends a profile that expired or was revoked: waiting approvals end, every running session is
     * stopped with the reason, and its socket stays (the same inode, which a container may have
     * mounted) as a tombstone that refuses every request with that reason.
     */
    private void deactivate(Profile profile, ProfileState state, boolean transition) throws IOException {
        String name = profile.name();
        String message = ProfileState.refusal(name, state).orElseThrow();
        Listening l = servers.remove(name);
        // stopped first: from here on each connection the acceptor takes is refused, never served
        int stopped = connections.stop(name, ExitCodes.REFUSED, message, true);
        if (l != null) tombstones.put(name, l);
        else if (!tombstones.containsKey(name)) tombstone(profile);
        approvals.stop(name, message);
        inactive.put(name, state);
        String what = switch (state) {
            case ProfileState.Expired e -> "expired at " + e.at();
            case ProfileState.Revoked r -> "revoked at " + r.at() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
            case ProfileState.Active a -> "active";
        };
        log.println("airlock: profile " + name + " " + what + "; its socket refuses every request with that reason"
                + (stopped > 0 ? ", " + stopped + " session(s) stopped" : ""));
        event.accept(transition ? "profile-" + state.word() : "profile-inactive", "profile " + name + " " + what
                + "; its socket refuses every request; " + stopped + " session(s) stopped");
    }

    /** A socket for a profile that is stopped already (at start, or rotated while stopped): it only refuses. */
    private void tombstone(Profile profile) throws IOException {
        String name = profile.name();
        ServerSocketChannel server = SocketFile.bind(dir.socketOf(name), profile.socketOwner());
        Thread acceptor = Thread.ofPlatform().name("accept-" + name).daemon(true).unstarted(() -> accept.run(server, name));
        tombstones.put(name, new Listening(server, acceptor, profile.lifecycle().rotated(), lockId(profile)));
        acceptor.start();
    }

    /** Closes and removes a stopped profile's socket (restored, rotated or removed). */
    private void bury(String name) throws IOException {
        stopListening(tombstones.remove(name));
        Files.deleteIfExists(dir.socketOf(name));
    }

    /** A new socket at the same path: whoever holds the old inode (a mount, a hard link) loses access. */
    private void rotate(Profile profile) throws IOException {
        String name = profile.name();
        Listening l = servers.remove(name);
        stopListening(l);
        Files.deleteIfExists(dir.socketOf(name));
        int stopped = connections.stop(name, ExitCodes.REFUSED, "airlock: profile '" + name + "' was rotated on the host;"
                + " this socket no longer works (a container started with the profile's socket path now gets the new one)", false);
        approvals.stop(name, "airlock: profile '" + name + "' was rotated on the host; the request was not approved");
        listen(profile);
        event.accept("profile-rotated", "profile " + name + " has a new socket" + lockId(profile).map(id -> " and key ark_" + id + ":...").orElse("")
                + "; " + stopped + " session(s) on the old one stopped");
    }

    /** The timer's call at a profile's expiry instant. */
    private synchronized void expire(String name) {
        Profile p = policy.get().profiles().get(name);
        if (p == null || !servers.containsKey(name)) return;
        ProfileState state = ProfileState.of(p, Instant.now());
        if (state.active()) return;
        try {
            deactivate(p, state, true);
        } catch (IOException e) {
            log.println("airlock: profile " + name + " expired but its socket could not be kept as a refusing one: " + e);
        }
    }

    /** The profiles whose socket serves now (not the tombstones). */
    synchronized Set<String> listening() {
        return Set.copyOf(servers.keySet());
    }

    /** Stops the expiry timer, then closes and removes every socket, serving and tombstone. */
    @Override
    public synchronized void close() {
        expiries.close();
        for (var e : servers.entrySet()) {
            stopListening(e.getValue());
            try {
                Files.deleteIfExists(dir.socketOf(e.getKey()));
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
        servers.clear();
        for (String name : List.copyOf(tombstones.keySet())) {
            try {
                bury(name);
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
    }

    /**
     * Closes a profile's socket and waits for its accept thread to end. A thread blocked in
     * accept(2) holds the listening socket until the close's signal reaches it: until then a
     * hard link or a container mount of the old socket can still connect (and after a rotation,
     * be served). Once the thread is gone, every connection it took is registered, so a stop
     * that follows reaches it.
     */
    private static void stopListening(Listening l) {
        closeQuietly(l.server());
        try {
            l.acceptor().join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocketChannel s) {
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
