package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A burst of spans larger than a production batch queue reaches the capture whole. */
class ManySpansTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  @Test
  void eightyThousandSpansEndedAtOnceByFourThreadsAllArrive() throws Exception {
    // with the production queue (8192 spans) this lost most of them, silently
    endSpans(otel.openTelemetry().getTracer("burst"), 4, 20_000);

    assertThat(otel.spans()).hasSize(80_000);
    assertThat(otel.consoleTree()).startsWith("Captured by TelemetryExtension: 80000 spans in");
  }

  /** Ends {@code perThread} root spans named "burst" on each of {@code threads} threads. */
  static void endSpans(Tracer tracer, int threads, int perThread) throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  tracer.spanBuilder("burst").startSpan().end();
                }
              });
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }
  }
}
