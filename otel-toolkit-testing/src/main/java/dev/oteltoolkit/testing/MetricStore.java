package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.metrics.TestMetricData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * The metrics of one test: the deltas collected since the test started, merged per metric and
 * attribute set into one point each (delta sums and histograms add up; cumulative data, gauges,
 * summaries and exponential histograms keep their newest point). A metric collected once is kept as
 * the SDK gave it, exemplars included; merged points carry no exemplars.
 */
final class MetricStore {

  private final Map<Key, MetricData> metrics = new LinkedHashMap<>();

  void add(Collection<MetricData> collected) {
    for (MetricData metric : collected) {
      if (metric.isEmpty()) {
        continue;
      }
      metrics.merge(Key.of(metric), metric, MetricStore::merge);
    }
  }

  List<MetricData> all() {
    return List.copyOf(metrics.values());
  }

  void clear() {
    metrics.clear();
  }

  static MetricData merge(MetricData older, MetricData newer) {
    switch (newer.getType()) {
      case LONG_SUM -> {
        if (!isDelta(newer.getLongSumData().getAggregationTemporality())) {
          return newer;
        }
        return builder(newer)
            .setLongSumData(
                SumData.createLongSumData(
                    newer.getLongSumData().isMonotonic(),
                    AggregationTemporality.CUMULATIVE,
                    mergePoints(
                        older.getLongSumData().getPoints(),
                        newer.getLongSumData().getPoints(),
                        (a, b) ->
                            LongPointData.create(
                                Math.min(a.getStartEpochNanos(), b.getStartEpochNanos()),
                                Math.max(a.getEpochNanos(), b.getEpochNanos()),
                                b.getAttributes(),
                                a.getValue() + b.getValue()))))
            .build();
      }
      case DOUBLE_SUM -> {
        if (!isDelta(newer.getDoubleSumData().getAggregationTemporality())) {
          return newer;
        }
        return builder(newer)
            .setDoubleSumData(
                SumData.createDoubleSumData(
                    newer.getDoubleSumData().isMonotonic(),
                    AggregationTemporality.CUMULATIVE,
                    mergePoints(
                        older.getDoubleSumData().getPoints(),
                        newer.getDoubleSumData().getPoints(),
                        (a, b) ->
                            DoublePointData.create(
                                Math.min(a.getStartEpochNanos(), b.getStartEpochNanos()),
                                Math.max(a.getEpochNanos(), b.getEpochNanos()),
                                b.getAttributes(),
                                a.getValue() + b.getValue(),
                                List.of()))))
            .build();
      }
      case HISTOGRAM -> {
        if (!isDelta(newer.getHistogramData().getAggregationTemporality())) {
          return newer;
        }
        return builder(newer)
            .setHistogramData(
                HistogramData.create(
                    AggregationTemporality.CUMULATIVE,
                    mergePoints(
                        older.getHistogramData().getPoints(),
                        newer.getHistogramData().getPoints(),
                        MetricStore::mergeHistogramPoints)))
            .build();
      }
      case LONG_GAUGE -> {
        return builder(newer)
            .setLongGaugeData(
                GaugeData.createLongGaugeData(
                    mergePoints(
                        older.getLongGaugeData().getPoints(),
                        newer.getLongGaugeData().getPoints(),
                        (a, b) -> b)))
            .build();
      }
      case DOUBLE_GAUGE -> {
        return builder(newer)
            .setDoubleGaugeData(
                GaugeData.createDoubleGaugeData(
                    mergePoints(
                        older.getDoubleGaugeData().getPoints(),
                        newer.getDoubleGaugeData().getPoints(),
                        (a, b) -> b)))
            .build();
      }
      default -> {
        // summaries and exponential histograms: not produced by the toolkit; newest wins
        return newer;
      }
    }
  }

  private static boolean isDelta(AggregationTemporality temporality) {
    return temporality == AggregationTemporality.DELTA;
  }

  private static HistogramPointData mergeHistogramPoints(
      HistogramPointData a, HistogramPointData b) {
    if (!a.getBoundaries().equals(b.getBoundaries())) {
      return b;
    }
    List<Long> counts = new ArrayList<>(b.getCounts().size());
    for (int i = 0; i < b.getCounts().size(); i++) {
      counts.add(a.getCounts().get(i) + b.getCounts().get(i));
    }
    boolean hasMin = a.hasMin() || b.hasMin();
    boolean hasMax = a.hasMax() || b.hasMax();
    double min =
        a.hasMin() && b.hasMin()
            ? Math.min(a.getMin(), b.getMin())
            : a.hasMin() ? a.getMin() : b.getMin();
    double max =
        a.hasMax() && b.hasMax()
            ? Math.max(a.getMax(), b.getMax())
            : a.hasMax() ? a.getMax() : b.getMax();
    return HistogramPointData.create(
        Math.min(a.getStartEpochNanos(), b.getStartEpochNanos()),
        Math.max(a.getEpochNanos(), b.getEpochNanos()),
        b.getAttributes(),
        a.getSum() + b.getSum(),
        hasMin,
        min,
        hasMax,
        max,
        b.getBoundaries(),
        counts);
  }

  /** Points of both collections by attribute set, merged where both have one. */
  private static <P extends PointData> List<P> mergePoints(
      Collection<P> older, Collection<P> newer, BinaryOperator<P> merge) {
    Map<Attributes, P> byAttributes = new LinkedHashMap<>();
    for (P point : older) {
      byAttributes.put(point.getAttributes(), point);
    }
    for (P point : newer) {
      byAttributes.merge(point.getAttributes(), point, merge);
    }
    return new ArrayList<>(byAttributes.values());
  }

  private static TestMetricData.Builder builder(MetricData metric) {
    return TestMetricData.builder()
        .setResource(metric.getResource())
        .setInstrumentationScopeInfo(metric.getInstrumentationScopeInfo())
        .setName(metric.getName())
        .setDescription(metric.getDescription())
        .setUnit(metric.getUnit());
  }

  /** One metric stream: who recorded it, its name and its type. */
  private record Key(
      Resource resource, InstrumentationScopeInfo scope, String name, MetricDataType type) {
    static Key of(MetricData metric) {
      return new Key(
          metric.getResource(),
          metric.getInstrumentationScopeInfo(),
          metric.getName(),
          metric.getType());
    }
  }
}
