package dev.oteltoolkit.messaging;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Messaging attribute keys and values of the OpenTelemetry semantic conventions that are still
 * incubating, copied from {@code io.opentelemetry.semconv:opentelemetry-semconv-incubating}
 * <b>1.44.0-alpha</b> ({@code MessagingIncubatingAttributes}) so that the module does not depend on
 * an alpha artifact at run time. {@code MessagingSemconvTest} asserts that every copy equals the
 * artifact's constant, so a rename in a new semconv release fails the build.
 */
final class MessagingSemconv {

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> MESSAGING_MESSAGE_CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<Long> MESSAGING_MESSAGE_BODY_SIZE =
      AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<Long> MESSAGING_BATCH_MESSAGE_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> MESSAGING_CONSUMER_GROUP_NAME =
      AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> MESSAGING_DESTINATION_SUBSCRIPTION_NAME =
      AttributeKey.stringKey("messaging.destination.subscription.name");
  static final AttributeKey<String> MESSAGING_CLIENT_ID =
      AttributeKey.stringKey("messaging.client.id");

  /** {@code messaging.operation.type} of a span that sends a message. */
  static final String OPERATION_TYPE_SEND = "send";

  /** {@code messaging.operation.type} of a span that processes received messages. */
  static final String OPERATION_TYPE_PROCESS = "process";

  private MessagingSemconv() {}
}
