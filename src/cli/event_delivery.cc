#include "cli/event_delivery.h"

#include <algorithm>

namespace sg::cli {

namespace {

using json::ObjectBuilder;
using json::Value;

int64_t policy_int(const Value& target, std::string_view key, int64_t fallback) {
  const Value* p = target.find("RetryPolicy");
  if (!p) return fallback;
  const Value* v = p->find(key);
  return v && v->is_number() ? static_cast<int64_t>(v->as_double()) : fallback;
}

}  // namespace

void DeliveryQueue::submit(events::Delivery d, int64_t now_ms) {
  DeliveryJob job;
  job.id = next_id_++;
  job.delivery = std::move(d);
  job.first_ms = now_ms;
  job.due_ms = now_ms;
  jobs_.emplace(now_ms, std::move(job));
}

std::vector<DeliveryJob> DeliveryQueue::take_due(int64_t now_ms) {
  std::vector<DeliveryJob> out;
  auto end = jobs_.upper_bound(now_ms);
  for (auto it = jobs_.begin(); it != end; ++it) out.push_back(std::move(it->second));
  jobs_.erase(jobs_.begin(), end);
  return out;
}

std::optional<int64_t> DeliveryQueue::next_due() const {
  if (jobs_.empty()) return std::nullopt;
  return jobs_.begin()->first;
}

void DeliveryQueue::report(DeliveryJob job, const DeliveryOutcome& outcome, int64_t now_ms) {
  ++job.attempts;
  if (outcome.kind == DeliveryOutcome::Kind::kDelivered) {
    counters_.delivered.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_.failed.fetch_add(1, std::memory_order_relaxed);
  if (outcome.kind == DeliveryOutcome::Kind::kPermanent) return give_up(job, outcome, nullptr);
  const Value& target = job.delivery.target;
  int64_t max_retries = policy_int(target, "MaximumRetryAttempts", options_.default_max_retries);
  int64_t max_age_ms = policy_int(target, "MaximumEventAgeInSeconds", options_.default_max_age_s) * 1000;
  int retries_done = job.attempts - 1;
  if (retries_done >= max_retries) return give_up(job, outcome, "MaximumRetryAttempts");
  int64_t delay = options_.base_delay_ms;
  for (int i = 0; i < retries_done && delay < options_.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, options_.max_delay_ms);
  auto scaled = static_cast<int64_t>(static_cast<double>(delay) * options_.time_scale);
  int64_t due = now_ms + std::max<int64_t>(scaled, 1);
  // The age limit counts in the event's (unscaled) time, as a user reads it.
  if (static_cast<double>(due - job.first_ms) > static_cast<double>(max_age_ms) * options_.time_scale)
    return give_up(job, outcome, "MaximumEventAgeInSeconds");
  counters_.retried.fetch_add(1, std::memory_order_relaxed);
  job.due_ms = due;
  jobs_.emplace(due, std::move(job));
}

void DeliveryQueue::give_up(const DeliveryJob& job, const DeliveryOutcome& outcome, const char* exhausted) {
  counters_.dead_lettered.fetch_add(1, std::memory_order_relaxed);
  if (!dead_letter_) return;
  const events::Delivery& d = job.delivery;
  ObjectBuilder o;
  o.add("RULE_ARN", Value::string(d.rule_arn));
  const Value* arn = d.target.find("Arn");
  o.add("TARGET_ARN", arn ? *arn : Value());
  o.add("TARGET_ID", d.target.find("Id") ? *d.target.find("Id") : Value());
  o.add("ERROR_CODE", Value::string(outcome.error_code));
  o.add("ERROR_MESSAGE", Value::string(outcome.message));
  if (exhausted) o.add("EXHAUSTED_RETRY_CONDITION", Value::string(exhausted));
  o.add("RETRY_ATTEMPTS", Value::integer(job.attempts - 1));
  o.add("event", d.event);
  o.add("input", Value::string(d.input.text));
  dead_letter_(std::move(o).build().dump());
}

}  // namespace sg::cli
