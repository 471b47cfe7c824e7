package airlock.daemon.sandbox;

import airlock.daemon.core.Executables;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The private layer a writable run with secrets writes to, instead of the shared workspace.
 * The agent's container sees the workspace live, so a file written there during the run could
 * be read before any scan; the run therefore sees the workspace through an overlay whose upper
 * directory lies in a private 0700 folder of the daemon. Only {@link WrittenFiles#publish} moves
 * the run's changes (the upper directory: new and changed files, whiteouts for deletions) into
 * the workspace, after everything in them has been scanned.
 *
 * <p>Debian bookworm's bubblewrap (0.8) has no {@code --overlay}, so the overlay is mounted by a
 * fixed shell line in a private mount namespace ({@code unshare}), and bubblewrap, started in that
 * namespace, binds the merged view over the workspace path. Paths reach {@code mount} relative to
 * the layer folder, so no workspace path can inject a mount option. The mount namespace (and with
 * it the overlay) ends with the run's last process. {@code userxattr}: the overlay keeps its own
 * marks as {@code user.overlay.*} xattrs that the daemon can read (opaque folders), root or not.
 *
 * @param dir       the layer's private folder: {@code lower} (the workspace, bound), {@code upper},
 *                  {@code work}, {@code merged}
 * @param workspace the cwd's mount, the overlay's lower layer
 * @param bwrap     for {@link WrittenFiles#publish}: the changes are applied in a sandbox that sees
 *                  the workspace only
 * @param hidden    never visible to that sandbox either (a config directory inside the workspace)
 */
public record WriteLayer(Path dir, Path workspace, Path bwrap, List<Path> hidden) implements AutoCloseable {
    /** Mounts the overlay, then runs the rest of the argv (bubblewrap) in that mount namespace. */
    static final String MOUNT = "cd \"$1\" && mount --bind \"$2\" lower && mount -t overlay overlay"
            + " -o lowerdir=lower,upperdir=upper,workdir=work,userxattr merged"
            + " || { echo 'airlock: refused by the sandbox layer: the private write layer of a writable run with secrets (an"
            + " overlay in a mount namespace of its own) could not be mounted, so nothing ran;"
            + " with writable = false in [sandbox] the run needs none' >&2; exit 126; }; shift 2; exec \"$@\"";

    public WriteLayer {
        hidden = List.copyOf(hidden);
    }

    public Path upper() {
        return dir.resolve("upper");
    }

    public Path merged() {
        return dir.resolve("merged");
    }

    /**
     * A new layer in {@code root} (made 0700), or in a private folder of the system's temp
     * directory when {@code root} lies inside the workspace (an overlay refuses an upper directory
     * inside its lower one). The upper root takes the workspace root's mode and owner: the
     * overlay shows the upper root's as the workspace's.
     */
    public static WriteLayer create(Path root, Path workspace, Path bwrap, List<Path> hidden) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        if (overlaps(r, workspace)) {
            r = Path.of(System.getProperty("java.io.tmpdir")).toRealPath().resolve("airlock-layers-" + uid());
            if (overlaps(r, workspace)) throw new IOException("no place for a private write layer outside the workspace " + workspace);
        }
        privateDirectory(r);
        sweep(r);
        Path dir = privateDirectory(r.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
        for (String d : List.of("lower", "upper", "work", "merged")) Files.createDirectory(dir.resolve(d));
        PosixFileAttributes ws = Files.readAttributes(workspace, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView up = Files.getFileAttributeView(dir.resolve("upper"), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        up.setPermissions(ws.permissions());
        if (uid() == 0) {
            up.setOwner(ws.owner());
            up.setGroup(ws.group());
        }
        return new WriteLayer(dir, workspace, bwrap, hidden);
    }

    /**
     * The argv prefix that mounts the layer: {@code unshare} a mount namespace (with a user
     * namespace of its own when the daemon is not root), then {@link #MOUNT}, then exec.
     */
    public List<String> mountThenExec(String path) throws IOException {
        return mountThenExec(path, uid() == 0);
    }

    /** {@code root}: the mount namespace alone; else a user namespace mapping the daemon's user to root first. */
    List<String> mountThenExec(String path, boolean root) throws IOException {
        Path unshare = Executables.find("unshare", path).or(() -> Executables.find("/usr/bin/unshare", null))
                .orElseThrow(() -> new IOException("unshare (util-linux) is not installed, so a writable run cannot get its"
                        + " private write layer; install util-linux, or set writable = false in [sandbox]"));
        List<String> a = new ArrayList<>(List.of(unshare.toRealPath().toString()));
        if (!root) a.addAll(List.of("--user", "--map-root-user"));
        a.addAll(List.of("--mount", "--propagation", "private", "/bin/sh", "-c", MOUNT, "sh", dir.toString(), workspace.toString()));
        return a;
    }

    /**
     * Bubblewrap's argv with the workspace's read-write bind taken from the merged view instead.
     * The bind is looked up rather than asked of BubblewrapArgv, which stays as it is; without it
     * the run would write to the shared workspace, so its absence refuses the run.
     */
    public List<String> bindInstead(List<String> bwrapArgv) throws IOException {
        List<String> a = new ArrayList<>(bwrapArgv);
        String ws = workspace.toString();
        for (int i = 0; i + 2 < a.size(); i++) {
            if (a.get(i).equals("--bind") && a.get(i + 1).equals(ws) && a.get(i + 2).equals(ws)) {
                a.set(i + 1, merged().toString());
                return a;
            }
        }
        throw new IOException("the sandbox has no read-write bind of " + ws + " to put the private write layer on");
    }

    /** The layer's folder and everything in it (the overlay's work folder is mode 000: opened first). */
    @Override
    public void close() {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a layer left behind is in the daemon's private folder; the next one has a new name
        }
    }

    /**
     * Layers of a daemon that is gone (it crashed mid-run): never published, removed. Their name
     * starts with the pid of the daemon that made them; a live daemon's layers are its runs'.
     */
    private static void sweep(Path root) {
        try (var d = Files.newDirectoryStream(root)) {
            for (Path layer : d) {
                String n = layer.getFileName().toString();
                int dash = n.indexOf('-');
                try {
                    long pid = Long.parseLong(n.substring(0, Math.max(dash, 0)));
                    if (ProcessHandle.of(pid).isEmpty()) new WriteLayer(layer, layer, layer, List.of()).close();
                } catch (NumberFormatException notALayer) {
                    // left alone
                }
            }
        } catch (IOException e) {
            // a sweep is tidiness, not safety: the folder is private either way
        }
    }

    private static boolean overlaps(Path a, Path workspace) {
        Path real = SandboxLauncher.realOrAsIs(a);
        return real.startsWith(workspace) || workspace.startsWith(real) || a.startsWith(workspace);
    }

    /** Made (0700) if missing; refused when someone else owns it or others may enter it. */
    private static Path privateDirectory(Path d) throws IOException {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(d.getParent());
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // checked below
            }
        }
        PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid()) {
            throw new IOException(d + " is not a folder of the daemon's user; a private write layer cannot live there");
        }
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        return d;
    }

    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
