package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.ToolCallBuilder;
import io.opentelemetry.context.Scope;

/**
 * A {@link ToolExecutor} whose executions are {@code execute_tool {name}} spans (INTERNAL), current
 * while the tool runs. The parent is the context current where the AI service runs the tool: the
 * caller's (or the {@code invoke_agent}) span when tools run one after another; with {@code
 * executeToolsConcurrently(executor)} pass an executor that carries the context ({@code
 * Context.taskWrapping(executor)}).
 */
final class TracedToolExecutor implements ToolExecutor {

  private final ToolExecutor delegate;
  private final Recorder recorder;

  TracedToolExecutor(ToolExecutor delegate, Recorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  @SuppressWarnings("try")
  public String execute(ToolExecutionRequest request, Object memoryId) {
    GenAiSpan span = start(request);
    if (span == null) {
      return delegate.execute(request, memoryId);
    }
    String result;
    try (Scope ignored = span.makeCurrent()) {
      result = delegate.execute(request, memoryId);
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    end(span, result);
    return result;
  }

  @Override
  @SuppressWarnings("try")
  public ToolExecutionResult executeWithContext(
      ToolExecutionRequest request, InvocationContext context) {
    GenAiSpan span = start(request);
    if (span == null) {
      return delegate.executeWithContext(request, context);
    }
    ToolExecutionResult result;
    try (Scope ignored = span.makeCurrent()) {
      result = delegate.executeWithContext(request, context);
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    try {
      if (result != null && result.isError()) {
        span.error("tool_error");
      }
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
    }
    end(span, result == null ? null : result.resultText());
    return result;
  }

  private GenAiSpan start(ToolExecutionRequest request) {
    ToolCallBuilder builder;
    try {
      builder = recorder.genAi.executeTool(request.name()).type("function");
      if (request.id() != null) {
        builder.callId(request.id());
      }
      if (request.arguments() != null) {
        builder.arguments(request.arguments()); // recorded only when content capture is on
      }
    } catch (RuntimeException | LinkageError e) {
      recorder.instrumentationFailed(e);
      return null;
    }
    return recorder.startOrNull(builder::start);
  }

  private void end(GenAiSpan span, String result) {
    try {
      if (result != null) {
        span.toolResult(result); // recorded only when content capture is on
      }
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + "]";
  }
}
