package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.listen.https.ApiServer;
import airlock.daemon.listen.https.TlsIdentity;
import airlock.rules.Config;
import airlock.rules.ConfigError;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "info", header = "Print the API's URL and its certificate's SHA-256 fingerprint (for a client to pin).",
        description = {"The URL is the running daemon's (or [api] listen when none runs); the fingerprint is of the certificate",
                "the daemon serves: [api] cert, or the self-signed one it made in <config>/api/cert.pem."})
final class ApiInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "{\"url\": ..., \"fingerprint_sha256\": ...}")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        Config.ApiSettings api;
        try {
            api = dir.load().config().api();
        } catch (ConfigError e) {
            err.println("airlock: " + e.getMessage());
            return 1;
        }
        if (!api.enabled()) {
            err.println("airlock: the API is off: set [api] listen = \"127.0.0.1:8443\" in " + dir.configFile() + " (docs/api.md)");
            return 1;
        }
        String url;
        try {
            url = Files.readString(ApiCommand.dir(dir).resolve(ApiServer.ADDRESS_FILE), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            url = "https://" + api.authority(api.port());
        }
        String fingerprint;
        try {
            Path cert = resolve(dir, api.cert()).orElse(ApiCommand.dir(dir).resolve(TlsIdentity.CERT_FILE));
            if (!Files.exists(cert)) {
                err.println("airlock: no certificate yet (" + cert + "): the daemon makes it when it starts with [api] listen set ('airlock start')");
                return 1;
            }
            fingerprint = TlsIdentity.fingerprintOf(cert);
        } catch (GeneralSecurityException e) {
            err.println("airlock: the API's certificate cannot be read: " + e.getMessage());
            return 1;
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("url", url);
            o.put("fingerprint_sha256", fingerprint);
            out.println(o.toString());
        } else {
            out.println("url                " + url);
            out.println("fingerprint_sha256 " + fingerprint);
        }
        return 0;
    }

    static Optional<Path> resolve(ConfigDirectory dir, Optional<String> file) {
        return file.map(f -> dir.root().resolve(f.startsWith("~/") ? System.getProperty("user.home") + f.substring(1) : f));
    }
}
