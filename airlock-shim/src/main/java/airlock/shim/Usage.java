package airlock.shim;

import java.util.List;

/** What {@code airlock-shim} says when run under its own name. */
final class Usage {
    private Usage() {}

    static int print(List<String> args) {
        if (args.contains("--version")) {
            System.out.println("airlock-shim " + Shim.VERSION);
            return 0;
        }
        boolean asked = args.isEmpty() || args.contains("--help") || args.contains("-h");
        // asked for: stdout, status 0; a wrong argument: the same text on stderr, status 2
        (asked ? System.out : System.err).print("""
                airlock-shim %s: runs a command on the host through the airlock daemon.

                Link it under the name of each tool the agent may use, then call the tool as usual:
                  ln -s /usr/local/bin/airlock-shim /usr/local/bin/git
                  git status        # runs on the host, with the host's credentials

                The daemon's socket is $AIRLOCK_SOCKET, else /run/docker-airlock.sock, e.g.
                  docker run -v ~/.config/airlock/sockets/default.sock:/run/docker-airlock.sock ...

                Invoked as 'airlock' (ln -s airlock-shim airlock) it asks the daemon about itself:
                  airlock skill                 what this profile may do, as a SKILL.md
                  airlock whoami                profile, state, expiry, commands
                  airlock secrets               secret names this profile may use (set or empty)
                  airlock secrets request NAME --description TEXT
                                                ask a person on the host for a secret
                  airlock runs                  this profile's paused runs (a script's llm.complete)
                  airlock respond RUN_ID < answer.txt
                                                answer a paused run, then follow it (exit 75: it paused again)
                  airlock attach RUN_ID         follow a run whose pause timed out

                A locked profile needs its key: $AIRLOCK_KEY, else the file /run/airlock/key.

                Exit statuses of its own: 75 the run paused for an answer, 125 cannot reach the
                daemon, 126 refused by policy, 127 unknown command. Its own messages start with "airlock:".
                """.formatted(Shim.VERSION));
        return asked ? 0 : 2;
    }
}
