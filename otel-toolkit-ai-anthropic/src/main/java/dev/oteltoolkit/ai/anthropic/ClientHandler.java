package dev.oteltoolkit.ai.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.core.ClientOptions;
import com.anthropic.core.opentelemetry.OpenTelemetryOptions;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import io.opentelemetry.api.trace.TracerProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * The wrapped {@link AnthropicClient} and {@link AnthropicClientAsync}: dynamic proxies, so that
 * methods an SDK release adds pass through untouched. {@code messages()} hands out a recording
 * message service; {@code withOptions}, {@code async()} and {@code sync()} hand out wrapped
 * clients; everything else goes to the SDK's client as it is.
 */
final class ClientHandler implements InvocationHandler {

  private final Object delegate;
  private final Recorder recorder;
  private final boolean sdkSpans;
  private final Endpoint endpoint;
  private final boolean async;

  private ClientHandler(
      Object delegate, Recorder recorder, boolean sdkSpans, Endpoint endpoint, boolean async) {
    this.delegate = delegate;
    this.recorder = recorder;
    this.sdkSpans = sdkSpans;
    this.endpoint = endpoint;
    this.async = async;
  }

  static AnthropicClient wrap(AnthropicClient client, Recorder recorder, boolean sdkSpans) {
    if (isWrapped(client)) {
      return client;
    }
    AnthropicClient target = client;
    if (!sdkSpans) {
      try {
        target = client.withOptions(withoutSdkSpans(client.options()));
      } catch (RuntimeException | LinkageError e) {
        recorder.instrumentationFailed(e);
      }
    }
    return (AnthropicClient)
        proxy(
            AnthropicClient.class,
            new ClientHandler(target, recorder, sdkSpans, Endpoint.of(target.options()), false));
  }

  static AnthropicClientAsync wrapAsync(
      AnthropicClientAsync client, Recorder recorder, boolean sdkSpans) {
    if (isWrapped(client)) {
      return client;
    }
    AnthropicClientAsync target = client;
    if (!sdkSpans) {
      try {
        target = client.withOptions(withoutSdkSpans(client.options()));
      } catch (RuntimeException | LinkageError e) {
        recorder.instrumentationFailed(e);
      }
    }
    return (AnthropicClientAsync)
        proxy(
            AnthropicClientAsync.class,
            new ClientHandler(target, recorder, sdkSpans, Endpoint.of(target.options()), true));
  }

  /**
   * Turns the SDK's own spans off and keeps everything else of its {@code openTelemetry} option:
   * with the no-op tracer provider the SDK starts non-recording spans that carry the current (our)
   * span's context, so it still propagates the trace context when its propagation is on.
   */
  private static Consumer<ClientOptions.Builder> withoutSdkSpans(ClientOptions options) {
    OpenTelemetryOptions current = options.openTelemetry();
    OpenTelemetryOptions replaced =
        current.toBuilder().tracerProvider(TracerProvider.noop()).build();
    return builder -> builder.openTelemetry(replaced);
  }

  private static boolean isWrapped(Object client) {
    return Proxy.isProxyClass(client.getClass())
        && Proxy.getInvocationHandler(client) instanceof ClientHandler;
  }

  static Object proxy(Class<?> type, InvocationHandler handler) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    int arity = method.getParameterCount();
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, name, args);
    }
    Object result = Delegation.invoke(delegate, method, args);
    if (arity == 0 && name.equals("messages")) {
      if (result instanceof MessageService) {
        return proxy(MessageService.class, new MessagesHandler(result, recorder, endpoint, false));
      }
      if (result instanceof MessageServiceAsync) {
        return proxy(
            MessageServiceAsync.class, new MessagesHandler(result, recorder, endpoint, true));
      }
      return result;
    }
    if (name.equals("withOptions") && arity == 1) {
      return rewrap(result);
    }
    if (arity == 0 && ((async && name.equals("sync")) || (!async && name.equals("async")))) {
      return rewrap(result);
    }
    return result;
  }

  /** A client derived from the wrapped one: it already has our options, only the proxy is new. */
  private Object rewrap(Object client) {
    if (client instanceof AnthropicClient sync) {

      return proxy(
          AnthropicClient.class,
          new ClientHandler(sync, recorder, sdkSpans, Endpoint.of(sync.options()), false));
    }
    if (client instanceof AnthropicClientAsync asyncClient) {

      return proxy(
          AnthropicClientAsync.class,
          new ClientHandler(
              asyncClient, recorder, sdkSpans, Endpoint.of(asyncClient.options()), true));
    }
    return client;
  }

  private Object objectMethod(Object proxy, String name, Object[] args) {
    return switch (name) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "Instrumented[" + delegate + "]";
    };
  }
}
