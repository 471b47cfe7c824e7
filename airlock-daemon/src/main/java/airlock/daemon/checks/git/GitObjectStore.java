package airlock.daemon.checks.git;

import airlock.daemon.core.PathMapper;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The repository's own files must be the workspace's. Two ways the agent can make git read a host
 * folder while the git directory itself sits in the mount:
 * <ul>
 * <li>{@code objects/info/alternates} names other object stores; {@code git cat-file
 *     --batch-all-objects --batch} then prints every object of, say, a private repository in the
 *     user's home. Git follows alternates of alternates (5 deep), so they are read the same way.
 * <li>a symlink in the git directory ({@code objects}, {@code refs}, {@code config}, a pack, ...)
 *     pointing at a host folder or file.
 * </ul>
 * Each must resolve inside the profile's mounts, else the request is refused naming the file.
 */
final class GitObjectStore {
    /** Git's own limit for chained alternates. */
    private static final int ALTERNATE_DEPTH = 5;
    /** Nested refs (refs/remotes/origin/feature/x) and module git dirs; loose objects are not walked. */
    private static final int WALK_DEPTH = 12;
    private static final int MAX_ENTRIES = 20_000;

    private GitObjectStore() {}

    static Optional<Decision> check(Path commonDir, PathMapper mounts) throws IOException {
        Optional<Decision> links = symlinks(commonDir, mounts);
        if (links.isPresent()) return links;
        return alternates(commonDir.resolve("objects"), mounts);
    }

    private static Optional<Decision> symlinks(Path gitDir, PathMapper mounts) throws IOException {
        if (!Files.isDirectory(gitDir, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        List<Path> links = new ArrayList<>();
        Files.walkFileTree(gitDir, Set.of(), WALK_DEPTH, new SimpleFileVisitor<>() {
            private int seen;

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return isLooseObjectDir(gitDir, dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink()) links.add(file);
                return ++seen < MAX_ENTRIES ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path link : links) {
            if (mounts.confine(link.toString(), gitDir).isEmpty()) {
                return Optional.of(Decision.deny(Layer.MOUNTS, null, "the repository's " + gitDir.relativize(link)
                        + " is a symlink to " + Files.readSymbolicLink(link) + ", outside the profile's [mounts]"));
            }
        }
        return Optional.empty();
    }

    /** objects/ab: loose objects git wrote itself, thousands of them; a symlinked one is only noise to git. */
    private static boolean isLooseObjectDir(Path gitDir, Path p) {
        Path rel = gitDir.relativize(p);
        return rel.getNameCount() == 2 && rel.getName(0).toString().equals("objects")
                && rel.getName(1).toString().matches("[0-9a-f]{2}");
    }

    private static Optional<Decision> alternates(Path objects, PathMapper mounts) throws IOException {
        Deque<Path> stores = new ArrayDeque<>(List.of(objects));
        Set<Path> seen = new HashSet<>();
        for (int depth = 0; depth <= ALTERNATE_DEPTH && !stores.isEmpty(); depth++) {
            Deque<Path> next = new ArrayDeque<>();
            for (Path store : stores) {
                if (!seen.add(store)) continue;
                Path file = store.resolve("info/alternates");
                if (!Files.isRegularFile(file)) continue;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String entry = line.strip();
                    if (entry.isEmpty() || entry.startsWith("#")) continue;
                    if (entry.startsWith("\"")) {
                        return Optional.of(refuse(file, entry, "a quoted entry (airlock does not read git's C quoting)"));
                    }
                    Optional<Path> host = mounts.confine(entry, store);
                    if (host.isEmpty()) return Optional.of(refuse(file, entry, "outside the profile's [mounts]"));
                    next.add(host.get());
                }
            }
            stores = next;
        }
        return Optional.empty();
    }

    private static Decision refuse(Path file, String entry, String why) {
        return Decision.deny(Layer.MOUNTS, null, "the repository's object store borrows objects from " + entry
                + " (" + file + "): " + why);
    }
}
