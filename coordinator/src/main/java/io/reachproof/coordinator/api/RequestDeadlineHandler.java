package io.reachproof.coordinator.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole-request deadline: from the first byte of a request, its head and body must be received within
 * {@code deadline}. When they are not, reading stops and {@link #EXCEEDED} travels up the pipeline (the
 * aggregator answers 408 and closes). Sits before the HTTP codec so a trickled head counts too; the
 * aggregator calls {@link #requestEnded()} when a request is complete.
 */
final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {

    /** The user event fired when a request missed its deadline. */
    static final Object EXCEEDED = new Object() {
        @Override
        public String toString() {
            return "RequestDeadlineExceeded";
        }
    };

    private final Duration deadline;
    private final long deadlineNanos;
    private ScheduledFuture<?> timer;
    private boolean expired;

    RequestDeadlineHandler(Duration deadline) {
        this.deadline = deadline;
        this.deadlineNanos = deadline.toNanos();
    }

    Duration deadline() {
        return deadline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (timer == null && !expired) {
            timer = ctx.executor().schedule(() -> expire(ctx), deadlineNanos, TimeUnit.NANOSECONDS);
        }
        super.channelRead(ctx, msg);
    }

    /** The request whose first byte started the clock is complete; the next read starts it anew. */
    void requestEnded() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        expired = true;
        ctx.channel().config().setAutoRead(false);
        ctx.fireUserEventTriggered(EXCEEDED);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        requestEnded();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        requestEnded();
    }
}
