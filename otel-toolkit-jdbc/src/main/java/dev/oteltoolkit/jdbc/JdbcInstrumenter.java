package dev.oteltoolkit.jdbc;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import dev.oteltoolkit.api.instrumentation.InstrumentationFailures;
import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.CodeAttributes;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The hot path of every instrumented call: decide, start the CLIENT span with every attribute
 * known at start (samplers see them), make it current, call the driver, end with the outcome,
 * record {@code db.client.operation.duration}.
 *
 * <p>Instrumentation never fails the application: everything but the driver call is guarded,
 * and the driver's own exception reaches the caller as the very same instance.
 */
final class JdbcInstrumenter {

  static final InstrumentationScope SCOPE = InstrumentationScope.of("dev.oteltoolkit.jdbc");

  /** The stable database client duration histogram of the semantic conventions. */
  static final String DURATION_METRIC = "db.client.operation.duration";

  /** Bucket boundaries advised by the semantic conventions for {@value #DURATION_METRIC}, in s. */
  static final List<Double> DURATION_BUCKETS =
      Collections.unmodifiableList(
          Arrays.asList(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0));

  static final AnalyzedSql COMMIT = new AnalyzedSql(null, "COMMIT", null, null, false);
  static final AnalyzedSql ROLLBACK = new AnalyzedSql(null, "ROLLBACK", null, null, false);

  private static final Logger logger = Logger.getLogger(JdbcInstrumenter.class.getName());
  private static final double NANOS_PER_SECOND = 1_000_000_000.0;
  /** Per dialect: driver messages quote statements with their literals. */
  private static final Map<SqlSanitizer.Dialect, UnaryOperator<String>> MESSAGE_REDACTORS =
      messageRedactors();

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final boolean captureQueryText;
  private final boolean sanitizeQueryText;
  private final boolean transactionSpans;
  private final boolean connectionSpans;
  private final boolean rootSpans;
  /** {@code database/dup}: the old names beside the stable ones, on spans. */
  private final boolean emitOldNames;
  private final BiConsumer<? super AttributesBuilder, ? super String> spanAttributes;
  private final InstrumentationFailures failures =
      new InstrumentationFailures(logger, "otel-toolkit-jdbc");

  JdbcInstrumenter(
      OpenTelemetry openTelemetry,
      boolean captureQueryText,
      boolean sanitizeQueryText,
      boolean transactionSpans,
      boolean connectionSpans,
      boolean rootSpans,
      boolean emitOldNames,
      BiConsumer<? super AttributesBuilder, ? super String> spanAttributes) {
    this.tracer = SCOPE.tracer(openTelemetry);
    this.duration =
        SCOPE
            .meter(openTelemetry)
            .histogramBuilder(DURATION_METRIC)
            .setUnit("s")
            .setDescription("Duration of database client operations.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.captureQueryText = captureQueryText;
    this.sanitizeQueryText = sanitizeQueryText;
    this.transactionSpans = transactionSpans;
    this.connectionSpans = connectionSpans;
    this.rootSpans = rootSpans;
    this.emitOldNames = emitOldNames;
    this.spanAttributes = spanAttributes;
  }

  /** True when raw (unsanitized) statement texts are recorded, so batches must keep them. */
  boolean capturesRawText() {
    return captureQueryText && !sanitizeQueryText;
  }

  /** Analyzes {@code sql} by the rules of {@code db}'s dialect; never throws. */
  AnalyzedSql analyze(String sql, DbInfo db) {
    return SqlSanitizer.analyze(sql, db.dialect);
  }

  /**
   * Runs one statement execution inside a CLIENT span.
   *
   * @param sql the analyzed statement (for a batch, the batch's combined statement)
   * @param rawText the text as the application wrote it, recorded only when sanitization is off
   * @param batchSize the number of operations of a batch, or -1 when this is not a batch (a batch
   *     of one is recorded as a single operation, as the semantic conventions ask)
   */
  // the scope is closed in end(...) on every path, after the driver call
  @SuppressWarnings("MustBeClosedChecker")
  <T> T execute(DbInfo db, AnalyzedSql sql, String rawText, long batchSize, JdbcCall<T> call)
      throws SQLException {
    long start = System.nanoTime();
    Span span = null;
    Scope scope = null;
    Attributes metricAttributes = null;
    try {
      boolean batch = batchSize >= 0 && batchSize != 1;
      String spanName;
      if (batch) {
        String operation = sql.operation == null ? "BATCH" : "BATCH " + sql.operation;
        spanName = spanName(db, operation, sql.collection, sql.procedure);
        metricAttributes = metricAttributes(db, operation, sql);
      } else {
        AnalyzedSql.Derived derived = sql.derivedFor(db);
        if (derived == null) {
          derived = new AnalyzedSql.Derived(db,
              spanName(db, sql.operation, sql.collection, sql.procedure),
              metricAttributes(db, sql.operation, sql));
          sql.remember(derived);
        }
        spanName = derived.spanName;
        metricAttributes = derived.metricAttributes;
      }
      Context parent = Context.current();
      if (rootSpans || Span.fromContext(parent).getSpanContext().isValid()) {
        span = startSpan(db, sql, rawText, batch ? batchSize : -1, spanName, parent);
        scope = span.makeCurrent();
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
    T result;
    try {
      result = call.call();
    } catch (Throwable t) {
      end(db, span, scope, start, metricAttributes, t);
      throw t;
    }
    end(db, span, scope, start, metricAttributes, null);
    return result;
  }

  /** A commit or rollback: a span only when transaction spans are on. */
  void transaction(DbInfo db, AnalyzedSql operation, JdbcCall<Void> call) throws SQLException {
    if (transactionSpans) {
      execute(db, operation, null, -1, call);
    } else {
      call.call();
    }
  }

  /**
   * Acquires a connection inside an INTERNAL {@code DataSource.getConnection} span when
   * connection spans are on; {@code db} is {@code null} until the first connection told.
   */
  // the scope is closed in end(...) on every path, after the driver call
  @SuppressWarnings("MustBeClosedChecker")
  <T> T acquire(DbInfo db, Object dataSource, JdbcCall<T> call) throws SQLException {
    if (!connectionSpans) {
      return call.call();
    }
    Span span = null;
    Scope scope = null;
    try {
      Context parent = Context.current();
      if (rootSpans || Span.fromContext(parent).getSpanContext().isValid()) {
        SpanBuilder builder =
            tracer
                .spanBuilder("DataSource.getConnection")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(
                    CodeAttributes.CODE_FUNCTION_NAME,
                    dataSource.getClass().getName() + ".getConnection");
        if (db != null) {
          setDbAttributes(builder, db);
        }
        span = builder.startSpan();
        scope = span.makeCurrent();
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
    T result;
    try {
      result = call.call();
    } catch (Throwable t) {
      endWithoutMetric(db == null ? DbInfo.UNKNOWN : db, span, scope, t);
      throw t;
    }
    endWithoutMetric(db, span, scope, null);
    return result;
  }

  private Span startSpan(
      DbInfo db, AnalyzedSql sql, String rawText, long batchSize, String name, Context parent) {
    SpanBuilder builder =
        tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setParent(parent);
    setDbAttributes(builder, db);
    String queryText = null;
    if (captureQueryText) {
      queryText = sanitizeQueryText || rawText == null ? sql.text : rawText;
      if (queryText != null) {
        builder.setAttribute(DbAttributes.DB_QUERY_TEXT, queryText);
        if (emitOldNames) {
          builder.setAttribute(DbOldNames.DB_STATEMENT, queryText);
        }
      }
    }
    if (batchSize >= 0) {
      builder.setAttribute(DbAttributes.DB_OPERATION_BATCH_SIZE, batchSize);
      builder.setAttribute(
          DbAttributes.DB_OPERATION_NAME,
          sql.operation == null ? "BATCH" : "BATCH " + sql.operation);
    } else if (sql.operation != null) {
      builder.setAttribute(DbAttributes.DB_OPERATION_NAME, sql.operation);
    }
    if (sql.collection != null) {
      builder.setAttribute(DbAttributes.DB_COLLECTION_NAME, sql.collection);
    }
    if (sql.procedure != null) {
      builder.setAttribute(DbAttributes.DB_STORED_PROCEDURE_NAME, sql.procedure);
    }
    if (emitOldNames) {
      // as the official instrumentation's old names: the statement's own operation and table
      if (sql.operation != null) {
        builder.setAttribute(DbOldNames.DB_OPERATION, sql.operation);
      }
      if (sql.collection != null) {
        builder.setAttribute(DbOldNames.DB_SQL_TABLE, sql.collection);
      }
    }
    if (spanAttributes != null) {
      try {
        AttributesBuilder extra = Attributes.builder();
        spanAttributes.accept(extra, queryText != null ? queryText : sql.operation);
        builder.setAllAttributes(extra.build());
      } catch (RuntimeException | LinkageError e) {
        instrumentationFailed(e);
      }
    }
    return builder.startSpan();
  }

  private void setDbAttributes(SpanBuilder builder, DbInfo db) {
    builder.setAttribute(DbAttributes.DB_SYSTEM_NAME, db.systemName);
    if (db.namespace != null) {
      builder.setAttribute(DbAttributes.DB_NAMESPACE, db.namespace);
    }
    if (emitOldNames) {
      builder.setAttribute(DbOldNames.DB_SYSTEM, db.oldSystem);
      if (db.namespace != null) {
        builder.setAttribute(DbOldNames.DB_NAME, db.namespace);
      }
    }
    if (db.serverAddress != null) {
      builder.setAttribute(ServerAttributes.SERVER_ADDRESS, db.serverAddress);
      if (db.serverPort > 0) {
        builder.setAttribute(ServerAttributes.SERVER_PORT, db.serverPort);
      }
    }
  }

  private void end(
      DbInfo db, Span span, Scope scope, long start, Attributes metricAttributes, Throwable error) {
    try {
      if (scope != null) {
        scope.close();
      }
      Attributes attributes = metricAttributes;
      if (error != null) {
        String statusCode = statusCode(db, error);
        String errorType = statusCode != null ? statusCode : error.getClass().getName();
        if (span != null) {
          recordError(db, span, error, statusCode, errorType);
        }
        if (attributes != null) {
          AttributesBuilder builder = attributes.toBuilder().put(ErrorAttributes.ERROR_TYPE,
              errorType);
          if (statusCode != null) {
            builder.put(DbAttributes.DB_RESPONSE_STATUS_CODE, statusCode);
          }
          attributes = builder.build();
        }
      }
      if (span != null) {
        span.end();
      }
      if (attributes != null) {
        duration.record((System.nanoTime() - start) / NANOS_PER_SECOND, attributes);
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
  }

  private void endWithoutMetric(DbInfo db, Span span, Scope scope, Throwable error) {
    try {
      if (scope != null) {
        scope.close();
      }
      if (span != null) {
        if (error != null) {
          String statusCode = statusCode(db, error);
          recordError(db, span, error, statusCode,
              statusCode != null ? statusCode : error.getClass().getName());
        }
        span.end();
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
  }

  private static String statusCode(DbInfo db, Throwable error) {
    return error instanceof SQLException ? db.statusCode((SQLException) error) : null;
  }

  /**
   * Records the failure: {@code db.response.status_code}, {@code error.type}, status ERROR and an
   * {@code exception} event whose message (and every message in its stack trace) went through
   * the sanitizer, since drivers quote the statement with its literals in their messages.
   */
  private static void recordError(
      DbInfo db, Span span, Throwable error, String statusCode, String errorType) {
    if (!span.isRecording()) {
      return;
    }
    if (statusCode != null) {
      span.setAttribute(DbAttributes.DB_RESPONSE_STATUS_CODE, statusCode);
    }
    FailureRecorder.record(span, error, errorType, MESSAGE_REDACTORS.get(db.dialect));
  }

  private static Map<SqlSanitizer.Dialect, UnaryOperator<String>> messageRedactors() {
    Map<SqlSanitizer.Dialect, UnaryOperator<String>> redactors =
        new EnumMap<>(SqlSanitizer.Dialect.class);
    for (SqlSanitizer.Dialect dialect : SqlSanitizer.Dialect.values()) {
      redactors.put(dialect, message -> SqlSanitizer.sanitizeMessage(message, dialect));
    }
    return redactors;
  }

  /**
   * The span name by the semantic conventions: {@code {operation} {target}} where the target is
   * the collection or the stored procedure; without an operation the target alone (then also the
   * namespace or {@code server.address:server.port}); else {@code db.system.name}.
   */
  static String spanName(DbInfo db, String operation, String collection, String procedure) {
    String target = collection != null ? collection : procedure;
    if (operation != null) {
      return target == null ? operation : operation + ' ' + target;
    }
    if (target != null) {
      return target;
    }
    if (db.namespace != null) {
      return db.namespace;
    }
    if (db.serverAddress != null) {
      return db.serverPort > 0 ? db.serverAddress + ':' + db.serverPort : db.serverAddress;
    }
    return db.systemName;
  }

  private static Attributes metricAttributes(DbInfo db, String operation, AnalyzedSql sql) {
    if (operation == null && sql.collection == null && sql.procedure == null) {
      return db.baseAttributes;
    }
    AttributesBuilder builder = db.baseAttributes.toBuilder();
    putIfNotNull(builder, DbAttributes.DB_OPERATION_NAME, operation);
    putIfNotNull(builder, DbAttributes.DB_COLLECTION_NAME, sql.collection);
    putIfNotNull(builder, DbAttributes.DB_STORED_PROCEDURE_NAME, sql.procedure);
    return builder.build();
  }

  private static void putIfNotNull(
      AttributesBuilder builder, AttributeKey<String> key, String value) {
    if (value != null) {
      builder.put(key, value);
    }
  }

  /** Logs an instrumentation failure once as a warning, then at FINE; never rethrows. */
  void instrumentationFailed(Throwable e) {
    failures.failed(e);
  }

}
