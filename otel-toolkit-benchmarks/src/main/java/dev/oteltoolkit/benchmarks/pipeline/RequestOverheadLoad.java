package dev.oteltoolkit.benchmarks.pipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator on the JDK {@code HttpClient}: requests are sent at a fixed rate
 * whatever the responses do (one sender thread, asynchronous sends over HTTP/1.1 keep-alive
 * connections), and each latency is measured from the request's scheduled send time, not from when
 * it actually went out, so a stalled server shows in the numbers instead of slowing the load down
 * (no coordinated omission). Only requests scheduled inside the recording window are recorded; the
 * rest warm up or keep the load steady while the driver talks to the server.
 */
final class RequestOverheadLoad {

  private final HttpClient client;
  private final HttpRequest[] requests;
  private final long periodNanos;
  private final PipelineSamples samples = new PipelineSamples();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong recordedErrors = new AtomicLong();
  private volatile long recordFrom = Long.MAX_VALUE;
  private volatile long recordTo = Long.MIN_VALUE;
  private volatile boolean running;
  private volatile Throwable firstError;
  private Thread sender;

  RequestOverheadLoad(HttpClient client, int port, double rate) {
    this.client = client;
    this.periodNanos = (long) (1e9 / rate);
    this.requests = new HttpRequest[RequestOverheadApp.ORDERS];
    for (int i = 0; i < requests.length; i++) {
      requests[i] =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/order?id=" + (i + 1)))
              .timeout(Duration.ofSeconds(30))
              .GET()
              .build();
    }
  }

  void start() {
    running = true;
    sender = new Thread(this::send, "load-generator");
    sender.setDaemon(true);
    sender.start();
  }

  /** Records the requests scheduled from now on for {@code duration}. */
  void record(Duration duration) {
    long now = System.nanoTime();
    recordTo = now + duration.toNanos();
    recordFrom = now;
  }

  /** Stops sending and waits for the requests in flight (at most {@code timeout}). */
  void stop(Duration timeout) {
    running = false;
    try {
      sender.join();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  PipelineSamples samples() {
    return samples;
  }

  long sent() {
    return sent.get();
  }

  long errors() {
    return errors.get();
  }

  long recordedErrors() {
    return recordedErrors.get();
  }

  Throwable firstError() {
    return firstError;
  }

  private void send() {
    long start = System.nanoTime();
    for (long i = 0; running; i++) {
      long scheduled = start + i * periodNanos;
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      HttpRequest request = requests[(int) (i % requests.length)];
      inFlight.incrementAndGet();
      sent.incrementAndGet();
      client
          .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .whenComplete(
              (response, error) -> {
                long done = System.nanoTime();
                boolean recorded = scheduled >= recordFrom && scheduled < recordTo;
                if (error != null || response.statusCode() != 200) {
                  errors.incrementAndGet();
                  if (recorded) {
                    recordedErrors.incrementAndGet();
                  }
                  if (firstError == null) {
                    firstError =
                        error != null
                            ? error
                            : new IllegalStateException(
                                "HTTP "
                                    + response.statusCode()
                                    + ": "
                                    + new String(
                                        response.body(), java.nio.charset.StandardCharsets.UTF_8));
                  }
                } else if (recorded) {
                  samples.add(done - scheduled);
                }
                inFlight.decrementAndGet();
              });
    }
  }
}
