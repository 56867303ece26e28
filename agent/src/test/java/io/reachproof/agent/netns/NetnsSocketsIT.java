package io.reachproof.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.reachproof.agent.ManualClock;
import io.reachproof.agent.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The threads {@link NetnsSockets} keeps inside namespaces, on real named namespaces: one per namespace while it
 * is used, closed when it is idle, when its namespace is gone, or when another namespace took its place behind the
 * same path (a restarted pod).
 */
class NetnsSocketsIT {

    private final ManualClock clock = new ManualClock();
    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final List<String> made = new ArrayList<>();
    private NetnsSockets sockets;

    @BeforeEach
    void setUp() {
        NetnsTarget.assumeAvailable();
        sockets = new NetnsSockets(clock, Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        if (sockets != null) {
            sockets.close();
        }
        for (String ns : made) {
            try {
                NetnsTarget.run(null, "ip", "netns", "delete", ns);
            } catch (RuntimeException e) {
                // deleted by the test
            }
        }
    }

    private NetnsRef namespace(String name) throws NetnsUnavailable {
        String ns = "rp-sock-" + tag + "-" + name;
        NetnsTarget.run(null, "ip", "netns", "add", ns);
        made.add(ns);
        return NamedNetns.resolve(ns);
    }

    private void use(NetnsRef namespace) throws NetnsUnavailable {
        Channel made = sockets.stream(namespace, Transport.detect()).newChannel();
        made.unsafe().closeForcibly();
    }

    @Test
    void aNamespaceReplacedBehindTheSamePathGetsANewThreadAndTheOldOneIsClosed() throws Exception {
        NetnsRef first = namespace("pod");
        use(first);
        assertThat(sockets.entered()).isEqualTo(1);

        NetnsTarget.run(null, "ip", "netns", "delete", "rp-sock-" + tag + "-pod");
        NetnsRef second = namespace("pod");
        assertThat(second.inode()).as("a new namespace").isNotEqualTo(first.inode());
        clock.advance(NetnsSockets.SWEEP_EVERY);
        use(second);

        assertThat(sockets.entered()).as("only the new namespace's thread").isEqualTo(1);
    }

    @Test
    void aNamespaceThatIsGoneOrIdleHasItsThreadClosedAtTheNextLookOver() throws Exception {
        NetnsRef gone = namespace("gone");
        NetnsRef idle = namespace("idle");
        NetnsRef busy = namespace("busy");
        use(gone);
        use(idle);
        use(busy);
        assertThat(sockets.entered()).isEqualTo(3);

        NetnsTarget.run(null, "ip", "netns", "delete", "rp-sock-" + tag + "-gone");
        clock.advance(Duration.ofMinutes(6));
        use(busy);
        assertThat(sockets.entered()).as("the deleted namespace's thread closed").isEqualTo(2);
        clock.advance(Duration.ofMinutes(6));
        use(busy);

        assertThat(sockets.entered()).as("idle for 12 minutes: closed; busy kept").isEqualTo(1);
    }
}
