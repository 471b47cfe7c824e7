package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.hooks.HookFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hook programs run with the user's credentials on every request, so whoever can replace one owns
 * every credential airlock guards. Each must be a regular file (not a symlink someone can
 * re-point), executable, owned by the user and writable by nobody else; so must its folder.
 */
final class HookPermissions {
    private HookPermissions() {}

    /** The hook files present, where the daemon looks for them ({@link HookFiles}): global and per profile. */
    static List<Path> present(ConfigDirectory dir, List<String> profiles) {
        List<Path> candidates = new ArrayList<>();
        for (HookFiles.Stage stage : HookFiles.Stage.values()) {
            candidates.add(HookFiles.global(dir.root(), stage));
            for (String p : profiles) candidates.add(HookFiles.ofProfile(dir.root(), p, stage));
        }
        return candidates.stream().filter(h -> Files.exists(h, LinkOption.NOFOLLOW_LINKS)).toList();
    }

    static List<Finding> check(ConfigDirectory dir, List<String> profiles, int uid) throws IOException {
        List<Finding> out = new ArrayList<>();
        for (Path hook : present(dir, profiles)) {
            if (Files.isSymbolicLink(hook)) {
                out.add(Finding.problem(hook, "is a symlink; a hook must be a regular file (a link can be re-pointed)"));
                continue;
            }
            if (!Files.isRegularFile(hook, LinkOption.NOFOLLOW_LINKS)) {
                out.add(Finding.problem(hook, "is not a regular file"));
                continue;
            }
            PosixFileAttributes a = Files.readAttributes(hook, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = a.permissions();
            if (!perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                out.add(Finding.problem(hook, "is not executable, so every request is refused (chmod u+x " + hook + ")"));
            }
            loose(hook, perms).ifPresent(out::add);
            owner(hook, uid).ifPresent(out::add);
            Path parent = hook.getParent();
            loose(parent, Files.getPosixFilePermissions(parent, LinkOption.NOFOLLOW_LINKS)).ifPresent(out::add);
            owner(parent, uid).ifPresent(out::add);
        }
        return out.stream().distinct().toList();
    }

    static Optional<Finding> loose(Path p, Set<PosixFilePermission> perms) {
        boolean others = perms.contains(PosixFilePermission.OTHERS_WRITE);
        if (!others && !perms.contains(PosixFilePermission.GROUP_WRITE)) return Optional.empty();
        return Optional.of(Finding.problem(p, "is writable by " + (others ? "others" : "its group")
                + ": they could run code with your credentials (chmod go-w " + p + ")"));
    }

    static Optional<Finding> owner(Path p, int uid) throws IOException {
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner == uid) return Optional.empty();
        return Optional.of(Finding.problem(p, "is owned by uid " + owner + ", not by you (uid " + uid + ")"));
    }

    /** The uid this process runs as. */
    static int currentUid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
