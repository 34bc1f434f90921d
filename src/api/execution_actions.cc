#include "api/execution_actions.h"

#include <array>
#include <charconv>

#include "api/api_error_messages.h"
#include "api/arn.h"
#include "api/pagination.h"
#include "api/request_fields.h"
#include "api/wire_format.h"
#include "asl/names.h"
#include "json/parse.h"

namespace sg::api {

using json::ObjectBuilder;
using json::Value;

namespace {

constexpr size_t kMaxPayload = 262144;
constexpr int64_t kRedriveWindowMs = 14LL * 24 * 3600 * 1000;
constexpr std::array<std::string_view, 2> kIncludedData = {"ALL_DATA", "METADATA_ONLY"};
constexpr std::array<std::string_view, 6> kExecutionStatuses = {"RUNNING",   "SUCCEEDED", "FAILED",
                                                                "TIMED_OUT", "ABORTED",   "PENDING_REDRIVE"};
constexpr std::array<std::string_view, 2> kRedriveFilters = {"REDRIVEN", "NOT_REDRIVEN"};

const StringRule kArnRule{.required = true, .min_length = 1, .max_length = 256};
const StringRule kNameRule{.min_length = 1, .max_length = 80};
const StringRule kDataRule{.max_length = kMaxPayload, .sensitive = true};
const StringRule kTokenRule{.required = true, .min_length = 1, .max_length = 2048};
const StringRule kErrorRule{.min_length = 0, .max_length = 256, .sensitive = true};
const StringRule kCauseRule{.min_length = 0, .max_length = 32768, .sensitive = true};

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c > 127) return false;
  return true;
}
const StringRule kTraceRule{
    .min_length = 0, .max_length = 256, .pattern = "\\p{ASCII}*", .matches = is_ascii};

ApiError from_status(const Error& e) {
  if (e.code == "StoreFailure" || e.code == "STORE") return internal_failure(e.message);
  return api_error(e.code, e.message);
}

const Value* member(const Value& doc, std::string_view key) {
  const Value* v = doc.find(key);
  return v && v->is_string() ? v : nullptr;
}

Value included(bool yes) {
  ObjectBuilder b(1);
  b.add("included", Value::boolean(yes));
  return std::move(b).build();
}

// The input of StartExecution/StartSyncExecution: any JSON value; absent means {}.
ApiOr<std::pair<std::string, Value>> execution_input(const std::optional<std::string>& input) {
  if (!input) return std::pair<std::string, Value>{"{}", Value::empty_object()};
  auto v = json::parse_json(*input);
  if (!v.ok()) {
    return api_error("InvalidExecutionInput",
                     "Invalid State Machine Execution Input: '" + v.error().message + "'");
  }
  return std::pair<std::string, Value>{*input, std::move(v).value()};
}

// Why an execution can or cannot be redriven (reference §8.1). `machine_gone`: its state
// machine was deleted (or deleted and made again under the same name since it started).
std::pair<std::string, std::string> redrive_status(const store::ExecutionRow& row, int64_t now_ms,
                                                   int64_t max_events, int64_t events, bool machine_gone) {
  if (row.status == "RUNNING") return {"NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven"};
  if (row.status == "SUCCEEDED") return {"NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"};
  if (machine_gone) return {"NOT_REDRIVABLE", "State machine is in DELETING status"};
  if (events >= max_events - 1) return {"NOT_REDRIVABLE", "Execution history event limit exceeded"};
  if (now_ms - row.stop_ms > kRedriveWindowMs)
    return {"NOT_REDRIVABLE", "Execution redrivable period exceeded"};
  return {"REDRIVABLE", ""};
}

// The execution's state machine was deleted (or deleted and made again) since it started.
bool machine_gone(const Registry& registry, const store::ExecutionRow& row) {
  const StateMachineRecord* sm = registry.find_state_machine(row.state_machine_arn);
  return sm == nullptr || sm->creation_ms > row.start_ms;
}

// A sort key read back from a page token. Tokens are not signed, so a client can put any
// text there: anything but a plain integer is an invalid token, never an exception.
std::optional<int64_t> page_key(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

ApiOr<ParsedArn> standard_execution_arn(const ApiContext& ctx, const std::string& arn) {
  return parse_arn_as(ctx, arn, {ResourceType::kExecution});
}

}  // namespace

bool ExecutionActions::handles(std::string_view a) {
  static constexpr std::array<std::string_view, 12> kActions = {"StartExecution",
                                                                "StartSyncExecution",
                                                                "StopExecution",
                                                                "DescribeExecution",
                                                                "ListExecutions",
                                                                "GetExecutionHistory",
                                                                "DescribeStateMachineForExecution",
                                                                "RedriveExecution",
                                                                "GetActivityTask",
                                                                "SendTaskSuccess",
                                                                "SendTaskFailure",
                                                                "SendTaskHeartbeat"};
  for (std::string_view k : kActions)
    if (k == a) return true;
  return false;
}

void ExecutionActions::handle(std::string_view a, const Value& r, int64_t now,
                              std::function<void(ApiResult)> reply) {
  if (a == "StartSyncExecution") return start_sync_execution(r, now, std::move(reply));
  if (a == "GetActivityTask") return get_activity_task(r, now, std::move(reply));
  if (a == "StartExecution") return reply(start_execution(r, now));
  if (a == "StopExecution") return reply(stop_execution(r, now));
  if (a == "DescribeExecution") return reply(describe_execution(r));
  if (a == "ListExecutions") return reply(list_executions(r, now));
  if (a == "GetExecutionHistory") return reply(get_execution_history(r, now));
  if (a == "DescribeStateMachineForExecution") return reply(describe_state_machine_for_execution(r));
  if (a == "RedriveExecution") return reply(redrive_execution(r, now));
  if (a == "SendTaskSuccess") return reply(send_task_success(r, now));
  if (a == "SendTaskFailure") return reply(send_task_failure(r, now));
  if (a == "SendTaskHeartbeat") return reply(send_task_heartbeat(r, now));
  reply(unknown_operation(std::string(a)));
}

namespace {

struct StartRequest {
  ResolvedStateMachine sm;
  engine::StartSpec spec;
};

ApiOr<StartRequest> read_start(Registry& registry, const Value& request, bool sync) {
  RequestFields f(request);
  auto arn = f.string("stateMachineArn", kArnRule);
  auto name = f.string("name", kNameRule);
  auto input = f.string("input", kDataRule);
  auto trace = f.string("traceHeader", kTraceRule);
  if (sync) (void)f.string("includedData", {.enum_values = kIncludedData});
  if (auto e = f.error()) return *e;
  // `ARN#TestCase` runs the machine under a mock test case (Step Functions Local's
  // convention); the execution belongs to the machine named by ARN.
  std::string test_case;
  if (size_t hash = arn->find('#'); hash != std::string::npos) {
    test_case = arn->substr(hash + 1);
    arn->resize(hash);
    if (test_case.empty()) return validation_error("Invalid Arn: the test case after '#' is empty");
  }
  auto parsed = parse_arn_as(registry.context(), *arn, {ResourceType::kStateMachine});
  if (!parsed.ok()) return parsed.error();
  if (name && !asl::is_valid_name(*name)) return invalid_name(*name);
  auto in = execution_input(input);
  if (!in.ok()) return in.error();
  auto sm = registry.resolve_for_start(*arn);
  if (!sm.ok()) return sm.error();
  StartRequest out;
  out.sm = std::move(sm).value();
  engine::StartSpec& s = out.spec;
  s.machine = out.sm.machine;
  s.definition_text = out.sm.definition;
  s.state_machine_arn = out.sm.state_machine_arn;
  s.state_machine_name = out.sm.name;
  s.role_arn = out.sm.role_arn;
  s.version_arn = out.sm.version_arn;
  s.alias_arn = out.sm.alias_arn;
  s.revision_id = out.sm.revision_id;
  s.express = out.sm.type == kExpress;
  s.name = name.value_or("");
  s.input_text = std::move(in->first);
  s.input = std::move(in->second);
  s.trace_header = trace.value_or("");
  s.test_case = std::move(test_case);
  return out;
}

}  // namespace

ExecutionActions::ExecutionActions(Registry& registry, engine::DurableEngine& engine)
    : registry_(registry), engine_(engine) {
  engine_.set_child_resolver([this](const std::string& arn, const std::string& name,
                                    const std::string& input) -> Result<engine::StartSpec> {
    ObjectBuilder b(3);
    b.add("stateMachineArn", Value::string(arn));
    b.add("name", Value::string(name));
    b.add("input", Value::string(input));
    auto req = read_start(registry_, std::move(b).build(), false);
    if (!req.ok()) return Error{req.error().code, req.error().message};
    return std::move(req->spec);
  });
}

ApiResult ExecutionActions::start_execution(const Value& request, int64_t now_ms) {
  auto req = read_start(registry_, request, false);
  if (!req.ok()) return req.error();
  auto started = engine_.start(req->spec, now_ms);
  if (!started.ok()) return from_status(started.error());
  ObjectBuilder b(2);
  b.add("executionArn", Value::string(started->execution_arn));
  add_date(b, "startDate", started->start_ms);
  return std::move(b).build();
}

void ExecutionActions::start_sync_execution(const Value& request, int64_t now_ms,
                                            std::function<void(ApiResult)> reply) {
  auto req = read_start(registry_, request, true);
  if (!req.ok()) return reply(req.error());
  if (Status st = engine_.check_test_case(req->spec); !st.ok()) return reply(from_status(st.error()));
  if (!req->spec.express) {
    return reply(api_error("StateMachineTypeNotSupported",
                           "This operation is not supported by this type of state machine"));
  }
  const Value* inc = request.find("includedData");
  bool metadata_only = inc && inc->is_string() && inc->as_string() == "METADATA_ONLY";
  engine_.start_sync(req->spec, now_ms, [reply = std::move(reply), metadata_only](engine::SyncOutcome o) {
    ObjectBuilder b(16);
    b.add("executionArn", Value::string(o.execution_arn));
    b.add("stateMachineArn", Value::string(o.state_machine_arn));
    b.add("name", Value::string(o.name));
    add_date(b, "startDate", o.start_ms);
    add_date(b, "stopDate", o.stop_ms);
    // StartSyncExecution knows only SUCCEEDED, FAILED and TIMED_OUT.
    const char* status = o.result.status == engine::ExecutionStatus::kSucceeded  ? "SUCCEEDED"
                         : o.result.status == engine::ExecutionStatus::kTimedOut ? "TIMED_OUT"
                                                                                 : "FAILED";
    b.add("status", Value::string(status));
    if (o.result.has_error) b.add("error", Value::string(o.result.error));
    if (o.result.has_cause) b.add("cause", Value::string(o.result.cause));
    if (!metadata_only) b.add("input", Value::string(o.input_text));
    b.add("inputDetails", included(!metadata_only));
    if (o.result.status == engine::ExecutionStatus::kSucceeded) {
      if (!metadata_only) b.add("output", Value::string(o.result.output.dump()));
      b.add("outputDetails", included(!metadata_only));
    }
    add_string_if(b, "traceHeader", o.trace_header);
    ObjectBuilder billing(2);
    billing.add("billedMemoryUsedInMB", Value::integer(64));
    billing.add("billedDurationInMilliseconds", Value::integer(o.billed_ms));
    b.add("billingDetails", std::move(billing).build());
    reply(std::move(b).build());
  });
}

ApiResult ExecutionActions::stop_execution(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto arn = f.string("executionArn", kArnRule);
  auto error = f.string("error", kErrorRule);
  auto cause = f.string("cause", kCauseRule);
  if (auto e = f.error()) return *e;
  auto parsed = standard_execution_arn(registry_.context(), *arn);
  if (!parsed.ok()) return parsed.error();
  auto stopped = engine_.stop(*arn, error ? &*error : nullptr, cause ? &*cause : nullptr, now_ms);
  if (!stopped.ok()) return from_status(stopped.error());
  ObjectBuilder b(1);
  add_date(b, "stopDate", *stopped);
  return std::move(b).build();
}

ApiResult ExecutionActions::describe_execution(const Value& request) {
  RequestFields f(request);
  auto arn = f.string("executionArn", kArnRule);
  auto inc = f.string("includedData", {.enum_values = kIncludedData});
  if (auto e = f.error()) return *e;
  auto parsed = standard_execution_arn(registry_.context(), *arn);
  if (!parsed.ok()) return parsed.error();
  auto row = engine_.find(*arn);
  if (!row) return execution_does_not_exist(*arn);
  bool metadata_only = inc && *inc == "METADATA_ONLY";
  const Value& doc = row->doc;
  ObjectBuilder b(20);
  b.add("executionArn", Value::string(row->arn));
  b.add("stateMachineArn", Value::string(row->state_machine_arn));
  b.add("name", Value::string(row->name));
  b.add("status", Value::string(row->status));
  add_date(b, "startDate", row->start_ms);
  if (row->stop_ms) add_date(b, "stopDate", row->stop_ms);
  if (!metadata_only) {
    if (const Value* in = member(doc, "input")) b.add("input", *in);
  }
  b.add("inputDetails", included(!metadata_only));
  if (row->status == "SUCCEEDED") {
    if (!metadata_only)
      if (const Value* out = member(doc, "output")) b.add("output", *out);
    b.add("outputDetails", included(!metadata_only));
  }
  if (const Value* t = member(doc, "trace")) b.add("traceHeader", *t);
  if (const Value* e = member(doc, "error")) b.add("error", *e);
  if (const Value* c = member(doc, "cause")) b.add("cause", *c);
  add_string_if(b, "stateMachineVersionArn", row->version_arn);
  add_string_if(b, "stateMachineAliasArn", row->alias_arn);
  b.add("redriveCount", Value::integer(row->redrive_count));
  if (const Value* rd = doc.find("redriveDate"); rd && rd->is_int()) add_date(b, "redriveDate", rd->as_int());
  auto [status, reason] = redrive_status(*row, registry_.now_ms(), engine_.options().max_history_events,
                                         row->status == "RUNNING" ? 0 : engine_.store().event_count(row->id),
                                         machine_gone(registry_, *row));
  b.add("redriveStatus", Value::string(status));
  add_string_if(b, "redriveStatusReason", reason);
  return std::move(b).build();
}

ApiResult ExecutionActions::list_executions(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto arn = f.string("stateMachineArn", {.min_length = 1, .max_length = 256});
  auto status = f.string("statusFilter", {.enum_values = kExecutionStatuses});
  auto max = f.integer("maxResults", {.min = 0, .max = 1000});
  auto token = f.string("nextToken", {.min_length = 1, .max_length = 3096});
  auto map_run = f.string("mapRunArn", {.min_length = 1, .max_length = 2000});
  auto redrive = f.string("redriveFilter", {.enum_values = kRedriveFilters});
  if (auto e = f.error()) return *e;
  if (map_run)
    return validation_error("Map Runs are not supported yet: Distributed Map comes in a later release");
  if (!arn) return validation_error("Must specify either stateMachineArn or mapRunArn");
  if (status && *status == "PENDING_REDRIVE")
    return validation_error("Status filter PENDING_REDRIVE is only supported with mapRunArn");
  auto parsed = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!parsed.ok()) return parsed.error();
  store::ExecutionFilter filter;
  const std::string type_of = [&]() -> std::string {
    if (parsed->kind == ArnKind::kVersion) {
      const VersionRecord* v = registry_.find_version(*arn);
      filter.version_arn = *arn;
      return v ? v->type : "";
    }
    if (parsed->kind == ArnKind::kAlias) {
      const AliasRecord* al = registry_.find_alias(*arn);
      filter.alias_arn = *arn;
      const StateMachineRecord* sm = al ? registry_.find_state_machine(al->state_machine_arn) : nullptr;
      return sm ? sm->type : "";
    }
    const StateMachineRecord* sm = registry_.find_state_machine(parsed->state_machine_arn);
    return sm ? sm->type : "";
  }();
  if (type_of.empty()) {
    if (parsed->kind == ArnKind::kAlias) return referenced_resource_not_found();
    return state_machine_does_not_exist(*arn);
  }
  if (type_of == kExpress)
    return api_error("StateMachineTypeNotSupported",
                     "This operation is not supported by this type of state machine");
  filter.state_machine_arn = parsed->state_machine_arn;
  if (status) filter.status = *status;
  if (redrive) filter.redriven = *redrive == "REDRIVEN";
  std::string listing = "ListExecutions " + *arn + " " + status.value_or("") + " " + redrive.value_or("");
  auto page = page_request(max, token, listing, now_ms);
  if (!page.ok()) return page.error();
  if (page->after) {
    std::string_view key = *page->after;
    size_t colon = key.find(':');
    if (colon == std::string_view::npos) return invalid_token();
    std::optional<int64_t> start = page_key(key.substr(0, colon)), id = page_key(key.substr(colon + 1));
    if (!start || !id) return invalid_token();
    filter.before = {*start, *id};
  }
  filter.limit = static_cast<int>(page->limit) + 1;
  std::vector<store::ExecutionRow> rows = engine_.store().list_executions(filter);
  bool more = rows.size() > page->limit;
  if (more) rows.resize(page->limit);
  std::vector<Value> items;
  items.reserve(rows.size());
  for (const store::ExecutionRow& r : rows) {
    ObjectBuilder b(10);
    b.add("executionArn", Value::string(r.arn));
    b.add("stateMachineArn", Value::string(r.state_machine_arn));
    b.add("name", Value::string(r.name));
    b.add("status", Value::string(r.status));
    add_date(b, "startDate", r.start_ms);
    if (r.stop_ms) add_date(b, "stopDate", r.stop_ms);
    add_string_if(b, "stateMachineVersionArn", r.version_arn);
    add_string_if(b, "stateMachineAliasArn", r.alias_arn);
    if (r.redrive_count > 0) {
      b.add("redriveCount", Value::integer(r.redrive_count));
      if (const Value* rd = r.doc.find("redriveDate"); rd && rd->is_int())
        add_date(b, "redriveDate", rd->as_int());
    }
    items.push_back(std::move(b).build());
  }
  ObjectBuilder out(2);
  out.add("executions", Value::array(std::move(items)));
  if (more) {
    const store::ExecutionRow& last = rows.back();
    out.add("nextToken",
            Value::string(encode_page_token(
                listing, std::to_string(last.start_ms) + ":" + std::to_string(last.id), now_ms)));
  }
  return std::move(out).build();
}

namespace {

// Drops input, output and parameters from an event's details (includeExecutionData=false).
Value without_data(const Value& event) {
  std::vector<json::Member> members;
  for (const json::Member& m : event.members()) {
    if (m.value.is_object() && m.name().ends_with("EventDetails")) {
      std::vector<json::Member> inner;
      for (const json::Member& d : m.value.members())
        if (d.name() != "input" && d.name() != "output" && d.name() != "parameters") inner.push_back(d);
      members.push_back(json::Member{m.key, Value::object(std::move(inner))});
    } else {
      members.push_back(m);
    }
  }
  return Value::object(std::move(members));
}

}  // namespace

ApiResult ExecutionActions::get_execution_history(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto arn = f.string("executionArn", kArnRule);
  auto max = f.integer("maxResults", {.min = 0, .max = 1000});
  auto reverse = f.boolean("reverseOrder");
  auto token = f.string("nextToken", {.min_length = 1, .max_length = 1024});
  auto include = f.boolean("includeExecutionData");
  if (auto e = f.error()) return *e;
  auto parsed = standard_execution_arn(registry_.context(), *arn);
  if (!parsed.ok()) return parsed.error();
  auto row = engine_.find(*arn);
  if (!row) return execution_does_not_exist(*arn);
  bool rev = reverse.value_or(false);
  std::string listing = "GetExecutionHistory " + *arn + (rev ? " reverse" : "");
  auto page = page_request(max, token, listing, now_ms);
  if (!page.ok()) return page.error();
  int64_t after = 0;
  if (page->after) {
    std::optional<int64_t> key = page_key(*page->after);
    if (!key || *key < 0) return invalid_token();
    after = *key;
  }
  int limit = static_cast<int>(page->limit) + 1;
  std::vector<std::string> texts =
      rev ? engine_.store().events(row->id, 1, after ? after - 1 : 0, true, limit)
          : engine_.store().events(row->id, after + 1, 0, false, limit);
  bool more = texts.size() > page->limit;
  if (more) texts.resize(page->limit);
  std::vector<Value> events;
  events.reserve(texts.size());
  int64_t last_id = 0;
  for (const std::string& t : texts) {
    auto v = json::parse_json(t);
    if (!v.ok()) return internal_failure("a stored history event is damaged");
    if (const Value* id = v->find("id")) last_id = id->as_int();
    events.push_back(include.value_or(true) ? std::move(v).value() : without_data(*v));
  }
  ObjectBuilder out(2);
  out.add("events", Value::array(std::move(events)));
  if (more) out.add("nextToken", Value::string(encode_page_token(listing, std::to_string(last_id), now_ms)));
  return std::move(out).build();
}

ApiResult ExecutionActions::describe_state_machine_for_execution(const Value& request) {
  RequestFields f(request);
  auto arn = f.string("executionArn", kArnRule);
  auto inc = f.string("includedData", {.enum_values = kIncludedData});
  if (auto e = f.error()) return *e;
  auto parsed = standard_execution_arn(registry_.context(), *arn);
  if (!parsed.ok()) return parsed.error();
  auto row = engine_.find(*arn);
  if (!row) return execution_does_not_exist(*arn);
  const Value* hash = member(row->doc, "def");
  std::optional<std::string> definition =
      hash ? engine_.store().definition(hash->as_string()) : std::optional<std::string>();
  const StateMachineRecord* sm = registry_.find_state_machine(row->state_machine_arn);
  const Value* rev = member(row->doc, "rev");
  ObjectBuilder b(10);
  b.add("stateMachineArn", Value::string(row->state_machine_arn));
  size_t colon = row->state_machine_arn.rfind(':');
  b.add("name", Value::string(row->state_machine_arn.substr(colon + 1)));
  bool metadata_only = inc && *inc == "METADATA_ONLY";
  b.add("definition", Value::string(metadata_only ? "{}" : definition.value_or("{}")));
  const Value* role = member(row->doc, "role");
  b.add("roleArn", role ? *role : Value::string(""));
  add_date(b, "updateDate", sm ? sm->update_ms : row->start_ms);
  if (sm) {
    b.add("loggingConfiguration", sm->config.logging);
    b.add("tracingConfiguration", sm->config.tracing);
    b.add("encryptionConfiguration", sm->config.encryption);
  }
  if (rev) b.add("revisionId", *rev);
  return std::move(b).build();
}

ApiResult ExecutionActions::redrive_execution(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto arn = f.string("executionArn", kArnRule);
  auto token = f.string("clientToken", {.min_length = 1, .max_length = 64});
  if (auto e = f.error()) return *e;
  auto parsed = standard_execution_arn(registry_.context(), *arn);
  if (!parsed.ok()) return parsed.error();
  auto row = engine_.find(*arn);
  if (!row) return execution_does_not_exist(*arn);
  // clientToken: a repeated redrive within 15 minutes answers the first one's date.
  const Value* last_token = member(row->doc, "redriveToken");
  const Value* last_date = row->doc.find("redriveDate");
  if (token && last_token && last_token->as_string() == *token && last_date && last_date->is_int() &&
      now_ms - last_date->as_int() < 15 * 60 * 1000) {
    ObjectBuilder b(1);
    add_date(b, "redriveDate", last_date->as_int());
    return std::move(b).build();
  }
  auto [status, reason] = redrive_status(*row, now_ms, engine_.options().max_history_events,
                                         row->status == "RUNNING" ? 0 : engine_.store().event_count(row->id),
                                         machine_gone(registry_, *row));
  if (status != "REDRIVABLE")
    return api_error("ExecutionNotRedrivable", "Execution not redrivable: " + reason);
  auto date = engine_.redrive(*arn, token.value_or(""), now_ms);
  if (!date.ok()) return from_status(date.error());
  ObjectBuilder b(1);
  add_date(b, "redriveDate", *date);
  return std::move(b).build();
}

void ExecutionActions::get_activity_task(const Value& request, int64_t now_ms,
                                         std::function<void(ApiResult)> reply) {
  RequestFields f(request);
  auto arn = f.string("activityArn", kArnRule);
  auto worker = f.string("workerName", kNameRule);
  if (auto e = f.error()) return reply(*e);
  auto parsed = parse_arn_as(registry_.context(), *arn, {ResourceType::kActivity});
  if (!parsed.ok()) return reply(parsed.error());
  if (!registry_.find_activity(*arn)) return reply(activity_does_not_exist(*arn));
  auto shared = std::make_shared<std::function<void(ApiResult)>>(std::move(reply));
  bool ok = engine_.poll_activity(*arn, worker.value_or(""), now_ms + kActivityPollMs,
                                  [shared](std::optional<engine::ActivityTaskHandout> task) {
                                    ObjectBuilder b(2);
                                    if (task) {
                                      b.add("taskToken", Value::string(task->token));
                                      b.add("input", Value::string(task->input));
                                    }
                                    (*shared)(std::move(b).build());
                                  });
  if (!ok) {
    (*shared)(
        api_error("ActivityWorkerLimitExceeded",
                  "The maximum number of workers concurrently polling for activity tasks has been reached."));
  }
}

ApiResult ExecutionActions::send_task_success(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto token = f.string("taskToken", kTokenRule);
  auto output = f.string("output", {.required = true, .max_length = kMaxPayload, .sensitive = true});
  if (auto e = f.error()) return *e;
  auto v = json::parse_json(*output);
  if (!v.ok()) return api_error("InvalidOutput", "Invalid Output: '" + v.error().message + "'");
  Status st = engine_.task_success(*token, *v, now_ms);
  if (!st.ok()) return from_status(st.error());
  return Value::empty_object();
}

ApiResult ExecutionActions::send_task_failure(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto token = f.string("taskToken", kTokenRule);
  auto error = f.string("error", kErrorRule);
  auto cause = f.string("cause", kCauseRule);
  if (auto e = f.error()) return *e;
  Status st = engine_.task_failure(*token, error ? &*error : nullptr, cause ? &*cause : nullptr, now_ms);
  if (!st.ok()) return from_status(st.error());
  return Value::empty_object();
}

ApiResult ExecutionActions::send_task_heartbeat(const Value& request, int64_t now_ms) {
  RequestFields f(request);
  auto token = f.string("taskToken", kTokenRule);
  if (auto e = f.error()) return *e;
  Status st = engine_.task_heartbeat(*token, now_ms);
  if (!st.ok()) return from_status(st.error());
  return Value::empty_object();
}

}  // namespace sg::api
