package dev.oteltoolkit.messaging;

import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRoute;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRouteSource;
import java.util.Objects;

/**
 * The route template of an HTTP server request, set from the handler in one line:
 *
 * <pre>{@code
 * server.createContext("/orders/", exchange -> {
 *   HttpRoutes.route("/orders/{id}");   // span "GET /orders/{id}", http.route=/orders/{id}
 *   ...
 * });
 * }</pre>
 *
 * <p>The official JDK {@code HttpServer} instrumentation ({@code
 * JavaHttpServerTelemetry.configure(context)}) names the server span after the context path it was
 * registered under ({@code GET /orders/}); the handler knows the template. This calls the
 * OpenTelemetry instrumentation API's own route update ({@link HttpServerRoute#update}), so it
 * works with every server instrumented through that API, the Java agent's included. Outside a
 * server span it does nothing.
 */
public final class HttpRoutes {

  private HttpRoutes() {}

  /**
   * Sets the route template of the current server request: the server span's name becomes {@code
   * "{method} {route}"} and {@code http.route} is recorded (on the span and the HTTP server
   * duration metric).
   *
   * @param route the template, low cardinality: {@code /orders/{id}}, never {@code /orders/42}
   */
  public static void route(String route) {
    Objects.requireNonNull(route, "route");
    HttpServerRoute.update(Context.current(), HttpServerRouteSource.CONTROLLER, route);
  }
}
