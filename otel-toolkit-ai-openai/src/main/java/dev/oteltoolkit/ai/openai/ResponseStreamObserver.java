package dev.oteltoolkit.ai.openai;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import dev.oteltoolkit.ai.GenAiSpan;

/**
 * A streamed Responses API call: its terminal event ({@code response.completed}, {@code
 * response.incomplete}, {@code response.failed}) carries the whole response with its usage; an
 * {@code error} event marks the span failed with its code. The first chunk is the first event that
 * is not about the response's lifecycle ({@code response.created}, {@code response.queued}, {@code
 * response.in_progress} come before the model produced anything).
 */
final class ResponseStreamObserver extends StreamObserver<ResponseStreamEvent> {

  private Response response;
  private String errorType;

  ResponseStreamObserver(Recorder recorder, GenAiSpan span) {
    super(recorder, span);
  }

  @Override
  boolean isFirstChunk(ResponseStreamEvent event) {
    return !(event.isCreated() || event.isQueued() || event.isInProgress());
  }

  @Override
  void observe(ResponseStreamEvent event) {
    if (event.isCompleted()) {
      response = event.asCompleted().response();
    } else if (event.isIncomplete()) {
      response = event.asIncomplete().response();
    } else if (event.isFailed()) {
      response = event.asFailed().response();
      errorType = response.error().map(error -> error.code().asString()).orElse("response_failed");
    } else if (event.isError()) {
      errorType = event.asError().code().orElse("error");
    }
  }

  @Override
  void record() {
    if (response != null) {
      recorder.recordResponse(span, response);
    }
    if (errorType != null && !errorType.isEmpty()) {
      span.error(errorType);
    }
  }
}
