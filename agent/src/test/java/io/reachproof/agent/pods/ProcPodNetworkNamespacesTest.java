package io.reachproof.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which {@code /proc/PID/cgroup} lines put a process in pod {@code 8c1f5a3e-2b4d-4f6a-9e0c-1d2b3c4d5e6f}. */
class ProcPodNetworkNamespacesTest {

    private static final String UID = "8c1f5a3e-2b4d-4f6a-9e0c-1d2b3c4d5e6f";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cgroup v2, systemd driver|0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8c1f5a3e_2b4d_4f6a_9e0c_1d2b3c4d5e6f.slice/cri-containerd-0a1b.scope|true",
        "cgroup v2, systemd driver, guaranteed|0::/kubepods.slice/kubepods-pod8c1f5a3e_2b4d_4f6a_9e0c_1d2b3c4d5e6f.slice/crio-0a1b.scope|true",
        "cgroup v1, cgroupfs driver|4:memory:/kubepods/besteffort/pod8c1f5a3e-2b4d-4f6a-9e0c-1d2b3c4d5e6f/0a1b2c|true",
        "cgroup v1, cgroupfs driver, guaranteed|7:pids:/kubepods/pod8c1f5a3e-2b4d-4f6a-9e0c-1d2b3c4d5e6f/0a1b2c|true",
        "another pod|0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod9d1f5a3e_2b4d_4f6a_9e0c_1d2b3c4d5e6f.slice/x.scope|false",
        "a uid that only starts the same|4:memory:/kubepods/besteffort/pod8c1f5a3e-2b4d-4f6a-9e0c-1d2b3c4d5e6f0/0a1b2c|false",
        "not a pod|0::/system.slice/kubelet.service|false",
    })
    void aProcessBelongsToThePodOnlyByItsUidInAKubeletCgroup(String what, String line, boolean belongs) {
        assertThat(ProcPodNetworkNamespaces.belongs(line, "pod" + UID, "pod" + UID.replace('-', '_') + ".slice"))
                .isEqualTo(belongs);
    }
}
