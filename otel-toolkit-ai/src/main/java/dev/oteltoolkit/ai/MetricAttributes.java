package dev.oteltoolkit.ai;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribute sets of one call's metrics: {@link #base} (operation, provider, request and
 * response model, server address and port) for the duration and time to first chunk, the base with
 * {@code gen_ai.token.type} for each token count, the base with {@code gen_ai.token.modality} for
 * the newest token counters, and provider and models for the cost.
 *
 * <p>Metric attributes are low-cardinality by the conventions (the SDK keeps at most 2000 series
 * per instrument anyway), so the sets are built once per combination and reused ({@link Cache}): a
 * call then records its metrics without building, sorting or hashing attributes.
 */
final class MetricAttributes {

  final Attributes base;
  final Attributes input;
  final Attributes output;
  final Attributes cost;

  /** The base with {@code gen_ai.token.modality=unknown}: the newest token counters' set. */
  final Attributes usage;

  private MetricAttributes(
      String operation,
      String provider,
      String requestModel,
      String responseModel,
      String serverAddress,
      long serverPort) {
    AttributesBuilder builder = Attributes.builder();
    builder.put(GenAiAttributes.GEN_AI_OPERATION_NAME, operation);
    if (provider != null) {
      builder.put(GenAiAttributes.GEN_AI_PROVIDER_NAME, provider);
    }
    if (requestModel != null) {
      builder.put(GenAiAttributes.GEN_AI_REQUEST_MODEL, requestModel);
    }
    if (responseModel != null) {
      builder.put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, responseModel);
    }
    if (serverAddress != null) {
      builder.put(ServerAttributes.SERVER_ADDRESS, serverAddress);
    }
    if (serverPort >= 0) {
      builder.put(ServerAttributes.SERVER_PORT, serverPort);
    }
    this.base = builder.build();
    this.input =
        base.toBuilder()
            .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, GenAiAttributes.TOKEN_TYPE_INPUT)
            .build();
    this.output =
        base.toBuilder()
            .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, GenAiAttributes.TOKEN_TYPE_OUTPUT)
            .build();
    this.usage =
        base.toBuilder()
            .put(GenAiAttributes.GEN_AI_TOKEN_MODALITY, GenAiAttributes.TOKEN_MODALITY_UNKNOWN)
            .build();
    AttributesBuilder costBuilder = Attributes.builder();
    if (provider != null) {
      costBuilder.put(GenAiAttributes.GEN_AI_PROVIDER_NAME, provider);
    }
    if (requestModel != null) {
      costBuilder.put(GenAiAttributes.GEN_AI_REQUEST_MODEL, requestModel);
    }
    if (responseModel != null) {
      costBuilder.put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, responseModel);
    }
    this.cost = costBuilder.build();
  }

  /**
   * Attribute sets by what they are made of, built on first use. Bounded: past {@value #MAX_CACHED}
   * combinations (far beyond what a metric backend accepts), sets are built per call and not kept.
   */
  static final class Cache {

    static final int MAX_CACHED = 1024;

    private final ConcurrentHashMap<Key, MetricAttributes> sets = new ConcurrentHashMap<>();

    MetricAttributes get(
        String operation,
        String provider,
        String requestModel,
        String responseModel,
        String serverAddress,
        long serverPort) {
      Key key =
          new Key(operation, provider, requestModel, responseModel, serverAddress, serverPort);
      MetricAttributes attributes = sets.get(key);
      if (attributes == null) {
        attributes =
            new MetricAttributes(
                operation, provider, requestModel, responseModel, serverAddress, serverPort);
        if (sets.size() < MAX_CACHED) {
          MetricAttributes raced = sets.putIfAbsent(key, attributes);
          if (raced != null) {
            attributes = raced;
          }
        }
      }
      return attributes;
    }

    /** How many sets are cached (for tests). */
    int cachedCount() {
      return sets.size();
    }
  }

  /** What a set is made of; {@code null} strings and a negative port stand for "unset". */
  private static final class Key {
    private final String operation;
    private final String provider;
    private final String requestModel;
    private final String responseModel;
    private final String serverAddress;
    private final long serverPort;
    private final int hash;

    Key(
        String operation,
        String provider,
        String requestModel,
        String responseModel,
        String serverAddress,
        long serverPort) {
      this.operation = operation;
      this.provider = provider;
      this.requestModel = requestModel;
      this.responseModel = responseModel;
      this.serverAddress = serverAddress;
      this.serverPort = serverPort;
      int h = operation.hashCode();
      h = 31 * h + Objects.hashCode(provider);
      h = 31 * h + Objects.hashCode(requestModel);
      h = 31 * h + Objects.hashCode(responseModel);
      h = 31 * h + Objects.hashCode(serverAddress);
      h = 31 * h + Long.hashCode(serverPort);
      this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key other)) {
        return false;
      }

      return serverPort == other.serverPort
          && operation.equals(other.operation)
          && Objects.equals(provider, other.provider)
          && Objects.equals(requestModel, other.requestModel)
          && Objects.equals(responseModel, other.responseModel)
          && Objects.equals(serverAddress, other.serverAddress);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
