package airlock.shim;

/**
 * The version of the build, written by Maven from the pom (resource filtering of
 * src/main/java-templates at generate-sources): a compile-time constant, so the native shim has
 * it without reading a resource. Never edit the generated copy; the pom is the one place.
 */
public final class BuildVersion {
    public static final String VERSION = "${project.version}";

    private BuildVersion() {}
}
