package dev.oteltoolkit.benchmarks.pipeline;

import com.openai.client.OpenAIClient;
import com.sun.net.httpserver.HttpContext;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.openai.OpenAiTelemetry;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The toolkit as its READMEs tell a user to set it up: {@code Telemetry.setup()} (defaults, OTLP
 * over gRPC), the official JDK {@code HttpServer} library instrumentation on the route, {@code
 * JdbcTelemetry} around the data source, {@code OpenAiTelemetry} around the OpenAI client, and the
 * MDC bridge of {@code otel-toolkit-logging} (active by being on the class path).
 */
final class ToolkitStack implements ServiceStack {

  private final Telemetry telemetry;

  ToolkitStack(double sampling, String endpoint, String run) {
    telemetry =
        Telemetry.setup()
            .serviceName(StackComparison.SERVICE_NAME)
            .resourceAttribute(ExportReceiver.RUN_KEY, run)
            .endpoint(endpoint)
            .protocol("grpc")
            .samplingRatio(sampling)
            .configProperties(Map.of()) // the process's own settings are checked to be none
            // the agent and hand-built stacks run with otel.logs.exporter=none: log lines carry
            // the trace id through the MDC in all three, none exports them as records
            .exportLogs(false)
            .build();
  }

  @Override
  public DataSource database(DataSource raw) {
    return JdbcTelemetry.create(telemetry.openTelemetry()).wrap(raw);
  }

  @Override
  public OpenAIClient openAi(OpenAIClient raw) {
    return OpenAiTelemetry.create(GenAiTelemetry.create(telemetry.openTelemetry())).wrap(raw);
  }

  @Override
  public void instrument(HttpContext orders) {
    JavaHttpServerTelemetry.create(telemetry.openTelemetry()).configure(orders);
  }

  @Override
  public Boolean shutdown(Duration timeout) {
    return telemetry.shutdown(timeout);
  }
}
