#include "integrations/mock_config.h"

#include <algorithm>

#include "common/read_file.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

constexpr const char* kCode = "INVALID_MOCK_CONFIG";
constexpr size_t kMaxMockConfigBytes = 16u << 20;

bool plain_key(std::string_view k) {
  if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// A key path as the messages show it: StateMachines.Order.TestCases.HappyPath, with keys
// that are not plain words quoted (MockedResponses.X."1-2").
std::string path_of(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += '.';
    if (plain_key(k)) {
      out.append(k);
    } else {
      out += '"';
      out.append(k);
      out += '"';
    }
  }
  return out;
}

const char* kind_of(const json::Value& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_bool()) return "a boolean";
  return "null";
}

// "7" or "1-2" (inclusive); numbers of at most 9 digits.
bool parse_invocation_key(std::string_view k, int64_t* first, int64_t* last) {
  auto number = [](std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 9) return false;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  size_t dash = k.find('-');
  if (dash == std::string_view::npos) {
    if (!number(k, first)) return false;
    *last = *first;
    return true;
  }
  return number(k.substr(0, dash), first) && number(k.substr(dash + 1), last) && *first <= *last;
}

}  // namespace

class MockConfigParser {
 public:
  explicit MockConfigParser(std::string_view origin) : origin_(origin) {}

  Error error(const std::string& path, std::string_view message) const {
    std::string m(origin_);
    m += ": ";
    if (!path.empty()) {
      m += path;
      m += ": ";
    }
    m.append(message);
    return Error{kCode, std::move(m)};
  }

  Result<MockConfig> parse(const json::Value& root) {
    if (!root.is_object()) return error("", std::string("expected a JSON object, got ") + kind_of(root));
    MockConfig cfg;
    const json::Value* machines = nullptr;
    for (const json::Member& m : root.members()) {
      if (m.name() == "StateMachines") {
        machines = &m.value;
      } else if (m.name() == "MockedResponses") {
        if (auto st = responses(m.value, cfg); !st.ok()) return st.error();
      } else {
        return error(path_of({m.name()}), "unknown key (expected StateMachines, MockedResponses)");
      }
    }
    // State machines second: their test cases name responses.
    if (machines) {
      if (auto st = state_machines(*machines, cfg); !st.ok()) return st.error();
    }
    return cfg;
  }

 private:
  Status responses(const json::Value& v, MockConfig& cfg) {
    if (!v.is_object()) return error("MockedResponses", std::string("must be an object, got ") + kind_of(v));
    for (const json::Member& r : v.members()) {
      std::string name(r.name());
      std::string at = path_of({"MockedResponses", name});
      if (!r.value.is_object()) return error(at, std::string("must be an object, got ") + kind_of(r.value));
      if (r.value.size() == 0) return error(at, "has no invocation keys (expected \"0\", \"1-2\", ...)");
      MockedResponse resp;
      for (const json::Member& inv : r.value.members()) {
        std::string key_path = path_of({"MockedResponses", name, inv.name()});
        MockedResponse::Range range;
        if (!parse_invocation_key(inv.name(), &range.first, &range.last))
          return error(key_path,
                       "invalid invocation key (expected a number such as \"0\" or a range such as \"1-2\")");
        auto outcome = this->outcome(inv.value, key_path);
        if (!outcome.ok()) return outcome.error();
        range.outcome = std::move(outcome).value();
        resp.ranges_.push_back(std::move(range));
      }
      std::sort(
          resp.ranges_.begin(), resp.ranges_.end(),
          [](const MockedResponse::Range& a, const MockedResponse::Range& b) { return a.first < b.first; });
      int64_t next = 0;
      for (const MockedResponse::Range& range : resp.ranges_) {
        std::string key = range.first == range.last
                              ? std::to_string(range.first)
                              : std::to_string(range.first) + "-" + std::to_string(range.last);
        if (range.first < next)
          return error(path_of({"MockedResponses", name, key}), "overlaps another invocation key");
        if (range.first > next) {
          std::string missing = std::to_string(next);
          if (range.first - 1 > next) missing.append("-").append(std::to_string(range.first - 1));
          std::string m("no response for invocation ");
          m.append(missing).append(" (invocation keys must cover 0, 1, 2, ... without gaps)");
          return error(path_of({"MockedResponses", name}), m);
        }
        next = range.last + 1;
      }
      cfg.responses_.emplace(std::move(name), std::move(resp));
    }
    return Status::Ok();
  }

  Result<MockOutcome> outcome(const json::Value& v, const std::string& at) {
    if (!v.is_object() || v.size() != 1)
      return error(at, "must be an object with exactly one of Return or Throw");
    const json::Member& m = v.members()[0];
    MockOutcome o;
    if (m.name() == "Return") {
      o.value = m.value;
      return o;
    }
    if (m.name() != "Throw")
      return error(at + "." + std::string(m.name()), "unknown key (expected Return or Throw)");
    std::string throw_at = at + ".Throw";
    if (!m.value.is_object())
      return error(throw_at, std::string("must be an object, got ") + kind_of(m.value));
    o.is_return = false;
    o.has_cause = false;
    bool has_error = false;
    for (const json::Member& f : m.value.members()) {
      if (f.name() != "Error" && f.name() != "Cause")
        return error(throw_at + "." + path_of({f.name()}), "unknown key (expected Error, Cause)");
      if (!f.value.is_string())
        return error(throw_at + "." + std::string(f.name()),
                     std::string("must be a string, got ") + kind_of(f.value));
      if (f.name() == "Error") {
        o.error = std::string(f.value.as_string());
        has_error = true;
      } else {
        o.cause = std::string(f.value.as_string());
        o.has_cause = true;
      }
    }
    if (!has_error) return error(throw_at, "has no Error");
    return o;
  }

  Status state_machines(const json::Value& v, MockConfig& cfg) {
    if (!v.is_object()) return error("StateMachines", std::string("must be an object, got ") + kind_of(v));
    for (const json::Member& sm : v.members()) {
      std::string machine(sm.name());
      std::string at = path_of({"StateMachines", machine});
      if (!sm.value.is_object()) return error(at, std::string("must be an object, got ") + kind_of(sm.value));
      auto& cases = cfg.machines_[machine];
      for (const json::Member& f : sm.value.members()) {
        if (f.name() != "TestCases")
          return error(at + "." + path_of({f.name()}), "unknown key (expected TestCases)");
        std::string tc_at = at + ".TestCases";
        if (!f.value.is_object())
          return error(tc_at, std::string("must be an object, got ") + kind_of(f.value));
        for (const json::Member& tc : f.value.members()) {
          std::string case_at = tc_at + "." + path_of({tc.name()});
          if (!tc.value.is_object())
            return error(case_at, std::string("must be an object, got ") + kind_of(tc.value));
          MockConfig::TestCase states;
          for (const json::Member& st : tc.value.members()) {
            std::string state_at = case_at + "." + path_of({st.name()});
            if (!st.value.is_string())
              return error(state_at, std::string("must name a mocked response, got ") + kind_of(st.value));
            std::string response(st.value.as_string());
            if (!cfg.responses_.count(response))
              return error(state_at, "names the mocked response '" + response +
                                         "', which MockedResponses does not define");
            states.emplace(std::string(st.name()), std::move(response));
          }
          cases[std::string(tc.name())] = std::move(states);
        }
      }
    }
    return Status::Ok();
  }

  std::string_view origin_;
};

const MockOutcome* MockedResponse::at(int64_t n) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), n,
                             [](int64_t v, const Range& r) { return v < r.first; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  return n <= it->last ? &it->outcome : nullptr;
}

Result<MockConfig> MockConfig::parse(std::string_view text, std::string_view origin) {
  auto doc = json::parse_json(text);
  if (!doc.ok()) {
    std::string m(origin);
    m += ": invalid JSON: ";
    m += doc.error().message;
    return Error{kCode, std::move(m)};
  }
  return MockConfigParser(origin).parse(*doc);
}

bool MockConfig::has_test_case(std::string_view machine, std::string_view test_case) const {
  auto m = machines_.find(machine);
  return m != machines_.end() && m->second.find(test_case) != m->second.end();
}

const std::string* MockConfig::response_name(std::string_view machine, std::string_view test_case,
                                             std::string_view state) const {
  auto m = machines_.find(machine);
  if (m == machines_.end()) return nullptr;
  auto c = m->second.find(test_case);
  if (c == m->second.end()) return nullptr;
  auto s = c->second.find(state);
  return s == c->second.end() ? nullptr : &s->second;
}

const MockedResponse* MockConfig::response(std::string_view name) const {
  auto it = responses_.find(name);
  return it == responses_.end() ? nullptr : &it->second;
}

std::vector<std::string> MockConfig::test_cases(std::string_view machine) const {
  std::vector<std::string> out;
  auto m = machines_.find(machine);
  if (m != machines_.end())
    for (const auto& [name, states] : m->second) out.push_back(name);
  return out;
}

Result<MockConfig> read_mock_config_file(const std::string& path) {
  auto text = read_text_file(path, kMaxMockConfigBytes);
  if (!text) return Error{kCode, std::string("mock config file: ").append(text.error().message)};
  return MockConfig::parse(*text, path);
}

}  // namespace sg::integrations
