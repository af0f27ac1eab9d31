package com.example.support;

/** The service's LLM client: any HTTP client or vendor SDK in a real service. */
public interface LlmClient {

  /** One completion and what it cost in tokens. */
  record Reply(String model, String text, long inputTokens, long outputTokens) {}

  Reply complete(String model, String prompt);

  /** The provider refused or failed the call (unchecked, as vendor SDKs throw them). */
  final class LlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LlmException(String message) {
      super(message);
    }
  }
}
