package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

/**
 * Describes the execution of one tool ({@code execute_tool {name}}, INTERNAL). End with {@link
 * #call} or {@link #start}; record the result with {@link GenAiSpan#toolResult(String)}.
 *
 * <pre>{@code
 * String weather = ai.executeTool("get_weather").callId(call.id()).type("function")
 *     .arguments(call.argumentsJson())
 *     .call(span -> weatherService.lookup(city));
 * }</pre>
 */
public final class ToolCallBuilder extends OperationBuilder<ToolCallBuilder> {

  private String arguments;

  ToolCallBuilder(GenAiTelemetry telemetry, SpanNames names, String toolName) {
    super(
        telemetry,
        names.operation(),
        names.name(GenAiTelemetry.requireName(toolName, "toolName")),
        SpanKind.INTERNAL,
        null,
        null);
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_TOOL_NAME, toolName);
  }

  @Override
  ToolCallBuilder self() {
    return this;
  }

  /**
   * Sets {@code gen_ai.tool.call.id}, the id the model gave the call. Default: unset.
   *
   * @param callId the tool call id
   * @return this builder
   */
  public ToolCallBuilder callId(String callId) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_ID, callId);
    return this;
  }

  /**
   * Sets {@code gen_ai.tool.type}: {@code function}, {@code extension} or {@code datastore}.
   * Default: unset.
   *
   * @param type the tool type
   * @return this builder
   */
  public ToolCallBuilder type(String type) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_TOOL_TYPE, type);
    return this;
  }

  /**
   * Sets {@code gen_ai.tool.description}. Default: unset.
   *
   * @param description what the tool does
   * @return this builder
   */
  public ToolCallBuilder description(String description) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION, description);
    return this;
  }

  /**
   * Gives the arguments the model passed, recorded as {@code gen_ai.tool.call.arguments} only when
   * content capture is on (after the redactor). Default: unset.
   *
   * @param arguments the arguments, usually JSON
   * @return this builder
   */
  public ToolCallBuilder arguments(String arguments) {
    this.arguments = arguments;
    return this;
  }

  @Override
  void recordContentAtStart(Span span, ContentCapture content) {
    if (arguments != null) {
      String json = content.jsonValue(arguments);
      if (json != null) {
        span.setAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, json);
      }
    }
  }
}
