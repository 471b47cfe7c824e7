package airlock.daemon.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The bubblewrap command line for one run. Everything the tool can see is named here; what is
 * not named does not exist inside: the host home is an empty tmpfs (the listed files bound
 * read-only over it), /tmp is private, the system is read-only, and the daemon's config
 * directory (sockets, audit log, vault) is covered by an empty tmpfs even where a mount holds it.
 */
public final class BubblewrapArgv {
    /** Read-only from the host: programs, libraries and the system's configuration (resolv.conf, certificates). */
    static final List<String> SYSTEM = List.of("/usr", "/etc");
    /** On a merged-/usr host these are symlinks into /usr and are recreated as such. */
    static final List<String> SYSTEM_LINKS = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    private BubblewrapArgv() {}

    /**
     * @param rlimits the prlimit wrapper that runs inside (memory, processes), empty for none
     */
    public static List<String> of(Path bwrap, SandboxRequest r, List<String> rlimits) throws IOException {
        return of(bwrap, r, rlimits, Optional.empty());
    }

    /**
     * @param runAs for a root daemon: the unprivileged host user the tool becomes (see {@link RunAs});
     *              empty: bubblewrap's own user namespace maps the sandbox to the daemon's own uid
     */
    public static List<String> of(Path bwrap, SandboxRequest r, List<String> rlimits, Optional<RunAs> runAs) throws IOException {
        return of(bwrap, r, rlimits, runAs, List.of());
    }

    /**
     * @param network what a user daemon's run adds inside the network namespace it holds
     *                ({@link UserNetwork#bubblewrapOptions}): the tool's own user namespace below it
     */
    public static List<String> of(Path bwrap, SandboxRequest r, List<String> rlimits, Optional<RunAs> runAs, List<String> network)
            throws IOException {
        List<String> a = new ArrayList<>(List.of(bwrap.toString()));
        if (runAs.isEmpty()) {
            a.add("--unshare-all");
            a.addAll(network);
            if (r.spec().network()) a.add("--share-net");
        } else {
            // no user namespace here: root binds (the config directory's parts included); the inner
            // bubblewrap makes the tool's user namespace, as the unprivileged user
            a.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"));
            if (!r.spec().network()) a.add("--unshare-net");
        }
        // a new session: the tool cannot push keystrokes into a terminal (TIOCSTI); die-with-parent:
        // a dead daemon takes the sandbox with it; in a new pid namespace, its init's death
        // kills every process of the run
        a.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        // setpriv needs these to become the unprivileged user; it drops them (and the bounding set) itself
        if (runAs.isPresent()) a.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"));
        for (String s : SYSTEM) a.addAll(List.of("--ro-bind", s, s));
        a.addAll(PrivateSystemFiles.covers(Path.of("/etc")));
        for (String s : SYSTEM_LINKS) {
            Path p = Path.of(s);
            if (Files.isSymbolicLink(p)) a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), s));
            else if (Files.isDirectory(p)) a.addAll(List.of("--ro-bind", s, s));
        }
        // a tmpfs is memory the rlimit does not count: sized to the run's memory limit
        List<String> size = r.spec().memoryMb() > 0 ? List.of("--size", Long.toString(r.spec().memoryMb() * 1024L * 1024L)) : List.of();
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        // a private /dev/shm of the same size: shared memory is a tmpfs, which RLIMIT_AS does not count
        // as bubblewrap makes them they are root's (0755) when root runs it: the unprivileged user
        // of a root daemon's run (RunAs) must write them
        List<String> open = runAs.isPresent() ? List.of("--perms", "1777") : List.of();
        a.addAll(size);
        a.addAll(open);
        a.addAll(List.of("--tmpfs", "/dev/shm"));
        a.addAll(size);
        a.addAll(open);
        a.addAll(List.of("--tmpfs", "/tmp"));
        List<Path> bound = new ArrayList<>(SYSTEM.stream().map(Path::of).toList());
        List<Path> installed = installation(Path.of(r.argv().getFirst()), r.home(), r.hidden());
        for (Path p : installed) {
            if (p.getNameCount() < 2 || r.home().startsWith(p) || under(p, r.hidden())) {
                throw new IOException(r.argv().getFirst() + " is installed under " + p
                        + ", which would bring the host home or the daemon's files into the sandbox; install it under /usr or /opt");
            }
        }
        bound.addAll(installed);

        a.addAll(size);
        a.addAll(open);
        a.addAll(List.of("--tmpfs", r.home().toString()));
        for (String f : r.spec().read()) {
            Path file = r.home().resolve(f.substring(2)).normalize();
            if (!file.startsWith(r.home()) || under(file, r.hidden()) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a missing file stays missing; a symlink could point anywhere, so it is not followed
            }
            a.addAll(List.of("--ro-bind", file.toString(), file.toString()));
            bound.add(file);
        }
        List<Path> mounts = new ArrayList<>(r.mounts());
        mounts.add(r.cwdMount());
        // outer before inner: a mount inside another is bound on top of it
        mounts.sort(Comparator.comparingInt(Path::getNameCount));
        for (Path m : mounts.stream().distinct().toList()) {
            boolean rw = m.equals(r.cwdMount()) && r.spec().writable();
            a.addAll(List.of(rw ? "--bind" : "--ro-bind", m.toString(), m.toString()));
            bound.add(m);
        }
        for (Path p : installed) a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        for (Path h : r.hidden()) {
            if (Files.isDirectory(h) && bound.stream().anyMatch(b -> h.startsWith(b) || b.startsWith(h))) {
                a.addAll(List.of("--tmpfs", h.toString()));
            }
        }
        for (SandboxRequest.Bind b : r.extra()) {
            a.addAll(List.of(b.writable() ? "--bind" : "--ro-bind", b.path().toString(), b.path().toString()));
        }
        if (runAs.isPresent() && !bwrap.toRealPath().startsWith("/usr")) {
            a.addAll(List.of("--ro-bind", bwrap.toString(), bwrap.toString()));
        }
        a.addAll(List.of("--chdir", r.cwd().toString()));
        runAs.ifPresent(u -> a.addAll(u.innerPrefix(bwrap, r.cwd())));
        a.addAll(rlimits);
        a.addAll(r.argv());
        return runAs.isPresent() ? reachable(a) : a;
    }

    /**
     * A tool installed outside the system directories (e.g. a Python under /opt or in a version
     * manager's directory) needs its own installation: PREFIX of PREFIX/bin/TOOL, read-only.
     */
    static Optional<Path> executablePrefix(Path executable) throws IOException {
        Path real = executable.toRealPath();
        for (String s : SYSTEM) if (real.startsWith(s)) return Optional.empty();
        Path bin = real.getParent();
        Path prefix = bin != null && bin.getFileName() != null && bin.getFileName().toString().equals("bin") ? bin.getParent() : bin;
        return Optional.ofNullable(prefix);
    }

    /**
     * What the tool needs bound read-only besides the system: a program's installation
     * ({@link #executablePrefix}); for a {@code #!} script outside /usr (a person's report.sh, a
     * tool under /opt), the script file itself and its interpreter's installation. A script that
     * lies in the host home or the daemon's hidden folders is refused: that is a version manager's
     * shim (pyenv, asdf), which needs its whole installation and the home, and binding those would
     * defeat the hidden home.
     */
    static List<Path> installation(Path executable, Path home, List<Path> hidden) throws IOException {
        Path real = executable.toRealPath();
        if (!isScript(real) || real.startsWith("/usr")) return executablePrefix(executable).map(List::of).orElse(List.of());
        if (real.startsWith(home) || executable.toAbsolutePath().normalize().startsWith(home) || under(real, hidden)) {
            throw new IOException(executable + " is a script in the host home (a version manager's shim?), not the tool itself;"
                    + " its installation lies in the home, which a sandbox hides; put the real tool first on the daemon's PATH"
                    + " (e.g. /usr/bin) or name it in [command] bin with its absolute path");
        }
        Path interpreter = interpreter(real).orElseThrow(() -> new IOException(executable + " is a script whose #! line names no"
                + " interpreter by absolute path"));
        List<Path> out = new ArrayList<>();
        out.add(real);
        if (!interpreter.equals(real)) {
            if (isScript(interpreter.toRealPath()) && !interpreter.toRealPath().startsWith("/usr")) {
                throw new IOException(executable + " is run by " + interpreter + ", itself a script outside /usr; name the real"
                        + " interpreter in the #! line");
            }
            for (Path p : installation(interpreter, home, hidden)) if (!out.contains(p)) out.add(p);
        }
        return out;
    }

    /** The program of a script's {@code #!} line, resolved (env's argument looked up in /usr/bin and /bin). */
    private static Optional<Path> interpreter(Path script) throws IOException {
        String first;
        try (var in = Files.newBufferedReader(script, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            first = in.readLine();
        }
        if (first == null || !first.startsWith("#!")) return Optional.empty();
        String[] words = first.substring(2).strip().split("\\s+");
        if (words.length == 0 || !words[0].startsWith("/")) return Optional.empty();
        Path program = Path.of(words[0]);
        if (program.getFileName() != null && program.getFileName().toString().equals("env") && words.length > 1 && !words[1].startsWith("-")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path p = Path.of(dir, words[1]);
                if (Files.isExecutable(p)) return Optional.of(p.toRealPath());
            }
            return Optional.empty();
        }
        return Files.isExecutable(program) ? Optional.of(program.toRealPath()) : Optional.empty();
    }

    private static boolean isScript(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == '#' && head[1] == '!';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Before every mount of the sandbox's tree, its parents made mode 0755: bubblewrap makes a
     * mount's missing parents 0700, owned by root, which an unprivileged user ({@link RunAs})
     * could not pass. A --dir on a directory that exists changes nothing (not its mode), so a
     * host folder bound earlier is never touched. Only the options before the first --chdir are
     * bubblewrap's; what follows is the command.
     */
    static List<String> reachable(List<String> argv) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < argv.size() && !argv.get(i).equals("--chdir")) {
            // --size and --perms belong to the operation after them: the parents go before all of it
            int j = i;
            while (j < argv.size() && (argv.get(j).equals("--size") || argv.get(j).equals("--perms"))) j += 2;
            String op = j < argv.size() ? argv.get(j) : "";
            int arity = switch (op) {
                case "--bind", "--ro-bind", "--dev-bind", "--symlink" -> 2;
                case "--tmpfs", "--dir", "--proc", "--dev", "--cap-add", "--cap-drop" -> 1;
                default -> 0;
            };
            if (op.equals("--bind") || op.equals("--ro-bind") || op.equals("--dev-bind") || op.equals("--tmpfs")) {
                List<Path> parents = new ArrayList<>();
                for (Path p = Path.of(argv.get(j + arity)).getParent(); p != null && p.getNameCount() > 0; p = p.getParent()) {
                    parents.addFirst(p);
                }
                for (Path p : parents) out.addAll(List.of("--perms", "0755", "--dir", p.toString()));
            }
            int end = Math.min(argv.size(), j + arity + 1);
            out.addAll(argv.subList(i, end));
            i = end;
        }
        out.addAll(argv.subList(Math.min(i, argv.size()), argv.size()));
        return out;
    }

    static boolean under(Path p, List<Path> roots) {
        return roots.stream().anyMatch(p::startsWith);
    }
}
