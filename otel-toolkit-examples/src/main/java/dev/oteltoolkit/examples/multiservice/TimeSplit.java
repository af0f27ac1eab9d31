package dev.oteltoolkit.examples.multiservice;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.HttpAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the time of one request went, read from its trace alone (span timestamps, no clock of its
 * own): the scanner's HTTP CLIENT span, the server's SERVER span under it and the database and
 * model CLIENT spans under that.
 *
 * <ul>
 *   <li>database = the sum of the database spans (the statements run one after the other);
 *   <li>model = the sum of the GenAI model calls (CLIENT spans with {@code gen_ai.operation.name},
 *       one after the other);
 *   <li>logic = the SERVER span minus the database and the model: the server's own work;
 *   <li>network = the CLIENT span minus the SERVER span: the wire both ways, plus the time the HTTP
 *       stacks spend before the server's span starts and after it ends (connecting,
 *       (de)serialising, dispatch).
 * </ul>
 *
 * <p>The four add up to the CLIENT span's duration exactly. Only durations enter, each measured by
 * its own service's monotonic clock, never timestamps compared across services: the split holds
 * across hosts whose clocks disagree. The SERVER span ends when the server is done with the
 * exchange, which can be a moment after the client read the last byte; the network share is then
 * that moment short.
 */
public final class TimeSplit {

  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> GEN_AI_OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");

  private final String traceId;
  private final SpanData client;
  private final SpanData server;
  private final List<SpanData> database;
  private final List<SpanData> model;

  private TimeSplit(
      String traceId,
      SpanData client,
      SpanData server,
      List<SpanData> database,
      List<SpanData> model) {
    this.traceId = traceId;
    this.client = client;
    this.server = server;
    this.database = database;
    this.model = model;
  }

  /**
   * Finds the spans of one request among {@code spans} (those of every service, any order).
   *
   * @param traceId the request's trace id
   * @param spans the spans both services exported for it
   * @return the split, or null if the trace lacks its HTTP CLIENT or SERVER span
   */
  public static TimeSplit of(String traceId, Collection<SpanData> spans) {
    Objects.requireNonNull(traceId, "traceId");
    SpanData client = null;
    SpanData server = null;
    for (SpanData span : spans) {
      if (!span.getTraceId().equals(traceId)) {
        continue;
      }
      if (span.getKind() == SpanKind.CLIENT
          && span.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD) != null) {
        client = span;
      } else if (span.getKind() == SpanKind.SERVER) {
        server = span;
      }
    }
    if (client == null || server == null) {
      return null;
    }
    List<SpanData> database = new ArrayList<>();
    List<SpanData> model = new ArrayList<>();
    for (SpanData span : spans) {
      if (!span.getTraceId().equals(traceId) || span.getKind() != SpanKind.CLIENT) {
        continue;
      }
      if (span.getAttributes().get(DB_SYSTEM) != null) {
        database.add(span);
      } else if (span.getAttributes().get(GEN_AI_OPERATION) != null) {
        model.add(span);
      }
    }
    database.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    model.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return new TimeSplit(traceId, client, server, List.copyOf(database), List.copyOf(model));
  }

  /**
   * Returns the request's trace id.
   *
   * @return 32 hex digits
   */
  public String traceId() {
    return traceId;
  }

  /**
   * Returns the scanner's HTTP CLIENT span.
   *
   * @return the span
   */
  public SpanData clientSpan() {
    return client;
  }

  /**
   * Returns the server's SERVER span.
   *
   * @return the span
   */
  public SpanData serverSpan() {
    return server;
  }

  /**
   * Returns the database CLIENT spans, in the order they started.
   *
   * @return the spans, perhaps none
   */
  public List<SpanData> databaseSpans() {
    return database;
  }

  /**
   * Returns the GenAI model CLIENT spans, in the order they started.
   *
   * @return the spans, perhaps none
   */
  public List<SpanData> modelSpans() {
    return model;
  }

  /**
   * Returns the whole request as the scanner saw it: the CLIENT span's duration.
   *
   * @return nanoseconds
   */
  public long totalNanos() {
    return duration(client);
  }

  /**
   * Returns the time outside the server's span: the network and the HTTP stacks.
   *
   * @return nanoseconds
   */
  public long networkNanos() {
    return duration(client) - duration(server);
  }

  /**
   * Returns the server's own time: its SERVER span minus its database and model spans.
   *
   * @return nanoseconds
   */
  public long logicNanos() {
    return duration(server) - databaseNanos() - modelNanos();
  }

  /**
   * Returns the time spent waiting for models: the sum of the GenAI model spans.
   *
   * @return nanoseconds
   */
  public long modelNanos() {
    return sum(model);
  }

  /**
   * Returns the time in the database: the sum of the database spans.
   *
   * @return nanoseconds
   */
  public long databaseNanos() {
    return sum(database);
  }

  /**
   * Names the largest share: {@code network}, {@code logic}, {@code model} or {@code database}.
   *
   * @return the name
   */
  public String dominant() {
    long network = networkNanos();
    long logic = logicNanos();
    long db = databaseNanos();
    long models = modelNanos();
    if (db >= logic && db >= network && db >= models) {
      return "database";
    }
    if (models >= logic && models >= network) {
      return "model";
    }
    return logic >= network ? "logic" : "network";
  }

  /**
   * Describes the split: {@code 63.1 ms = network 2.3 ms + logic 16.0 ms + model 40.0 ms (1 call) +
   * database 4.8 ms (3 statements) -> mostly model}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%.1f ms = network %.1f ms + logic %.1f ms + model %.1f ms (%d %s) + database %.1f ms"
            + " (%d statements) -> mostly %s",
        millis(totalNanos()),
        millis(networkNanos()),
        millis(logicNanos()),
        millis(modelNanos()),
        model.size(),
        model.size() == 1 ? "call" : "calls",
        millis(databaseNanos()),
        database.size(),
        dominant());
  }

  private static long sum(List<SpanData> spans) {
    long sum = 0;
    for (SpanData span : spans) {
      sum += duration(span);
    }
    return sum;
  }

  private static long duration(SpanData span) {
    return span.getEndEpochNanos() - span.getStartEpochNanos();
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
