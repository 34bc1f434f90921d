// load_state_machine(): compiles a validated definition document into the model.
#include <cmath>
#include <tuple>

#include "asl/state_machine.h"
#include "json/timestamp.h"

namespace sg::asl {

namespace {

using json::JsonPath;
using json::Value;

Error bad(std::string message) { return Error{"INVALID_DEFINITION", std::move(message)}; }

const char* kTypeNames[] = {"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"};

struct ChoiceOpName {
  const char* name;
  ChoiceOp op;
};
const ChoiceOpName kChoiceOps[] = {
    {"StringEquals", ChoiceOp::kStringEquals},
    {"StringLessThan", ChoiceOp::kStringLessThan},
    {"StringGreaterThan", ChoiceOp::kStringGreaterThan},
    {"StringLessThanEquals", ChoiceOp::kStringLessThanEquals},
    {"StringGreaterThanEquals", ChoiceOp::kStringGreaterThanEquals},
    {"StringMatches", ChoiceOp::kStringMatches},
    {"NumericEquals", ChoiceOp::kNumericEquals},
    {"NumericLessThan", ChoiceOp::kNumericLessThan},
    {"NumericGreaterThan", ChoiceOp::kNumericGreaterThan},
    {"NumericLessThanEquals", ChoiceOp::kNumericLessThanEquals},
    {"NumericGreaterThanEquals", ChoiceOp::kNumericGreaterThanEquals},
    {"BooleanEquals", ChoiceOp::kBooleanEquals},
    {"TimestampEquals", ChoiceOp::kTimestampEquals},
    {"TimestampLessThan", ChoiceOp::kTimestampLessThan},
    {"TimestampGreaterThan", ChoiceOp::kTimestampGreaterThan},
    {"TimestampLessThanEquals", ChoiceOp::kTimestampLessThanEquals},
    {"TimestampGreaterThanEquals", ChoiceOp::kTimestampGreaterThanEquals},
    {"IsNull", ChoiceOp::kIsNull},
    {"IsPresent", ChoiceOp::kIsPresent},
    {"IsNumeric", ChoiceOp::kIsNumeric},
    {"IsString", ChoiceOp::kIsString},
    {"IsBoolean", ChoiceOp::kIsBoolean},
    {"IsTimestamp", ChoiceOp::kIsTimestamp},
};

bool is_timestamp_op(ChoiceOp op) {
  return op >= ChoiceOp::kTimestampEquals && op <= ChoiceOp::kTimestampGreaterThanEquals;
}

class Loader {
 public:
  explicit Loader(StateMachine& sm) : sm_(sm) {}

  Status load_container(const Value& obj, StateContainer& c, const std::string& where) {
    const Value* states = obj.find("States");
    const Value* start = obj.find("StartAt");
    if (!states || !states->is_object()) return bad(where + ": 'States' must be an object");
    if (!start || !start->is_string()) return bad(where + ": 'StartAt' must be a string");
    // First pass: create the states so transitions can point at them.
    for (const json::Member& m : states->members()) {
      auto st = std::make_unique<State>();
      st->name = std::string(m.name());
      st->id = next_id_++;
      if (c.by_name.count(st->name) || sm_.all_states.count(st->name))
        return bad("duplicate state name '" + st->name + "'");
      c.by_name.emplace(st->name, st.get());
      sm_.all_states.emplace(st->name, st.get());
      c.states.push_back(std::move(st));
    }
    c.start = c.find(start->as_string());
    if (!c.start) return bad(where + ": StartAt names no state '" + std::string(start->as_string()) + "'");
    size_t i = 0;
    for (const json::Member& m : states->members()) {
      Status s = load_state(m.value, *c.states[i++], c);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

 private:
  Result<const State*> target(const StateContainer& c, const Value* v, const std::string& what) {
    if (!v || !v->is_string()) return bad(what + " must be a state name");
    const State* s = c.find(v->as_string());
    if (!s) return bad(what + " names no state '" + std::string(v->as_string()) + "' in the same scope");
    return s;
  }

  Result<JsonPath> path(const Value& v, const std::string& what) {
    if (!v.is_string()) return bad(what + " must be a string");
    auto p = JsonPath::compile(v.as_string());
    if (!p) return bad(what + ": " + p.error().message);
    return std::move(p).value();
  }

  Status io_path(const Value* v, IoPath& out, const std::string& what) {
    if (!v) return Status::Ok();
    if (v->is_null()) {
      out.mode = IoPath::Mode::kNull;
      return Status::Ok();
    }
    auto p = path(*v, what);
    if (!p) return p.error();
    out.mode = p->is_root_only() && p->root() == json::PathRoot::kInput ? IoPath::Mode::kIdentity
                                                                        : IoPath::Mode::kPath;
    out.path = std::move(p).value();
    return Status::Ok();
  }

  Status result_path(const Value* v, ResultPathSpec& out, const std::string& what) {
    if (!v) return Status::Ok();
    if (v->is_null()) {
      out.mode = ResultPathSpec::Mode::kDiscard;
      return Status::Ok();
    }
    auto p = path(*v, what);
    if (!p) return p.error();
    if (p->root() != json::PathRoot::kInput) return bad(what + " must be a reference path starting with '$'");
    out.mode = p->is_root_only() ? ResultPathSpec::Mode::kReplace : ResultPathSpec::Mode::kPath;
    out.path = std::move(p).value();
    return Status::Ok();
  }

  Result<json::PayloadTemplate> tmpl(const Value& v, const std::string& what) {
    auto t = json::PayloadTemplate::compile(v);
    if (!t) return bad(what + ": " + t.error().message);
    return std::move(t).value();
  }

  Result<JsonataTemplate> ata(const Value& v, std::string field) {
    std::string where;
    auto t = JsonataTemplate::compile(v, field, &where);
    if (!t) return bad(where + ": " + t.error().message);
    return std::move(t).value();
  }

  // Assign: a JSONPath template ("x.$" keys) or a JSONata template; null when empty.
  Result<std::optional<AssignSpec>> assign(const Value* v, QueryLanguage lang, const std::string& field) {
    if (!v) return std::optional<AssignSpec>();
    if (!v->is_object()) return bad(field + " must be an object");
    if (v->size() == 0) return std::optional<AssignSpec>();
    AssignSpec a;
    a.lang = lang;
    for (const json::Member& m : v->members()) {
      std::string_view name = m.name();
      if (lang == QueryLanguage::kJsonPath && name.ends_with(".$")) name.remove_suffix(2);
      a.names.emplace_back(name);
    }
    if (lang == QueryLanguage::kJsonPath) {
      auto t = json::PayloadTemplate::compile(*v);
      if (!t) return bad(field + ": " + t.error().message);
      a.jsonpath = std::move(t).value();
    } else {
      auto t = ata(*v, field);
      if (!t) return t.error();
      a.jsonata = std::move(t).value();
    }
    return std::optional<AssignSpec>(std::move(a));
  }

  // A JSONata-state number field: a literal or a "{% %}" expression.
  Status jsonata_int(const Value& st, const char* field, DynamicInt& out) {
    const Value* v = st.find(field);
    if (!v) return Status::Ok();
    int64_t n;
    if (v->integral_value(&n)) {
      out.value = n;
      return Status::Ok();
    }
    if (!v->is_string() || !is_jsonata_expression(v->as_string()))
      return bad(std::string(field) + " must be an integer or a JSONata expression");
    auto t = ata(*v, field);
    if (!t) return t.error();
    out.expr = std::move(t).value();
    return Status::Ok();
  }

  Status optional_ata(const Value& st, const char* field, std::optional<JsonataTemplate>& out) {
    const Value* v = st.find(field);
    if (!v) return Status::Ok();
    auto t = ata(*v, field);
    if (!t) return t.error();
    out = std::move(t).value();
    return Status::Ok();
  }

  Status dynamic_int(const Value& st, const char* field, DynamicInt& out) {
    if (const Value* v = st.find(field)) {
      int64_t n;
      if (!v->integral_value(&n)) return bad(std::string(field) + " must be an integer");
      out.value = n;
    }
    std::string pf = std::string(field) + "Path";
    if (const Value* v = st.find(pf)) {
      auto p = path(*v, pf);
      if (!p) return p.error();
      out.path = std::move(p).value();
    }
    return Status::Ok();
  }

  Status load_errors_list(const Value* v, std::vector<std::string>& out) {
    if (!v || !v->is_array() || v->size() == 0) return bad("ErrorEquals must be a non-empty array");
    for (const Value& e : v->items()) {
      if (!e.is_string()) return bad("ErrorEquals entries must be strings");
      out.emplace_back(e.as_string());
    }
    return Status::Ok();
  }

  Status load_retry_catch(const Value& st, State& s, const StateContainer& c) {
    bool ata_state = s.lang == QueryLanguage::kJsonata;
    if (const Value* r = st.find("Retry")) {
      for (const Value& rv : r->items()) {
        Retrier rt;
        Status es = load_errors_list(rv.find("ErrorEquals"), rt.error_equals);
        if (!es.ok()) return es;
        int64_t n;
        if (const Value* x = rv.find("IntervalSeconds"); x && x->integral_value(&n)) rt.interval_seconds = n;
        if (const Value* x = rv.find("MaxAttempts"); x && x->integral_value(&n)) rt.max_attempts = n;
        if (const Value* x = rv.find("BackoffRate"); x && x->is_number()) rt.backoff_rate = x->as_double();
        if (const Value* x = rv.find("MaxDelaySeconds"); x && x->integral_value(&n)) rt.max_delay_seconds = n;
        if (const Value* x = rv.find("JitterStrategy"); x && x->is_string())
          rt.full_jitter = x->as_string() == "FULL";
        s.retry.push_back(std::move(rt));
      }
    }
    if (const Value* cv = st.find("Catch")) {
      for (const Value& c1 : cv->items()) {
        Catcher ct;
        Status es = load_errors_list(c1.find("ErrorEquals"), ct.error_equals);
        if (!es.ok()) return es;
        auto t = target(c, c1.find("Next"), "Catch Next");
        if (!t) return t.error();
        ct.next = *t;
        std::string where = "Catch[" + std::to_string(s.catchers.size()) + "]";
        if (!ata_state) {
          Status rs = result_path(c1.find("ResultPath"), ct.result_path, "Catch ResultPath");
          if (!rs.ok()) return rs;
        } else if (const Value* o = c1.find("Output")) {
          auto ot = ata(*o, where + "/Output");
          if (!ot) return ot.error();
          ct.output = std::move(ot).value();
        }
        auto as = assign(c1.find("Assign"), s.lang, where + "/Assign");
        if (!as) return as.error();
        ct.assign = std::move(as).value();
        s.catchers.push_back(std::move(ct));
      }
    }
    return Status::Ok();
  }

  Result<ChoiceRule> choice_rule(const Value& rv, const StateContainer& c, bool top, QueryLanguage lang,
                                 size_t index) {
    ChoiceRule rule;
    if (top) {
      auto t = target(c, rv.find("Next"), "Choice rule Next");
      if (!t) return t.error();
      rule.next = *t;
      std::string where = "Choices[" + std::to_string(index) + "]";
      auto as = assign(rv.find("Assign"), lang, where + "/Assign");
      if (!as) return as.error();
      rule.assign = std::move(as).value();
      if (lang == QueryLanguage::kJsonata) {
        if (const Value* o = rv.find("Output")) {
          auto ot = ata(*o, where + "/Output");
          if (!ot) return ot.error();
          rule.output = std::move(ot).value();
        }
        const Value* cond = rv.find("Condition");
        if (!cond) return bad("a JSONata Choice rule needs a 'Condition'");
        auto ct = ata(*cond, where + "/Condition");
        if (!ct) return ct.error();
        rule.condition = std::move(ct).value();
        return rule;
      }
    }
    auto nested = [&](const Value& arr, ChoiceOp op) -> Result<ChoiceRule> {
      ChoiceRule r = std::move(rule);
      r.op = op;
      if (op == ChoiceOp::kNot) {
        auto child = choice_rule(arr, c, false, lang, 0);
        if (!child) return child.error();
        r.children.push_back(std::move(child).value());
        return r;
      }
      if (!arr.is_array() || arr.size() == 0) return bad("And/Or need a non-empty array of rules");
      for (const Value& x : arr.items()) {
        auto child = choice_rule(x, c, false, lang, 0);
        if (!child) return child.error();
        r.children.push_back(std::move(child).value());
      }
      return r;
    };
    if (const Value* a = rv.find("And")) return nested(*a, ChoiceOp::kAnd);
    if (const Value* o = rv.find("Or")) return nested(*o, ChoiceOp::kOr);
    if (const Value* n = rv.find("Not")) return nested(*n, ChoiceOp::kNot);
    const Value* var = rv.find("Variable");
    if (!var) return bad("a Choice rule needs 'Variable' and one comparison operator");
    auto vp = path(*var, "Variable");
    if (!vp) return vp.error();
    rule.variable = std::move(vp).value();
    for (const json::Member& m : rv.members()) {
      std::string_view key = m.name();
      bool is_path = key.size() > 4 && key.substr(key.size() - 4) == "Path";
      std::string_view base = is_path ? key.substr(0, key.size() - 4) : key;
      for (const ChoiceOpName& op : kChoiceOps) {
        if (base != op.name) continue;
        rule.op = op.op;
        rule.operand_is_path = is_path;
        if (is_path) {
          auto p = path(m.value, std::string(key));
          if (!p) return p.error();
          rule.operand_path = std::move(p).value();
        } else {
          rule.operand = m.value;
          if (is_timestamp_op(op.op)) {
            if (!m.value.is_string()) return bad(std::string(key) + " must be a timestamp string");
            rule.operand_time = json::parse_rfc3339(m.value.as_string());
            if (!rule.operand_time) return bad(std::string(key) + " is not a valid RFC 3339 timestamp");
          }
        }
        return rule;
      }
    }
    return bad("a Choice rule needs one comparison operator");
  }

  Status load_state(const Value& st, State& s, const StateContainer& c) {
    const Value* type = st.find("Type");
    if (!type || !type->is_string()) return bad("state '" + s.name + "' has no Type");
    bool found = false;
    for (int i = 0; i < 8; ++i) {
      if (type->as_string() == kTypeNames[i]) {
        s.type = static_cast<StateType>(i);
        found = true;
      }
    }
    if (!found) return bad("state '" + s.name + "' has an unknown Type");
    if (const Value* v = st.find("Comment"); v && v->is_string()) s.comment = std::string(v->as_string());
    if (const Value* v = st.find("Next")) {
      auto t = target(c, v, "Next of '" + s.name + "'");
      if (!t) return t.error();
      s.next = *t;
    }
    if (const Value* v = st.find("End"); v && v->is_bool()) s.end = v->as_bool();
    s.lang = machine_lang_;
    if (const Value* v = st.find("QueryLanguage"); v && v->is_string())
      s.lang = v->as_string() == "JSONata" ? QueryLanguage::kJsonata : QueryLanguage::kJsonPath;
    if (s.type != StateType::kSucceed && s.type != StateType::kFail) {
      auto as = assign(st.find("Assign"), s.lang, "Assign");
      if (!as) return as.error();
      s.assign = std::move(as).value();
    }
    if (s.lang == QueryLanguage::kJsonata) return load_jsonata_state(st, s, c);
    Status io = io_path(st.find("InputPath"), s.input_path, "InputPath");
    if (io.ok()) io = io_path(st.find("OutputPath"), s.output_path, "OutputPath");
    if (io.ok()) io = result_path(st.find("ResultPath"), s.result_path, "ResultPath");
    if (!io.ok()) return io;
    if (const Value* v = st.find("Parameters")) {
      auto t = tmpl(*v, "Parameters");
      if (!t) return t.error();
      s.parameters = std::move(t).value();
    }
    if (const Value* v = st.find("ResultSelector")) {
      auto t = tmpl(*v, "ResultSelector");
      if (!t) return t.error();
      s.result_selector = std::move(t).value();
    }
    Status rc = load_retry_catch(st, s, c);
    if (!rc.ok()) return rc;

    switch (s.type) {
      case StateType::kPass:
        if (const Value* v = st.find("Result")) s.result = *v;
        break;
      case StateType::kTask:
        return load_task(st, s);
      case StateType::kChoice: {
        const Value* ch = st.find("Choices");
        if (!ch || !ch->is_array() || ch->size() == 0) return bad("Choices must be a non-empty array");
        for (const Value& rv : ch->items()) {
          auto r = choice_rule(rv, c, true, s.lang, s.choices.size());
          if (!r) return r.error();
          s.choices.push_back(std::move(r).value());
        }
        if (const Value* d = st.find("Default")) {
          auto t = target(c, d, "Default");
          if (!t) return t.error();
          s.default_next = *t;
        }
        break;
      }
      case StateType::kWait: {
        int64_t n;
        if (const Value* v = st.find("Seconds")) {
          if (!v->integral_value(&n)) return bad("Seconds must be an integer");
          s.wait_seconds = n;
        }
        if (const Value* v = st.find("Timestamp")) {
          if (!v->is_string()) return bad("Timestamp must be a string");
          s.wait_timestamp_text = std::string(v->as_string());
          s.wait_timestamp_ms = json::parse_rfc3339(v->as_string());
          if (!s.wait_timestamp_ms) return bad("Timestamp is not a valid RFC 3339 timestamp");
        }
        if (const Value* v = st.find("SecondsPath")) {
          auto p = path(*v, "SecondsPath");
          if (!p) return p.error();
          s.seconds_path = std::move(p).value();
        }
        if (const Value* v = st.find("TimestampPath")) {
          auto p = path(*v, "TimestampPath");
          if (!p) return p.error();
          s.timestamp_path = std::move(p).value();
        }
        break;
      }
      case StateType::kSucceed:
        break;
      case StateType::kFail: {
        if (const Value* v = st.find("Error"); v && v->is_string()) s.error = std::string(v->as_string());
        if (const Value* v = st.find("Cause"); v && v->is_string()) s.cause = std::string(v->as_string());
        for (auto [field, slot] :
             {std::pair{"ErrorPath", &s.error_path}, std::pair{"CausePath", &s.cause_path}}) {
          if (const Value* v = st.find(field)) {
            if (!v->is_string()) return bad(std::string(field) + " must be a string");
            auto e = json::Expression::compile(v->as_string());
            if (!e) return bad(std::string(field) + ": " + e.error().message);
            *slot = std::move(e).value();
          }
        }
        break;
      }
      case StateType::kParallel:
        return load_branches(st, s);
      case StateType::kMap:
        return load_map(st, s);
    }
    return Status::Ok();
  }

  // A JSONata state: Arguments/Output and the fields that take expressions.
  Status load_jsonata_state(const Value& st, State& s, const StateContainer& c) {
    Status r = optional_ata(st, "Output", s.output);
    if (r.ok() && (s.type == StateType::kTask || s.type == StateType::kParallel))
      r = optional_ata(st, "Arguments", s.arguments);
    if (r.ok()) r = load_retry_catch(st, s, c);
    if (!r.ok()) return r;
    switch (s.type) {
      case StateType::kPass:
      case StateType::kSucceed:
        return Status::Ok();
      case StateType::kTask: {
        Status t = load_task(st, s);
        if (t.ok()) t = jsonata_int(st, "TimeoutSeconds", s.timeout_seconds);
        if (t.ok()) t = jsonata_int(st, "HeartbeatSeconds", s.heartbeat_seconds);
        return t;
      }
      case StateType::kChoice: {
        const Value* ch = st.find("Choices");
        if (!ch || !ch->is_array() || ch->size() == 0) return bad("Choices must be a non-empty array");
        for (const Value& rv : ch->items()) {
          auto rule = choice_rule(rv, c, true, s.lang, s.choices.size());
          if (!rule) return rule.error();
          s.choices.push_back(std::move(rule).value());
        }
        if (const Value* d = st.find("Default")) {
          auto t = target(c, d, "Default");
          if (!t) return t.error();
          s.default_next = *t;
        }
        return Status::Ok();
      }
      case StateType::kWait: {
        if (const Value* v = st.find("Seconds"); v && !v->is_string()) {
          int64_t n;
          if (!v->integral_value(&n)) return bad("Seconds must be an integer");
          s.wait_seconds = n;
        } else if (v) {
          Status w = optional_ata(st, "Seconds", s.seconds_expr);
          if (!w.ok()) return w;
        }
        if (const Value* v = st.find("Timestamp")) {
          if (!v->is_string()) return bad("Timestamp must be a string");
          if (is_jsonata_expression(v->as_string())) return optional_ata(st, "Timestamp", s.timestamp_expr);
          s.wait_timestamp_text = std::string(v->as_string());
          s.wait_timestamp_ms = json::parse_rfc3339(v->as_string());
          if (!s.wait_timestamp_ms) return bad("Timestamp is not a valid RFC 3339 timestamp");
        }
        return Status::Ok();
      }
      case StateType::kFail: {
        for (auto [field, lit, expr] :
             {std::tuple{"Error", &s.error, &s.error_expr}, std::tuple{"Cause", &s.cause, &s.cause_expr}}) {
          const Value* v = st.find(field);
          if (!v) continue;
          if (v->is_string() && !is_jsonata_expression(v->as_string())) {
            *lit = std::string(v->as_string());
          } else {
            Status f = optional_ata(st, field, *expr);
            if (!f.ok()) return f;
          }
        }
        return Status::Ok();
      }
      case StateType::kParallel:
        return load_branches(st, s);
      case StateType::kMap: {
        Status m = load_map(st, s);
        if (!m.ok()) return m;
        if (const Value* v = st.find("Items")) {
          auto t = ata(*v, "Items");
          if (!t) return t.error();
          s.items = std::move(t).value();
        }
        if (const Value* v = st.find("ItemSelector")) {
          auto t = ata(*v, "ItemSelector");
          if (!t) return t.error();
          s.item_selector_jsonata = std::move(t).value();
        }
        Status n = jsonata_int(st, "MaxConcurrency", s.max_concurrency);
        if (n.ok()) n = jsonata_int(st, "ToleratedFailureCount", s.tolerated_failure_count);
        if (!n.ok()) return n;
        if (const Value* v = st.find("ToleratedFailurePercentage")) {
          if (v->is_number()) {
            s.tolerated_failure_percentage = v->as_double();
          } else {
            return optional_ata(st, "ToleratedFailurePercentage", s.tolerated_failure_percentage_expr);
          }
        }
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  Status load_branches(const Value& st, State& s) {
    const Value* br = st.find("Branches");
    if (!br || !br->is_array() || br->size() == 0) return bad("Branches must be a non-empty array");
    size_t i = 0;
    for (const Value& b : br->items()) {
      auto cont = std::make_unique<StateContainer>();
      Status bs = load_container(b, *cont, "/States/" + s.name + "/Branches[" + std::to_string(i++) + "]");
      if (!bs.ok()) return bs;
      s.branches.push_back(std::move(cont));
    }
    return Status::Ok();
  }

  Status load_task(const Value& st, State& s) {
    const Value* r = st.find("Resource");
    if (!r || !r->is_string()) return bad("Task '" + s.name + "' needs a Resource string");
    s.resource = std::string(r->as_string());
    std::string_view res = s.resource;
    if (res.find(":lambda:") != std::string_view::npos && res.find(":function:") != std::string_view::npos) {
      s.task_kind = TaskKind::kLambdaArn;
    } else if (res.find(":activity:") != std::string_view::npos) {
      s.task_kind = TaskKind::kActivity;
    } else {
      s.task_kind = TaskKind::kService;
      // arn:<partition>:states:::<type...>:<action>  -> type before the last ':'
      size_t p = res.find(":::");
      std::string_view rest = p == std::string_view::npos ? res : res.substr(p + 3);
      size_t last = rest.rfind(':');
      // ".sync:2" has a colon of its own.
      if (last != std::string_view::npos && rest.substr(last) == ":2" &&
          rest.substr(0, last).ends_with(".sync"))
        last = rest.substr(0, last).rfind(':');
      if (last == std::string_view::npos) {
        s.resource_action = std::string(rest);
      } else {
        s.resource_type = std::string(rest.substr(0, last));
        s.resource_action = std::string(rest.substr(last + 1));
      }
      std::string_view a = s.resource_action;
      // stepguard's native correlation (arn:aws:states:::events:waitForEvent) always waits
      // for its token, with or without the suffix.
      if (a.ends_with(".waitForTaskToken") || (s.resource_type == "events" && a == "waitForEvent"))
        s.pattern = IntegrationPattern::kWaitForTaskToken;
      else if (a.ends_with(".sync:2"))
        s.pattern = IntegrationPattern::kSync2;
      else if (a.ends_with(".sync"))
        s.pattern = IntegrationPattern::kSync;
    }
    if (s.lang == QueryLanguage::kJsonata) return Status::Ok();
    Status t = dynamic_int(st, "TimeoutSeconds", s.timeout_seconds);
    if (t.ok()) t = dynamic_int(st, "HeartbeatSeconds", s.heartbeat_seconds);
    return t;
  }

  Status load_map(const Value& st, State& s) {
    const Value* proc = st.find("ItemProcessor");
    if (!proc) proc = st.find("Iterator");
    if (!proc || !proc->is_object()) return bad("Map '" + s.name + "' needs an ItemProcessor");
    // A valid definition for AWS, but never run as if it were inline: its batching, item
    // readers and result writers would be silently skipped.
    if (const Value* pc = proc->find("ProcessorConfig")) {
      if (const Value* mode = pc->find("Mode");
          mode && mode->is_string() && mode->as_string() == "DISTRIBUTED")
        return Error{"UNSUPPORTED_FEATURE",
                     "Map state '" + s.name +
                         "' is a Distributed Map (ProcessorConfig Mode 'DISTRIBUTED'), "
                         "which stepguard does not run yet"};
    }
    s.processor = std::make_unique<StateContainer>();
    Status ps = load_container(*proc, *s.processor, "/States/" + s.name + "/ItemProcessor");
    if (!ps.ok()) return ps;
    if (const Value* v = st.find("ItemsPath")) {
      auto p = path(*v, "ItemsPath");
      if (!p) return p.error();
      s.items_path = std::move(p).value();
    }
    if (s.lang == QueryLanguage::kJsonata) return Status::Ok();  // the caller loads the rest
    const Value* sel = st.find("ItemSelector");
    if (sel) {
      auto t = tmpl(*sel, "ItemSelector");
      if (!t) return t.error();
      s.item_selector = std::move(t).value();
    } else if (s.parameters) {
      // Legacy: Map "Parameters" is the per-item selector, not a whole-input template.
      s.item_selector = std::move(s.parameters);
      s.parameters.reset();
    }
    Status d = dynamic_int(st, "MaxConcurrency", s.max_concurrency);
    if (!d.ok()) return d;
    if (const Value* v = st.find("ToleratedFailurePercentage"); v && v->is_number())
      s.tolerated_failure_percentage = v->as_double();
    if (const Value* v = st.find("ToleratedFailurePercentagePath")) {
      auto p = path(*v, "ToleratedFailurePercentagePath");
      if (!p) return p.error();
      s.tolerated_failure_percentage_path = std::move(p).value();
    }
    return dynamic_int(st, "ToleratedFailureCount", s.tolerated_failure_count);
  }

  StateMachine& sm_;
  uint32_t next_id_ = 0;

 public:
  QueryLanguage machine_lang_ = QueryLanguage::kJsonPath;
};

}  // namespace

const char* state_type_name(StateType t) { return kTypeNames[static_cast<int>(t)]; }

const State* StateContainer::find(std::string_view name) const {
  auto it = by_name.find(std::string(name));
  return it == by_name.end() ? nullptr : it->second;
}

const State* StateMachine::find_anywhere(std::string_view name) const {
  auto it = all_states.find(std::string(name));
  return it == all_states.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const StateMachine>> load_state_machine(const Value& definition) {
  if (!definition.is_object()) return bad("a definition must be a JSON object");
  auto sm = std::make_shared<StateMachine>();
  Loader loader(*sm);
  if (const Value* ql = definition.find("QueryLanguage");
      ql && ql->is_string() && ql->as_string() == "JSONata")
    sm->lang = QueryLanguage::kJsonata;
  loader.machine_lang_ = sm->lang;
  Status s = loader.load_container(definition, sm->root, "");
  if (!s.ok()) return s.error();
  if (const Value* v = definition.find("TimeoutSeconds")) {
    int64_t n;
    if (!v->integral_value(&n)) return bad("TimeoutSeconds must be an integer");
    sm->timeout_seconds = n;
  }
  if (const Value* v = definition.find("Comment"); v && v->is_string())
    sm->comment = std::string(v->as_string());
  sm->state_count = sm->all_states.size();
  return std::shared_ptr<const StateMachine>(std::move(sm));
}

}  // namespace sg::asl
