package io.reachproof.coordinator.telemetry;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP/gRPC receiver on loopback: HTTP/2 cleartext (prior knowledge, as a collector's 4317 port
 * speaks), gRPC length-prefixed protobuf messages, {@code grpc-status: 0} trailers.
 */
final class OtlpGrpcReceiver implements AutoCloseable {

    static final String TRACES = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    static final String METRICS = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
    final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;

    OtlpGrpcReceiver() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new ExportHandler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    String endpoint() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class ExportHandler extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final Map<Http2FrameStream, String> paths = new HashMap<>();
        private final Map<Http2FrameStream, ByteArrayOutputStream> bodies = new HashMap<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) throws IOException {
            Http2FrameStream stream = frame.stream();
            if (frame instanceof Http2HeadersFrame headers) {
                paths.put(stream, headers.headers().path().toString());
                bodies.put(stream, new ByteArrayOutputStream());
                if (headers.isEndStream()) {
                    answer(ctx, stream);
                }
            } else if (frame instanceof Http2DataFrame data) {
                ByteBuf content = data.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                bodies.get(stream).write(bytes);
                // return the flow-control window, or a request over 64 KiB stalls
                ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes()).stream(stream));
                if (data.isEndStream()) {
                    answer(ctx, stream);
                } else {
                    ctx.flush();
                }
            }
        }

        private void answer(ChannelHandlerContext ctx, Http2FrameStream stream) throws IOException {
            String path = paths.remove(stream);
            byte[] body = bodies.remove(stream).toByteArray();
            byte[] message = Arrays.copyOfRange(body, 5, body.length); // 1 flag + 4 length bytes
            byte[] response;
            if (TRACES.equals(path)) {
                traces.add(ExportTraceServiceRequest.parseFrom(message));
                response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            } else if (METRICS.equals(path)) {
                metrics.add(ExportMetricsServiceRequest.parseFrom(message));
                response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            } else {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .set("content-type", "application/grpc").set("grpc-status", "12"), true).stream(stream));
                return;
            }
            ByteBuf framed = Unpooled.buffer(5 + response.length).writeByte(0).writeInt(response.length)
                    .writeBytes(response);
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "application/grpc")).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(framed).stream(stream));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true)
                    .stream(stream));
        }
    }
}
