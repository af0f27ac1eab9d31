#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md from a JMH JSON result file (called by bench/run).

Ratios carry JMH's error: each score's error is the half-width of JMH's 99.9% confidence
interval, and the error of a ratio a/b is propagated to first order,
    err(a/b) = (a/b) * sqrt((err_a/a)^2 + (err_b/b)^2),
the error of a difference a-b as sqrt(err_a^2 + err_b^2). A goal counts as met when the
measured value minus its error is within the goal (a difference inside the error bars is met).

Standard library only. Usage:
    python3 bench/report.py --json RESULTS.json --out docs/BENCHMARKS.md \
        --command "java -jar ..." --java-version "$(java -version 2>&1)" \
        [--load-before "0.12 0.30 0.25"] [--load-after ...] [--started "2026-01-31 09:58"]
        [--finished ...] [--log bench/results/x.txt] [--quick] [--pipeline P.json ...]
        [--store docs/benchmarks]

With --store, the run's raw files are kept in STORE/jdk<major>/ (replacing that JDK's earlier
run) and the page reports every JDK kept there side by side, one column per JDK.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import sys

PACKAGE = "dev.oteltoolkit.benchmarks."

class Goal:
    """One goal row: a label, the benchmarks it needs and how it is judged."""

    def __init__(self, label, needs, goal_text):
        self.label = label
        self.needs = needs
        self.goal_text = goal_text

    def row(self, results):
        """Returns (measured, extra time, extra allocation, verdict) for the table."""
        raise NotImplementedError


def extra_alloc(results, a, b):
    ra, rb = results[a]["alloc"], results[b]["alloc"]
    return fmt(ra.score - rb.score, 0) if ra and rb else "n/a"


class Ratio(Goal):
    """time(a) / time(b) <= maximum."""

    def __init__(self, label, a, b, maximum):
        super().__init__(label, [a, b], f"≤ {maximum:.2f}×")
        self.a, self.b, self.maximum = a, b, maximum

    def row(self, results):
        ta, tb = results[self.a]["time"], results[self.b]["time"]
        ratio = ta / tb
        return (fmt_ratio(ratio), fmt_value(ta - tb), extra_alloc(results, self.a, self.b),
                verdict_for(ratio, self.maximum))


class RatioAtLeast(Goal):
    """time(a) / time(b) >= minimum: b is ours and at least `minimum` times faster than a."""

    def __init__(self, label, a, b, minimum):
        super().__init__(label, [a, b], f"≥ {minimum:.2f}×")
        self.a, self.b, self.minimum = a, b, minimum

    def row(self, results):
        ta, tb = results[self.a]["time"], results[self.b]["time"]
        ratio = ta / tb
        if ratio.score >= self.minimum:
            verdict = "**met**"
        elif ratio.score + ratio.error < self.minimum:
            verdict = "**not met**"
        else:
            verdict = "**met only within error**, inconclusive"
        return (fmt_ratio(ratio), fmt_value(tb - ta), extra_alloc(results, self.b, self.a),
                verdict)


class OverheadRatio(Goal):
    """(time(ours) - time(base)) / (time(peer) - time(base)) <= maximum: what ours adds to the
    uninstrumented baseline, as a share of what the peer adds."""

    def __init__(self, label, ours, peer, base, maximum):
        super().__init__(label, [ours, peer, base], f"≤ {maximum:.2f}× the peer's overhead")
        self.ours, self.peer, self.base, self.maximum = ours, peer, base, maximum

    def row(self, results):
        base = results[self.base]["time"]
        ours = results[self.ours]["time"] - base
        peer = results[self.peer]["time"] - base
        if peer.score <= 0:
            return ("peer overhead ≤ 0", fmt_value(ours), "", "**inconclusive**")
        ratio = ours / peer
        if ratio.score <= self.maximum:
            verdict = "**met**"
        elif ratio.score - ratio.error > self.maximum:
            verdict = "**not met**"
        else:
            verdict = "**met only within error**, inconclusive"
        return (f"{fmt_ratio(ratio)} ({fmt(ours.score)} vs {fmt(peer.score)} ns added)",
                fmt_value(results[self.ours]["time"] - results[self.peer]["time"]),
                extra_alloc(results, self.ours, self.peer), verdict)


class ExtraAtMost(Goal):
    """time(a) - time(b) <= maximum ns."""

    def __init__(self, label, a, b, maximum_ns):
        super().__init__(label, [a, b], f"≤ {maximum_ns:g} ns")
        self.a, self.b, self.maximum = a, b, maximum_ns

    def row(self, results):
        diff = results[self.a]["time"] - results[self.b]["time"]
        met = diff.score - diff.error <= self.maximum
        return (fmt_value(diff, " ns"), fmt_value(diff), extra_alloc(results, self.a, self.b),
                "**met**" if met else "**not met**")


class TimeAtMost(Goal):
    """time(a) <= maximum ns, absolute; the extra time is over an optional baseline."""

    def __init__(self, label, a, maximum_ns, baseline=None):
        super().__init__(label, [a], f"≤ {maximum_ns:g} ns")
        self.a, self.maximum, self.baseline = a, maximum_ns, baseline

    def row(self, results):
        t = results[self.a]["time"]
        met = t.score - t.error <= self.maximum
        extra = ""
        if self.baseline in results:
            extra = fmt_value(t - results[self.baseline]["time"])
        return (fmt_value(t, " ns"), extra, "", "**met**" if met else "**not met**")


class NoAllocation(Goal):
    """gc.alloc.rate.norm(a) < 1 B/op."""

    def __init__(self, label, a):
        super().__init__(label, [a], "0 B/op")
        self.a = a

    def row(self, results):
        alloc = results[self.a]["alloc"]
        if alloc is None:
            return ("n/a (no `-prof gc`)", "", "", "not run")
        met = alloc.score < NO_ALLOCATION_BELOW
        return (f"{fmt_alloc(alloc)} B/op", "", "", "**met**" if met else "**not met**")


# JMH reports a few 1e-5 B/op for code that allocates nothing (the counters' own residue);
# the smallest real allocation is 16 bytes, so anything under 1 B/op is "no allocation".
NO_ALLOCATION_BELOW = 1.0


class Section:
    """A module's part of the report: its goals, ratios for information and what it measures."""

    def __init__(self, title, intro, goals, info=(), measured=()):
        self.title, self.intro, self.goals = title, intro, goals
        self.info, self.measured = list(info), list(measured)


CORE = Section(
    "Core: `traced()` vs the raw OpenTelemetry API",
    "`traced()` of `otel-toolkit-core` against the same span and RED histogram written by hand "
    "on the raw API, through one SDK.",
    [
        Ratio("Sampled, new trace (local root): `traced` ÷ raw API",
              "SampledBenchmark.traced", "SampledBenchmark.raw", 1.05),
        Ratio("Sampled, child of a root other code started: `traced` ÷ raw API",
              "SampledBenchmark.tracedChildOfForeignRoot",
              "SampledBenchmark.rawChildOfForeignRoot", 1.05),
        Ratio("Sampled, child of a root `traced` started: `traced` ÷ raw API",
              "SampledBenchmark.tracedChildOfTracedRoot",
              "SampledBenchmark.rawChildOfTracedRoot", 1.05),
        Ratio("Sampled, failing body: `traced` ÷ raw API",
              "FailingBenchmark.traced", "FailingBenchmark.raw", 1.05),
        Ratio("Unsampled: `traced` ÷ raw unsampled span + histogram",
              "UnsampledBenchmark.traced", "UnsampledBenchmark.raw", 1.10),
        TimeAtMost("Disabled: `traced` time per call (absolute, body included)",
                   "DisabledBenchmark.traced", 5.0, baseline="DisabledBenchmark.baseline"),
        NoAllocation("Disabled: `traced` allocation", "DisabledBenchmark.traced"),
    ],
    info=[
        ("Sampled: raw span + histogram ÷ raw span alone (what the RED histogram costs)",
         "SampledBenchmark.raw", "SampledBenchmark.rawSpanOnly"),
        ("Unsampled: raw span + histogram ÷ raw span alone (what the RED histogram costs)",
         "UnsampledBenchmark.raw", "UnsampledBenchmark.rawSpanOnly"),
    ],
    measured=[
        "The raw side is what a careful user writes by hand for the same result: "
        "`System.nanoTime()`, `spanBuilder(name).startSpan()`, `makeCurrent()` in "
        "try-with-resources, on failure `recordException` + status `ERROR` + `error.type`, "
        "`end()`, then `DoubleHistogram.record` of the duration with cached `Attributes` "
        "(`oteltoolkit.operation.name`), the RED metric `traced` records for every call.",
        "The traced body is as small as a body can be (one `Blackhole.consume`, no "
        "allocation), so each ratio is the worst case: any real work in the body dilutes the "
        "instrumentation's share.",
        "Sampled spans are measured in three positions because `traced` does different work "
        "in each: a new trace (the span is a local root, so `traced` also anchors the request "
        "in the context), a child of a root started by other code (a server instrumentation; "
        "`traced` records that root in its context so per-request totals can reach it), and a "
        "child of a root `traced` started. The children run inside `makeCurrent()` of the "
        "parent context, on both sides alike.",
        "The failing pair throws one preallocated exception without a stack trace, so it "
        "compares error handling, not `Throwable` construction.",
    ],
)

LOGGING = Section(
    "Logging: MDC bridge vs the official Logback MDC appender",
    "One scope switch into a sampled span plus one log call, Logback writing to a sink that "
    "reads the event's MDC like an encoder: `otel-toolkit-logging`'s bridge (lazy with Logback: "
    "nothing written at the scope switch, the ids answered from the context when the MDC or an "
    "event reads them, as with Log4j 2; any SLF4J backend) vs the official "
    "`opentelemetry-logback-mdc-1.0` appender (adds the ids to each event, Logback only) vs no "
    "correlation. `MdcEagerBridgeBenchmark` is the bridge with `-Doteltoolkit.mdc.lazy=false` "
    "(what other backends get: the ids written on every scope switch).",
    [
        Ratio("Scope switch only, no log: bridge ÷ plain context storage (what code that does "
              "not log pays)", "MdcBridgeBenchmark.bridgeScopeOnly",
              "MdcBaselineBenchmark.baselineScopeOnly", 1.5),
        Ratio("Scope switch + 1 log: bridge ÷ official appender",
              "MdcBridgeBenchmark.bridgeLog", "MdcBaselineBenchmark.officialLog", 1.0),
        Ratio("Scope switch + 3 logs: bridge ÷ official appender",
              "MdcBridgeBenchmark.bridgeThreeLogs", "MdcBaselineBenchmark.officialThreeLogs", 1.0),
        ExtraAtMost("Scope switch + 1 log: bridge − no correlation (extra per log)",
                    "MdcBridgeBenchmark.bridgeLog", "MdcBaselineBenchmark.baselineLog", 1000),
    ],
    info=[
        ("Scope switch + 3 logs: official appender ÷ no correlation",
         "MdcBaselineBenchmark.officialThreeLogs", "MdcBaselineBenchmark.baselineThreeLogs"),
        ("Eager bridge, scope switch only: eager ÷ plain context storage",
         "MdcEagerBridgeBenchmark.bridgeScopeOnly", "MdcBaselineBenchmark.baselineScopeOnly"),
        ("Eager bridge, scope switch + 1 log: eager ÷ official appender",
         "MdcEagerBridgeBenchmark.bridgeLog", "MdcBaselineBenchmark.officialLog"),
        ("Eager bridge, scope switch + 3 logs: eager ÷ official appender",
         "MdcEagerBridgeBenchmark.bridgeThreeLogs", "MdcBaselineBenchmark.officialThreeLogs"),
    ],
    measured=[
        "The bridge and the baseline run in different forks (the bridge is a context storage "
        "chosen once per JVM); each fork checks at setup that the sink sees the span's ids "
        "(bridge, official) or none (baseline), and that the bridge is lazy or eager as its "
        "class asks. The span and its context are built once, so the op is the scope switch "
        "and the log call, not span creation.",
        "The lazy bridge pays nothing at the scope switch and, per log call inside a span, one "
        "small immutable map laid over Logback's own MDC snapshot; the official appender "
        "copies the MDC map and wraps the event on every log call; the eager bridge pays at "
        "each scope switch (up to 9 MDC calls: save, set, restore three keys) and nothing per "
        "log.",
    ],
)

JDBC = Section(
    "JDBC: raw driver vs `otel-toolkit-jdbc` vs the official `opentelemetry-jdbc`",
    "H2 in memory (`JdbcBenchmark`) and the machine's PostgreSQL over loopback "
    "(`JdbcPostgresBenchmark`, a table of its own per fork), one connection held by each side; "
    "both wrappers wrap the same driver `DataSource` with default options and record through "
    "the same SDK; every execution is a new trace. The official library runs with "
    "`otel.semconv-stability.opt-in=database` so both emit the stable database conventions. "
    "On H2 a lookup is faster than any span, so there ours is compared with the same span "
    "written by hand on the raw API; against raw JDBC only over a real round trip.",
    [
        OverheadRatio("Prepared lookup by primary key: what ours adds ÷ what the official adds",
                      "JdbcBenchmark.preparedOurs", "JdbcBenchmark.preparedOfficial",
                      "JdbcBenchmark.preparedRaw", 0.8),
        Ratio("Prepared lookup, H2: ours ÷ the same span hand-written on the raw API",
              "JdbcBenchmark.preparedOurs", "JdbcBenchmark.preparedRawApiSpan", 1.05),
        Ratio("Prepared lookup, PostgreSQL over loopback: ours ÷ raw JDBC",
              "JdbcPostgresBenchmark.preparedOurs", "JdbcPostgresBenchmark.preparedRaw", 1.02),
        OverheadRatio("Statement with literals: what ours adds ÷ what the official adds",
                      "JdbcBenchmark.statementOurs", "JdbcBenchmark.statementOfficial",
                      "JdbcBenchmark.statementRaw", 0.8),
        RatioAtLeast("`SqlSanitizer` speed-up over the official sanitizer, cold cache "
                     "(official time ÷ ours)",
                     "SqlSanitizerBenchmark.officialCold", "SqlSanitizerBenchmark.oursCold", 1.5),
        RatioAtLeast("`SqlSanitizer` speed-up over the official sanitizer, warm cache "
                     "(official time ÷ ours)",
                     "SqlSanitizerBenchmark.officialWarm", "SqlSanitizerBenchmark.oursWarm", 1.5),
    ],
    info=[
        ("Prepared lookup: the same span + histogram hand-written on the raw API ÷ raw JDBC "
         "(the floor any instrumentation pays on this SDK)",
         "JdbcBenchmark.preparedRawApiSpan", "JdbcBenchmark.preparedRaw"),
        ("Prepared lookup, H2: ours ÷ raw JDBC (an in-memory lookup is faster than any span)",
         "JdbcBenchmark.preparedOurs", "JdbcBenchmark.preparedRaw"),
        ("Statement with literals, H2: ours ÷ raw JDBC",
         "JdbcBenchmark.statementOurs", "JdbcBenchmark.statementRaw"),
        ("Prepared lookup, PostgreSQL over loopback: official ÷ raw JDBC",
         "JdbcPostgresBenchmark.preparedOfficial", "JdbcPostgresBenchmark.preparedRaw"),
        ("Official `analyzeWithSummary` (what its wrapper runs) ÷ ours, cold",
         "SqlSanitizerBenchmark.officialSummaryCold", "SqlSanitizerBenchmark.oursCold"),
    ],
    measured=[
        "Prepared lookup: prepare `SELECT … WHERE id = ?`, set the id, execute, read four "
        "columns, close; the prepare is inside the op on every side (code without a statement "
        "cache does it per request, and our wrapper analyzes the SQL at prepare time).",
        "Statement: `SELECT … WHERE id = 1234 AND status = 'active'` with a different literal "
        "text on each call (4096 texts cycled), as code that concatenates values would: it "
        "misses both sanitizer caches, and H2 parses every text on every side.",
        "Sanitizers: a seeded corpus of distinct statements (selects, inserts, updates, "
        "deletes, string/number/date literals, IN lists, joins, comments; 180 characters on "
        "average, 1 in 32 long) on which both give identical output. Cold cycles 4096 "
        "statements (four times either cache), warm cycles 16; setup checks both caches' "
        "state.",
        "A check SDK at setup verifies both wrappers produce one CLIENT span `SELECT accounts` "
        "with the same sanitized `db.query.text` and `db.system.name`; the measured SDK drops.",
        "PostgreSQL: the same prepared lookup on `jdbc:postgresql://127.0.0.1:5432/test`, a new "
        "`PreparedStatement` per call (the driver parses, binds and executes an unnamed "
        "statement each time, one round trip); without a reachable server its rows are not run.",
    ],
)

AI = Section(
    "AI: a chat call with `otel-toolkit-ai` vs the same telemetry on the raw API",
    "One chat call recorded start to end: span with the GenAI attributes, usage, cost "
    "(`BigDecimal` from the same per-million prices), the token-usage and duration histograms "
    "and the cost counter, written by hand on the raw API as a careful user would.",
    [
        Ratio("Chat call inside a request: ours (with per-request totals) ÷ raw API",
              "GenAiBenchmark.genAi", "GenAiBenchmark.raw", 1.10),
        Ratio("Chat call, the same work as raw (no totals): ours ÷ raw API",
              "GenAiBenchmark.genAiWithoutTotals", "GenAiBenchmark.raw", 1.10),
        NoAllocation("Price lookup of a dated snapshot name (`gpt-4o-2024-08-06`)",
                     "GenAiBenchmark.priceLookup"),
    ],
    info=[
        ("Chat call as a new trace (its own local root): ours ÷ raw API",
         "GenAiBenchmark.genAiNewTrace", "GenAiBenchmark.rawNewTrace"),
        ("Price lookup + cost ÷ the same cost computed by hand",
         "GenAiBenchmark.priceLookupAndCost", "GenAiBenchmark.rawCost"),
    ],
    measured=[
        "Both sides run inside an open request root started by `Tracing`; ours adds the call's "
        "tokens and cost to that root's totals, which the raw side cannot reasonably do, so "
        "ours is also measured without totals (under an ended root) for the like-for-like row.",
        "A recording SDK at setup compares both sides' spans (name, kind, attributes, parent, "
        "status, events) and metrics (names, units, points); any difference fails the fork.",
    ],
)

MESSAGING = Section(
    "Messaging: carriers and producer/consumer spans vs the raw API",
    "W3C trace context only on both sides (the same `W3CTraceContextPropagator` instance; "
    "baggage would add the same work to both).",
    [
        Ratio("Inject + extract, `Map<String, String>`: our carriers ÷ hand-written",
              "PropagationBenchmark.carriersStringMap", "PropagationBenchmark.rawStringMap", 1.05),
        Ratio("Inject + extract, AMQP `Map<String, Object>`: our carriers ÷ hand-written",
              "PropagationBenchmark.carriersObjectMap", "PropagationBenchmark.rawObjectMap", 1.05),
        Ratio("Publish (PRODUCER span + inject + send): ours ÷ raw spans",
              "MessagingSpanBenchmark.publish", "MessagingSpanBenchmark.rawPublish", 1.05),
        Ratio("Process (extract + CONSUMER span + handler): ours ÷ raw spans",
              "MessagingSpanBenchmark.process", "MessagingSpanBenchmark.rawProcess", 1.05),
    ],
    measured=[
        "`process` on our side includes the untrusted-header checks (size limits, hostile "
        "`traceparent`) the raw side does not do; a recording SDK at setup checks both sides "
        "produce the same spans, links and headers.",
    ],
)

TAIL = Section(
    "Tail sampling: keepErrors at 10% head sampling vs head sampling alone",
    "A 5-span request (a `traced` root and four children) through `Telemetry.setup()` with a "
    "dropping exporter: tail keeping on at 10% head sampling (every span recorded, each tree "
    "held until its root ends, healthy ones discarded) against plain head sampling at 100% "
    "(every span recorded and exported) and at 10%.",
    [
        Ratio("Per request: tail keeping at 10% ÷ head sampling at 100%",
              "TailSamplingBenchmark.tailAt10Percent", "TailSamplingBenchmark.headAt100Percent",
              1.0),
    ],
    info=[
        ("Per request: tail keeping at 10% ÷ head sampling alone at 10%",
         "TailSamplingBenchmark.tailAt10Percent", "TailSamplingBenchmark.headAt10Percent"),
        ("Per request: head sampling at 100% ÷ at 10%",
         "TailSamplingBenchmark.headAt100Percent", "TailSamplingBenchmark.headAt10Percent"),
    ],
    measured=[
        "Each side checks its output at setup (whole trees, about 10% at 10%, a failed "
        "unsampled request kept whole) and fails the fork if its batch processor dropped a span "
        "or tail sampling evicted a tree during an iteration, so a number that hides lost "
        "telemetry is never reported.",
    ],
)

SECTIONS = [CORE, AI, JDBC, LOGGING, MESSAGING, TAIL]

DESCRIPTIONS = {
    "DisabledBenchmark.baseline": "the body called directly",
    "DisabledBenchmark.traced": "`traced` with `Telemetry.setup().enabled(false)`",
    "FailingBenchmark.raw": "raw API, body throws: exception event, status, `error.type`",
    "FailingBenchmark.traced": "`traced`, body throws",
    "SampledBenchmark.raw": "raw API span + histogram, new trace",
    "SampledBenchmark.rawSpanOnly": "raw API span alone, new trace",
    "SampledBenchmark.traced": "`traced`, new trace (local root + request accumulator)",
    "SampledBenchmark.rawChildOfForeignRoot": "raw API, under a root started by other code",
    "SampledBenchmark.tracedChildOfForeignRoot": "`traced`, under a root started by other code",
    "SampledBenchmark.rawChildOfTracedRoot": "raw API, under a root `traced` started",
    "SampledBenchmark.tracedChildOfTracedRoot": "`traced`, under a root `traced` started",
    "UnsampledBenchmark.raw": "raw API unsampled span + histogram",
    "UnsampledBenchmark.rawSpanOnly": "raw API unsampled span alone",
    "UnsampledBenchmark.traced": "`traced`, unsampled",
}

NOTES_START = "<!-- notes:start -->"
NOTES_END = "<!-- notes:end -->"
DEFAULT_NOTES = "_No notes yet._"


class Value:
    """A measured value with its error (half-width of JMH's 99.9% confidence interval)."""

    def __init__(self, score, error):
        self.score = float(score)
        self.error = 0.0 if error is None or _is_nan(error) else float(error)
        self.has_error = not (error is None or _is_nan(error))

    def __truediv__(self, other):
        ratio = self.score / other.score
        relative = math.hypot(_rel(self), _rel(other))
        value = Value(ratio, ratio * relative)
        value.has_error = self.has_error and other.has_error
        return value

    def __sub__(self, other):
        value = Value(self.score - other.score, math.hypot(self.error, other.error))
        value.has_error = self.has_error and other.has_error
        return value


def _is_nan(x):
    if isinstance(x, str):
        return x.lower() == "nan"
    return isinstance(x, float) and math.isnan(x)


def _rel(v):
    return v.error / v.score if v.score else 0.0


def load(path):
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    results = {}
    meta = {}
    for e in entries:
        name = e["benchmark"]
        if name.startswith(PACKAGE):
            name = name[len(PACKAGE):]
        pm = e["primaryMetric"]
        alloc = e.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        results[name] = {
            "time": Value(pm["score"], pm["scoreError"]),
            "unit": pm["scoreUnit"],
            "alloc": Value(alloc["score"], alloc["scoreError"]) if alloc else None,
            "samples": sum(len(fork) for fork in pm.get("rawData", [])),
        }
        if not meta:
            meta = {k: e.get(k) for k in (
                "jmhVersion", "forks", "threads", "jvm", "jvmArgs", "jdkVersion", "vmName",
                "vmVersion", "warmupIterations", "warmupTime", "measurementIterations",
                "measurementTime")}
    if entries:
        # JVM arguments every fork had (the run's own); a benchmark class's @Fork additions
        # (e.g. -Doteltoolkit.mdc.enabled=false) are in the JSON per benchmark
        meta["jvmArgs"] = [a for a in (entries[0].get("jvmArgs") or [])
                           if all(a in (e.get("jvmArgs") or []) for e in entries)]
    return results, meta


def fmt(x, digits=None):
    if digits is None:
        a = abs(x)
        digits = 0 if a >= 1000 else 1 if a >= 100 else 2 if a >= 1 else 3
    return f"{x:,.{digits}f}"


def fmt_value(v, unit=""):
    err = f" ± {fmt(v.error)}" if v.has_error else ""
    return f"{fmt(v.score)}{err}{unit}"


def fmt_ratio(v):
    err = f" ± {v.error:.3f}" if v.has_error else ""
    return f"{v.score:.3f}×{err}"


def fmt_alloc(v):
    if v is None:
        return "n/a (run without `-prof gc`)"
    if abs(v.score) < NO_ALLOCATION_BELOW:
        return "0 (≈ {:.0e})".format(v.score) if v.score else "0"
    return fmt(v.score, 0)


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def verdict_for(ratio, goal):
    """Met when the ratio minus its error is within the goal; says so when that is only thanks
    to error bars wider than the goal's own margin (then the run cannot tell)."""
    if ratio.score <= goal:
        return "**met**"
    if ratio.score - ratio.error > goal:
        return "**not met**"
    margin = goal - 1.0
    if ratio.error <= margin:
        return "**met** (within error)"
    return (f"**met only within error**: ±{ratio.error:.3f} is wider than the "
            f"{margin:.0%} margin, inconclusive")


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown memory"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    kib = int(line.split()[1])
                    memory = f"{kib / 1024 / 1024:.1f} GiB RAM"
                    break
    except OSError:
        pass
    cpus = os.cpu_count()
    try:
        cpus = len(os.sched_getaffinity(0))  # what nproc reports
    except AttributeError:
        pass
    return f"{cpus} CPUs (nproc), {cpu}, {memory}, {platform.system()} {platform.release()}"


def load_average():
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def old_notes(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return DEFAULT_NOTES
    m = re.search(re.escape(NOTES_START) + r"\n?(.*?)\n?" + re.escape(NOTES_END), text, re.S)
    return m.group(1).strip() if m else DEFAULT_NOTES


PIPELINE_TITLES = {
    "export-throughput": "Export throughput: `traced()` through the batch processor and OTLP",
    "export-latency": "Export latency: span end to receipt at the collector",
    "request-overhead": "Request overhead and memory: an HTTP handler with telemetry off, 10%, 100%",
    "export-ceiling": "Export ceiling: producer side against a receiver that discards the bytes",
    "export-memory": "Export memory: the heap a full span queue holds with the default settings",
}


def fmt_measured(value, unit):
    if value is None:
        return "not measured"
    if unit == "ratio":
        return f"{value:.3f}×"
    if unit == "fraction":
        return f"{value:+.1%}"
    return f"{fmt(value)} {unit}"


def fmt_detail(detail):
    parts = []
    for k, v in (detail or {}).items():
        if isinstance(v, dict):
            parts.append(f"{k} ({fmt_detail(v)})")
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            parts.append(f"{k} {v}")
        else:
            parts.append(f"{k} {fmt(v)}")
    return ", ".join(parts)


def pipeline_section(w, paths, summary, level="###"):
    """Renders the whole-pipeline measures (plain Java mains, not JMH) from their JSON files."""
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            w(f"- `{path}`: could not be read ({e}); the measure did not finish.")
            w("")
            summary.append((path, "not run"))
            continue
        measure = data.get("measure", "?")
        if measure == STACK_MEASURE:
            continue  # its own section, one column per JDK (stack_comparison_section)
        w(f"{level} {PIPELINE_TITLES.get(measure, measure)}")
        w("")
        machine_info = data.get("machine", {})
        java_info = data.get("java", {})
        w(f"`{data.get('mainClass', '?')} {' '.join(data.get('args', []))}`: "
          f"{data.get('elapsedSeconds', 0):.0f} s, JDK {java_info.get('version', '?')}, "
          f"load average before {machine_info.get('loadAverageBefore', '?')}, after "
          f"{machine_info.get('loadAverageAfter', '?')}"
          + (" — **quick run, not conclusive**" if data.get("quick") else "") + ".")
        w("")
        goals = data.get("goals", [])
        if goals:
            w("| Measure | Measured | Goal | Result | Detail |")
            w("|---|---|---|---|---|")
            for g in goals:
                met = g.get("met")
                verdict = "not measured" if met is None else ("**met**" if met else "**not met**")
                comparison = "≥" if g.get("comparison") == ">=" else "<"
                target = fmt_measured(g.get("target"), g.get("unit"))
                detail = fmt_detail(g.get("detail"))
                w(f"| {g.get('label')} | {fmt_measured(g.get('measured'), g.get('unit'))} | "
                  f"{comparison} {target} | {verdict} | {detail} |")
                summary.append((g.get("label"), verdict.replace("**", "")))
            w("")
        comparisons = data.get("comparisons", [])
        if comparisons:
            w("For information (no goal):")
            w("")
            for c in comparisons:
                detail = fmt_detail(c.get("detail"))
                w(f"- {c.get('label')}: {fmt_measured(c.get('measured'), c.get('unit'))}"
                  + (f" ({detail})" if detail else ""))
            w("")
        for note in data.get("notes", []):
            w(f"- {note}")
        if data.get("notes"):
            w("")


STACK_MEASURE = "stack-comparison"

# (title, [(figure key, digits)], joiner): one row group per figure of the stack comparison
STACK_FIGURES = [
    ("Latency p50 / p95 / p99 (ms)", [("p50Millis", None), ("p95Millis", None),
                                       ("p99Millis", None)]),
    ("CPU time per request, all threads of the service (µs)", [("cpuMicrosPerRequest", 0)]),
    ("Allocation per request (KB)", [("allocatedBytesPerRequest", "kb")]),
    ("Heap after a full GC (MiB)", [("heapAfterGcMiB", 1)]),
    ("Startup: JVM launch to first request served / to first span received (ms)",
     [("firstResponseMillis", 0), ("firstSpanMillis", 0)]),
    ("Spans received per request", [("spansPerRequest", 2)]),
]


def load_pipeline(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def stack_data(run):
    """The run's stack comparison (its pipeline JSON), or None."""
    for path in run.pipeline:
        data = load_pipeline(path)
        if data and data.get("measure") == STACK_MEASURE:
            return data
    return None


def fmt_figure(value, digits):
    if value is None:
        return "n/a"
    if digits == "kb":
        return fmt(value / 1000, 1)
    return fmt(value, digits)


def stack_comparison_section(w, runs):
    """The stack comparison, one column per JDK: the figures of every configuration (medians
    over the rounds), then the goals."""
    data = [(run, stack_data(run)) for run in runs]
    data = [(run, d) for run, d in data if d]
    if not data:
        return
    w("## Stack comparison: the toolkit vs the OpenTelemetry Java agent vs a hand-built SDK")
    w("")
    w("`dev.oteltoolkit.benchmarks.pipeline.StackComparison`, run by `bench/run` after JMH: the "
      "same HTTP service (JDK `HttpServer`, one SQL query on H2, one chat completion through the "
      "OpenAI Java SDK against a fake OpenAI server, 5 log lines) with telemetry off, with the "
      "toolkit (`Telemetry.setup()`, the JDK `HttpServer` library instrumentation, "
      "`JdbcTelemetry`, `OpenAiTelemetry`, the MDC bridge), with the OpenTelemetry Java agent "
      "(its own instrumentation of the same code) and with the same telemetry written by hand on "
      "the SDK (autoconfigure), each at 10% and 100% sampling, all exporting OTLP/gRPC to one "
      "receiver. Each configuration runs in its own service JVM, interleaved in rounds; figures "
      "are medians over the rounds. CPU time and allocation are the service process's, all "
      "threads (handlers, exporters, JIT, GC); startup is measured from the launch of the "
      "service's JVM.")
    w("")
    for run, d in data:
        machine_info, settings = d.get("machine", {}), d.get("settings", {})
        w(f"- {run.label}: `{d.get('mainClass', '?')} {' '.join(d.get('args', []))}`, "
          f"{d.get('elapsedSeconds', 0):.0f} s, {settings.get('rounds')} round(s) of "
          f"{settings.get('durationSeconds')} s at {settings.get('rate')} requests/s after "
          f"{settings.get('warmupSeconds')} s of warm-up, load average before "
          f"{machine_info.get('loadAverageBefore', '?')}, after "
          f"{machine_info.get('loadAverageAfter', '?')}"
          + (" — **quick run, not conclusive**" if d.get("quick") else ""))
    w("")
    configs = []
    rows = {}
    for run, d in data:
        for row in d.get("summary", []):
            if row["config"] not in configs:
                configs.append(row["config"])
            rows[(run.major, row["config"])] = row
    w("| Figure | Configuration | " + " | ".join(run.label for run, _ in data) + " |")
    w("|---|---|" + "---|" * len(data))
    for title, keys in STACK_FIGURES:
        for i, config in enumerate(configs):
            cells = []
            for run, _ in data:
                row = rows.get((run.major, config))
                if row is None:
                    cells.append("not run")
                    continue
                cells.append(" / ".join(fmt_figure(row.get(k), digits) for k, digits in keys))
            w(f"| {title if i == 0 else ''} | {config} | " + " | ".join(cells) + " |")
    w("")
    labels = []
    goals = {}
    for run, d in data:
        for g in d.get("goals", []):
            if g["label"] not in labels:
                labels.append(g["label"])
            goals[(run.major, g["label"])] = g
    if labels:
        w("| Goal | Target | " + " | ".join(run.label for run, _ in data) + " |")
        w("|---|---|" + "---|" * len(data))
        for label in labels:
            target = None
            cells = []
            for run, _ in data:
                g = goals.get((run.major, label))
                if g is None:
                    cells.append("not run")
                    continue
                target = f"≤ {g['target']:.2f}×"
                met = g.get("met")
                verdict = ("not measured" if met is None
                           else "**met**" if met else "**not met**")
                run.summary.append((label, verdict.replace("**", "")))
                detail = fmt_detail(g.get("detail"))
                cells.append(f"{fmt_measured(g.get('measured'), g.get('unit'))}: {verdict}"
                             + (f" ({detail})" if detail else ""))
            w(f"| {label} | {target} | " + " | ".join(cells) + " |")
        w("")
    for run, d in data:
        for note in d.get("notes", []):
            w(f"- {run.label}: {note}")
    if any(d.get("notes") for _, d in data):
        w("")


class Run:
    """One run of bench/run on one JDK: its JMH results, pipeline files and circumstances."""

    def __init__(self, major, info, jmh_path, pipeline_paths):
        self.major = major
        self.label = f"JDK {major}"
        self.info = info
        self.jmh_path = jmh_path
        self.results, self.meta = load(jmh_path)
        self.pipeline = pipeline_paths
        self.summary = []


def java_major(java_version):
    """The feature release in `java -version` output: 17 for "17.0.15", 25 for "25.0.1"."""
    m = re.search(r'version "(\d+)(?:\.(\d+))?', java_version)
    if not m:
        return 0
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def store_pipeline(args, target, replace_all):
    """Copies the pipeline JSON files given into TARGET as pipeline-<measure>.json; with
    replace_all, the ones of an earlier run that this run did not measure go."""
    if not args.pipeline:
        return []
    if replace_all:
        for old in os.listdir(target):
            if old.startswith("pipeline-") and old.endswith(".json"):
                os.remove(os.path.join(target, old))
    stored = []
    for path in args.pipeline:
        try:
            with open(path, encoding="utf-8") as f:
                measure = json.load(f).get("measure", os.path.basename(path))
        except (OSError, ValueError):
            continue  # the measure did not finish: nothing to keep (the report says so)
        shutil.copyfile(path, os.path.join(target, f"pipeline-{measure}.json"))
        stored.append(measure)
    return stored


def store_run(args, major):
    """Copies this run's results into STORE/jdk<major>/ (replacing that JDK's previous run), or
    with --merge replaces only the benchmarks and pipeline measures this run measured and
    records it as a re-run."""
    target = os.path.join(args.store, f"jdk{major}")
    os.makedirs(target, exist_ok=True)
    stored_jmh = os.path.join(target, "jmh.json")
    if args.merge:
        if not os.path.isfile(stored_jmh):
            # nothing to merge into yet: this run starts the JDK's column
            with open(stored_jmh, "w", encoding="utf-8") as f:
                f.write("[]\n")
            info = {k: getattr(args, k) for k in (
                "command", "java_version", "load_before", "load_after", "started", "finished",
                "log", "quick")}
            info["json"] = args.json
            with open(os.path.join(target, "run.json"), "w", encoding="utf-8") as f:
                json.dump(info, f, indent=2, sort_keys=True)
                f.write("\n")
        with open(stored_jmh, encoding="utf-8") as f:
            entries = json.load(f)
        new_entries = []
        if args.json != "-":
            with open(args.json, encoding="utf-8") as f:
                new_entries = json.load(f)
        names = {e["benchmark"] for e in new_entries}
        measures = store_pipeline(args, target, False)
        merged = [e for e in entries if e["benchmark"] not in names] + new_entries
        with open(stored_jmh, "w", encoding="utf-8") as f:
            json.dump(merged, f, indent=2)
            f.write("\n")
        run_json = os.path.join(target, "run.json")
        with open(run_json, encoding="utf-8") as f:
            info = json.load(f)
        info.setdefault("reruns", []).append({
            "benchmarks": sorted(n[len(PACKAGE):] if n.startswith(PACKAGE) else n
                                 for n in names) + [f"pipeline {m}" for m in measures],
            "started": args.started, "finished": args.finished, "command": args.command,
            "load_before": args.load_before, "load_after": args.load_after,
            "java_version": args.java_version})
        with open(run_json, "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2, sort_keys=True)
            f.write("\n")
        return
    shutil.copyfile(args.json, stored_jmh)
    store_pipeline(args, target, True)
    info = {k: getattr(args, k) for k in (
        "command", "java_version", "load_before", "load_after", "started", "finished", "log",
        "quick")}
    info["json"] = args.json
    with open(os.path.join(target, "run.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, sort_keys=True)
        f.write("\n")


def stored_runs(store):
    """Every run kept in STORE/jdk*/, oldest JDK first."""
    runs = []
    for entry in sorted(os.listdir(store)):
        m = re.fullmatch(r"jdk(\d+)", entry)
        directory = os.path.join(store, entry)
        if not m or not os.path.isfile(os.path.join(directory, "jmh.json")):
            continue
        with open(os.path.join(directory, "run.json"), encoding="utf-8") as f:
            info = json.load(f)
        pipeline = sorted(os.path.join(directory, name) for name in os.listdir(directory)
                          if name.startswith("pipeline-") and name.endswith(".json"))
        runs.append(Run(int(m.group(1)), info, os.path.join(directory, "jmh.json"), pipeline))
    runs.sort(key=lambda r: r.major)
    return runs


def goal_cell(goal, results, summary):
    """One run's cell of a goal row: the measure, what it adds and the verdict."""
    if any(name not in results for name in goal.needs):
        summary.append((goal.label, "not run"))
        return "not run"
    measured, extra, alloc, verdict = goal.row(results)
    summary.append((goal.label, verdict.replace("**", "")))
    added = []
    if extra:
        added.append(f"{extra} ns")
    if alloc and alloc != "n/a":
        added.append(f"{alloc} B")
    return f"{measured}" + (f" ({', '.join(added)})" if added else "") + f": {verdict}"


def render(runs, out_path, quick, store):
    out = []
    w = out.append

    w("# Benchmarks")
    w("")
    w("<!-- Generated by bench/run (bench/report.py). Everything outside the notes section is")
    w("     rewritten on each run; edit only between the notes markers. -->")
    w("")
    if quick:
        w("> **Quick run** (`bench/run --quick`): too few iterations for conclusions; "
          "for a smoke test of the harness only.")
        w("")
    w("What each otel-toolkit module costs, side by side with the same work written by hand on "
      "the raw OpenTelemetry API and with the official OpenTelemetry instrumentations, measured "
      "with JMH in one run on one machine. The module is `otel-toolkit-benchmarks`; `bench/run` "
      "builds it, runs it and rewrites this page. CI only compiles it.")
    w("")
    if len(runs) > 1:
        w(f"One column per JDK: each is its own run of `bench/run` (the JDK the `java` on the "
          "path or `JAVA_HOME` names), on the same machine; a run replaces only its JDK's "
          f"column. Their raw results are kept in `{store}/jdk*/`. Compare ratios within "
          "a column; across columns, the JDKs differ and so may the machine's load.")
        w("")

    w("## Runs")
    w("")
    for run in runs:
        info, meta = run.info, run.meta
        if len(runs) > 1:
            w(f"### {run.label}")
            w("")
        started, finished = info.get("started"), info.get("finished")
        date = f"{started} to {finished} UTC" if started else f"{finished} UTC"
        w(f"- Date: {date}")
        w(f"- Machine: {machine()}; load average (1/5/15 min) before the run "
          f"{info.get('load_before') or 'unknown'}, after {info.get('load_after') or 'unknown'}")
        jdk = [line.strip() for line in (info.get("java_version") or "").strip().splitlines()
               if line.strip()]
        w(f"- JDK (`java -version`): {' / '.join(jdk)}")
        if meta:
            jvm_args = " ".join(meta.get("jvmArgs") or []) or "none"
            w(f"- JMH {meta['jmhVersion']}: {plural(meta['forks'], 'fork')} × "
              f"({plural(meta['warmupIterations'], 'warmup iteration')} of "
              f"{meta['warmupTime']} + "
              f"{plural(meta['measurementIterations'], 'measurement iteration')} of "
              f"{meta['measurementTime']}), {plural(meta['threads'], 'thread')}, mode average "
              f"time; JVM arguments of every fork: {jvm_args} (a class's `@Fork` may add its "
              f"own, e.g. `-Doteltoolkit.mdc.enabled=false`)")
        w(f"- Command (run by `bench/run`): `{info.get('command')}`")
        for rerun in info.get("reruns", []):
            w(f"- Re-run later and merged into this column: "
              f"{', '.join('`' + b + '`' for b in rerun.get('benchmarks', []))}, "
              f"{rerun.get('started')} to {rerun.get('finished')} UTC, load average before "
              f"{rerun.get('load_before') or 'unknown'}, after "
              f"{rerun.get('load_after') or 'unknown'}; command `{rerun.get('command')}`")
        log = info.get("log")
        w(f"- Raw results: `{run.jmh_path}`"
          + (f"; the run's log was `{log}` (git-ignored)" if log else ""))
        w("")

    w("## Goals")
    w("")
    w("Each ratio is toolkit ÷ peer (or peer ÷ toolkit where the goal is a speed-up) in the "
      "same run; ± is JMH's 99.9% error propagated through the ratio; in brackets, the extra "
      "time (ns/op) and allocation (B/op) of the toolkit's side. A goal is met when the "
      "measured value minus its error is within the goal, so a difference inside the error "
      "bars counts as met (the verdict says when the bars are wider than the goal's margin).")
    w("")
    if any(not r["time"].has_error for run in runs for r in run.results.values()):
        w("_Some scores have no error bars (too few iterations for JMH to compute them): "
          "their verdicts compare the bare score._")
        w("")
    for section in SECTIONS:
        w(f"### {section.title}")
        w("")
        w(section.intro)
        w("")
        w("| Comparison | Goal | " + " | ".join(run.label for run in runs) + " |")
        w("|---|---|" + "---|" * len(runs))
        for goal in section.goals:
            cells = [goal_cell(goal, run.results, run.summary) for run in runs]
            w(f"| {goal.label} | {goal.goal_text} | " + " | ".join(cells) + " |")
        w("")
        info_rows = [(label, n, d) for label, n, d in section.info
                     if any(n in run.results and d in run.results for run in runs)]
        if info_rows:
            w("For information (no goal):")
            w("")
            for label, n, d in info_rows:
                parts = []
                for run in runs:
                    if n in run.results and d in run.results:
                        ratio = run.results[n]["time"] / run.results[d]["time"]
                        diff = run.results[n]["time"] - run.results[d]["time"]
                        text = f"{fmt_ratio(ratio)}, {fmt_value(diff)} ns/op"
                    else:
                        text = "not run"
                    parts.append(f"{run.label} {text}" if len(runs) > 1 else text)
                w(f"- {label}: " + "; ".join(parts))
            w("")

    stack_comparison_section(w, runs)

    if any(run.pipeline for run in runs):
        w("## Whole pipeline")
        w("")
        w("Plain Java mains in `dev.oteltoolkit.benchmarks.pipeline` (throughput with drops and "
          "latency distributions are not JMH measures), run by `bench/run` after JMH on the "
          "same machine; each compares the toolkit with a hand-built raw SDK pipeline or with "
          "telemetry off in the same run. Goals are judged by the mains themselves; the JSON "
          "files hold every step.")
        w("")
        for run in runs:
            if len(runs) > 1:
                w(f"### {run.label}")
                w("")
            pipeline_section(w, run.pipeline, run.summary, "####" if len(runs) > 1 else "###")

    w("## Results")
    w("")
    w("Average time per operation (lower is better), ± JMH's 99.9% error; allocation is "
      "`gc.alloc.rate.norm` from `-prof gc`.")
    w("")
    header = "| Benchmark | What it does |"
    rule = "|---|---|"
    for run in runs:
        suffix = f" ({run.label})" if len(runs) > 1 else ""
        header += f" Time (ns/op){suffix} | Allocation (B/op){suffix} | Samples{suffix} |"
        rule += "---|---|---|"
    w(header)
    w(rule)
    for name in sorted(set().union(*(run.results.keys() for run in runs))):
        row = f"| `{name}` | {DESCRIPTIONS.get(name, '')} |"
        for run in runs:
            r = run.results.get(name)
            if r is None:
                row += " not run | | |"
                continue
            unit = "" if r["unit"] == "ns/op" else f" {r['unit']}"
            row += f" {fmt_value(r['time'], unit)} | {fmt_alloc(r['alloc'])} | {r['samples']} |"
        w(row)
    w("")

    w("## What is measured")
    w("")
    w("- Both sides of every pair run in the same JMH run, in the same fork's JVM settings, "
      "through the same SDK instance. Sampled pairs use an always-on sampler and a "
      "`SimpleSpanProcessor` feeding an exporter that drops every batch (no background thread "
      "competing for the cores, no queue overflow); metrics go to a reader that never "
      "collects, so instruments aggregate as they would between two exports.")
    w("- The MDC bridge of `otel-toolkit-logging` is on the benchmarks' class path; every "
      "benchmark class except the bridge's own forks with `-Doteltoolkit.mdc.enabled=false`, "
      "and each fork checks at setup that the bridge is (or is not) active as it asked.")
    w("- Benchmarks run single-threaded with settings sized for a 2-core machine; a busy "
      "machine (see the load average above) widens the error bars.")
    for section in SECTIONS:
        for bullet in section.measured:
            w(f"- **{section.title.split(':')[0]}**: {bullet}")
    w("")

    w("## Notes")
    w("")
    w(NOTES_START)
    w(old_notes(out_path))
    w(NOTES_END)
    w("")

    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", required=True,
                   help="JMH's JSON results; with --merge, '-' for none (pipeline files only)")
    p.add_argument("--out", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--java-version", required=True)
    p.add_argument("--load-before", default=None)
    p.add_argument("--load-after", default=None, help="default: the load average now")
    p.add_argument("--started", default=None, help="when the run started, e.g. 2026-01-31 09:58")
    p.add_argument("--finished", default=None, help="when the run ended (default: now)")
    p.add_argument("--log", default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--pipeline", action="append", default=[],
                   help="a JSON file written by a dev.oteltoolkit.benchmarks.pipeline main "
                        "(schema oteltoolkit-pipeline/1); repeatable")
    p.add_argument("--merge", action="store_true",
                   help="with --store: replace only the benchmarks this run measured in the "
                        "stored run of its JDK (a re-run of some rows), keeping the others")
    p.add_argument("--store", default=None,
                   help="keep this run in STORE/jdk<major>/ and report every JDK kept there, "
                        "one column each (bench/run: docs/benchmarks)")
    args = p.parse_args()
    args.finished = args.finished or datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M")
    args.load_after = args.load_after or load_average()

    major = java_major(args.java_version)
    if args.store and not major:
        sys.exit("report.py: cannot tell the JDK's feature release from --java-version")
    if args.store:
        store_run(args, major)
        runs = stored_runs(args.store)
    else:
        info = {k: getattr(args, k) for k in (
            "command", "java_version", "load_before", "load_after", "started", "finished",
            "log", "quick")}
        runs = [Run(major, info, args.json, args.pipeline)]
    render(runs, args.out, args.quick, args.store)

    print(f"wrote {args.out}")
    for run in runs:
        print(f"{run.label}:")
        for label, verdict in run.summary:
            print(f"  {label}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
