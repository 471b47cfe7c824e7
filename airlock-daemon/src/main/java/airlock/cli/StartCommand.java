package airlock.cli;

import airlock.daemon.Daemon;
import airlock.daemon.Reloader;
import airlock.rules.ConfigError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "start", description = "Run the daemon in the foreground: one socket per profile.")
final class StartCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        Daemon daemon;
        try {
            daemon = Daemon.start(config.directory(), System.getenv(), System.err);
            daemon.reloader().reloadOnSighup();
            daemon.reloader().watch(Reloader.DEFAULT_DEBOUNCE);
        } catch (ConfigError e) {
            System.err.println("airlock: cannot start: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("airlock: cannot start: " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
