package airlock.daemon.console;

/**
 * Everything the console shows and changes, in five small parts so each can be swapped on its
 * own: the daemon wires today's real pieces (see {@link LiveBackend}), tests an in-memory double.
 * The console never keeps a copy of the policy; every call reads the daemon's live state.
 */
public record ConsoleBackend(Profiles profiles, Secrets secrets, Approvals approvals, Activity activity, Modules modules) {}
