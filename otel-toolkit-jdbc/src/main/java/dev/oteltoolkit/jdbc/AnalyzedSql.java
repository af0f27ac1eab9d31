package dev.oteltoolkit.jdbc;

import io.opentelemetry.api.common.Attributes;

/**
 * One SQL text after sanitization: the text with every literal replaced by {@code ?}, its operation
 * and its first collection. Immutable apart from a one-entry memo of what the wrappers derive from
 * it for one database (span name, metric attributes), so that repeated executions of the same
 * statement against the same database allocate nothing for them.
 */
final class AnalyzedSql {

  /** The result for a {@code null} text: nothing known. */
  static final AnalyzedSql EMPTY = new AnalyzedSql(null, null, null, null, false);

  final String text;
  final String operation;
  final String collection;
  final String procedure;
  final boolean truncated;

  private volatile Derived derived;

  AnalyzedSql(
      String text, String operation, String collection, String procedure, boolean truncated) {
    this.text = text;
    this.operation = operation;
    this.collection = collection;
    this.procedure = procedure;
    this.truncated = truncated;
  }

  /** Returns the memo for {@code db}, or {@code null} when it was computed for another one. */
  Derived derivedFor(DbInfo db) {
    Derived current = derived;
    return current != null && current.db == db ? current : null;
  }

  void remember(Derived value) {
    derived = value;
  }

  @Override
  public String toString() {
    return "AnalyzedSql{operation="
        + operation
        + ", collection="
        + collection
        + ", procedure="
        + procedure
        + ", text="
        + text
        + "}";
  }

  /** What the wrappers derive from a statement for one database. */
  static final class Derived {
    final DbInfo db;
    final String spanName;
    final Attributes metricAttributes;

    Derived(DbInfo db, String spanName, Attributes metricAttributes) {
      this.db = db;
      this.spanName = spanName;
      this.metricAttributes = metricAttributes;
    }
  }
}
