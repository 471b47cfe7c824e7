package airlock.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the airlock CLI through picocli with captured out/err, on a fake home under a temp folder. */
final class Cli {
    record Result(int exit, String out, String err) {
        String all() { return out + err; }
    }

    final Path home;
    final Path config;
    final Map<String, String> env = new HashMap<>();
    String os = "Linux";
    /** What the next command reads on stdin. */
    byte[] stdin = new byte[0];

    Cli(Path tmp) throws IOException {
        this.home = Files.createDirectories(tmp.resolve("home"));
        this.config = home.resolve(".config/airlock");
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv("PATH"));
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("DOCKER_HOST", "unix://" + tmp.resolve("no-docker.sock"));
    }

    Host host() {
        return new Host(env, os, home, home, new java.io.ByteArrayInputStream(stdin), false);
    }

    /** {@code airlock VERB --config <config> ARGS...}. */
    Result run(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb.split(" ")));
        all.add("--config");
        all.add(config.toString());
        all.addAll(List.of(args));
        return raw(all.toArray(String[]::new));
    }

    /** Exactly these arguments. */
    Result raw(String... args) {
        CommandLine cl = Airlock.commandLine(host());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** A config directory written the way airlock init would, with a workspace folder. */
    Path initialized() throws IOException {
        Result r = run("init", "--no-service", "--workspace", home.resolve("ws").toString());
        if (r.exit() != 0) throw new IllegalStateException(r.toString());
        return config;
    }

    Path write(String relative, String text) throws IOException {
        Path p = config.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }
}
