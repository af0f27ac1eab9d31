package dev.oteltoolkit.messaging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.oteltoolkit.api.instrumentation.SemconvOptIn;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP names dashboards built before the stable HTTP conventions query ({@code http.method},
 * {@code http.status_code}, {@code http.url}, {@code http.target}, {@code net.peer.name}, ...), for
 * the official JDK {@code HttpClient} and {@code HttpServer} instrumentations, recorded when {@code
 * OTEL_SEMCONV_STABILITY_OPT_IN} (system property {@code otel.semconv-stability.opt-in}) holds
 * {@code http/dup}:
 *
 * <pre>{@code
 * HttpClient client = JavaHttpClientTelemetry.builder(openTelemetry)
 *     .addAttributesExtractor(HttpOldNames.client(openTelemetry))
 *     .build()
 *     .newHttpClient(HttpClient.newHttpClient());
 * JavaHttpServerTelemetry.builder(openTelemetry)
 *     .addAttributesExtractor(HttpOldNames.server(openTelemetry))
 *     .build()
 *     .configure(context);
 * }</pre>
 *
 * <p>OpenTelemetry's Java instrumentations 2.x dropped the old HTTP names and no longer read {@code
 * http} or {@code http/dup}; their 1.x releases, which the older dashboards were built on, recorded
 * with {@code http/dup} the old span attributes beside the stable ones and the old duration
 * histograms ({@code http.client.duration}, {@code http.server.duration}, in milliseconds) beside
 * the stable ones. These extractors bring that back on top of the 2.x instrumentations: the stable
 * names stay as they are. Without {@code http/dup} (read when the extractor is created) they record
 * nothing. docs/CONFIGURATION.md has the table of names.
 */
public final class HttpOldNames {

  // semantic conventions 1.20 (the last before the stable HTTP names); HttpOldNamesTest compares
  // each with the deprecated constant of opentelemetry-semconv-incubating 1.44.0-alpha
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.method");
  static final AttributeKey<Long> HTTP_STATUS_CODE = AttributeKey.longKey("http.status_code");
  static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
  static final AttributeKey<String> HTTP_TARGET = AttributeKey.stringKey("http.target");
  static final AttributeKey<String> HTTP_SCHEME = AttributeKey.stringKey("http.scheme");
  static final AttributeKey<String> HTTP_USER_AGENT = AttributeKey.stringKey("http.user_agent");
  static final AttributeKey<String> NET_PEER_NAME = AttributeKey.stringKey("net.peer.name");
  static final AttributeKey<Long> NET_PEER_PORT = AttributeKey.longKey("net.peer.port");
  static final AttributeKey<String> NET_HOST_NAME = AttributeKey.stringKey("net.host.name");
  static final AttributeKey<Long> NET_HOST_PORT = AttributeKey.longKey("net.host.port");

  /** The old client duration histogram, in milliseconds. */
  static final String CLIENT_DURATION = "http.client.duration";

  /** The old server duration histogram, in milliseconds. */
  static final String SERVER_DURATION = "http.server.duration";

  /** The bucket boundaries the 1.x instrumentations advised for the old histograms, in ms. */
  static final List<Double> DURATION_BUCKETS_MS =
      Arrays.asList(
          0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0,
          7500.0, 10000.0);

  /** Requests whose start time is kept at once, at most; past it, durations are not recorded. */
  static final int MAX_IN_FLIGHT = 10_000;

  private static final double NANOS_PER_MILLI = 1_000_000.0;

  private HttpOldNames() {}

  /**
   * The extractor for {@code JavaHttpClientTelemetryBuilder.addAttributesExtractor}: with {@code
   * http/dup}, client spans also carry {@code http.method}, {@code http.url}, {@code
   * net.peer.name}, {@code net.peer.port} and {@code http.status_code}, and {@code
   * http.client.duration} (ms) is recorded; otherwise it does nothing.
   *
   * @param openTelemetry where the old duration histogram is recorded
   * @return the extractor
   */
  public static AttributesExtractor<HttpRequest, HttpResponse<?>> client(
      OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    if (!dup()) {
      return new Disabled<>();
    }
    return new Client(histogram(openTelemetry, CLIENT_DURATION, "outbound"));
  }

  /**
   * The extractor for {@code JavaHttpServerTelemetryBuilder.addAttributesExtractor}: with {@code
   * http/dup}, server spans also carry {@code http.method}, {@code http.scheme}, {@code
   * http.target}, {@code net.host.name}, {@code net.host.port}, {@code http.user_agent} and {@code
   * http.status_code}, and {@code http.server.duration} (ms) is recorded; otherwise it does
   * nothing.
   *
   * @param openTelemetry where the old duration histogram is recorded
   * @return the extractor
   */
  public static AttributesExtractor<HttpExchange, HttpExchange> server(
      OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    if (!dup()) {
      return new Disabled<>();
    }
    return new Server(histogram(openTelemetry, SERVER_DURATION, "inbound"));
  }

  private static boolean dup() {
    return SemconvOptIn.fromSystem().mode("http") == SemconvOptIn.Mode.DUP;
  }

  private static DoubleHistogram histogram(OpenTelemetry openTelemetry, String name, String side) {
    return MessagingTelemetry.SCOPE
        .meter(openTelemetry)
        .histogramBuilder(name)
        .setUnit("ms")
        .setDescription("The duration of the " + side + " HTTP request")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS_MS)
        .build();
  }

  /** Without {@code http/dup}: records nothing. */
  private static final class Disabled<REQUEST, RESPONSE>
      implements AttributesExtractor<REQUEST, RESPONSE> {

    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, REQUEST request) {}

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        REQUEST request,
        RESPONSE response,
        Throwable error) {}
  }

  /**
   * Start times of requests in flight, by identity of the request object the instrumentation hands
   * to both {@code onStart} and {@code onEnd}. An application may send one immutable {@code
   * HttpRequest} several times at once: each identity keeps its start times in order, and each end
   * takes the oldest, so every call is counted once. At most {@link #MAX_IN_FLIGHT} requests are
   * kept.
   */
  private abstract static class Timed<REQUEST, RESPONSE>
      implements AttributesExtractor<REQUEST, RESPONSE> {

    private final DoubleHistogram duration;
    private final Map<Identity, ArrayDeque<Long>> starts = new ConcurrentHashMap<>();

    Timed(DoubleHistogram duration) {
      this.duration = duration;
    }

    final void started(Object request) {
      if (starts.size() >= MAX_IN_FLIGHT) {
        return;
      }
      long now = System.nanoTime();
      starts.compute(
          new Identity(request),
          (key, times) -> {
            ArrayDeque<Long> queue = times == null ? new ArrayDeque<>(1) : times;
            queue.addLast(now);
            return queue;
          });
    }

    final void ended(Object request, Attributes attributes) {
      Long[] start = {null};
      starts.computeIfPresent(
          new Identity(request),
          (key, times) -> {
            start[0] = times.removeFirst();
            return times.isEmpty() ? null : times;
          });
      if (start[0] != null) {
        duration.record((System.nanoTime() - start[0]) / NANOS_PER_MILLI, attributes);
      }
    }
  }

  /** Query parameters whose values sign a URL: redacted, as the conventions ask for url.query. */
  private static final java.util.Set<String> SIGNING_PARAMETERS =
      java.util.Set.of(
          "AWSAccessKeyId",
          "Signature",
          "sig",
          "X-Goog-Signature",
          "X-Amz-Signature",
          "X-Amz-Credential",
          "X-Amz-Security-Token");

  /**
   * Returns {@code rawQuery} with the value of every signing parameter ({@code AWSAccessKeyId},
   * {@code Signature}, {@code sig}, {@code X-Goog-Signature}, and AWS SigV4's {@code
   * X-Amz-Signature}, {@code X-Amz-Credential}, {@code X-Amz-Security-Token}) replaced by {@code
   * REDACTED}: a presigned URL's signature is a credential.
   */
  static String redactQuery(String rawQuery) {
    StringBuilder out = null;
    int start = 0;
    while (start <= rawQuery.length()) {
      int end = rawQuery.indexOf('&', start);
      if (end < 0) {
        end = rawQuery.length();
      }
      int equals = rawQuery.indexOf('=', start);
      if (equals > start
          && equals < end
          && SIGNING_PARAMETERS.contains(rawQuery.substring(start, equals))) {
        if (out == null) {
          out = new StringBuilder(rawQuery.length()).append(rawQuery, 0, start);
        }
        out.append(rawQuery, start, equals + 1).append("REDACTED");
      } else if (out != null) {
        out.append(rawQuery, start, end);
      }
      if (end < rawQuery.length() && out != null) {
        out.append('&');
      }
      start = end + 1;
    }
    return out == null ? rawQuery : out.toString();
  }

  /** The old names of a JDK {@code HttpClient} call. */
  private static final class Client extends Timed<HttpRequest, HttpResponse<?>> {

    Client(DoubleHistogram duration) {
      super(duration);
    }

    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, HttpRequest request) {
      URI uri = request.uri();
      attributes.put(HTTP_METHOD, request.method());
      attributes.put(HTTP_URL, withoutUserInfo(uri));
      if (uri.getHost() != null) {
        attributes.put(NET_PEER_NAME, uri.getHost());
      }
      long port = port(uri);
      if (port > 0) {
        attributes.put(NET_PEER_PORT, port);
      }
      started(request);
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        HttpRequest request,
        HttpResponse<?> response,
        Throwable error) {
      AttributesBuilder metric = Attributes.builder().put(HTTP_METHOD, request.method());
      URI uri = request.uri();
      if (uri.getHost() != null) {
        metric.put(NET_PEER_NAME, uri.getHost());
      }
      long port = port(uri);
      if (port > 0) {
        metric.put(NET_PEER_PORT, port);
      }
      if (response != null) {
        attributes.put(HTTP_STATUS_CODE, (long) response.statusCode());
        metric.put(HTTP_STATUS_CODE, (long) response.statusCode());
      }
      ended(request, metric.build());
    }

    private static long port(URI uri) {
      if (uri.getPort() > 0) {
        return uri.getPort();
      }
      if ("https".equalsIgnoreCase(uri.getScheme())) {
        return 443;
      }
      return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /**
     * The URL without credentials, which the conventions forbid in {@code http.url}, and with the
     * values of signed-URL query parameters redacted (see {@link HttpOldNames#redactQuery}).
     */
    private static String withoutUserInfo(URI uri) {
      String text = uri.toString();
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null) {
        int at = text.indexOf(userInfo + "@");
        text = text.substring(0, at) + text.substring(at + userInfo.length() + 1);
      }
      int query = text.indexOf('?');
      if (query < 0) {
        return text;
      }
      int fragment = text.indexOf('#', query);
      String rawQuery =
          fragment < 0 ? text.substring(query + 1) : text.substring(query + 1, fragment);
      return text.substring(0, query + 1)
          + redactQuery(rawQuery)
          + (fragment < 0 ? "" : text.substring(fragment));
    }
  }

  /** The old names of a JDK {@code HttpServer} exchange. */
  private static final class Server extends Timed<HttpExchange, HttpExchange> {

    Server(DoubleHistogram duration) {
      super(duration);
    }

    @Override
    public void onStart(
        AttributesBuilder attributes, Context parentContext, HttpExchange exchange) {
      attributes.put(HTTP_METHOD, exchange.getRequestMethod());
      attributes.put(HTTP_SCHEME, scheme(exchange));
      URI uri = exchange.getRequestURI();
      String target = uri.getRawPath();
      if (uri.getRawQuery() != null) {
        target = target + '?' + redactQuery(uri.getRawQuery());
      }
      attributes.put(HTTP_TARGET, target);
      HostAndPort host = HostAndPort.of(exchange);
      if (host.name != null) {
        attributes.put(NET_HOST_NAME, host.name);
      }
      if (host.port > 0) {
        attributes.put(NET_HOST_PORT, host.port);
      }
      String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
      if (userAgent != null) {
        attributes.put(HTTP_USER_AGENT, userAgent);
      }
      started(exchange);
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        HttpExchange exchange,
        HttpExchange response,
        Throwable error) {
      AttributesBuilder metric =
          Attributes.builder()
              .put(HTTP_METHOD, exchange.getRequestMethod())
              .put(HTTP_SCHEME, scheme(exchange));
      HostAndPort host = HostAndPort.of(exchange);
      if (host.name != null) {
        metric.put(NET_HOST_NAME, host.name);
      }
      if (host.port > 0) {
        metric.put(NET_HOST_PORT, host.port);
      }
      int status = exchange.getResponseCode();
      if (status > 0) {
        attributes.put(HTTP_STATUS_CODE, (long) status);
        metric.put(HTTP_STATUS_CODE, (long) status);
      }
      ended(exchange, metric.build());
    }

    private static String scheme(HttpExchange exchange) {
      return exchange instanceof HttpsExchange ? "https" : "http";
    }
  }

  /** The server's name and port as the client addressed it: the Host header, else the socket. */
  private static final class HostAndPort {
    final String name;
    final long port;

    private HostAndPort(String name, long port) {
      this.name = name;
      this.port = port;
    }

    static HostAndPort of(HttpExchange exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      InetSocketAddress local = exchange.getLocalAddress();
      long localPort = local == null ? -1 : local.getPort();
      if (host == null || host.isEmpty()) {
        return new HostAndPort(local == null ? null : local.getHostString(), localPort);
      }
      int colon = host.lastIndexOf(':');
      int bracket = host.lastIndexOf(']');
      if (colon > bracket && colon > 0) {
        try {
          return new HostAndPort(
              host.substring(0, colon), Long.parseLong(host.substring(colon + 1)));
        } catch (NumberFormatException e) {
          return new HostAndPort(host.substring(0, colon), localPort);
        }
      }
      return new HostAndPort(host, localPort);
    }
  }

  /** A map key equal only to itself's referent: requests compared by identity. */
  private static final class Identity {
    private final Object referent;

    Identity(Object referent) {
      this.referent = referent;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Identity identity && identity.referent == referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }
  }
}
