package dev.oteltoolkit.messaging;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ProducerSpanBuilder} and {@link ConsumerSpanBuilder} have in common and set at span
 * start: message id, conversation id, body size, server address and port, the user's own attributes
 * and links. The builders validate the values (their public methods say how); this keeps them and
 * puts the ones given on the span.
 */
final class CommonSpanOptions {

  String messageId;
  String conversationId;
  long bodySize = -1;
  String serverAddress;
  int serverPort = -1;
  private AttributesBuilder attributes;
  private List<SpanContext> links;

  /** Keeps an attribute of the user's; a {@code null} value is ignored. */
  <T> void attribute(AttributeKey<T> key, T value) {
    if (value != null) {
      if (attributes == null) {
        attributes = Attributes.builder();
      }
      attributes.put(key, value);
    }
  }

  /** Keeps a link. */
  void link(SpanContext linked) {
    if (links == null) {
      links = new ArrayList<>();
    }
    links.add(linked);
  }

  /**
   * Sets every option that was given on {@code builder}: the messaging and server attributes, then
   * the user's attributes (which win over an option for the same key), then the links.
   */
  void applyTo(SpanBuilder builder) {
    if (messageId != null) {
      builder.setAttribute(MessagingSemconv.MESSAGING_MESSAGE_ID, messageId);
    }
    if (conversationId != null) {
      builder.setAttribute(MessagingSemconv.MESSAGING_MESSAGE_CONVERSATION_ID, conversationId);
    }
    if (bodySize >= 0) {
      builder.setAttribute(MessagingSemconv.MESSAGING_MESSAGE_BODY_SIZE, bodySize);
    }
    if (serverAddress != null) {
      builder.setAttribute(ServerAttributes.SERVER_ADDRESS, serverAddress);
    }
    if (serverPort > 0) {
      builder.setAttribute(ServerAttributes.SERVER_PORT, (long) serverPort);
    }
    if (attributes != null) {
      builder.setAllAttributes(attributes.build());
    }
    if (links != null) {
      for (SpanContext link : links) {
        builder.addLink(link);
      }
    }
  }
}
