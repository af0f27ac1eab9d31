package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.RequestOptions;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The wrapped {@link MessageService} / {@link MessageServiceAsync}. The SDK's interfaces route
 * every overload (one argument, structured outputs) through {@code create(params, options)} and
 * {@code createStreaming(params, options)} in their default methods, so those two are recorded and
 * the defaults run on the proxy; everything else goes to the SDK's service.
 */
final class MessagesHandler implements InvocationHandler {

  private final Object delegate;
  private final Recorder recorder;
  private final Endpoint endpoint;
  private final boolean async;

  MessagesHandler(Object delegate, Recorder recorder, Endpoint endpoint, boolean async) {
    this.delegate = delegate;
    this.recorder = recorder;
    this.endpoint = endpoint;
    this.async = async;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "Instrumented[" + delegate + "]";
      };
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    if (isCall(method, "create")) {
      return async
          ? recorder.createAsync(delegate, method, args, endpoint)
          : recorder.create(delegate, method, args, endpoint);
    }
    if (isCall(method, "createStreaming")) {
      return async
          ? recorder.createStreamingAsync(delegate, method, args, endpoint)
          : recorder.createStreaming(delegate, method, args, endpoint);
    }
    Object result = Delegation.invoke(delegate, method, args);
    if (method.getName().equals("withOptions")) {
      // a base URL changed here is not seen: server.address stays the client's
      if (result instanceof MessageService) {
        return ClientHandler.proxy(
            MessageService.class, new MessagesHandler(result, recorder, endpoint, false));
      }
      if (result instanceof MessageServiceAsync) {
        return ClientHandler.proxy(
            MessageServiceAsync.class, new MessagesHandler(result, recorder, endpoint, true));
      }
    }
    return result;
  }

  private static boolean isCall(Method method, String name) {
    Class<?>[] types = method.getParameterTypes();
    return method.getName().equals(name)
        && types.length == 2
        && types[0] == MessageCreateParams.class
        && types[1] == RequestOptions.class;
  }
}
