// The guardian's time-series store: CloudWatch-style metrics at 1-minute resolution.
//
// Contract
// - A series is identified by (namespace, metric name, the exact set of dimensions), as in
//   CloudWatch: a query for {StateMachineArn=x} does not see datapoints put with
//   {StateMachineArn=x, Version=1}. MetricId::make() sorts the dimensions so their order
//   does not matter.
// - put() adds one raw value to the minute bucket containing t (epoch ms). Each bucket keeps
//   SampleCount/Sum/Min/Max exactly, plus what percentiles need:
//     * up to kExactValuesPerBucket raw values: percentiles over a window whose buckets all
//       stayed under the bound are exact (nearest rank, see Statistic);
//     * past the bound the bucket switches to a logarithmic histogram (bins of ratio
//       kSketchGamma), so a percentile over such a window has a relative error of at most
//       (gamma-1)/(gamma+1) ~ 1% and is clamped to [Minimum, Maximum].
//   Percentiles are unavailable (absent) when any value in the window is negative, as in
//   CloudWatch.
// - The unit of a series is the unit of its first put() (AWS/States metrics have one fixed
//   unit per metric); later puts with another unit are counted in the same series.
// - get_statistics() answers like GetMetricStatistics: windows start at `start` floored to
//   the minute and step by `period_seconds`; a window covers [ws, min(ws+period, end)); a
//   datapoint is returned only for windows holding samples, stamped with the window start,
//   oldest first.
// - prune(now) drops buckets older than the retention (default 15 days) and empty series.
// - Pure: no clock (time is a parameter), no I/O, no threads. Not thread-safe; the owner
//   serialises access.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sg::guardian {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kDefaultMetricRetentionMs = 15 * kDayMs;
constexpr size_t kExactValuesPerBucket = 1024;
constexpr double kSketchGamma = 1.02;

inline int64_t floor_minute(int64_t t_ms) {
  int64_t r = t_ms % kMinuteMs;
  return r < 0 ? t_ms - r - kMinuteMs : t_ms - r;
}

struct Dimension {
  std::string name;
  std::string value;
  auto operator<=>(const Dimension&) const = default;
};
using Dimensions = std::vector<Dimension>;

struct MetricId {
  std::string ns;
  std::string name;
  Dimensions dimensions;  // sorted by name (then value)

  static MetricId make(std::string ns, std::string name, Dimensions dims);
  auto operator<=>(const MetricId&) const = default;
};

// A statistic name as CloudWatch spells it: SampleCount, Sum, Average, Minimum, Maximum,
// or a percentile pNN / pNN.N (0 <= NN <= 100). A percentile is the nearest-rank value:
// the smallest value v such that at least NN% of the samples are <= v (p99 of 100 values is
// the 99th smallest: the maximum once the top 1% is dropped, as AWS's docs describe).
struct Statistic {
  enum class Kind { kSampleCount, kSum, kAverage, kMinimum, kMaximum, kPercentile };
  Kind kind = Kind::kSampleCount;
  double percentile = 0;  // 0..100 for kPercentile
  std::string name;       // as given ("Maximum", "p90")

  static std::optional<Statistic> parse(std::string_view name);
  bool is_extended() const { return kind == Kind::kPercentile; }
};

// The samples of one window, merged from its minute buckets.
class Aggregate {
 public:
  double sample_count() const { return count_; }
  double sum() const { return sum_; }
  double minimum() const { return min_; }
  double maximum() const { return max_; }
  double average() const { return count_ > 0 ? sum_ / count_ : 0; }
  // The statistic's value; nullopt for a percentile that is unavailable.
  std::optional<double> value(const Statistic& s) const;

 private:
  friend class MetricStore;
  double count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
  bool negative_ = false;
  bool exact_ = true;
  std::vector<double> values_;      // when exact_
  std::map<int32_t, double> bins_;  // when !exact_ (all values, zero in bins_[INT32_MIN])
};

struct Datapoint {
  int64_t timestamp_ms = 0;
  std::string unit;
  Aggregate aggregate;
};

struct MetricStoreOptions {
  int64_t retention_ms = kDefaultMetricRetentionMs;
};

class MetricStore {
 public:
  explicit MetricStore(MetricStoreOptions options = {}) : options_(options) {}

  void put(const MetricId& id, std::string_view unit, int64_t t_ms, double value);

  // Samples with bucket start in [from_ms, to_ms); nullopt when there are none. With
  // samples false only SampleCount/Sum/Average/Minimum/Maximum are filled (percentiles need
  // the samples, which the other statistics need not copy).
  std::optional<Aggregate> aggregate(const MetricId& id, int64_t from_ms, int64_t to_ms,
                                     bool samples = true) const;

  std::vector<Datapoint> get_statistics(const MetricId& id, int64_t start_ms, int64_t end_ms,
                                        int64_t period_seconds) const;

  // The unit of a series ("" when unknown).
  std::string unit_of(const MetricId& id) const;

  // Series in id order, optionally filtered by namespace and/or metric name.
  std::vector<MetricId> list_metrics(std::string_view ns = {}, std::string_view name = {}) const;

  void prune(int64_t now_ms);
  size_t series_count() const { return series_.size(); }
  const MetricStoreOptions& options() const { return options_; }

 private:
  struct Bucket {
    double count = 0, sum = 0, min = 0, max = 0;
    bool negative = false;
    std::vector<double> values;      // exact while values.size() <= kExactValuesPerBucket
    std::map<int32_t, double> bins;  // non-empty once the bucket overflowed
  };
  struct Series {
    std::string unit;
    std::map<int64_t, Bucket> buckets;  // minute start -> bucket
  };
  MetricStoreOptions options_;
  std::map<MetricId, Series> series_;
};

}  // namespace sg::guardian
