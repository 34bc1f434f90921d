// Compilation of EventBridge patterns (see event_pattern.h); matching is in
// event_pattern_match.cc.
#include "events/event_pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>

#include "json/parse.h"

namespace sg::events {
namespace {

using json::Value;

Error invalid(std::string reason) {
  std::string message = "Event pattern is not valid. Reason: ";
  message.append(reason);
  return Error{std::string(kInvalidEventPattern), std::move(message)};
}

std::string quoted(std::string_view key) {
  std::string out = "\"";
  out.append(key);
  out.push_back('"');
  return out;
}

Result<Matcher::Wildcard> compile_wildcard(std::string_view text) {
  Matcher::Wildcard w;
  w.pieces.emplace_back();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '\\')) {
        w.pieces.back().push_back(text[++i]);
        continue;
      }
      std::string reason = "Invalid escape character at pos ";
      reason.append(std::to_string(i));
      return invalid(std::move(reason));
    }
    if (c == '*') {
      if (i + 1 < text.size() && text[i + 1] == '*') {
        std::string reason = "Consecutive wildcard characters at pos ";
        reason.append(std::to_string(i + 1));
        return invalid(std::move(reason));
      }
      w.pieces.emplace_back();
      continue;
    }
    w.pieces.back().push_back(c);
  }
  return w;
}

Status compile_cidr(std::string_view text, Matcher& m) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    return invalid("Malformed CIDR, one '/' required");
  }
  std::string ip(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  auto bad = [&] {
    std::string reason = "Invalid CIDR: ";
    reason.append(text);
    return invalid(std::move(reason));
  };
  int n = 0;
  if (bits.empty() || bits.size() > 3) return bad();
  for (char c : bits) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
  }
  if (inet_pton(AF_INET, ip.c_str(), m.address.data()) == 1) {
    if (n > 32) return bad();
    m.ipv6 = false;
  } else if (inet_pton(AF_INET6, ip.c_str(), m.address.data()) == 1) {
    if (n > 128) return bad();
    m.ipv6 = true;
  } else {
    return bad();
  }
  m.prefix_bits = n;
  m.kind = Matcher::Kind::kCidr;
  return Status::Ok();
}

Status compile_numeric(const Value& v, Matcher& m) {
  if (!v.is_array() || v.size() == 0) return invalid("Value of numeric must be an array.");
  if (v.size() != 2 && v.size() != 4)
    return invalid("Bad numeric range expression: wrong number of elements");
  auto operand = [&](size_t i, double* out) -> Status {
    const Value& op = v[i];
    const Value& num = v[i + 1];
    if (!num.is_number()) {
      std::string reason = "Value of ";
      reason.append(op.is_string() ? op.as_string() : "numeric");
      reason.append(" must be a number");
      return invalid(std::move(reason));
    }
    *out = num.as_double();
    if (!std::isfinite(*out)) return invalid("Numeric value out of range");
    return Status::Ok();
  };
  auto op_at = [&](size_t i) -> std::string_view { return v[i].is_string() ? v[i].as_string() : ""; };
  std::string_view op1 = op_at(0);
  double x = 0;
  if (op1 == "=" || op1 == "<" || op1 == "<=") {
    if (v.size() != 2) {
      std::string reason = "Bad value in numeric range: ";
      reason.append(v[2].dump());
      return invalid(std::move(reason));
    }
    if (Status s = operand(0, &x); !s) return s;
    if (op1 == "=") {
      m.has_low = m.has_high = m.low_inclusive = m.high_inclusive = true;
      m.low = m.high = x;
    } else {
      m.has_high = true;
      m.high = x;
      m.high_inclusive = op1 == "<=";
    }
  } else if (op1 == ">" || op1 == ">=") {
    if (Status s = operand(0, &x); !s) return s;
    m.has_low = true;
    m.low = x;
    m.low_inclusive = op1 == ">=";
    if (v.size() == 4) {
      std::string_view op2 = op_at(2);
      if (op2 != "<" && op2 != "<=") {
        std::string reason = "Bad value in numeric range: ";
        reason.append(v[2].dump());
        return invalid(std::move(reason));
      }
      if (Status s = operand(2, &x); !s) return s;
      m.has_high = true;
      m.high = x;
      m.high_inclusive = op2 == "<=";
      if (!(m.low < m.high)) return invalid("Bottom must be less than top");
    }
  } else {
    std::string reason = "Unrecognized numeric range operator: ";
    reason.append(v[0].dump());
    return invalid(std::move(reason));
  }
  m.kind = Matcher::Kind::kNumeric;
  return Status::Ok();
}

// {"prefix": "x"} / {"prefix": {"equals-ignore-case": "x"}} (and suffix).
Status compile_affix(std::string_view op, const Value& v, Matcher::Kind kind, Matcher& m) {
  m.kind = kind;
  if (v.is_string()) {
    m.text = std::string(v.as_string());
    return Status::Ok();
  }
  if (v.is_object() && v.size() == 1 && v.members()[0].name() == "equals-ignore-case" &&
      v.members()[0].value.is_string()) {
    m.ignore_case = true;
    m.text = ascii_lower(v.members()[0].value.as_string());
    return Status::Ok();
  }
  std::string reason(op);
  reason.append(" match pattern must be a string");
  return invalid(std::move(reason));
}

Status compile_anything_but(const Value& v, Matcher& m) {
  m.kind = Matcher::Kind::kAnythingBut;
  if (v.is_string()) {
    m.but_kind = Matcher::ButKind::kStrings;
    m.texts.emplace_back(v.as_string());
    return Status::Ok();
  }
  if (v.is_number()) {
    m.but_kind = Matcher::ButKind::kNumbers;
    m.numbers.push_back(v);
    return Status::Ok();
  }
  if (v.is_array()) {
    if (v.size() == 0) return invalid("Empty arrays are not allowed");
    bool strings = v[0].is_string();
    for (const Value& item : v.items()) {
      if (!item.is_string() && !item.is_number()) {
        return invalid("Inside anything but list, start|null|boolean is not supported.");
      }
      if (item.is_string() != strings) {
        return invalid("Inside anything but list, all the values must be of the same type");
      }
      if (strings) {
        m.texts.emplace_back(item.as_string());
      } else {
        m.numbers.push_back(item);
      }
    }
    m.but_kind = strings ? Matcher::ButKind::kStrings : Matcher::ButKind::kNumbers;
    return Status::Ok();
  }
  if (v.is_object() && v.size() == 1) {
    std::string_view op = v.members()[0].name();
    const Value& operand = v.members()[0].value;
    if (op == "prefix") {
      m.but_kind = Matcher::ButKind::kPrefix;
    } else if (op == "suffix") {
      m.but_kind = Matcher::ButKind::kSuffix;
    } else if (op == "equals-ignore-case") {
      m.but_kind = Matcher::ButKind::kIgnoreCase;
    } else if (op == "wildcard") {
      m.but_kind = Matcher::ButKind::kWildcard;
    } else {
      std::string reason = "Unsupported anything-but pattern: ";
      reason.append(op);
      return invalid(std::move(reason));
    }
    std::vector<Value> values;
    if (operand.is_string()) {
      values.push_back(operand);
    } else if (operand.is_array() && operand.size() > 0) {
      for (const Value& item : operand.items()) values.push_back(item);
    }
    if (values.empty() ||
        !std::all_of(values.begin(), values.end(), [](const Value& x) { return x.is_string(); })) {
      std::string reason = "Value of anything-but ";
      reason.append(op);
      reason.append(" must be a string or an array of strings");
      return invalid(std::move(reason));
    }
    for (const Value& item : values) {
      std::string_view s = item.as_string();
      if (m.but_kind == Matcher::ButKind::kWildcard) {
        auto w = compile_wildcard(s);
        if (!w) return w.error();
        m.wildcards.push_back(std::move(w).value());
      } else if (m.but_kind == Matcher::ButKind::kIgnoreCase) {
        m.texts.push_back(ascii_lower(s));
      } else {
        m.texts.emplace_back(s);
      }
    }
    return Status::Ok();
  }
  return invalid("Value of anything-but must be an array or single string/number value.");
}

Result<Matcher> compile_matcher(const Value& v) {
  Matcher m;
  switch (v.type()) {
    case json::Type::kString:
      m.kind = Matcher::Kind::kString;
      m.text = std::string(v.as_string());
      return m;
    case json::Type::kInt:
    case json::Type::kDouble:
      m.kind = Matcher::Kind::kNumber;
      m.number = v;
      return m;
    case json::Type::kBool:
      m.kind = Matcher::Kind::kBool;
      m.flag = v.as_bool();
      return m;
    case json::Type::kNull:
      m.kind = Matcher::Kind::kNull;
      return m;
    case json::Type::kArray:
      return invalid("Match value must be String, number, true, false, or null");
    case json::Type::kObject:
      break;
  }
  if (v.size() == 0) return invalid("Empty objects are not allowed");
  if (v.size() != 1) return invalid("Only one key allowed in match expression");
  std::string_view op = v.members()[0].name();
  const Value& operand = v.members()[0].value;
  Status s;
  if (op == "prefix") {
    s = compile_affix(op, operand, Matcher::Kind::kPrefix, m);
  } else if (op == "suffix") {
    s = compile_affix(op, operand, Matcher::Kind::kSuffix, m);
  } else if (op == "equals-ignore-case") {
    if (!operand.is_string()) return invalid("equals-ignore-case match pattern must be a string");
    m.kind = Matcher::Kind::kEqualsIgnoreCase;
    m.text = ascii_lower(operand.as_string());
  } else if (op == "wildcard") {
    if (!operand.is_string()) return invalid("wildcard match pattern must be a string");
    auto w = compile_wildcard(operand.as_string());
    if (!w) return w.error();
    m.kind = Matcher::Kind::kWildcard;
    m.wildcard = std::move(w).value();
  } else if (op == "anything-but") {
    s = compile_anything_but(operand, m);
  } else if (op == "numeric") {
    s = compile_numeric(operand, m);
  } else if (op == "exists") {
    if (!operand.is_bool()) return invalid("exists match pattern must be either true or false.");
    m.kind = Matcher::Kind::kExists;
    m.flag = operand.as_bool();
  } else if (op == "cidr") {
    if (!operand.is_string()) return invalid("cidr match pattern must be a string");
    s = compile_cidr(operand.as_string(), m);
  } else {
    std::string reason = "Unrecognized match type ";
    reason.append(op);
    return invalid(std::move(reason));
  }
  if (!s) return s.error();
  return m;
}

bool is_or_group(std::string_view key, const Value& v) {
  if (key != "$or" || !v.is_array() || v.size() == 0) return false;
  return std::all_of(v.items().begin(), v.items().end(), [](const Value& x) { return x.is_object(); });
}

// Compiles an object; *combinations receives how many plain sub-patterns it expands to
// (saturating just above the limit).
Result<PatternNode> compile_node(const Value& obj, size_t* combinations) {
  if (obj.size() == 0) return invalid("Empty objects are not allowed");
  PatternNode node;
  size_t combos = 1;
  auto multiply = [&combos](size_t n) { combos = std::min(combos * n, kMaxOrCombinations + 1); };
  for (const json::Member& member : obj.members()) {
    std::string_view key = member.name();
    const Value& v = member.value;
    if (is_or_group(key, v)) {
      if (v.size() < 2) return invalid("$or must have at least 2 elements");
      std::vector<PatternNode> branches;
      size_t sum = 0;
      for (const Value& branch : v.items()) {
        size_t n = 0;
        auto compiled = compile_node(branch, &n);
        if (!compiled) return compiled.error();
        branches.push_back(std::move(compiled).value());
        sum = std::min(sum + n, kMaxOrCombinations + 1);
      }
      multiply(sum);
      node.ors.push_back(std::move(branches));
      continue;
    }
    PatternField field;
    field.key = std::string(key);
    if (v.is_object()) {
      size_t n = 0;
      auto child = compile_node(v, &n);
      if (!child) return child.error();
      multiply(n);
      field.child = std::make_shared<const PatternNode>(std::move(child).value());
    } else if (v.is_array()) {
      if (v.size() == 0) return invalid("Empty arrays are not allowed");
      for (const Value& item : v.items()) {
        auto m = compile_matcher(item);
        if (!m) return m.error();
        field.matchers.push_back(std::move(m).value());
      }
    } else {
      std::string reason = quoted(key);
      reason.append(" must be an object or an array");
      return invalid(std::move(reason));
    }
    node.fields.push_back(std::move(field));
  }
  *combinations = combos;
  return node;
}

}  // namespace

Result<EventPattern> EventPattern::parse(std::string_view text) {
  auto doc = json::parse_json(text);
  if (!doc) return invalid(doc.error().message);
  return compile(doc.value());
}

Result<EventPattern> EventPattern::compile(const json::Value& pattern) {
  if (!pattern.is_object()) return invalid("Filter is not an object");
  size_t combinations = 0;
  auto node = compile_node(pattern, &combinations);
  if (!node) return node.error();
  if (combinations > kMaxOrCombinations) {
    return invalid("The total number of combinations of values in the event pattern exceeds 1000");
  }
  return EventPattern(std::make_shared<const PatternNode>(std::move(node).value()));
}

}  // namespace sg::events
