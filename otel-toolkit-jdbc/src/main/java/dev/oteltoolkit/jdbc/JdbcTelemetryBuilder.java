package dev.oteltoolkit.jdbc;

import dev.oteltoolkit.api.instrumentation.SemconvOptIn;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Options of a {@link JdbcTelemetry}; every option has a safe default, so {@code
 * JdbcTelemetry.create(openTelemetry)} is the usual way in.
 *
 * <p>Which attribute names spans carry follows OpenTelemetry's {@code
 * OTEL_SEMCONV_STABILITY_OPT_IN} (system property {@code otel.semconv-stability.opt-in}), read at
 * {@link #build()}: by default, and with {@code database}, the stable database names ({@code
 * db.system.name}, {@code db.query.text}, ...); with {@code database/dup}, also the names used
 * before them ({@code db.system}, {@code db.name}, {@code db.statement}, {@code db.operation},
 * {@code db.sql.table}), for dashboards that still query those. The {@code
 * db.client.operation.duration} metric keeps the stable names either way, as OpenTelemetry's own
 * instrumentations do. docs/CONFIGURATION.md has the table of names.
 */
public final class JdbcTelemetryBuilder {

  private final OpenTelemetry openTelemetry;
  private boolean captureQueryText = true;
  private boolean sanitizeQueryText = true;
  private boolean transactionSpans;
  private boolean connectionSpans;
  private boolean rootSpans = true;
  private BiConsumer<? super AttributesBuilder, ? super String> spanAttributes;

  JdbcTelemetryBuilder(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
  }

  /**
   * Whether spans carry the statement as {@code db.query.text}. Default {@code true}. The operation
   * and collection are recorded either way.
   *
   * @param captureQueryText {@code false} to leave {@code db.query.text} out
   * @return this builder
   */
  public JdbcTelemetryBuilder captureQueryText(boolean captureQueryText) {
    this.captureQueryText = captureQueryText;
    return this;
  }

  /**
   * Whether {@code db.query.text} is sanitized by {@link SqlSanitizer}: every literal replaced by
   * {@code ?}, credentials masked. Default {@code true}, prepared statements included.
   *
   * <p>WARNING: with {@code false}, the text is recorded as the application wrote it, with every
   * literal it holds (names, e-mail addresses, card numbers, passwords of {@code CREATE USER}), and
   * sent to your telemetry backend; statement texts also become unbounded in number and size.
   * Exception messages recorded on spans stay sanitized either way.
   *
   * @param sanitizeQueryText {@code false} to record raw statement texts
   * @return this builder
   */
  public JdbcTelemetryBuilder sanitizeQueryText(boolean sanitizeQueryText) {
    this.sanitizeQueryText = sanitizeQueryText;
    return this;
  }

  /**
   * Whether {@code Connection.commit()} and {@code rollback()} get CLIENT spans ({@code COMMIT},
   * {@code ROLLBACK}) and duration measurements. Default {@code false}.
   *
   * @param transactionSpans {@code true} to record commits and rollbacks
   * @return this builder
   */
  public JdbcTelemetryBuilder transactionSpans(boolean transactionSpans) {
    this.transactionSpans = transactionSpans;
    return this;
  }

  /**
   * Whether {@code DataSource.getConnection()} gets an INTERNAL span ({@code
   * DataSource.getConnection}): time spent waiting for a pooled connection. Default {@code false}.
   *
   * @param connectionSpans {@code true} to record connection acquisition
   * @return this builder
   */
  public JdbcTelemetryBuilder connectionSpans(boolean connectionSpans) {
    this.connectionSpans = connectionSpans;
    return this;
  }

  /**
   * Whether a statement executed with no current span starts a trace of its own. Default {@code
   * true}. With {@code false}, only statements inside a traced operation get spans (background jobs
   * and pool housekeeping stay quiet); the duration metric is recorded either way.
   *
   * @param rootSpans {@code false} to record spans only under an existing span
   * @return this builder
   */
  public JdbcTelemetryBuilder rootSpans(boolean rootSpans) {
    this.rootSpans = rootSpans;
    return this;
  }

  /**
   * A hook that adds attributes to every span before it starts (so samplers see them), e.g. a
   * tenant id from the current context. It receives the attributes to add to and the recorded query
   * text (the operation name when the text is not recorded). Default: none. The attributes go on
   * spans only, not on the duration metric, whose cardinality stays bounded. An exception thrown by
   * the hook is logged and ignored.
   *
   * <p>WARNING: whatever the hook adds is recorded as is; do not copy statement parameters or other
   * personal data into attributes.
   *
   * @param spanAttributes called on the application's thread for every span
   * @return this builder
   */
  public JdbcTelemetryBuilder spanAttributes(
      BiConsumer<? super AttributesBuilder, ? super String> spanAttributes) {
    this.spanAttributes = Objects.requireNonNull(spanAttributes, "spanAttributes");
    return this;
  }

  /**
   * Builds the {@link JdbcTelemetry}, reading {@code OTEL_SEMCONV_STABILITY_OPT_IN} (see above).
   *
   * @return a new {@code JdbcTelemetry} with these options
   */
  public JdbcTelemetry build() {
    boolean emitOldNames = SemconvOptIn.fromSystem().mode("database") == SemconvOptIn.Mode.DUP;
    return new JdbcTelemetry(
        new JdbcInstrumenter(
            openTelemetry,
            captureQueryText,
            sanitizeQueryText,
            transactionSpans,
            connectionSpans,
            rootSpans,
            emitOldNames,
            spanAttributes));
  }
}
