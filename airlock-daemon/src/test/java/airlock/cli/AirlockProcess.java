package airlock.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs the airlock CLI in a JVM of its own, as the launchers do. */
public final class AirlockProcess {
    private AirlockProcess() {}

    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Airlock.JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Airlock.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
