#include "guardian/metric_store.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>

namespace sg::guardian {

namespace {

constexpr int32_t kZeroBin = INT32_MIN;

int32_t bin_of(double v) {
  if (v <= 0) return kZeroBin;
  return static_cast<int32_t>(std::ceil(std::log(v) / std::log(kSketchGamma)));
}

// Midpoint (in relative terms) of the bin (gamma^(i-1), gamma^i].
double bin_value(int32_t i) {
  if (i == kZeroBin) return 0;
  return 2 * std::pow(kSketchGamma, i) / (kSketchGamma + 1);
}

// 1-based nearest rank of percentile p (0..100) among n samples.
double nearest_rank(double p, double n) {
  double r = std::ceil(p * n / 100 - 1e-9);
  return std::max(1.0, std::min(r, n));
}

}  // namespace

MetricId MetricId::make(std::string ns, std::string name, Dimensions dims) {
  std::sort(dims.begin(), dims.end());
  return MetricId{std::move(ns), std::move(name), std::move(dims)};
}

std::optional<Statistic> Statistic::parse(std::string_view name) {
  Statistic s;
  s.name = std::string(name);
  if (name == "SampleCount") {
    s.kind = Kind::kSampleCount;
  } else if (name == "Sum") {
    s.kind = Kind::kSum;
  } else if (name == "Average") {
    s.kind = Kind::kAverage;
  } else if (name == "Minimum") {
    s.kind = Kind::kMinimum;
  } else if (name == "Maximum") {
    s.kind = Kind::kMaximum;
  } else if (name.size() >= 2 && name[0] == 'p') {
    // pNN or pNN.NN (at most two decimals, as CloudWatch accepts).
    std::string_view num = name.substr(1);
    size_t dot = num.find('.');
    std::string_view whole = num.substr(0, dot);
    if (whole.empty() || whole.size() > 3) return std::nullopt;
    for (char c : whole)
      if (c < '0' || c > '9') return std::nullopt;
    if (dot != std::string_view::npos) {
      std::string_view frac = num.substr(dot + 1);
      if (frac.empty() || frac.size() > 2) return std::nullopt;
      for (char c : frac)
        if (c < '0' || c > '9') return std::nullopt;
    }
    double p = std::strtod(std::string(num).c_str(), nullptr);
    if (p < 0 || p > 100) return std::nullopt;
    s.kind = Kind::kPercentile;
    s.percentile = p;
  } else {
    return std::nullopt;
  }
  return s;
}

std::optional<double> Aggregate::value(const Statistic& s) const {
  switch (s.kind) {
    case Statistic::Kind::kSampleCount:
      return count_;
    case Statistic::Kind::kSum:
      return sum_;
    case Statistic::Kind::kAverage:
      return average();
    case Statistic::Kind::kMinimum:
      return min_;
    case Statistic::Kind::kMaximum:
      return max_;
    case Statistic::Kind::kPercentile:
      break;
  }
  if (negative_ || count_ <= 0) return std::nullopt;
  double rank = nearest_rank(s.percentile, count_);
  if (exact_) {
    std::vector<double> sorted = values_;
    size_t k = static_cast<size_t>(rank) - 1;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(k), sorted.end());
    return sorted[k];
  }
  double seen = 0;
  for (const auto& [bin, n] : bins_) {
    seen += n;
    if (seen >= rank) return std::clamp(bin_value(bin), min_, max_);
  }
  return max_;
}

void MetricStore::put(const MetricId& id, std::string_view unit, int64_t t_ms, double value) {
  if (!std::isfinite(value)) return;  // CloudWatch rejects NaN and infinities
  Series& series = series_[id];
  if (series.unit.empty()) series.unit = std::string(unit);
  Bucket& b = series.buckets[floor_minute(t_ms)];
  if (b.count == 0) {
    b.min = b.max = value;
  } else {
    b.min = std::min(b.min, value);
    b.max = std::max(b.max, value);
  }
  b.count += 1;
  b.sum += value;
  if (value < 0) b.negative = true;
  if (b.bins.empty() && b.values.size() < kExactValuesPerBucket) {
    b.values.push_back(value);
    return;
  }
  if (b.bins.empty()) {
    for (double v : b.values) b.bins[bin_of(v)] += 1;
    b.values.clear();
    b.values.shrink_to_fit();
  }
  b.bins[bin_of(value)] += 1;
}

std::optional<Aggregate> MetricStore::aggregate(const MetricId& id, int64_t from_ms, int64_t to_ms,
                                                bool samples) const {
  auto it = series_.find(id);
  if (it == series_.end()) return std::nullopt;
  const auto& buckets = it->second.buckets;
  auto lo = buckets.lower_bound(from_ms);
  auto hi = buckets.lower_bound(to_ms);
  if (lo == hi) return std::nullopt;
  Aggregate a;
  bool first = true;
  for (auto b = lo; b != hi; ++b) {
    if (b->second.bins.size() > 0) a.exact_ = false;
  }
  for (auto b = lo; b != hi; ++b) {
    const Bucket& k = b->second;
    if (first) {
      a.min_ = k.min;
      a.max_ = k.max;
      first = false;
    } else {
      a.min_ = std::min(a.min_, k.min);
      a.max_ = std::max(a.max_, k.max);
    }
    a.count_ += k.count;
    a.sum_ += k.sum;
    a.negative_ = a.negative_ || k.negative;
    if (!samples) {
      continue;
    } else if (a.exact_) {
      a.values_.insert(a.values_.end(), k.values.begin(), k.values.end());
    } else {
      for (double v : k.values) a.bins_[bin_of(v)] += 1;
      for (const auto& [bin, n] : k.bins) a.bins_[bin] += n;
    }
  }
  return a;
}

std::vector<Datapoint> MetricStore::get_statistics(const MetricId& id, int64_t start_ms, int64_t end_ms,
                                                   int64_t period_seconds) const {
  std::vector<Datapoint> out;
  if (period_seconds <= 0 || end_ms <= start_ms) return out;
  auto it = series_.find(id);
  if (it == series_.end()) return out;
  const int64_t period_ms = period_seconds * 1000;
  for (int64_t ws = floor_minute(start_ms); ws < end_ms; ws += period_ms) {
    auto a = aggregate(id, ws, std::min(ws + period_ms, end_ms));
    if (!a) continue;
    out.push_back(Datapoint{ws, it->second.unit, std::move(*a)});
  }
  return out;
}

std::string MetricStore::unit_of(const MetricId& id) const {
  auto it = series_.find(id);
  return it == series_.end() ? std::string() : it->second.unit;
}

std::vector<MetricId> MetricStore::list_metrics(std::string_view ns, std::string_view name) const {
  std::vector<MetricId> out;
  for (const auto& [id, s] : series_) {
    if (!ns.empty() && id.ns != ns) continue;
    if (!name.empty() && id.name != name) continue;
    out.push_back(id);
  }
  return out;
}

void MetricStore::prune(int64_t now_ms) {
  const int64_t cutoff = now_ms - options_.retention_ms;
  for (auto it = series_.begin(); it != series_.end();) {
    auto& buckets = it->second.buckets;
    buckets.erase(buckets.begin(), buckets.lower_bound(floor_minute(cutoff)));
    if (buckets.empty()) {
      it = series_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sg::guardian
