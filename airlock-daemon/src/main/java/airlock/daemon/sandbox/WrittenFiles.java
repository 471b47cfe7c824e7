package airlock.daemon.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A script that holds secrets may carry them out through what it leaves in a writable workspace.
 * It wrote to a {@link WriteLayer}; after the run everything in the layer's upper directory is
 * scanned, and only then applied to the workspace. What changed is the layer itself (a file the
 * run rewrote with its old size and mtime is there like any other), not a guess from mtimes:
 * <ul>
 * <li>file contents: streamed through the redactor (any size; memory bounded), rewritten with
 *     markers when a form was found (same mode, same mtime);</li>
 * <li>names of files and folders: a name holding a form (alone, or with the folders above it)
 *     is renamed to its redacted form ({@code x-[airlock:redacted NAME].txt}), or to
 *     {@code [airlock:redacted]} when that is not enough; a clash gets {@code -2}, {@code -3}...;</li>
 * <li>symbolic link targets: redacted the same way (the link then points at the marker);</li>
 * <li>{@code user.*} xattrs: a value holding a form is redacted, a name holding one is dropped
 *     (a key cannot be half a marker); the overlay's own {@code user.overlay.*} marks are not
 *     carried (nor a run's own {@code user.overlay.*}, which the overlay stores escaped);</li>
 * <li>setuid and setgid bits are cleared; fifos, sockets and devices are not carried (said).</li>
 * </ul>
 * Then the changes are applied in a small bubblewrap sandbox that sees only the workspace and the
 * layer (a folder the agent swapped for a symlink during the run leads nowhere outside):
 * deletions first ({@code rm -rf}: the overlay's whiteouts, folders the run replaced whole, an
 * entry whose type changed), then {@code cp -a --remove-destination} of the layer's top entries
 * (modes, owners, times, xattrs kept; folders merged).
 */
public final class WrittenFiles {
    private WrittenFiles() {}

    /**
     * @param scanned   regular files the run wrote, read through the redactor
     * @param redacted  workspace paths of what held a secret (contents, a name, a link target, an xattr)
     * @param matches   secret forms replaced, over all of them (for the audit record)
     * @param unscanned what the run wrote that did not reach the workspace (special files, or
     *                  what applying refused), with the reason
     */
    public record Report(int scanned, List<Path> redacted, int matches, List<Path> unscanned) {
        public static final Report NONE = new Report(0, List.of(), 0, List.of());
    }

    /** Scans the layer (in place: it is private), then applies it to the workspace. */
    public static Report publish(WriteLayer layer, Redaction redaction) throws IOException {
        Scan s = new Scan(layer, redaction);
        s.directory(layer.upper(), "");
        List<String> top = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(layer.upper())) {
            for (Path p : d) top.add(p.toString());
        }
        stripOverlayMarks(layer.upper());
        List<Path> failed = new ArrayList<>(s.notCarried);
        if (!s.deletions.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-rf", "--"));
            s.deletions.forEach(rel -> rm.add(layer.workspace().resolve(rel).toString()));
            apply(layer, rm, failed);
        }
        if (!top.isEmpty()) {
            List<String> cp = new ArrayList<>(List.of("cp", "-a", "--remove-destination", "-t", layer.workspace().toString(), "--"));
            cp.addAll(top);
            apply(layer, cp, failed);
        }
        return new Report(s.scanned, List.copyOf(s.redacted), s.matches, List.copyOf(failed));
    }

    /** One walk of the upper directory, top down, renaming as it goes. */
    private static final class Scan {
        final WriteLayer layer;
        final Redaction redaction;
        final Set<String> deletions = new TreeSet<>();
        final List<Path> redacted = new ArrayList<>();
        final List<Path> notCarried = new ArrayList<>();
        int scanned, matches;

        Scan(WriteLayer layer, Redaction redaction) {
            this.layer = layer;
            this.redaction = redaction;
        }

        void directory(Path dir, String rel) throws IOException {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> d = Files.newDirectoryStream(dir)) {
                d.forEach(children::add);
            }
            ownerWritable(dir, () -> {
                for (Path child : children) entry(child, rel);
            });
        }

        void entry(Path p, String parentRel) throws IOException {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String name = p.getFileName().toString();
            if (a.isOther()) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
                // the overlay's whiteout: the run deleted a workspace entry (a name that was there before)
                if ((mode & 0170000) == 0020000 && rdev == 0) deletions.add(join(parentRel, name));
                else notCarried.add(layer.workspace().resolve(join(parentRel, name)));
                Files.delete(p);
                return;
            }
            String clean = cleanName(p, parentRel, name);
            if (!clean.equals(name)) {
                Path moved = p.resolveSibling(clean);
                Files.move(p, moved, LinkOption.NOFOLLOW_LINKS);
                p = moved;
            }
            String rel = join(parentRel, clean);
            Path target = layer.workspace().resolve(rel);
            boolean targetIsDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
            boolean targetExists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                link(p, target);
                if (targetIsDir) deletions.add(rel);
                return;
            }
            Path q = p;
            boolean[] opaque = {false};
            ownerWritable(q, () -> opaque[0] = xattrs(q, target));
            dropSetId(p, a);
            if (a.isDirectory()) {
                // a folder the run replaced whole (opaque) or that was something else: the old one goes
                if (opaque[0] || targetExists && !targetIsDir) deletions.add(rel);
                directory(p, rel);
            } else {
                if (targetIsDir) deletions.add(rel);
                contents(p, target, a);
            }
        }

        /** The name, or its redacted form when it (or it with the folders above) holds a form. */
        String cleanName(Path p, String parentRel, String name) throws IOException {
            if (count(join(parentRel, name)) == 0) return name;
            String redactedName = new String(redaction.apply(name.getBytes(StandardCharsets.UTF_8)).bytes(), StandardCharsets.UTF_8)
                    .replace('/', '_');
            int n = count(name);
            // a form spanning the folders above: the name alone carries none, so it goes whole
            if (count(join(parentRel, redactedName)) > 0 || redactedName.isEmpty() || redactedName.length() > 200) {
                redactedName = "[airlock:redacted]";
                n = Math.max(n, 1);
            }
            String candidate = redactedName;
            for (int i = 2; Files.exists(p.resolveSibling(candidate), LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(layer.workspace().resolve(join(parentRel, candidate)), LinkOption.NOFOLLOW_LINKS); i++) {
                candidate = redactedName + "-" + i;
            }
            matches += n;
            redacted.add(layer.workspace().resolve(join(parentRel, candidate)));
            return candidate;
        }

        void link(Path p, Path target) throws IOException {
            String to = Files.readSymbolicLink(p).toString();
            Redaction.Redacted r = redaction.apply(to.getBytes(StandardCharsets.UTF_8));
            if (r.count() == 0) return;
            Files.delete(p);
            Files.createSymbolicLink(p, Path.of(new String(r.bytes(), StandardCharsets.UTF_8)));
            matches += r.count();
            redacted.add(target);
        }

        /** Redacts values, drops names with a form and the overlay's marks; true when the folder is opaque. */
        boolean xattrs(Path p, Path target) throws IOException {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            List<String> names;
            try {
                names = v == null ? List.of() : v.list();
            } catch (IOException unsupported) {
                return false; // a file system without user xattrs: none to carry
            }
            boolean opaque = false, found = false;
            for (String n : names) {
                ByteBuffer b = ByteBuffer.allocate(v.size(n));
                v.read(n, b);
                byte[] value = java.util.Arrays.copyOf(b.array(), b.position());
                if (n.startsWith("overlay.")) {
                    if (n.equals("overlay.opaque") && new String(value, StandardCharsets.ISO_8859_1).equals("y")) opaque = true;
                    continue; // removed with the other marks before the copy
                }
                int inName = count(n);
                if (inName > 0) {
                    v.delete(n);
                    matches += inName;
                    found = true;
                    continue;
                }
                Redaction.Redacted r = redaction.apply(value);
                if (r.count() > 0) {
                    v.write(n, ByteBuffer.wrap(r.bytes()));
                    matches += r.count();
                    found = true;
                }
            }
            if (found) redacted.add(target);
            return opaque;
        }

        /** Streamed twice only when a form is there: once to count, once to rewrite (same inode, mode, mtime). */
        void contents(Path p, Path target, PosixFileAttributes a) throws IOException {
            long n;
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                n = redaction.copy(in, OutputStream.nullOutputStream());
            }
            scanned++;
            if (n == 0) return;
            Path tmp = layer.dir().resolve("redacting");
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                redaction.copy(in, out);
            }
            ownerWritable(p, () -> {
                try (InputStream in = Files.newInputStream(tmp);
                     OutputStream out = Files.newOutputStream(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                             LinkOption.NOFOLLOW_LINKS)) {
                    in.transferTo(out);
                }
            });
            Files.delete(tmp);
            Files.setLastModifiedTime(p, a.lastModifiedTime());
            matches += (int) Math.min(n, Integer.MAX_VALUE);
            redacted.add(target);
        }

        void dropSetId(Path p, PosixFileAttributes a) throws IOException {
            Set<PosixFilePermission> perms = a.permissions();
            // setuid/setgid are not in PosixFilePermission; the unix mode has them
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 06000) != 0) {
                FileTime t = a.lastModifiedTime();
                Files.setPosixFilePermissions(p, perms); // rewrites the mode without the set-id bits
                Files.setLastModifiedTime(p, t);
            }
        }

        int count(String s) {
            return redaction.apply(s.getBytes(StandardCharsets.UTF_8)).count();
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /**
     * A daemon that is not root is held to the modes the run left (git writes its objects 0444):
     * the owner's write bit is added for the step and the mode put back. Root is not held to them.
     */
    private static void ownerWritable(Path p, Step step) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.contains(PosixFilePermission.OWNER_WRITE) || WriteLayer.uid() == 0) {
            step.run();
            return;
        }
        Set<PosixFilePermission> writable = java.util.EnumSet.copyOf(perms);
        writable.add(PosixFilePermission.OWNER_WRITE);
        Files.setPosixFilePermissions(p, writable);
        try {
            step.run();
        } finally {
            Files.setPosixFilePermissions(p, perms);
        }
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }

    /** The overlay's own {@code user.overlay.*} marks, everywhere in the layer: they must not reach the workspace. */
    private static void stripOverlayMarks(Path upper) throws IOException {
        try (var s = Files.walk(upper)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) continue;
                UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                List<String> names;
                try {
                    names = v.list();
                } catch (IOException unsupported) {
                    return;
                }
                List<String> marks = names.stream().filter(n -> n.startsWith("overlay.")).toList();
                if (!marks.isEmpty()) ownerWritable(p, () -> {
                    for (String n : marks) v.delete(n);
                });
            }
        }
    }

    /**
     * One command (rm, cp) in a sandbox that sees the system read-only, the layer read-only and
     * the workspace read-write, nothing else: the workspace may have changed under the run (the
     * agent writes there too), and a folder swapped for a link must not lead the daemon outside.
     */
    private static void apply(WriteLayer layer, List<String> command, List<Path> failed) throws IOException {
        List<String> a = new ArrayList<>(List.of(layer.bwrap().toString(), "--unshare-ipc", "--unshare-pid", "--unshare-net",
                "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session"));
        if (WriteLayer.uid() == 0) {
            // root: no user namespace, so owners are kept; only the capabilities a copy needs
            a.addAll(List.of("--cap-drop", "ALL", "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_FOWNER", "--cap-add", "CAP_DAC_OVERRIDE"));
        } else {
            a.add("--unshare-user");
        }
        for (String s : BubblewrapArgv.SYSTEM) a.addAll(List.of("--ro-bind", s, s));
        for (String s : BubblewrapArgv.SYSTEM_LINKS) {
            Path p = Path.of(s);
            if (Files.isSymbolicLink(p)) a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), s));
            else if (Files.isDirectory(p)) a.addAll(List.of("--ro-bind", s, s));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        String ws = layer.workspace().toString(), upper = layer.upper().toString();
        a.addAll(List.of("--bind", ws, ws, "--ro-bind", upper, upper));
        for (Path h : layer.hidden()) {
            if (h.startsWith(layer.workspace()) && Files.isDirectory(h, LinkOption.NOFOLLOW_LINKS)) a.addAll(List.of("--tmpfs", h.toString()));
        }
        a.addAll(List.of("--chdir", ws));
        a.addAll(command);
        Process p = new ProcessBuilder(a).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] said;
        try (InputStream in = p.getInputStream()) {
            said = in.readNBytes(16 * 1024);
            in.transferTo(OutputStream.nullOutputStream());
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " of the run's writes did not finish");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the run's writes were applied");
        }
        if (p.exitValue() != 0) {
            // cp and rm name the paths they could not handle, one per line (names are redacted by now)
            for (String line : new String(said, StandardCharsets.UTF_8).lines().limit(20).toList()) {
                failed.add(Path.of(command.getFirst() + ": " + line.replace('\0', ' ')));
            }
        }
    }
}
