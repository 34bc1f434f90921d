// JSON parsing: simdjson on the fast path; nlohmann-json only to locate and describe an
// error (simdjson reports no positions) and to read integers beyond 64 bits. YAML through
// yaml-cpp.
#include "json/parse.h"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace sg::json {

namespace {

Value build_object_dedup(std::vector<Member> members) {
  if (members.size() <= 1) return Value::object(std::move(members));
  bool dup = false;
  if (members.size() <= 16) {
    for (size_t i = 1; i < members.size() && !dup; ++i)
      for (size_t j = 0; j < i; ++j)
        if (members[i].name() == members[j].name()) {
          dup = true;
          break;
        }
  } else {
    std::unordered_set<std::string_view> seen;
    for (const Member& m : members)
      if (!seen.insert(m.name()).second) {
        dup = true;
        break;
      }
  }
  if (!dup) return Value::object(std::move(members));
  ObjectBuilder b(members.size());
  for (Member& m : members) b.set(std::move(m.key), std::move(m.value));
  return std::move(b).build();
}

Value from_simdjson(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::ARRAY: {
      simdjson::dom::array a = e.get_array().value_unsafe();
      std::vector<Value> items;
      items.reserve(a.size());
      for (simdjson::dom::element x : a) items.push_back(from_simdjson(x));
      return Value::array(std::move(items));
    }
    case element_type::OBJECT: {
      simdjson::dom::object o = e.get_object().value_unsafe();
      std::vector<Member> members;
      members.reserve(o.size());
      for (auto field : o) members.push_back(Member{Value::string(field.key), from_simdjson(field.value)});
      return build_object_dedup(std::move(members));
    }
    case element_type::INT64:
      return Value::integer(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return Value::number(static_cast<double>(e.get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return Value::number(e.get_double().value_unsafe());
    case element_type::STRING:
      return Value::string(e.get_string().value_unsafe());
    case element_type::BOOL:
      return Value::boolean(e.get_bool().value_unsafe());
    case element_type::NULL_VALUE:
      return Value();
  }
  return Value();
}

Value from_nlohmann(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return Value();
    case nlohmann::json::value_t::boolean:
      return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::integer(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::integer(static_cast<int64_t>(u));
      return Value::number(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Value::number(j.get<double>());
    case nlohmann::json::value_t::string:
      return Value::string(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& x : j) items.push_back(from_nlohmann(x));
      return Value::array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<Member> members;
      members.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it)
        members.push_back(Member{Value::string(it.key()), from_nlohmann(it.value())});
      return build_object_dedup(std::move(members));
    }
    default:
      return Value();
  }
}

// What the text was in the middle of when it ended, as Jackson words it: an open string,
// or the innermost open object or array.
std::string end_of_input_message(std::string_view text) {
  std::vector<char> open;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      open.push_back(c);
    else if ((c == '}' || c == ']') && !open.empty())
      open.pop_back();
  }
  if (in_string) return "Unexpected end-of-input: was expecting closing quote for a String value";
  if (open.empty()) return "Unexpected end-of-input";
  return open.back() == '{' ? "Unexpected end-of-input: expected close marker for Object"
                            : "Unexpected end-of-input: expected close marker for Array";
}

// Describes a syntax error the way Jackson (AWS's parser) does, with a 1-based position.
Error describe_error(std::string_view text, size_t byte, ParseErrorPosition* where) {
  size_t line = 1, col = 1;
  size_t pos = std::min(byte, text.size());
  // nlohmann reports the position after the offending character; step back onto it.
  size_t at = pos > 0 ? pos - 1 : 0;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  // Skip whitespace nlohmann consumed before the failure so the column names a token.
  std::string msg;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    msg = "No content to map due to end-of-input";
  } else if (at >= text.size() || byte > text.size()) {
    msg = end_of_input_message(text);
    // Jackson points just past the last character.
    line = 1;
    col = 1;
    for (char ch : text) {
      if (ch == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  } else {
    unsigned char c = static_cast<unsigned char>(text[at]);
    if (std::isalpha(c)) {
      size_t start = at;
      while (start > 0 && std::isalnum(static_cast<unsigned char>(text[start - 1]))) --start;
      size_t end = at;
      while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
      col += end - at;
      msg = "Unrecognized token '" + std::string(text.substr(start, end - start)) +
            "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
    } else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      msg = "Illegal unquoted character ((CTRL-CHAR, code " + std::to_string(c) +
            ")): has to be escaped using backslash to be included in string value";
    } else {
      msg = "Unexpected character ('" + std::string(1, static_cast<char>(c)) + "' (code " +
            std::to_string(c) + "))";
    }
  }
  if (where) *where = {line, col};
  return Error{"INVALID_JSON", msg + "\n at [Source: (String); line: " + std::to_string(line) +
                                   ", column: " + std::to_string(col) + "]"};
}

}  // namespace

Result<Value> parse_json(std::string_view text, ParseErrorPosition* where) {
  // Default capacity (grows as needed) and simdjson's default depth limit of 1024.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto err = parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(doc);
  if (!err) return from_simdjson(doc);
  if (err == simdjson::DEPTH_ERROR) {
    if (where) *where = {1, 1};
    return Error{"INVALID_JSON", "JSON nesting is deeper than the limit of " + std::to_string(kMaxDepth)};
  }
  // Slow path: either a real syntax error (locate it) or a number simdjson will not take.
  try {
    return from_nlohmann(nlohmann::ordered_json::parse(text.begin(), text.end()));
  } catch (const nlohmann::json::parse_error& e) {
    return describe_error(text, e.byte, where);
  } catch (const std::exception& e) {
    return Error{"INVALID_JSON", e.what()};
  }
}

namespace {

Value scalar_from_yaml(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return Value::string(s);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  if (s == "true" || s == "True" || s == "TRUE") return Value::boolean(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value::boolean(false);
  // Integers (decimal, with sign), then floats; anything else is a string.
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digits = i < s.size();
  for (size_t k = i; k < s.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(s[k]))) {
      digits = false;
      break;
    }
  if (digits) {
    try {
      return Value::integer(std::stoll(s));
    } catch (...) {
      return Value::number(std::stod(s));
    }
  }
  bool floaty = i < s.size();
  bool seen_digit = false;
  for (size_t k = i; k < s.size(); ++k) {
    char c = s[k];
    if (std::isdigit(static_cast<unsigned char>(c)))
      seen_digit = true;
    else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
      floaty = false;
      break;
    }
  }
  if (floaty && seen_digit) {
    try {
      size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return Value::number(d);
    } catch (...) {
    }
  }
  return Value::string(s);
}

// Aliases let a small YAML file stand for a huge document ("billion laughs"): the values
// produced are counted, and a document that expands past the budget is refused.
constexpr size_t kMaxYamlValues = 2'000'000;

Result<Value> from_yaml(const YAML::Node& n, size_t depth, size_t& budget) {
  if (depth > kMaxDepth) return Error{"INVALID_YAML", "YAML nesting is deeper than the limit"};
  if (budget == 0) {
    return Error{"INVALID_YAML", "the YAML document expands (through its aliases) to more than " +
                                     std::to_string(kMaxYamlValues) + " values"};
  }
  --budget;
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Value();
    case YAML::NodeType::Scalar:
      return scalar_from_yaml(n);
    case YAML::NodeType::Sequence: {
      std::vector<Value> items;
      for (const auto& x : n) {
        auto v = from_yaml(x, depth + 1, budget);
        if (!v) return v;
        items.push_back(std::move(v).value());
      }
      return Value::array(std::move(items));
    }
    case YAML::NodeType::Map: {
      ObjectBuilder b;
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) return Error{"INVALID_YAML", "YAML mapping keys must be scalars"};
        auto v = from_yaml(kv.second, depth + 1, budget);
        if (!v) return v;
        b.set(kv.first.Scalar(), std::move(v).value());
      }
      return std::move(b).build();
    }
  }
  return Value();
}

}  // namespace

Result<Value> parse_yaml(std::string_view text) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() > 1) {
      return Error{"INVALID_YAML", "the file holds " + std::to_string(docs.size()) +
                                       " YAML documents; a definition is a single document"};
    }
    size_t budget = kMaxYamlValues;
    return from_yaml(docs.empty() ? YAML::Node() : docs.front(), 0, budget);
  } catch (const YAML::Exception& e) {
    return Error{"INVALID_YAML", e.what()};
  }
}

}  // namespace sg::json
