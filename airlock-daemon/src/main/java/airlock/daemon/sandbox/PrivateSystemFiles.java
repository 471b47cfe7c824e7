package airlock.daemon.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files of the system's configuration that not every user may read: /etc/shadow, the ssh
 * host keys, /etc/ssl/private, a database's pg_hba.conf. The sandbox binds /etc for what tools
 * need (resolv.conf, certificates, passwd), but a daemon that runs as root would otherwise hand
 * its sandboxed script every one of them: root owns them, and dropping capabilities does not
 * stop an owner from reading its own files. So inside a sandbox /etc shows only what any user of
 * the host may read: a file others cannot read is replaced by an empty one, a folder others
 * cannot enter by an empty folder.
 */
final class PrivateSystemFiles {
    private PrivateSystemFiles() {}

    /** bubblewrap arguments that cover each such path under {@code root} (bound read-only before them). */
    static List<String> covers(Path root) throws IOException {
        List<String> a = new ArrayList<>();
        if (!Files.isDirectory(root)) return a;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(root) || everyone(dir, PosixFilePermission.OTHERS_EXECUTE)) return FileVisitResult.CONTINUE;
                a.addAll(List.of("--tmpfs", dir.toString()));
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // a symlink is judged where it points (its target is bound, or absent, on its own)
                if (!attrs.isSymbolicLink() && !everyone(file, PosixFilePermission.OTHERS_READ)) {
                    a.addAll(List.of("--ro-bind", "/dev/null", file.toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // unreadable to the daemon itself: nothing of it can reach the sandbox either
                return FileVisitResult.CONTINUE;
            }
        });
        return a;
    }

    private static boolean everyone(Path p, PosixFilePermission needed) throws IOException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.readAttributes(p, PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).permissions();
        } catch (java.nio.file.NoSuchFileException e) {
            return true; // removed during the walk (a lock file): nothing left to cover, and no reason to refuse the run
        }
        return mode.contains(needed);
    }
}
