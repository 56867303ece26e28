package io.reachproof.agent.probe;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/** An attempt on one channel and one event loop that settles exactly once. All fields are loop-confined. */
abstract class ChannelAttempt {

    protected final EventLoop loop;
    protected Channel channel;
    protected ScheduledFuture<?> deadline;
    private boolean settled;

    ChannelAttempt(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Settles the attempt: true the first time only. Cancels the deadline and closes the channel, never
     * inside the current read: Netty's epoll datagram read loop goes on reading a closed fd, which another
     * thread may already have reused for a new socket (it would steal that socket's data).
     */
    protected final boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (channel != null) {
            Channel ch = channel;
            loop.execute(ch::close);
        }
        return true;
    }

    protected final boolean settled() {
        return settled;
    }
}
