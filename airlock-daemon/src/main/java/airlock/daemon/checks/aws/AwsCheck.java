package airlock.daemon.checks.aws;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.HostPaths;
import airlock.daemon.checks.ToolCheck;

import java.util.ArrayList;
import java.util.List;

/**
 * aws's {@code file://} and {@code fileb://} parameter values upload a host file
 * ({@code --body file:///home/me/.aws/credentials}); any value with a slash that is not a URL is
 * treated as a path too. Each must resolve inside the profile's mounts.
 */
public final class AwsCheck implements ToolCheck {
    private final String home = System.getProperty("user.home");
    private final String user = System.getProperty("user.name");

    @Override
    public String name() { return "aws"; }

    @Override
    public Checked check(CheckInput in) {
        return Checked.of(HostPaths.insideMounts("aws", candidates(in.args()), in));
    }

    List<String> candidates(List<String> args) {
        List<String> out = new ArrayList<>();
        boolean dashDash = false;
        for (String a : args) {
            if (!dashDash && a.equals("--")) { dashDash = true; continue; }
            String value = !dashDash && a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            String local = expanded(value.startsWith("file://") ? value.substring(7)
                    : value.startsWith("fileb://") ? value.substring(8) : value);
            // relative ones resolve inside the mounts and pass (an ARN or an S3 key too);
            // x/../../etc/passwd does not
            if (local.contains("/") && !local.contains("://")) out.add(local);
        }
        return out;
    }

    /**
     * A path as aws opens it: its parameter files go through Python's expanduser and expandvars
     * ({@code file://$HOME/.aws/credentials}, {@code fileb://~/.ssh/id_rsa}). The tool's HOME and
     * USER are the daemon's; other variables are left as written, as expandvars leaves unknown ones.
     */
    private String expanded(String path) {
        String p = path.replace("${HOME}", home).replace("$HOME", home)
                .replace("${USER}", user).replace("$USER", user);
        return p.startsWith("~") ? home + p.substring(1) : p;
    }
}
