package dev.oteltoolkit.ai.langchain4j;

import dev.oteltoolkit.ai.GenAiSpan;
import io.opentelemetry.context.Scope;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * An AI service whose interface calls are {@code invoke_agent {name}} spans (INTERNAL), current
 * while the service runs, so its model calls and tool executions nest under them. Methods of {@code
 * Object} and default methods pass through.
 */
final class AgentHandler implements InvocationHandler {

  private final String agentName;
  private final Object service;
  private final Recorder recorder;

  AgentHandler(String agentName, Object service, Recorder recorder) {
    this.agentName = agentName;
    this.service = service;
    this.recorder = recorder;
  }

  @Override
  @SuppressWarnings("try")
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "Instrumented[" + agentName + "]";
      };
    }
    GenAiSpan span = recorder.startOrNull(() -> recorder.genAi.invokeAgent(agentName).start());
    if (span == null) {
      return call(method, args); // recording failed: the call goes on unrecorded
    }
    Object result;
    try (Scope ignored = span.makeCurrent()) {
      result = call(method, args);
    } catch (Throwable t) {
      recorder.fail(span, t);
      throw t;
    }
    span.close();
    return result;
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(service, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
