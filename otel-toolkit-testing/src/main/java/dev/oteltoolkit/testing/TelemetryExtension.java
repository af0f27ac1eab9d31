package dev.oteltoolkit.testing;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A JUnit 5 extension that gives each test the toolkit's own {@link Telemetry} (built by {@code
 * Telemetry.setup()}, so RED metrics, per-request totals, tail keeping and forced sampling behave
 * as in production) with its spans, metrics and log records captured in memory:
 *
 * <pre>{@code
 * @RegisterExtension static final TelemetryExtension otel = TelemetryExtension.create();
 *
 * @Test void checkout() {
 *   shop.checkout("cart-1");                                    // traced with Traced.traced(...)
 *   otel.assertTrace("checkout").hasChild("charge card").hasNoOtherSpans();
 *   otel.assertOperation("checkout").hasCount(1).hasNoErrors();
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> In a {@code static} field the telemetry is built once for the test class and
 * what it captured is reset before each test; in an instance field each test gets a telemetry of
 * its own. Either way it is built on first use, so a field declared after the extension may already
 * call {@code otel.openTelemetry()}. By default it is installed as {@code GlobalOpenTelemetry} (the
 * static {@code Traced} functions record into it) and the global is reset when it closes; {@link
 * TelemetryExtensionBuilder#global(boolean)} turns that off.
 *
 * <p><b>Asynchronous work.</b> Spans ended by another thread, a consumer or a second service after
 * the test's call returned are awaited, never slept for: {@link #awaitTrace(String)} flushes and
 * polls the in-memory exporter until the trace is there, or fails after {@link
 * TelemetryExtensionBuilder#awaitTimeout(Duration)} with the tree of what did arrive.
 *
 * <p><b>Spans by name</b>, in any trace: {@link #span(String)} (exactly one), {@link
 * #spans(String)} (all), {@link #awaitSpan(String)}. <b>Sampling per test</b>: {@link
 * #sampler(Sampler)} and {@link #samplingRatio(double)} apply to the rest of the current test.
 *
 * <p><b>No silent loss.</b> The batch queue holds as many spans as a test keeps (100,000); spans
 * dropped anyway (a full queue, more than that per test) make every span assertion fail saying so.
 *
 * <p><b>Failures.</b> Every assertion of the kit fails with the console tree of everything captured
 * (indented spans with durations, status and attributes, log records under their span); when any
 * other assertion or exception fails a test, that tree is added to it as a suppressed exception.
 *
 * <p><b>Misuse fails fast</b> with a message saying what to do: two extensions in one test class
 * (or its enclosing or super classes), or a global OpenTelemetry already set by other code (the
 * Java agent, an earlier {@code GlobalOpenTelemetry.get()}) when the extension is global.
 */
public final class TelemetryExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        TestExecutionExceptionHandler {

  /** Default time {@link #awaitTrace(String)} waits: 10 seconds. */
  public static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(10);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TelemetryExtension.class);
  private static final String OWNER = "owner";

  /** Pause of the waiting loop between two flushes, unless telemetry arrives sooner. */
  private static final long POLL_NANOS = 20_000_000L;

  /** The flush before a failure's tree is rendered: short, the test already failed. */
  private static final Duration FAILURE_FLUSH = Duration.ofSeconds(2);

  private static final Object GLOBAL_LOCK = new Object();
  private static @Nullable TelemetryExtension globalOwner; // guarded by GLOBAL_LOCK

  private final Object lock = new Object();
  private final Consumer<TelemetryBuilder> customizer;
  private final boolean global;
  private final Duration awaitTimeout;
  private @Nullable Capture capture; // guarded by lock
  private int classLevel; // guarded by lock: depth of beforeAll calls (nested classes add one)
  private boolean inTest; // guarded by lock
  private volatile @Nullable String registeredIn;

  /**
   * Returns an extension with the toolkit's defaults, installed as global.
   *
   * @return a new extension, for a {@code @RegisterExtension} field
   */
  public static TelemetryExtension create() {
    return builder().build();
  }

  /**
   * Returns an extension whose telemetry is customized, e.g. {@code TelemetryExtension.create(b ->
   * b.serviceName("checkout").keepErrors(true))}; see {@link
   * TelemetryExtensionBuilder#configure(Consumer)}.
   *
   * @param customizer called with the builder of every {@code Telemetry} the extension builds
   * @return a new extension, for a {@code @RegisterExtension} field
   */
  public static TelemetryExtension create(Consumer<TelemetryBuilder> customizer) {
    return builder().configure(customizer).build();
  }

  /**
   * Returns a builder for an extension that is not global or waits longer or shorter.
   *
   * @return a new builder
   */
  public static TelemetryExtensionBuilder builder() {
    return new TelemetryExtensionBuilder();
  }

  TelemetryExtension(Consumer<TelemetryBuilder> customizer, boolean global, Duration awaitTimeout) {
    this.customizer = customizer;
    this.global = global;
    this.awaitTimeout = awaitTimeout;
  }

  // ---- what the test uses ----

  /**
   * Returns the toolkit's telemetry under test, built by {@code Telemetry.setup()}.
   *
   * @return the telemetry
   */
  public Telemetry telemetry() {
    return capture().main();
  }

  /**
   * Returns the OpenTelemetry to hand to the code under test and the toolkit's modules ({@code
   * GenAiTelemetry.create(otel.openTelemetry())}).
   *
   * @return the OpenTelemetry of {@link #telemetry()}
   */
  public OpenTelemetry openTelemetry() {
    return telemetry().openTelemetry();
  }

  /**
   * Returns the {@link Tracing} of {@link #telemetry()}, for {@code traced(...)} calls.
   *
   * @return the tracing
   */
  public Tracing tracing() {
    return telemetry().tracing();
  }

  /**
   * Builds the telemetry of another service of the test, e.g. the downstream side of an HTTP call
   * or a queue: configured like the main one, with this {@code service.name}, never global. Its
   * spans, metrics and log records are captured with the main ones, so a trace that crosses
   * services is one tree. One made during a test is closed when the test ends; one made in a static
   * initializer or {@code @BeforeAll} lives as long as the extension's telemetry.
   *
   * @param serviceName the {@code service.name} of the other service
   * @return the other service's telemetry
   */
  public Telemetry service(String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    Capture current = capture();
    boolean perTest;
    synchronized (lock) {
      perTest = inTest && classLevel > 0;
    }
    return current.service(serviceName, perTest);
  }

  /**
   * Flushes and returns the spans captured in the current test, in the order they were exported.
   *
   * @return the finished spans
   * @throws AssertionError when spans of the test were lost (a full batch processor queue, or more
   *     than 100,000 spans), so a partial list never passes for the whole
   */
  public List<SpanData> spans() {
    return capture().snapshot().requireAllSpans().spans;
  }

  /**
   * Flushes and returns the spans captured in the current test with this name, in any trace, in the
   * order they were exported; an empty list when there is none.
   *
   * @param name the span name
   * @return the spans of that name
   * @throws AssertionError when spans of the test were lost, as {@link #spans()}
   */
  public List<SpanData> spans(String name) {
    Objects.requireNonNull(name, "name");
    return named(capture().snapshot().requireAllSpans(), name);
  }

  /**
   * Flushes and returns the one span captured in the current test with this name, in any trace, for
   * {@code OpenTelemetryAssertions.assertThat(span)} or to read its ids and attributes.
   *
   * @param name the span name
   * @return the span
   * @throws AssertionError when no span or several spans have that name (the message lists the
   *     names captured and shows the tree), or spans of the test were lost
   */
  public SpanData span(String name) {
    Objects.requireNonNull(name, "name");
    return oneNamed(capture().snapshot().requireAllSpans(), name);
  }

  /**
   * Waits until a span with this name has arrived, in any trace (a span ended by another thread or
   * a callback after the test's call returned), and returns it.
   *
   * @param name the span name
   * @return the span
   * @throws AssertionError after the await timeout, or when several spans have that name
   */
  public SpanData awaitSpan(String name) {
    Objects.requireNonNull(name, "name");
    return await("a span named '" + name + "'", snapshot -> oneNamed(snapshot, name));
  }

  /**
   * Samples the spans that start from now on in the current test with {@code sampler}, e.g. {@code
   * Sampler.alwaysOff()}, without a telemetry of the test's own: a static extension shares its
   * telemetry between tests, so this is how one test samples differently. The next test starts with
   * the extension's default again (parent-based, ratio 1.0). As in production, forced sampling and
   * tail keeping still apply on top of it, and RED metrics count every call whatever is sampled.
   *
   * @param sampler the head sampler for the rest of the test
   * @throws IllegalStateException when {@link TelemetryExtensionBuilder#configure(Consumer)} sets a
   *     sampler or sampling ratio of its own (that one applies to every test instead)
   */
  public void sampler(Sampler sampler) {
    Objects.requireNonNull(sampler, "sampler");
    if (!capture().useSampler(sampler)) {
      throw new IllegalStateException(
          "otel.sampler(...) cannot apply: the extension's configure(...) chose the sampling of"
              + " its telemetry (sampler(...), samplingRatio(...), or a sampler in"
              + " configProperties) or turned it off, which replaces the per-test one. Remove it"
              + " there to choose per test, or keep it for the whole class.");
    }
  }

  /**
   * Samples the traces that start from now on in the current test at this ratio, parent-based as
   * {@code TelemetryBuilder.samplingRatio(double)} does (a trace continued from another service
   * keeps that service's decision); see {@link #sampler(Sampler)}.
   *
   * @param ratio between 0 and 1, e.g. 0.1 for 10%
   * @throws IllegalArgumentException when the ratio is not between 0 and 1
   * @throws IllegalStateException as {@link #sampler(Sampler)}
   */
  public void samplingRatio(double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("samplingRatio=" + ratio + ": must be between 0 and 1");
    }
    sampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)));
  }

  /**
   * Flushes and returns the log records captured in the current test (emitted through the
   * OpenTelemetry Logs API or a log appender bridged to it), each with the trace and span id that
   * were current when it was emitted.
   *
   * @return the log records
   */
  public List<LogRecordData> logRecords() {
    return capture().snapshot().requireAllLogRecords().logRecords;
  }

  /**
   * Returns the metrics recorded in the current test: per metric and attribute set, one point that
   * adds up everything since the test started (sums and histograms; gauges and up-down counters
   * hold their latest value). Use {@code OpenTelemetryAssertions.assertThat(metric)} on them, or
   * the shortcuts {@link #assertOperation(String)} and {@link #assertGenAi()}.
   *
   * @return the metrics
   */
  public List<MetricData> metrics() {
    return capture().metrics();
  }

  /**
   * Returns the one metric of this name recorded in the current test (added up as in {@link
   * #metrics()}), for {@code OpenTelemetryAssertions.assertThat(metric)}.
   *
   * @param name the metric's name, e.g. {@code gen_ai.client.token.usage}
   * @return the metric
   * @throws AssertionError when the current test recorded no metric of that name, or several (from
   *     different instrumentation scopes); the message names the metrics recorded
   */
  public MetricData metric(String name) {
    Objects.requireNonNull(name, "name");
    Capture current = capture();
    List<MetricData> all = current.metrics();
    List<MetricData> named = new ArrayList<>();
    for (MetricData metric : all) {
      if (metric.getName().equals(name)) {
        named.add(metric);
      }
    }
    if (named.size() != 1) {
      Set<String> names = new TreeSet<>();
      for (MetricData metric : all) {
        names.add(metric.getName());
      }
      throw new TelemetryAssertionError(
          "expected one metric '"
              + name
              + "' but "
              + named.size()
              + " were recorded; metrics: "
              + names,
          current.snapshot());
    }
    return named.get(0);
  }

  /**
   * Returns the console tree of everything captured so far (after a flush): what failure messages
   * show.
   *
   * @return the rendered tree, bounded in size
   */
  public String consoleTree() {
    return capture().snapshot().render();
  }

  /**
   * Forgets everything captured so far in this test (after a flush), for example after a warm-up
   * call. The extension already does this between tests.
   */
  public void reset() {
    capture().reset();
  }

  /**
   * Finds the one trace whose root span has this name, as captured now (after a flush), for
   * assertions on its tree. For spans that end after the test's call returned, use {@link
   * #awaitTrace(String)}.
   *
   * @param rootName the name of the trace's root span
   * @return assertions on the trace
   * @throws AssertionError when no trace or several traces have such a root, or its spans do not
   *     all connect to the root yet; the message shows everything captured
   */
  public TraceTreeAssert assertTrace(String rootName) {
    Objects.requireNonNull(rootName, "rootName");
    return findTraces(capture().snapshot().requireAllSpans(), rootName, 1).get(0);
  }

  /**
   * Finds the traces whose root span has this name, as captured now, and asserts how many there
   * are.
   *
   * @param rootName the name of the root spans
   * @param count how many such traces are expected
   * @return assertions on each trace, in the order they started
   */
  public List<TraceTreeAssert> assertTraces(String rootName, int count) {
    Objects.requireNonNull(rootName, "rootName");
    return findTraces(capture().snapshot().requireAllSpans(), rootName, count);
  }

  /** Asserts that no span was captured in the current test (after a flush). */
  public void assertNoSpans() {
    Snapshot snapshot = capture().snapshot().requireAllSpans();
    if (!snapshot.spans.isEmpty()) {
      throw new TelemetryAssertionError(
          "expected no spans but " + snapshot.spans.size() + " were captured", snapshot);
    }
  }

  /**
   * Waits until the trace whose root span has this name has arrived with every span that arrived so
   * far connected to its root, then returns assertions on it. For spans that end after the root (a
   * consumer thread, a second service), use {@link #awaitTrace(String, Consumer)} and say what must
   * be there.
   *
   * @param rootName the name of the trace's root span
   * @return assertions on the trace
   * @throws AssertionError after the await timeout, with the tree of what did arrive
   */
  public TraceTreeAssert awaitTrace(String rootName) {
    return awaitTrace(rootName, trace -> {});
  }

  /**
   * Waits until the trace whose root span has this name has arrived and satisfies {@code
   * requirements}: the requirements are retried on every new look at what was captured until they
   * pass, or the await timeout ends and the last failure is reported with the tree of what did
   * arrive.
   *
   * <pre>{@code
   * otel.awaitTrace("place order", trace -> trace
   *     .hasChildTree("publish orders", publish -> publish.hasChild("process orders")));
   * }</pre>
   *
   * @param rootName the name of the trace's root span
   * @param requirements assertions that must pass; they may run several times
   * @return the assertions on the trace that passed them (further assertions may follow)
   * @throws AssertionError after the await timeout, with the last failure and the tree
   */
  public TraceTreeAssert awaitTrace(String rootName, Consumer<TraceTreeAssert> requirements) {
    Objects.requireNonNull(rootName, "rootName");
    Objects.requireNonNull(requirements, "requirements");
    return await(
        "a trace with root '" + rootName + "'",
        snapshot -> {
          TraceTreeAssert trace = findTraces(snapshot, rootName, 1).get(0);
          requirements.accept(trace);
          return trace;
        });
  }

  /**
   * Waits until {@code count} traces whose root span has this name have arrived, each with every
   * span that arrived so far connected to its root.
   *
   * @param rootName the name of the root spans
   * @param count how many such traces are expected
   * @return assertions on each trace, in the order they started
   * @throws AssertionError after the await timeout, with the tree of what did arrive
   */
  public List<TraceTreeAssert> awaitTraces(String rootName, int count) {
    Objects.requireNonNull(rootName, "rootName");
    return await(
        count + " traces with root '" + rootName + "'",
        snapshot -> findTraces(snapshot, rootName, count));
  }

  /**
   * Returns assertions on the RED metrics of one traced operation ({@code
   * oteltoolkit.operation.duration}) recorded in the current test.
   *
   * @param operationName the operation's name: the span name given to {@code traced(...)}
   * @return assertions on the operation's call and error counts
   */
  public OperationMetricsAssert assertOperation(String operationName) {
    Objects.requireNonNull(operationName, "operationName");
    Capture current = capture();
    Snapshot snapshot = current.snapshot();
    return new OperationMetricsAssert(operationName, current.metrics(), snapshot);
  }

  /**
   * Returns assertions on the GenAI calls, tokens and cost recorded in the current test, all
   * models.
   *
   * @return assertions on GenAI usage
   */
  public GenAiUsageAssert assertGenAi() {
    Capture current = capture();
    Snapshot snapshot = current.snapshot();
    return new GenAiUsageAssert(null, current.metrics(), snapshot);
  }

  /**
   * Returns assertions on the GenAI calls, tokens and cost recorded in the current test for one
   * requested model ({@code gen_ai.request.model}).
   *
   * @param requestModel the model the calls asked for, e.g. {@code gpt-4o}
   * @return assertions on that model's usage
   */
  public GenAiUsageAssert assertGenAi(String requestModel) {
    Objects.requireNonNull(requestModel, "requestModel");
    Capture current = capture();
    Snapshot snapshot = current.snapshot();
    return new GenAiUsageAssert(requestModel, current.metrics(), snapshot);
  }

  // ---- JUnit callbacks ----

  /**
   * Starts the telemetry for the test class (a {@code static} field).
   *
   * @param context the class's context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    claim(context);
    synchronized (lock) {
      classLevel++;
    }
    capture();
  }

  /**
   * Starts the telemetry of the test (an instance field), or resets what the class's telemetry
   * captured so far (a {@code static} field).
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    claim(context);
    Capture current = capture();
    boolean shared;
    synchronized (lock) {
      inTest = true;
      shared = classLevel > 0;
    }
    current.useSampler(null);
    if (shared) {
      current.reset();
    }
  }

  /**
   * Closes the test's telemetry (an instance field), or the services made during the test (a {@code
   * static} field).
   *
   * @param context the test's context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    Capture current;
    boolean shared;
    synchronized (lock) {
      inTest = false;
      shared = classLevel > 0;
      current = capture;
    }
    if (current == null) {
      return;
    }
    if (shared) {
      current.useSampler(null);
      current.closeTestServices();
    } else {
      stop();
    }
  }

  /**
   * Closes the class's telemetry and restores the global OpenTelemetry.
   *
   * @param context the class's context
   */
  @Override
  public void afterAll(ExtensionContext context) {
    boolean last;
    synchronized (lock) {
      classLevel = Math.max(0, classLevel - 1);
      last = classLevel == 0;
    }
    if (last) {
      stop();
    }
  }

  /**
   * Adds the console tree of what was captured to a failing test's exception (as a suppressed
   * exception), then rethrows it.
   *
   * @param context the test's context
   * @param throwable what the test threw
   * @throws Throwable always {@code throwable}
   */
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    Capture current;
    synchronized (lock) {
      current = capture;
    }
    if (current != null
        && !(throwable instanceof TelemetryAssertionError)
        && !hasCapturedTree(throwable)) {
      try {
        current.flush(FAILURE_FLUSH);
        throwable.addSuppressed(new CapturedTelemetry(current.snapshotNow().render()));
      } catch (RuntimeException e) {
        // the tree is a courtesy: never hide the test's own failure
      }
    }
    throw throwable;
  }

  private static boolean hasCapturedTree(Throwable throwable) {
    for (Throwable suppressed : throwable.getSuppressed()) {
      if (suppressed instanceof CapturedTelemetry) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "TelemetryExtension{global=" + global + ", registeredIn=" + registeredIn + "}";
  }

  // ---- internals ----

  /** One extension per test class (enclosing and super classes included). */
  private void claim(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Object owner = store.get(OWNER);
    String testClass = context.getTestClass().map(Class::getName).orElse("?");
    if (owner != null && owner != this) {
      throw new ExtensionConfigurationException(
          "TelemetryExtension is registered twice for "
              + testClass
              + " (two fields, or one here and one in an enclosing or super class): use one"
              + " TelemetryExtension per test class. For a second service in a test, call"
              + " service(\"name\") on that one extension.");
    }
    if (owner == null) {
      store.put(OWNER, this);
    }
    if (registeredIn == null) {
      registeredIn = testClass;
    }
  }

  /** The running capture, started on first use. */
  private Capture capture() {
    synchronized (lock) {
      if (capture == null) {
        capture = global ? startGlobal() : new Capture(customizer, false);
      }
      return capture;
    }
  }

  private Capture startGlobal() {
    synchronized (GLOBAL_LOCK) {
      if (GlobalOpenTelemetry.isSet()) {
        throw new ExtensionConfigurationException(globalAlreadySet());
      }
      Capture started = new Capture(customizer, true);
      globalOwner = this;
      return started;
    }
  }

  private String globalAlreadySet() {
    TelemetryExtension other = globalOwner;
    String who;
    String fix;
    if (other != null) {
      who =
          "another TelemetryExtension that is still open (used by "
              + (other.registeredIn == null
                  ? "a test class where it is not registered: a TelemetryExtension field needs"
                      + " @RegisterExtension"
                  : other.registeredIn)
              + ")";
      fix = "Use one TelemetryExtension per test class, registered with @RegisterExtension.";
    } else if (isJavaAgentPresent()) {
      who = "the OpenTelemetry Java agent";
      fix = "Run these tests without the agent.";
    } else if (GlobalOpenTelemetry.getOrNoop().getTracerProvider() == TracerProvider.noop()) {
      who =
          "a no-op, which GlobalOpenTelemetry.get() sets when it is called before any install"
              + " (often a static field such as GlobalOpenTelemetry.getTracer(...) initialized"
              + " before this test)";
      fix =
          "Make that code ask for the global later, or call GlobalOpenTelemetry.resetForTest()"
              + " before this test.";
    } else {
      who = "other code (" + GlobalOpenTelemetry.getOrNoop().getClass().getName() + ")";
      fix =
          "Remove that setup from the tests, or reset it with GlobalOpenTelemetry.resetForTest().";
    }
    return "TelemetryExtension"
        + (registeredIn == null ? "" : " in " + registeredIn)
        + " cannot install its Telemetry as GlobalOpenTelemetry: a global is already set by "
        + who
        + ", so code that records through the global would not reach this extension. "
        + fix
        + " Or leave the global alone: TelemetryExtension.builder().global(false).build(), and"
        + " hand otel.openTelemetry() to the code under test.";
  }

  private static boolean isJavaAgentPresent() {
    try {
      Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private void stop() {
    Capture stopped;
    synchronized (lock) {
      stopped = capture;
      capture = null;
    }
    if (stopped == null) {
      return;
    }
    try {
      stopped.close();
    } finally {
      if (global) {
        synchronized (GLOBAL_LOCK) {
          if (globalOwner == this) {
            GlobalOpenTelemetry.resetForTest();
            globalOwner = null;
          }
        }
      }
    }
  }

  private static List<SpanData> named(Snapshot snapshot, String name) {
    List<SpanData> named = new ArrayList<>();
    for (SpanData span : snapshot.spans) {
      if (span.getName().equals(name)) {
        named.add(span);
      }
    }
    return named;
  }

  private static SpanData oneNamed(Snapshot snapshot, String name) {
    List<SpanData> named = named(snapshot, name);
    if (named.size() != 1) {
      Set<String> names = new TreeSet<>();
      for (SpanData span : snapshot.spans) {
        names.add(span.getName());
      }
      throw new TelemetryAssertionError(
          "expected one span named '"
              + name
              + "' but "
              + named.size()
              + " were captured"
              + (named.size() > 1 ? " (spans(\"" + name + "\") returns them all)" : "")
              + "; span names: "
              + names,
          snapshot);
    }
    return named.get(0);
  }

  /** Exactly {@code count} connected traces with this root name, or a failure saying why not. */
  private static List<TraceTreeAssert> findTraces(Snapshot snapshot, String rootName, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    List<TraceTree> traces = snapshot.tracesWithRoot(rootName);
    if (traces.size() != count) {
      throw new TelemetryAssertionError(
          "expected "
              + count
              + (count == 1 ? " trace" : " traces")
              + " with a root span named '"
              + rootName
              + "' but found "
              + traces.size()
              + (count == 1 && traces.size() > 1
                  ? " (assertTraces(\"" + rootName + "\", " + traces.size() + ") asserts several)"
                  : ""),
          snapshot);
    }
    List<TraceTreeAssert> asserts = new ArrayList<>(count);
    for (TraceTree trace : traces) {
      if (!trace.connected()) {
        List<String> orphans = new ArrayList<>();
        boolean rootSeen = false;
        for (TraceTree.Node root : trace.roots) {
          if (!rootSeen && root.name().equals(rootName)) {
            rootSeen = true;
          } else {
            orphans.add("'" + root.name() + "' (parent " + root.span.getParentSpanId() + ")");
          }
        }
        throw new TelemetryAssertionError(
            "the trace with root '"
                + rootName
                + "' is not connected yet: spans whose parent has not arrived (not ended, or"
                + " recorded elsewhere): "
                + orphans
                + "; awaitTrace waits for them",
            snapshot);
      }
      asserts.add(new TraceTreeAssert(snapshot, trace));
    }
    return asserts;
  }

  /**
   * Flushes and retries {@code attempt} on what was captured until it passes or the await timeout
   * ends; polls without sleeping longer than {@link #POLL_NANOS}, waking early when telemetry
   * arrives.
   */
  private <T> T await(String what, Function<Snapshot, T> attempt) {
    Capture current = capture();
    Sinks sinks = current.sinks();
    long start = System.nanoTime();
    long deadline = start + awaitTimeout.toNanos();
    AssertionError last;
    Snapshot lastSnapshot;
    while (true) {
      long remaining = deadline - System.nanoTime();
      current.flush(
          Duration.ofNanos(Math.max(1, Math.min(remaining, Capture.FLUSH_TIMEOUT.toNanos()))));
      long seen = sinks.exports();
      // lost spans do not come back: fail now rather than wait
      lastSnapshot = current.snapshotNow().requireAllSpans();
      try {
        return attempt.apply(lastSnapshot);
      } catch (AssertionError e) {
        last = e;
      }
      remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      try {
        sinks.awaitExport(seen, Math.min(remaining, POLL_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TelemetryAssertionError("interrupted while waiting for " + what, lastSnapshot, e);
      }
    }
    throw new TelemetryAssertionError(
        "waited "
            + awaitTimeout.toMillis()
            + " ms for "
            + what
            + " and it did not arrive; last check: "
            + TelemetryAssertionError.reasonOf(last),
        lastSnapshot,
        last);
  }
}
