package airlock.daemon.vault;

import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.AuditLogException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** What the daemon does with the vault when it starts (and, for the journal, at each reload). */
public final class VaultStartup {
    private VaultStartup() {}

    /**
     * Refuses a vault others could read or change: the daemon must not start on it, and says why.
     * A vault that does not exist yet is fine.
     */
    public static void requireSafe(Path vaultDir) throws IOException {
        List<String> problems = new VaultFiles(vaultDir).problems(VaultFiles.currentUid());
        if (!problems.isEmpty()) {
            throw new IOException("the vault is not private: " + String.join("; ", problems));
        }
    }

    /**
     * Removes files left by runs of a daemon that died, brings the vault's manifest up to date
     * ({@link Vault#settle}), and copies the vault's changes into the audit log.
     */
    public static void afterStart(Path vaultDir, AuditLog audit, PrintStream log) {
        VaultFiles files = new VaultFiles(vaultDir);
        try {
            int swept = RunSecrets.sweep(files);
            if (swept > 0) log.println("airlock: removed " + swept + " secret file folder(s) left by runs of a previous daemon");
        } catch (IOException e) {
            log.println("airlock: cannot clean " + files.runsDir() + ": " + e.getMessage());
        }
        try {
            // binds a vault from before the manifest, and finishes a change a crash interrupted
            Vault.at(vaultDir).settle();
        } catch (IOException | VaultException e) {
            log.println(e.getMessage().startsWith("airlock:") ? e.getMessage() : "airlock: vault: " + e.getMessage());
        }
        copyJournal(vaultDir, audit, log);
    }

    /** Secret changes made by {@code airlock secret ...} since the last copy, into the audit log. */
    public static void copyJournal(Path vaultDir, AuditLog audit, PrintStream log) {
        try {
            new VaultJournal(new VaultFiles(vaultDir)).copyInto(audit);
        } catch (IOException | AuditLogException e) {
            log.println("airlock: cannot copy the vault's change journal into the audit log: " + e.getMessage());
        }
    }
}
