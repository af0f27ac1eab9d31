package dev.oteltoolkit.ai;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns captured content (messages, instructions, tool arguments and results) into attribute
 * values: every piece of text passes the user's redaction hook, then is cut to the configured
 * length, then is written in the GenAI conventions' JSON message structure. Exists only while
 * capture is on; when it is off nothing here runs and no content is ever read.
 */
final class ContentCapture {

  static final String TRUNCATED = "...[truncated]";

  private static final Logger logger = Logger.getLogger(GenAiTelemetry.class.getName());

  private final UnaryOperator<String> redactor;
  private final int maxLength;
  private final AtomicBoolean redactorFailureLogged = new AtomicBoolean();

  ContentCapture(UnaryOperator<String> redactor, int maxLength) {
    this.redactor = redactor;
    this.maxLength = maxLength;
  }

  /** The messages as the conventions' JSON array, or null if the redactor failed. */
  String messages(List<GenAiMessage> messages) {
    StringBuilder out = new StringBuilder();
    out.append('[');
    for (int m = 0; m < messages.size(); m++) {
      GenAiMessage message = messages.get(m);
      if (m > 0) {
        out.append(',');
      }
      out.append("{\"role\":");
      Json.writeString(out, message.role());
      out.append(",\"parts\":[");
      List<GenAiMessage.Part> parts = message.parts();
      for (int p = 0; p < parts.size(); p++) {
        if (p > 0) {
          out.append(',');
        }
        if (!writePart(out, parts.get(p))) {
          return null;
        }
      }
      out.append(']');
      if (message.finishReason() != null) {
        out.append(",\"finish_reason\":");
        Json.writeString(out, message.finishReason());
      }
      out.append('}');
    }
    return out.append(']').toString();
  }

  /** System instructions as the conventions' JSON array of parts, or null. */
  String instructions(String text) {
    String clean = text(text);
    if (clean == null) {
      return null;
    }
    StringBuilder out = new StringBuilder("[{\"type\":\"text\",\"content\":");
    Json.writeString(out, clean);
    return out.append("}]").toString();
  }

  /** A JSON value (tool arguments or result): raw when still valid JSON, else a string; or null. */
  String jsonValue(String raw) {
    String clean = text(raw);
    if (clean == null) {
      return null;
    }
    if (Json.isValid(clean)) {
      return clean;
    }
    StringBuilder out = new StringBuilder();
    Json.writeString(out, clean);
    return out.toString();
  }

  /** Redacted and truncated text; null when the redactor failed (nothing is recorded then). */
  String text(String raw) {
    String redacted;
    try {
      redacted = redactor.apply(raw);
    } catch (RuntimeException e) {
      if (redactorFailureLogged.compareAndSet(false, true)) {
        logger.log(
            Level.WARNING,
            "the GenAI content redactor failed: the content it was given is not recorded"
                + " (logged once)",
            e);
      }
      return null;
    }
    if (redacted == null) {
      redacted = "";
    }
    if (redacted.length() <= maxLength) {
      return redacted;
    }
    int cut = maxLength;
    if (cut > 0 && Character.isHighSurrogate(redacted.charAt(cut - 1))) {
      cut--;
    }
    return redacted.substring(0, cut) + TRUNCATED;
  }

  private boolean writePart(StringBuilder out, GenAiMessage.Part part) {
    out.append("{\"type\":");
    Json.writeString(out, part.type);
    if (part.id != null) {
      out.append(",\"id\":");
      Json.writeString(out, part.id);
    }
    if (part.name != null) {
      out.append(",\"name\":");
      Json.writeString(out, part.name);
    }
    if (part.content != null) {
      switch (part.type) {
        case GenAiMessage.Part.TEXT -> {
          String text = text(part.content);
          if (text == null) {
            return false;
          }
          out.append(",\"content\":");
          Json.writeString(out, text);
        }
        case GenAiMessage.Part.TOOL_CALL -> {
          String arguments = jsonValue(part.content);
          if (arguments == null) {
            return false;
          }
          out.append(",\"arguments\":").append(arguments);
        }
        default -> {
          String response = jsonValue(part.content);
          if (response == null) {
            return false;
          }
          out.append(",\"response\":").append(response);
        }
      }
    }
    out.append('}');
    return true;
  }
}
