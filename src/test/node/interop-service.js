'use strict';
// The Node.js side of NodeInteropTest (src/test): a storefront instrumented with OpenTelemetry's
// own JavaScript SDK. Everything it records leaves through the official OTLP exporter; the
// toolkit is not involved on this side.
//
//   GET /checkout?order=ID  puts `tenant` into the baggage and calls the Java service
//                           (JAVA_URL/orders/ID), which calls back GET /stock/ID here.
//   GET /stock/ID           answers with the baggage it received (the callback from Java).
//
// Configured by the standard variables only: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SEMCONV_STABILITY_OPT_IN; plus JAVA_URL.
// Prints "LISTENING <port>" on stdout once it serves; exits after flushing on SIGTERM or when
// its standard input closes (the Java test died).

const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const sdk = new NodeSDK({
  // exported as each span ends, so the test never waits for a batch
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())],
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

// required after sdk.start(): the HTTP instrumentation hooks the module when it is loaded
const http = require('node:http');
const { context, propagation, trace } = require('@opentelemetry/api');

const javaUrl = new URL(process.env.JAVA_URL);

function baggageEntries() {
  const entries = {};
  const baggage = propagation.getBaggage(context.active());
  for (const [key, entry] of baggage ? baggage.getAllEntries() : []) {
    entries[key] = entry.value;
  }
  return entries;
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`${url} answered ${response.statusCode}: ${body}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    request.setTimeout(20000, () => request.destroy(new Error(`${url} timed out`)));
    request.on('error', reject);
  });
}

function reply(response, status, value) {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/checkout') {
    const order = url.searchParams.get('order');
    const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
    context.with(propagation.setBaggage(context.active(), baggage), () => {
      getJson(new URL(`/orders/${encodeURIComponent(order)}`, javaUrl))
        .then((java) => reply(response, 200, { order, java }))
        .catch((error) => reply(response, 502, { error: String(error) }));
    });
  } else if (url.pathname.startsWith('/stock/')) {
    const seen = baggageEntries();
    const span = trace.getActiveSpan();
    if (span) {
      for (const [key, value] of Object.entries(seen)) {
        span.setAttribute(`app.baggage.${key}`, value);
      }
    }
    reply(response, 200, { item: url.pathname.substring('/stock/'.length), inStock: 3, baggage: seen });
  } else {
    reply(response, 404, { error: 'not found' });
  }
});

let stopping = false;
function stop() {
  if (stopping) {
    return;
  }
  stopping = true;
  server.close();
  sdk
    .shutdown()
    .catch((error) => console.error('shutdown failed:', error))
    .finally(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
