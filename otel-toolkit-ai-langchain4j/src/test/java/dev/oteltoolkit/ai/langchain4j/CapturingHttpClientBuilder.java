package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.List;

/** LangChain4j's JDK HTTP client, noting the current span at each request. */
final class CapturingHttpClientBuilder implements HttpClientBuilder {

  private final HttpClientBuilder delegate = JdkHttpClient.builder();
  private final List<SpanContext> currentAtHttpCall;

  CapturingHttpClientBuilder(List<SpanContext> currentAtHttpCall) {
    this.currentAtHttpCall = currentAtHttpCall;
  }

  @Override
  public Duration connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public HttpClientBuilder connectTimeout(Duration timeout) {
    delegate.connectTimeout(timeout);
    return this;
  }

  @Override
  public Duration readTimeout() {
    return delegate.readTimeout();
  }

  @Override
  public HttpClientBuilder readTimeout(Duration timeout) {
    delegate.readTimeout(timeout);
    return this;
  }

  @Override
  public HttpClient build() {
    HttpClient client = delegate.build();
    return new HttpClient() {
      @Override
      public SuccessfulHttpResponse execute(HttpRequest request) {
        currentAtHttpCall.add(Span.current().getSpanContext());
        return client.execute(request);
      }

      @Override
      public void execute(
          HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        currentAtHttpCall.add(Span.current().getSpanContext());
        client.execute(request, parser, listener);
      }
    };
  }
}
