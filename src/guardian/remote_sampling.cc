#include "guardian/remote_sampling.h"

#include <algorithm>
#include <cmath>

#include "json/parse.h"
#include "json/timestamp.h"
#include "json/value.h"

namespace sg::guardian {

namespace {

using json::Value;

std::string str(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

// AWS JSON sends timestamps as epoch seconds (a number); accept RFC 3339 text too.
std::optional<int64_t> date_ms(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  if (!m) return std::nullopt;
  if (m->is_number()) return static_cast<int64_t>(std::llround(m->as_double() * 1000));
  if (m->is_string()) return json::parse_rfc3339(m->as_string());
  return std::nullopt;
}

Result<Value> parse_object(std::string_view body, std::string_view what) {
  auto v = json::parse_json(body);
  if (!v.ok() || !v->is_object())
    return Error{"InvalidResponse", std::string(what).append(": the reply is not a JSON object")};
  return std::move(v).value();
}

// The n-th ':'-separated field of an ARN ("" when absent).
std::string arn_field(std::string_view arn, int n) {
  if (arn.substr(0, 4) != "arn:") return "";
  size_t start = 0;
  for (int i = 0; i < n; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return "";
    start = colon + 1;
  }
  size_t end = arn.find(':', start);
  return std::string(arn.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

bool is_throttling_type(std::string_view t) {
  return t == "ThrottlingException" || t == "Throttling" || t == "TooManyRequestsException" ||
         t == "RequestLimitExceeded" || t == "ProvisionedThroughputExceededException" ||
         t == "RequestThrottled" || t == "RequestThrottledException" || t == "SlowDown" ||
         t == "PriorRequestNotComplete";
}

}  // namespace

Result<StateMachinesPage> parse_list_state_machines(std::string_view body) {
  auto v = parse_object(body, "ListStateMachines");
  if (!v.ok()) return v.error();
  StateMachinesPage page;
  const Value* list = v->find("stateMachines");
  if (!list || !list->is_array())
    return Error{"InvalidResponse", "ListStateMachines: the reply has no stateMachines list"};
  for (const Value& item : list->items()) {
    RemoteMachine m;
    m.arn = str(item, "stateMachineArn");
    m.name = str(item, "name");
    m.type = str(item, "type");
    if (m.arn.empty()) return Error{"InvalidResponse", "ListStateMachines: an item has no stateMachineArn"};
    if (m.type.empty()) m.type = "STANDARD";
    page.machines.push_back(std::move(m));
  }
  page.next_token = str(*v, "nextToken");
  return page;
}

Result<ExecutionsPage> parse_list_executions(std::string_view body) {
  auto v = parse_object(body, "ListExecutions");
  if (!v.ok()) return v.error();
  ExecutionsPage page;
  const Value* list = v->find("executions");
  if (!list || !list->is_array())
    return Error{"InvalidResponse", "ListExecutions: the reply has no executions list"};
  for (const Value& item : list->items()) {
    LatestExecution e;
    e.execution_arn = str(item, "executionArn");
    e.name = str(item, "name");
    e.status = parse_exec_status(str(item, "status"));
    e.start_ms = date_ms(item, "startDate").value_or(0);
    e.stop_ms = date_ms(item, "stopDate");
    if (e.execution_arn.empty())
      return Error{"InvalidResponse", "ListExecutions: an item has no executionArn"};
    page.executions.push_back(std::move(e));
  }
  page.next_token = str(*v, "nextToken");
  return page;
}

std::string list_state_machines_body(std::string_view next_token) {
  std::vector<json::Member> m;
  m.push_back({Value::string("maxResults"), Value::integer(kListStateMachinesPageSize)});
  if (!next_token.empty()) m.push_back({Value::string("nextToken"), Value::string(next_token)});
  return Value::object(std::move(m)).dump();
}

std::string list_executions_body(std::string_view state_machine_arn, std::string_view next_token) {
  std::vector<json::Member> m;
  m.push_back({Value::string("stateMachineArn"), Value::string(state_machine_arn)});
  m.push_back({Value::string("maxResults"), Value::integer(1)});
  if (!next_token.empty()) m.push_back({Value::string("nextToken"), Value::string(next_token)});
  return Value::object(std::move(m)).dump();
}

AwsError parse_aws_error(int http_status, std::string_view error_type_header, std::string_view body) {
  AwsError e;
  e.http_status = http_status;
  std::string type(error_type_header);
  if (auto v = json::parse_json(body); v.ok() && v->is_object()) {
    if (std::string t = str(*v, "__type"); !t.empty()) type = t;
    e.message = str(*v, "message");
    if (e.message.empty()) e.message = str(*v, "Message");
  }
  if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (size_t colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
  e.type = type;
  e.throttling = http_status == 429 || is_throttling_type(type);
  e.transient = e.throttling || http_status == 0 || http_status >= 500;
  if (e.type.empty()) e.type = http_status == 0 ? "TransportError" : "HTTP " + std::to_string(http_status);
  return e;
}

std::string arn_account(std::string_view arn) { return arn_field(arn, 4); }
std::string arn_region(std::string_view arn) { return arn_field(arn, 3); }

int64_t backoff_delay_ms(const BackoffPolicy& policy, int attempt, uint64_t random) {
  int64_t ceiling = std::max<int64_t>(policy.base_ms, 1);
  for (int i = 0; i < attempt && ceiling < policy.cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, std::max<int64_t>(policy.cap_ms, 1));
  int64_t half = ceiling / 2;
  return half + static_cast<int64_t>(random % static_cast<uint64_t>(ceiling - half + 1));
}

SamplingCycle::SamplingCycle(BackoffPolicy policy) : policy_(policy) {}

SamplingCycle::Step SamplingCycle::next() const {
  Step s;
  s.kind = kind_;
  if (kind_ != Kind::kCall) return s;
  s.delay_ms = delay_ms_;
  if (listing_machines_) {
    s.operation = "ListStateMachines";
    s.body = list_state_machines_body(token_);
  } else {
    s.operation = "ListExecutions";
    s.body = list_executions_body(machines_[machine_].arn, token_);
  }
  return s;
}

void SamplingCycle::fail(std::string code, std::string message) {
  kind_ = Kind::kFailed;
  error_ = Error{std::move(code), std::move(message)};
}

void SamplingCycle::next_machine() {
  token_.clear();
  pages_ = 0;
  if (listing_machines_) {
    listing_machines_ = false;
    machine_ = 0;
  } else {
    ++machine_;
  }
  if (machine_ >= machines_.size()) kind_ = Kind::kDone;
}

void SamplingCycle::on_reply(const HttpReply& reply, uint64_t random) {
  if (kind_ != Kind::kCall) return;
  ++requests_;
  const char* op = listing_machines_ ? "ListStateMachines" : "ListExecutions";
  if (reply.status != 200) {
    AwsError e = parse_aws_error(reply.status, reply.error_type_header, reply.body);
    std::string what = e.message.empty() ? reply.transport_error : e.message;
    if (!listing_machines_ && e.type == "StateMachineDoesNotExist") {
      // The next machine takes its place at the same index.
      machines_.erase(machines_.begin() + static_cast<std::ptrdiff_t>(machine_));
      attempt_ = 0;
      delay_ms_ = 0;
      token_.clear();
      pages_ = 0;
      if (machine_ >= machines_.size()) kind_ = Kind::kDone;
      return;
    }
    if (e.transient && attempt_ < policy_.max_retries) {
      delay_ms_ = backoff_delay_ms(policy_, attempt_, random);
      ++attempt_;
      ++retries_total_;
      return;
    }
    std::string m(op);
    m.append(": ").append(what.empty() ? e.type : what);
    if (e.transient) m.append(" (gave up after ").append(std::to_string(attempt_)).append(" retries)");
    fail(e.type, std::move(m));
    return;
  }
  attempt_ = 0;
  delay_ms_ = 0;
  if (listing_machines_) {
    auto page = parse_list_state_machines(reply.body);
    if (!page.ok()) return fail(page.error().code, page.error().message);
    for (RemoteMachine& m : page->machines) machines_.push_back(std::move(m));
    if (!page->next_token.empty()) {
      if (++pages_ >= kMaxStateMachinePages)
        return fail("LimitExceeded", "ListStateMachines: more than " + std::to_string(kMaxStateMachinePages) +
                                         " pages of state machines");
      token_ = page->next_token;
      return;
    }
    next_machine();
    return;
  }
  auto page = parse_list_executions(reply.body);
  if (!page.ok()) return fail(page.error().code, page.error().message);
  if (!page->executions.empty()) {
    machines_[machine_].latest = std::move(page->executions.front());
  } else if (!page->next_token.empty() && ++pages_ < kMaxExecutionPages) {
    token_ = page->next_token;
    return;
  }
  next_machine();
}

}  // namespace sg::guardian
