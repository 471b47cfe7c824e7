package airlock.daemon.audit;

/**
 * The audit log cannot be written. Not an IOException on purpose: a broken caller connection
 * and a broken audit log need different answers (the second refuses every request).
 */
public final class AuditLogException extends Exception {
    public AuditLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
