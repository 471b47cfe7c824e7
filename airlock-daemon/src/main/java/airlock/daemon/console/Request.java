package airlock.daemon.console;

/** One request that passed every check: right Host, a live session, and for a POST the Origin and CSRF token. */
record Request(String method, String path, Form query, Form form, ConsoleSessions.Session session) {
    boolean post() {
        return method.equals("POST");
    }
}
