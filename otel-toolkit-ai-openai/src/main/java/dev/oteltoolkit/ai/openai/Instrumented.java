package dev.oteltoolkit.ai.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.services.async.ChatServiceAsync;
import com.openai.services.async.EmbeddingServiceAsync;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.EmbeddingService;
import com.openai.services.blocking.ResponseService;
import com.openai.services.blocking.chat.ChatCompletionService;
import dev.oteltoolkit.ai.GenAiSpan;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The instrumented clients and services: dynamic proxies over the SDK's interfaces (as the official
 * instrumentation does), so that methods a newer SDK adds pass through untouched. A proxy records
 * {@code create} and {@code createStreaming} of chat completions, embeddings and responses; keeps
 * every service it hands out (and every {@code withOptions} copy, and {@code async()} / {@code
 * sync()}) instrumented; and forwards everything else to the SDK. The other overloads of {@code
 * create} (no parameters, structured outputs) are the interfaces' default methods, which call the
 * recorded two-argument form: they run on the proxy, so they are recorded once.
 *
 * <p>Thrown exceptions reach the caller as the SDK threw them. One caveat of all dynamic proxies:
 * a checked exception a Kotlin method throws undeclared would arrive wrapped in {@code
 * UndeclaredThrowableException}; the SDK throws unchecked exceptions only.
 */
final class Instrumented {

  private Instrumented() {}

  static OpenAIClient client(Recorder recorder, OpenAIClient delegate) {
    if (isInstrumented(delegate)) {
      return delegate;
    }
    AtomicReference<Endpoint> endpoint = new AtomicReference<>();
    try {
      delegate.withOptions(Endpoint.capture(null, endpoint::set));
    } catch (RuntimeException e) {
      recorder.failed(e);
    }
    return proxy(OpenAIClient.class, new ClientHandler(recorder, endpoint.get(), delegate));
  }

  static OpenAIClientAsync client(Recorder recorder, OpenAIClientAsync delegate) {
    if (isInstrumented(delegate)) {
      return delegate;
    }
    AtomicReference<Endpoint> endpoint = new AtomicReference<>();
    try {
      delegate.withOptions(Endpoint.capture(null, endpoint::set));
    } catch (RuntimeException e) {
      recorder.failed(e);
    }
    return proxy(
        OpenAIClientAsync.class, new AsyncClientHandler(recorder, endpoint.get(), delegate));
  }

  static boolean isInstrumented(Object object) {
    return Proxy.isProxyClass(object.getClass())
        && Proxy.getInvocationHandler(object) instanceof Forwarding;
  }

  private static <T> T proxy(Class<T> type, Forwarding<T> handler) {
    return type.cast(
        Proxy.newProxyInstance(Instrumented.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  // ------------------------------------------------------------------ the shared call shapes

  /** A blocking call: the span is current while the SDK sends the request and reads the answer. */
  static <R> R call(
      Recorder recorder, GenAiSpan span, Supplier<R> body, BiConsumer<GenAiSpan, R> record) {
    if (span == null) {
      return body.get();
    }
    R result;
    try (Scope ignored = span.makeCurrent()) {
      result = body.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    record.accept(span, result);
    return result;
  }

  /**
   * An asynchronous call: the span ends when the SDK's future completes; the caller gets a future
   * completed after that, with the caller's context current, with the SDK's very value or
   * exception. Cancelling it cancels the SDK's future.
   */
  // whenComplete callbacks complete the returned future themselves; the stages whenComplete
  // derives are not needed (the callbacks catch what they can throw)
  @SuppressWarnings("FutureReturnValueIgnored")
  static <R> CompletableFuture<R> callAsync(
      Recorder recorder,
      GenAiSpan span,
      Supplier<CompletableFuture<R>> body,
      BiConsumer<GenAiSpan, R> record) {
    if (span == null) {
      return body.get();
    }
    Context parent = Context.current();
    CompletableFuture<R> future;
    try (Scope ignored = span.makeCurrent()) {
      future = body.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    future.whenComplete(
        (value, error) -> {
          if (error != null) {
            recorder.fail(span, error);
          } else {
            record.accept(span, value);
          }
          try (Scope ignored = parent.makeCurrent()) {
            if (error != null) {
              result.completeExceptionally(error);
            } else {
              result.complete(value);
            }
          }
        });
    result.whenComplete(
        (value, error) -> {
          if (error instanceof CancellationException && !future.isDone()) {
            future.cancel(true);
          }
        });
    return result;
  }

  /** A blocking stream: the span ends with the stream, see {@link TracedStreamResponse}. */
  static <T> StreamResponse<T> stream(
      Recorder recorder,
      GenAiSpan span,
      Supplier<StreamResponse<T>> body,
      java.util.function.Function<GenAiSpan, StreamObserver<T>> observer) {
    if (span == null) {
      return body.get();
    }
    StreamResponse<T> stream;
    try (Scope ignored = span.makeCurrent()) {
      stream = body.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    try {
      return new TracedStreamResponse<>(stream, observer.apply(span));
    } catch (RuntimeException e) {
      recorder.failed(e);
      recorder.close(span);
      return stream;
    }
  }

  /** An asynchronous stream: the span ends with it, see {@link TracedAsyncStreamResponse}. */
  static <T> AsyncStreamResponse<T> streamAsync(
      Recorder recorder,
      GenAiSpan span,
      Supplier<AsyncStreamResponse<T>> body,
      java.util.function.Function<GenAiSpan, StreamObserver<T>> observer) {
    if (span == null) {
      return body.get();
    }
    AsyncStreamResponse<T> stream;
    try (Scope ignored = span.makeCurrent()) {
      stream = body.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    try {
      return new TracedAsyncStreamResponse<>(stream, observer.apply(span));
    } catch (RuntimeException e) {
      recorder.failed(e);
      recorder.close(span);
      return stream;
    }
  }

  // ------------------------------------------------------------------ proxies

  /** Forwards to the delegate what the subclass does not record. */
  abstract static class Forwarding<T> implements InvocationHandler {
    final Recorder recorder;
    final Endpoint endpoint;
    final T delegate;

    Forwarding(Recorder recorder, Endpoint endpoint, T delegate) {
      this.recorder = recorder;
      this.endpoint = endpoint;
      this.delegate = delegate;
    }

    @Override
    public final Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object handled = handle(proxy, method, args == null ? NO_ARGS : args);
      if (handled != NOT_HANDLED) {
        return handled;
      }
      switch (method.getName()) {
        case "equals":
          if (method.getParameterCount() == 1 && method.getDeclaringClass() == Object.class) {
            return proxy == args[0];
          }
          break;
        case "hashCode":
          if (method.getParameterCount() == 0 && method.getDeclaringClass() == Object.class) {
            return System.identityHashCode(proxy);
          }
          break;
        default:
          break;
      }
      return forward(method, args);
    }

    /** Records the call, or returns {@link #NOT_HANDLED} to forward it. */
    abstract Object handle(Object proxy, Method method, Object[] args) throws Throwable;

    final Object forward(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /**
     * Runs an interface default method on the proxy, so that it reaches the recorded abstract
     * method through the proxy (once).
     */
    static Object onProxy(Object proxy, Method method, Object[] args) throws Throwable {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }

    /** A {@code withOptions} modifier that also reads the new base URL into {@code sink}. */
    @SuppressWarnings("unchecked")
    static Consumer<ClientOptions.Builder> capturing(Object modifier, AtomicReference<Endpoint> sink) {
      return Endpoint.capture((Consumer<ClientOptions.Builder>) modifier, sink::set);
    }

    /** The request options of a recorded {@code create(params[, options])}. */
    static RequestOptions options(Object[] args) {
      return args.length == 2 ? (RequestOptions) args[1] : RequestOptions.none();
    }

    /** Whether {@code args} are {@code (params)} or {@code (params, RequestOptions)}. */
    static boolean isCreate(Method method, Object[] args, Class<?> params) {
      int count = method.getParameterCount();
      return (count == 1 || (count == 2 && args[1] instanceof RequestOptions))
          && params.isInstance(args[0]);
    }

    static final Object[] NO_ARGS = new Object[0];
    static final Object NOT_HANDLED = new Object();
  }

  /** {@link OpenAIClient}: hands out instrumented services. */
  static final class ClientHandler extends Forwarding<OpenAIClient> {
    private volatile ChatService chat;
    private volatile EmbeddingService embeddings;
    private volatile ResponseService responses;
    private volatile OpenAIClientAsync async;

    ClientHandler(Recorder recorder, Endpoint endpoint, OpenAIClient delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) {
      if (args.length == 0) {
        switch (method.getName()) {
          case "chat":
            ChatService chatService = chat;
            if (chatService == null) {
              chatService =
                  proxy(ChatService.class, new ChatHandler(recorder, endpoint, delegate.chat()));
              chat = chatService;
            }
            return chatService;
          case "embeddings":
            EmbeddingService embeddingService = embeddings;
            if (embeddingService == null) {
              embeddingService =
                  proxy(
                      EmbeddingService.class,
                      new EmbeddingHandler(recorder, endpoint, delegate.embeddings()));
              embeddings = embeddingService;
            }
            return embeddingService;
          case "responses":
            ResponseService responseService = responses;
            if (responseService == null) {
              responseService =
                  proxy(
                      ResponseService.class,
                      new ResponseHandler(recorder, endpoint, delegate.responses()));
              responses = responseService;
            }
            return responseService;
          case "async":
            OpenAIClientAsync asyncClient = async;
            if (asyncClient == null) {
              asyncClient =
                  proxy(
                      OpenAIClientAsync.class,
                      new AsyncClientHandler(recorder, endpoint, delegate.async()));
              async = asyncClient;
            }
            return asyncClient;
          default:
            return NOT_HANDLED;
        }
      }
      if (method.getName().equals("withOptions") && args.length == 1) {
        AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
        OpenAIClient copy = delegate.withOptions(capturing(args[0], next));
        return proxy(OpenAIClient.class, new ClientHandler(recorder, next.get(), copy));
      }
      return NOT_HANDLED;
    }
  }

  /** {@link OpenAIClientAsync}: hands out instrumented services. */
  static final class AsyncClientHandler extends Forwarding<OpenAIClientAsync> {
    private volatile ChatServiceAsync chat;
    private volatile EmbeddingServiceAsync embeddings;
    private volatile ResponseServiceAsync responses;
    private volatile OpenAIClient sync;

    AsyncClientHandler(Recorder recorder, Endpoint endpoint, OpenAIClientAsync delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) {
      if (args.length == 0) {
        switch (method.getName()) {
          case "chat":
            ChatServiceAsync chatService = chat;
            if (chatService == null) {
              chatService =
                  proxy(
                      ChatServiceAsync.class,
                      new AsyncChatHandler(recorder, endpoint, delegate.chat()));
              chat = chatService;
            }
            return chatService;
          case "embeddings":
            EmbeddingServiceAsync embeddingService = embeddings;
            if (embeddingService == null) {
              embeddingService =
                  proxy(
                      EmbeddingServiceAsync.class,
                      new AsyncEmbeddingHandler(recorder, endpoint, delegate.embeddings()));
              embeddings = embeddingService;
            }
            return embeddingService;
          case "responses":
            ResponseServiceAsync responseService = responses;
            if (responseService == null) {
              responseService =
                  proxy(
                      ResponseServiceAsync.class,
                      new AsyncResponseHandler(recorder, endpoint, delegate.responses()));
              responses = responseService;
            }
            return responseService;
          case "sync":
            OpenAIClient syncClient = sync;
            if (syncClient == null) {
              syncClient =
                  proxy(OpenAIClient.class, new ClientHandler(recorder, endpoint, delegate.sync()));
              sync = syncClient;
            }
            return syncClient;
          default:
            return NOT_HANDLED;
        }
      }
      if (method.getName().equals("withOptions") && args.length == 1) {
        AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
        OpenAIClientAsync copy = delegate.withOptions(capturing(args[0], next));
        return proxy(OpenAIClientAsync.class, new AsyncClientHandler(recorder, next.get(), copy));
      }
      return NOT_HANDLED;
    }
  }

  /** {@link ChatService}: hands out the instrumented completions service. */
  static final class ChatHandler extends Forwarding<ChatService> {
    private volatile ChatCompletionService completions;

    ChatHandler(Recorder recorder, Endpoint endpoint, ChatService delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) {
      if (args.length == 0 && method.getName().equals("completions")) {
        ChatCompletionService service = completions;
        if (service == null) {
          service =
              proxy(
                  ChatCompletionService.class,
                  new ChatCompletionHandler(recorder, endpoint, delegate.completions()));
          completions = service;
        }
        return service;
      }
      if (args.length == 1 && method.getName().equals("withOptions")) {
        AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
        ChatService copy = delegate.withOptions(capturing(args[0], next));
        return proxy(ChatService.class, new ChatHandler(recorder, next.get(), copy));
      }
      return NOT_HANDLED;
    }
  }

  /** {@link ChatServiceAsync}: hands out the instrumented completions service. */
  static final class AsyncChatHandler extends Forwarding<ChatServiceAsync> {
    private volatile ChatCompletionServiceAsync completions;

    AsyncChatHandler(Recorder recorder, Endpoint endpoint, ChatServiceAsync delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) {
      if (args.length == 0 && method.getName().equals("completions")) {
        ChatCompletionServiceAsync service = completions;
        if (service == null) {
          service =
              proxy(
                  ChatCompletionServiceAsync.class,
                  new AsyncChatCompletionHandler(recorder, endpoint, delegate.completions()));
          completions = service;
        }
        return service;
      }
      if (args.length == 1 && method.getName().equals("withOptions")) {
        AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
        ChatServiceAsync copy = delegate.withOptions(capturing(args[0], next));
        return proxy(ChatServiceAsync.class, new AsyncChatHandler(recorder, next.get(), copy));
      }
      return NOT_HANDLED;
    }
  }

  /** {@link ChatCompletionService}: records {@code create} and {@code createStreaming}. */
  static final class ChatCompletionHandler extends Forwarding<ChatCompletionService> {
    ChatCompletionHandler(Recorder recorder, Endpoint endpoint, ChatCompletionService delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    // the stream goes to the caller inside a traced stream that closes it
    @SuppressWarnings("MustBeClosedChecker")
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, ChatCompletionCreateParams.class)) {
            ChatCompletionCreateParams params = (ChatCompletionCreateParams) args[0];
            RequestOptions options = options(args);
            return call(
                recorder,
                recorder.startChat(params, endpoint, false),
                () -> delegate.create(params, options),
                recorder::endChat);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "createStreaming":
          if (isCreate(method, args, ChatCompletionCreateParams.class)) {
            ChatCompletionCreateParams params =
                recorder.streamParams((ChatCompletionCreateParams) args[0]);
            RequestOptions options = options(args);
            return Instrumented.<ChatCompletionChunk>stream(
                recorder,
                recorder.startChat(params, endpoint, true),
                () -> delegate.createStreaming(params, options),
                span -> new ChatStreamObserver(recorder, span));
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          ChatCompletionService copy = delegate.withOptions(capturing(args[0], next));
          return proxy(
              ChatCompletionService.class, new ChatCompletionHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }

  /** {@link ChatCompletionServiceAsync}: records {@code create} and {@code createStreaming}. */
  static final class AsyncChatCompletionHandler extends Forwarding<ChatCompletionServiceAsync> {
    AsyncChatCompletionHandler(
        Recorder recorder, Endpoint endpoint, ChatCompletionServiceAsync delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, ChatCompletionCreateParams.class)) {
            ChatCompletionCreateParams params = (ChatCompletionCreateParams) args[0];
            RequestOptions options = options(args);
            return callAsync(
                recorder,
                recorder.startChat(params, endpoint, false),
                () -> delegate.create(params, options),
                recorder::endChat);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "createStreaming":
          if (isCreate(method, args, ChatCompletionCreateParams.class)) {
            ChatCompletionCreateParams params =
                recorder.streamParams((ChatCompletionCreateParams) args[0]);
            RequestOptions options = options(args);
            return Instrumented.<ChatCompletionChunk>streamAsync(
                recorder,
                recorder.startChat(params, endpoint, true),
                () -> delegate.createStreaming(params, options),
                span -> new ChatStreamObserver(recorder, span));
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          ChatCompletionServiceAsync copy = delegate.withOptions(capturing(args[0], next));
          return proxy(
              ChatCompletionServiceAsync.class,
              new AsyncChatCompletionHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }

  /** {@link EmbeddingService}: records {@code create}. */
  static final class EmbeddingHandler extends Forwarding<EmbeddingService> {
    EmbeddingHandler(Recorder recorder, Endpoint endpoint, EmbeddingService delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, EmbeddingCreateParams.class)) {
            EmbeddingCreateParams params = (EmbeddingCreateParams) args[0];
            RequestOptions options = options(args);
            return call(
                recorder,
                recorder.startEmbeddings(params, endpoint),
                () -> delegate.create(params, options),
                recorder::endEmbeddings);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          EmbeddingService copy = delegate.withOptions(capturing(args[0], next));
          return proxy(EmbeddingService.class, new EmbeddingHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }

  /** {@link EmbeddingServiceAsync}: records {@code create}. */
  static final class AsyncEmbeddingHandler extends Forwarding<EmbeddingServiceAsync> {
    AsyncEmbeddingHandler(Recorder recorder, Endpoint endpoint, EmbeddingServiceAsync delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, EmbeddingCreateParams.class)) {
            EmbeddingCreateParams params = (EmbeddingCreateParams) args[0];
            RequestOptions options = options(args);
            return callAsync(
                recorder,
                recorder.startEmbeddings(params, endpoint),
                () -> delegate.create(params, options),
                recorder::endEmbeddings);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          EmbeddingServiceAsync copy = delegate.withOptions(capturing(args[0], next));
          return proxy(
              EmbeddingServiceAsync.class, new AsyncEmbeddingHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }

  /** {@link ResponseService}: records {@code create} and {@code createStreaming}. */
  static final class ResponseHandler extends Forwarding<ResponseService> {
    ResponseHandler(Recorder recorder, Endpoint endpoint, ResponseService delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    // the stream goes to the caller inside a traced stream that closes it
    @SuppressWarnings("MustBeClosedChecker")
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, ResponseCreateParams.class)) {
            ResponseCreateParams params = (ResponseCreateParams) args[0];
            RequestOptions options = options(args);
            return call(
                recorder,
                recorder.startResponse(params, endpoint, false),
                () -> delegate.create(params, options),
                recorder::endResponse);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "createStreaming":
          if (isCreate(method, args, ResponseCreateParams.class)) {
            ResponseCreateParams params = (ResponseCreateParams) args[0];
            RequestOptions options = options(args);
            return Instrumented.<ResponseStreamEvent>stream(
                recorder,
                recorder.startResponse(params, endpoint, true),
                () -> delegate.createStreaming(params, options),
                span -> new ResponseStreamObserver(recorder, span));
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          ResponseService copy = delegate.withOptions(capturing(args[0], next));
          return proxy(ResponseService.class, new ResponseHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }

  /** {@link ResponseServiceAsync}: records {@code create} and {@code createStreaming}. */
  static final class AsyncResponseHandler extends Forwarding<ResponseServiceAsync> {
    AsyncResponseHandler(Recorder recorder, Endpoint endpoint, ResponseServiceAsync delegate) {
      super(recorder, endpoint, delegate);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "create":
          if (isCreate(method, args, ResponseCreateParams.class)) {
            ResponseCreateParams params = (ResponseCreateParams) args[0];
            RequestOptions options = options(args);
            return callAsync(
                recorder,
                recorder.startResponse(params, endpoint, false),
                () -> delegate.create(params, options),
                recorder::endResponse);
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "createStreaming":
          if (isCreate(method, args, ResponseCreateParams.class)) {
            ResponseCreateParams params = (ResponseCreateParams) args[0];
            RequestOptions options = options(args);
            return Instrumented.<ResponseStreamEvent>streamAsync(
                recorder,
                recorder.startResponse(params, endpoint, true),
                () -> delegate.createStreaming(params, options),
                span -> new ResponseStreamObserver(recorder, span));
          }
          return method.isDefault() ? onProxy(proxy, method, args) : NOT_HANDLED;
        case "withOptions":
          AtomicReference<Endpoint> next = new AtomicReference<>(endpoint);
          ResponseServiceAsync copy = delegate.withOptions(capturing(args[0], next));
          return proxy(
              ResponseServiceAsync.class, new AsyncResponseHandler(recorder, next.get(), copy));
        default:
          return NOT_HANDLED;
      }
    }
  }
}
