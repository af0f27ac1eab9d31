package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.trace.SpanKind;

/**
 * Describes the invocation ({@code invoke_agent {name}}) or creation ({@code create_agent {name}})
 * of an agent. An invoked agent runs in this process (INTERNAL) unless {@link #remote(String)} says
 * a provider hosts it (CLIENT). End with {@link #call} or {@link #start}; the model and tool calls
 * made inside become its children.
 *
 * <pre>{@code
 * Answer answer = ai.invokeAgent("trip-planner").agentId("agent-7").call(span -> planner.run(q));
 * }</pre>
 */
public final class AgentCallBuilder extends OperationBuilder<AgentCallBuilder> {

  AgentCallBuilder(GenAiTelemetry telemetry, SpanNames names, String agentName, SpanKind kind) {
    super(
        telemetry,
        names.operation(),
        names.name(GenAiTelemetry.requireName(agentName, "agentName")),
        kind,
        null,
        null);
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_AGENT_NAME, agentName);
  }

  @Override
  AgentCallBuilder self() {
    return this;
  }

  /**
   * Marks the agent as hosted by {@code provider} (e.g. OpenAI Assistants, AWS Bedrock Agents): the
   * span becomes CLIENT and gets {@code gen_ai.provider.name}. Default: in-process, INTERNAL.
   *
   * @param provider the provider, e.g. {@code aws.bedrock}
   * @return this builder
   */
  public AgentCallBuilder remote(String provider) {
    setProvider(GenAiTelemetry.requireName(provider, "provider"));
    spanBuilder.setSpanKind(SpanKind.CLIENT);
    return this;
  }

  /**
   * Sets {@code gen_ai.provider.name} without changing the span kind, e.g. for {@code create_agent}
   * or an in-process agent built on one provider's models. Default: unset.
   *
   * @param provider the provider
   * @return this builder
   */
  public AgentCallBuilder provider(String provider) {
    setProvider(GenAiTelemetry.requireName(provider, "provider"));
    return this;
  }

  /**
   * Sets {@code gen_ai.request.model}, the model the agent uses. Default: unset.
   *
   * @param model the model
   * @return this builder
   */
  public AgentCallBuilder model(String model) {
    setRequestModel(model);
    return this;
  }

  /**
   * Sets {@code gen_ai.agent.id}. Default: unset.
   *
   * @param agentId the agent's id
   * @return this builder
   */
  public AgentCallBuilder agentId(String agentId) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_AGENT_ID, agentId);
    return this;
  }

  /**
   * Sets {@code gen_ai.agent.description}. Default: unset.
   *
   * @param description what the agent does
   * @return this builder
   */
  public AgentCallBuilder description(String description) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION, description);
    return this;
  }

  /**
   * Sets {@code gen_ai.agent.version}. Default: unset.
   *
   * @param version the agent's version
   * @return this builder
   */
  public AgentCallBuilder version(String version) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_AGENT_VERSION, version);
    return this;
  }

  /**
   * Sets {@code gen_ai.data_source.id}, the data source the agent grounds its answers in. Default:
   * unset.
   *
   * @param dataSourceId the data source id
   * @return this builder
   */
  public AgentCallBuilder dataSourceId(String dataSourceId) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_DATA_SOURCE_ID, dataSourceId);
    return this;
  }
}
