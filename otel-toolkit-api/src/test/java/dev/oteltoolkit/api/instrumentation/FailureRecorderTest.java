package dev.oteltoolkit.api.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailureRecorderTest {

  /** Registered once for the whole JVM: its messages lose everything after "secret=". */
  static final class LeakyException extends Exception {
    LeakyException(String message) {
      super(message);
    }
  }

  /** Registered with a redactor that throws. */
  static final class UnredactableException extends RuntimeException {
    UnredactableException(String message) {
      super(message);
    }
  }

  static {
    FailureRecorder.registerRedactor(
        LeakyException.class, message -> message.replaceAll("secret=\\S+", "secret=?"));
    FailureRecorder.registerRedactor(
        UnredactableException.class,
        message -> {
          throw new IllegalStateException("redactor broke");
        });
  }

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

  @AfterEach
  void tearDown() {
    provider.close();
  }

  private SpanData record(Throwable failure) {
    Span span = provider.get("test").spanBuilder("op").startSpan();
    FailureRecorder.record(span, failure);
    span.end();
    return spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1);
  }

  @Test
  void unregisteredFailuresAreRecordedExactlyAsTheSdkDoes() {
    IllegalArgumentException failure = new IllegalArgumentException("bad secret=abc");
    SpanData recorded = record(failure);
    Attributes event = recorded.getEvents().get(0).getAttributes();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE)).isEqualTo("bad secret=abc");
    StringWriter expected = new StringWriter();
    failure.printStackTrace(new PrintWriter(expected));
    assertThat(event.get(ExceptionAttributes.EXCEPTION_STACKTRACE)).isEqualTo(expected.toString());
    assertThat(recorded.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(recorded.getStatus().getDescription()).isEqualTo("bad secret=abc");
    assertThat(FailureRecorder.redactorFor(failure)).isNull();
  }

  @Test
  void aRegisteredTypeAnywhereInTheChainRedactsEveryMessage() {
    LeakyException cause = new LeakyException("query failed secret=hunter2");
    RuntimeException wrapper = new RuntimeException(cause); // message = cause.toString()
    RuntimeException outer = new RuntimeException("handling failed", wrapper);
    outer.addSuppressed(new IllegalStateException("close failed secret=hunter3"));

    SpanData recorded = record(outer);
    Attributes event = recorded.getEvents().get(0).getAttributes();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_TYPE))
        .isEqualTo(RuntimeException.class.getName());
    assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE)).isEqualTo("handling failed");
    String trace = event.get(ExceptionAttributes.EXCEPTION_STACKTRACE);
    assertThat(trace)
        .doesNotContain("hunter2")
        .doesNotContain("hunter3")
        .startsWith("java.lang.RuntimeException: handling failed\n")
        .contains("Suppressed: java.lang.IllegalStateException: close failed secret=?")
        .contains(
            "Caused by: java.lang.RuntimeException: "
                + LeakyException.class.getName()
                + ": query failed secret=?")
        .contains("Caused by: " + LeakyException.class.getName() + ": query failed secret=?")
        .contains("\tat ");
    // the layout is printStackTrace()'s: same lines once the secrets are replaced alike
    StringWriter expected = new StringWriter();
    outer.printStackTrace(new PrintWriter(expected));
    assertThat(trace).isEqualTo(expected.toString().replaceAll("secret=\\S+", "secret=?"));
  }

  @Test
  void theStatusDescriptionIsRedactedToo() {
    SpanData recorded = record(new LeakyException("secret=hunter2 rejected"));
    assertThat(recorded.getStatus().getDescription()).isEqualTo("secret=? rejected");
  }

  @Test
  void aRedactorThatThrowsLeavesNoMessageAndDoesNotReachTheCaller() {
    SpanData recorded = record(new RuntimeException(new UnredactableException("secret=hunter2")));
    Attributes event = recorded.getEvents().get(0).getAttributes();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE)).isNull();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_STACKTRACE))
        .doesNotContain("hunter2")
        .startsWith("java.lang.RuntimeException\n");
    assertThat(recorded.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(recorded.getStatus().getDescription()).isEmpty();
  }

  @Test
  void registeringATypeTwiceKeepsTheFirstRedactor() {
    FailureRecorder.registerRedactor(LeakyException.class, message -> message);
    SpanData recorded = record(new LeakyException("secret=hunter2"));
    assertThat(
            recorded.getEvents().get(0).getAttributes().get(ExceptionAttributes.EXCEPTION_MESSAGE))
        .isEqualTo("secret=?");
  }

  @Test
  void aCyclicCauseChainTerminates() {
    LeakyException a = new LeakyException("a secret=1");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    SpanData recorded = record(b);
    assertThat(
            recorded
                .getEvents()
                .get(0)
                .getAttributes()
                .get(ExceptionAttributes.EXCEPTION_STACKTRACE))
        .contains("[CIRCULAR REFERENCE: ");
  }

  @Test
  void aChainTooLongToInspectIsRedactedWithEveryRedactor() {
    // the registered type sits below 100 wrappers, deeper than the walk looks
    Throwable chain = new LeakyException("deep secret=hunter2");
    for (int i = 0; i < 100; i++) {
      chain = new RuntimeException("level " + i + " secret=hunter" + i, chain);
    }
    SpanData recorded = record(chain);
    Attributes event = recorded.getEvents().get(0).getAttributes();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE)).isNull(); // unredactable rule
    assertThat(event.get(ExceptionAttributes.EXCEPTION_STACKTRACE))
        .doesNotContain("hunter")
        .contains("[... more causes and suppressed exceptions omitted]");
    assertThat(recorded.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void aSpanThatIsNotRecordingGetsNothing() {
    List<String> calls = new ArrayList<>();
    Span notRecording =
        (Span)
            Proxy.newProxyInstance(
                Span.class.getClassLoader(),
                new Class<?>[] {Span.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "isRecording":
                      return false;
                    case "getSpanContext":
                      return SpanContext.getInvalid();
                    default:
                      calls.add(method.getName());
                      return method.getReturnType() == Span.class ? proxy : null;
                  }
                });
    FailureRecorder.record(notRecording, new LeakyException("secret=x"));
    FailureRecorder.record(notRecording, new IllegalStateException("boom"), "boom", m -> m);
    assertThat(calls).isEmpty();
  }

  @Test
  void recordSetsErrorTypeAndCancellationIsCancelled() {
    SpanData failed = record(new IllegalStateException("boom"));
    assertThat(failed.getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
    SpanData cancelled = record(new CancellationException());
    assertThat(cancelled.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("cancelled");
  }

  @Test
  void anExplicitRedactorIsUsedInsteadOfTheRegisteredOnes() {
    Span span = provider.get("test").spanBuilder("op").startSpan();
    FailureRecorder.record(
        span, new IllegalStateException("token=abc"), "E42", m -> m.replace("abc", "?"));
    span.end();
    SpanData recorded = spans.getFinishedSpanItems().get(0);
    assertThat(recorded.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("E42");
    Attributes event = recorded.getEvents().get(0).getAttributes();
    assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE)).isEqualTo("token=?");
    assertThat(event.get(ExceptionAttributes.EXCEPTION_STACKTRACE))
        .contains("token=?")
        .doesNotContain("abc");
    assertThat(recorded.getStatus().getDescription()).isEqualTo("token=?");
  }
}
