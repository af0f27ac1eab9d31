package dev.oteltoolkit.ai.openai;

import com.openai.client.OpenAIClient;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.chat.ChatCompletionService;
import java.lang.reflect.Proxy;

/** SDK clients without HTTP, for what a real server cannot provoke. */
final class StubClients {

  private StubClients() {}

  /** A client whose chat completions throw {@code error} (the very instance). */
  static OpenAIClient throwing(RuntimeException error) {
    ChatCompletionService completions =
        stub(
            ChatCompletionService.class,
            (proxy, method, args) -> {
              if (method.getName().startsWith("create")) {
                throw error;
              }
              throw new UnsupportedOperationException(method.getName());
            });
    ChatService chat = stub(ChatService.class, (proxy, method, args) -> completions);
    return stub(
        OpenAIClient.class,
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "chat":
              return chat;
            case "withOptions":
              throw new UnsupportedOperationException("a stub has no options");
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }

  static <T> T stub(Class<T> type, java.lang.reflect.InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(StubClients.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
