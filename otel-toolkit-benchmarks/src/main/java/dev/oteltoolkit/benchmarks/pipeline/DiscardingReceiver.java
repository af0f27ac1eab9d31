package dev.oteltoolkit.benchmarks.pipeline;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An OTLP endpoint that reads every request and throws its bytes away, for the export ceiling
 * ({@link ExportCeiling}): it runs in its own JVM (so its CPU is not the producer's) and does the
 * least a receiver can: the bytes are read into a reused buffer and the spans counted by skipping
 * over the length-delimited fields of {@code ExportTraceServiceRequest} → {@code ResourceSpans} →
 * {@code ScopeSpans} → {@code spans}, without decoding a span. The count makes "0 dropped"
 * checkable: produced − received.
 *
 * <p>OTLP/HTTP: a blocking HTTP/1.1 server (a thread per connection, keep-alive, {@code
 * Content-Length} or chunked bodies) answering {@code 200} with an empty protobuf body to every
 * {@code POST}. OTLP/gRPC: grpc-netty with byte-level marshallers for the trace, metrics and logs
 * {@code Export} methods, answering an empty response.
 *
 * <p>Arguments: {@code --transport grpc|http/protobuf}. It prints {@code READY <port>}, then
 * answers each line {@code COUNT} on its standard input with {@code COUNT <spans> <requests>
 * <bytes>}; it exits when its standard input closes.
 */
public final class DiscardingReceiver {

  private final LongAdder spans = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private volatile int port;

  DiscardingReceiver() {}

  /**
   * Runs the receiver until standard input closes.
   *
   * @param args {@code --transport grpc|http/protobuf}
   * @throws Exception when it cannot listen
   */
  public static void main(String[] args) throws Exception {
    PipelineEnvironment.serverDefaults();
    PipelineEnvironment.quietLogback();
    if (args.length != 2 || !args[0].equals("--transport")) {
      throw new IllegalArgumentException(
          "usage: DiscardingReceiver --transport grpc|http/protobuf");
    }
    DiscardingReceiver receiver = new DiscardingReceiver();
    AutoCloseable server = receiver.start(args[1]);
    System.out.println("READY " + receiver.port);
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().equals("COUNT")) {
        System.out.println(
            "COUNT "
                + receiver.spans.sum()
                + " "
                + receiver.requests.sum()
                + " "
                + receiver.bytes.sum());
        System.out.flush();
      }
    }
    server.close();
    System.exit(0);
  }

  /**
   * Starts listening on a free loopback port.
   *
   * @param transport {@code grpc} or {@code http/protobuf}
   * @return what stops it
   */
  AutoCloseable start(String transport) throws IOException {
    return switch (transport) {
      case "grpc" -> grpc();
      case "http/protobuf", "http" -> http();
      default -> throw new IllegalArgumentException("--transport " + transport);
    };
  }

  /** The OTLP base URL. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Spans counted so far. */
  long spans() {
    return spans.sum();
  }

  /** Counts the spans of one serialized {@code ExportTraceServiceRequest}. */
  static long countSpans(byte[] buffer, int length) {
    long count = 0;
    int[] position = {0};
    while (position[0] < length) {
      int tag = (int) varint(buffer, position);
      int size = lengthOf(tag, buffer, position);
      int end = position[0] + size;
      if ((tag >>> 3) == 1 && (tag & 7) == 2) { // resource_spans
        while (position[0] < end) {
          int rsTag = (int) varint(buffer, position);
          int rsSize = lengthOf(rsTag, buffer, position);
          int rsEnd = position[0] + rsSize;
          if ((rsTag >>> 3) == 2 && (rsTag & 7) == 2) { // scope_spans
            while (position[0] < rsEnd) {
              int ssTag = (int) varint(buffer, position);
              int ssSize = lengthOf(ssTag, buffer, position);
              if ((ssTag >>> 3) == 2 && (ssTag & 7) == 2) { // spans
                count++;
              }
              position[0] += ssSize;
            }
          }
          position[0] = rsEnd;
        }
      }
      position[0] = end;
    }
    return count;
  }

  /** The size of the field after {@code tag} (skipping varints and fixed-size values). */
  private static int lengthOf(int tag, byte[] buffer, int[] position) {
    switch (tag & 7) {
      case 0 -> {
        varint(buffer, position);
        return 0;
      }
      case 1 -> {
        return 8;
      }
      case 2 -> {
        return (int) varint(buffer, position);
      }
      case 5 -> {
        return 4;
      }
      default -> throw new IllegalArgumentException("wire type " + (tag & 7));
    }
  }

  private static long varint(byte[] buffer, int[] position) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buffer[position[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("malformed varint");
  }

  // ---- OTLP/gRPC ----

  private AutoCloseable grpc() throws IOException {
    ServerServiceDefinition.Builder traces =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService");
    traces.addMethod(
        method("opentelemetry.proto.collector.trace.v1.TraceService", true),
        ServerCalls.asyncUnaryCall(
            (request, response) -> {
              response.onNext(EMPTY);
              response.onCompleted();
            }));
    ServerServiceDefinition.Builder metrics =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.metrics.v1.MetricsService");
    metrics.addMethod(
        method("opentelemetry.proto.collector.metrics.v1.MetricsService", false),
        ServerCalls.asyncUnaryCall(
            (request, response) -> {
              response.onNext(EMPTY);
              response.onCompleted();
            }));
    ServerServiceDefinition.Builder logs =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.logs.v1.LogsService");
    logs.addMethod(
        method("opentelemetry.proto.collector.logs.v1.LogsService", false),
        ServerCalls.asyncUnaryCall(
            (request, response) -> {
              response.onNext(EMPTY);
              response.onCompleted();
            }));
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(traces.build())
            .addService(metrics.build())
            .addService(logs.build())
            .build()
            .start();
    port = server.getPort();
    return () -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static final byte[] EMPTY = new byte[0];

  private MethodDescriptor<byte[], byte[]> method(String service, boolean countSpans) {
    MethodDescriptor.Marshaller<byte[]> response =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            return EMPTY;
          }
        };
    MethodDescriptor.Marshaller<byte[]> request =
        new MethodDescriptor.Marshaller<>() {
          private final ThreadLocal<byte[]> buffers =
              ThreadLocal.withInitial(() -> new byte[1 << 16]);

          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              byte[] buffer = buffers.get();
              int length = 0;
              int n;
              while ((n = stream.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
                if (length == buffer.length) {
                  buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                  buffers.set(buffer);
                }
              }
              requests.increment();
              bytes.add(length);
              if (countSpans) {
                spans.add(countSpans(buffer, length));
              }
              return EMPTY;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    return MethodDescriptor.newBuilder(request, response)
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Export"))
        .build();
  }

  // ---- OTLP/HTTP ----

  private AutoCloseable http() throws IOException {
    ServerSocket socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket connection = socket.accept();
                  connection.setTcpNoDelay(true);
                  Thread handler = new Thread(() -> serve(connection), "discarding-http");
                  handler.setDaemon(true);
                  handler.start();
                } catch (IOException e) {
                  return; // closed
                }
              }
            },
            "discarding-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    port = socket.getLocalPort();
    return socket;
  }

  private static final byte[] OK =
      ("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private void serve(Socket connection) {
    byte[] buffer = new byte[1 << 16];
    try (connection;
        InputStream in = new java.io.BufferedInputStream(connection.getInputStream(), 1 << 16);
        OutputStream out = connection.getOutputStream()) {
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) {
          return;
        }
        long contentLength = -1;
        boolean chunked = false;
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            contentLength = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          }
        }
        if (header == null) {
          return;
        }
        int length = 0;
        if (chunked) {
          while (true) {
            String sizeLine = line(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
              while (!line(in).isEmpty()) {
                // trailers
              }
              break;
            }
            buffer = ensure(buffer, length + size);
            readFully(in, buffer, length, size);
            length += size;
            line(in);
          }
        } else if (contentLength > 0) {
          buffer = ensure(buffer, (int) contentLength);
          readFully(in, buffer, 0, (int) contentLength);
          length = (int) contentLength;
        }
        requests.increment();
        bytes.add(length);
        if (requestLine.contains("/v1/traces")) {
          spans.add(countSpans(buffer, length));
        }
        out.write(OK);
        out.flush();
      }
    } catch (IOException e) {
      // the client closed the connection
    }
  }

  private static byte[] ensure(byte[] buffer, int size) {
    return size <= buffer.length
        ? buffer
        : java.util.Arrays.copyOf(buffer, Math.max(size, buffer.length * 2));
  }

  private static void readFully(InputStream in, byte[] buffer, int offset, int size)
      throws IOException {
    int read = 0;
    while (read < size) {
      int n = in.read(buffer, offset + read, size - read);
      if (n < 0) {
        throw new EOFException();
      }
      read += n;
    }
  }

  /** One CRLF-terminated line, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }
}
