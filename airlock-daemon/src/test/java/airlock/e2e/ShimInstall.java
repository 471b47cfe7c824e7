package airlock.e2e;

import airlock.daemon.ShimRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The JVM shim as a container sees it: /opt/airlock/bin/airlock-shim (a launcher script running
 * the JDK under /usr/lib/jvm, which the sandbox mounts read-only with the rest of the host's /usr)
 * and one symlink per tool. The shim's classes are mounted at /opt/airlock/classes.
 */
final class ShimInstall {
    static final String IN_SANDBOX = "/opt/airlock";

    private ShimInstall() {}

    static Path write(Path dir, List<String> tools) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // no -Xrs: with it the JVM refuses Java handlers for INT, TERM and HUP too (and QUIT always)
        Files.writeString(bin.resolve("airlock-shim"), """
                #!/bin/sh
                exec %s -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -Xshare:auto -Dairlock.argv0="$0" \\
                    -cp %s/classes airlock.shim.Shim "$@"
                """.formatted(java, IN_SANDBOX));
        Files.setPosixFilePermissions(bin.resolve("airlock-shim"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String t : tools) Files.createSymbolicLink(bin.resolve(t), Path.of("airlock-shim"));
        // the mount point for the classes, made here because the sandbox mounts dir read-only
        if (Files.isDirectory(classes())) Files.createDirectories(dir.resolve("classes"));
        else Files.createFile(dir.resolve("classes"));
        return dir;
    }

    /** The shim's compiled classes (a directory in the reactor build, or the jar). */
    static Path classes() {
        return ShimRunner.shimClasses();
    }
}
