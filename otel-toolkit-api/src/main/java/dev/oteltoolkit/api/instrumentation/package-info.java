/**
 * The shared core every toolkit instrumentation module builds on: one template for running an
 * operation inside its span ({@link dev.oteltoolkit.api.instrumentation.Operations}), one way to
 * record a failure with redaction ({@link dev.oteltoolkit.api.instrumentation.FailureRecorder}),
 * one place creating tracers and meters ({@link
 * dev.oteltoolkit.api.instrumentation.InstrumentationScope}), the span-name cache and the reporting
 * of failures inside instrumentation.
 *
 * <p>For authors of instrumentation modules (ours and others'); applications use {@code
 * dev.oteltoolkit.api} and the modules' {@code XxxTelemetry} entry points. See docs/ARCHITECTURE.md
 * for where a new module plugs in.
 */
@NullMarked
package dev.oteltoolkit.api.instrumentation;

import org.jspecify.annotations.NullMarked;
