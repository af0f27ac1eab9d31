/**
 * Scenario 1, multi-agent A2A: a planner, a research and a writer agent, three services with their
 * own telemetry in one JVM, calling each other over HTTP in one trace. Run {@link
 * dev.oteltoolkit.examples.a2a.A2aScenario}.
 */
package dev.oteltoolkit.examples.a2a;
