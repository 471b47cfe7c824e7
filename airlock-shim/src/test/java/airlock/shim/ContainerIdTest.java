package airlock.shim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hint from /proc/self/mountinfo, on lines copied from real Docker and Podman containers. */
class ContainerIdTest {
    static final String ID = "480da5c96e144432e3570f85b96e48323d72adc310f542decf6f8822a8cf43e7";

    @Test
    void dockerWithTheDefaultDataRoot() {
        String mountinfo = """
                600 580 0:52 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC
                612 600 254:1 /var/lib/docker/containers/%1$s/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw
                613 600 254:1 /var/lib/docker/containers/%1$s/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw
                614 600 254:1 /var/lib/docker/containers/%1$s/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw
                """.formatted(ID);
        assertThat(ContainerId.fromMountinfo(mountinfo)).isEqualTo(ID);
    }

    @Test
    void dockerWithAPrivateDataRootOnAnotherFileSystem() {
        String mountinfo = "91 72 254:0 /tmp/dprobe/data/containers/" + ID + "/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw\n";
        assertThat(ContainerId.fromMountinfo(mountinfo)).isEqualTo(ID);
    }

    @Test
    void podmanRootfulAndRootless() {
        String rootful = "1034 1020 0:44 /containers/storage/overlay-containers/" + ID
                + "/userdata/hostname /etc/hostname rw,nosuid,nodev - tmpfs tmpfs rw,size=1611852k,mode=755\n";
        String rootless = "700 690 0:30 /user/1000/containers/overlay-containers/" + ID
                + "/userdata/resolv.conf /etc/resolv.conf rw,nosuid,nodev,relatime - tmpfs tmpfs rw,size=809484k,mode=700,uid=1000,gid=1000\n";
        assertThat(ContainerId.fromMountinfo(rootful)).isEqualTo(ID);
        assertThat(ContainerId.fromMountinfo(rootless)).isEqualTo(ID);
    }

    @Test
    void aHostOrAnUnknownLayoutGivesNoHint() {
        String host = """
                22 27 0:21 / /proc rw,relatime - proc proc rw
                27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
                """;
        assertThat(ContainerId.fromMountinfo(host)).isEmpty();
        // a 64-hex directory elsewhere (an overlay layer) is not a container's hostname mount
        assertThat(ContainerId.fromMountinfo("1 2 0:1 /var/lib/docker/overlay2/" + ID + "/diff /x rw - ext4 /dev/vda rw\n")).isEmpty();
    }
}
