// Entry points of the validator, the root object and the States containers.
#include "asl/validator.h"

#include "asl/validator_internal.h"
#include "json/parse.h"

namespace sg::asl {

namespace validator_detail {

namespace {

constexpr std::string_view kTypeNames[] = {"Pass",    "Task", "Choice",   "Wait",
                                           "Succeed", "Fail", "Parallel", "Map"};

// Jackson shows at most this many characters of the source in a parse error location.
constexpr size_t kSourceSnippetChars = 500;

// "[Source: (String)"<text>"; line: L, column: C]" as Jackson prints it, the text cut after
// 500 characters with "[truncated N chars]".
std::string jackson_location(std::string_view text, size_t line, size_t column) {
  std::string out = "[Source: (String)\"";
  size_t chars = 0, i = 0;
  while (i < text.size() && chars < kSourceSnippetChars) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + len > text.size()) len = 1;
    out.append(text.substr(i, len));
    i += len;
    ++chars;
  }
  out += '"';
  if (i < text.size()) out += "[truncated " + std::to_string(utf8_length(text.substr(i))) + " chars]";
  out += "; line: " + std::to_string(line) + ", column: " + std::to_string(column) + "]";
  return out;
}

}  // namespace

std::string_view kind_name(Kind k) {
  return k == Kind::kUnknown ? std::string_view("Unknown") : kTypeNames[static_cast<int>(k)];
}

Kind kind_of(std::string_view type) {
  for (int i = 0; i < 8; ++i)
    if (type == kTypeNames[i]) return static_cast<Kind>(i);
  return Kind::kUnknown;
}

std::string at(const std::string& base, std::string_view field) {
  std::string s;
  s.reserve(base.size() + 1 + field.size());
  s += base;
  s += '/';
  s += field;
  return s;
}

std::string index(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

void Checker::check_definition(const json::Value& root) {
  if (!root.is_object()) {
    schema("Definition must be a valid JSON object", "");
    return;
  }
  // The machine's language decides the language of every state without its own.
  if (const json::Value* ql = root.find("QueryLanguage");
      ql && ql->is_string() && ql->as_string() == "JSONata")
    top_lang_ = Lang::kJsonata;

  for (const json::Member& m : root.members()) {
    std::string_view k = m.name();
    std::string loc = at("", k);
    if (k == "StartAt" || k == "States") continue;  // checked with the container
    if (k == "Comment") {
      expect_string(m.value, loc);
    } else if (k == "Version") {
      if (expect_string(m.value, loc) && m.value.as_string() != "1.0")
        schema("Value should be one of the following: [1.0]", loc);
    } else if (k == "TimeoutSeconds") {
      check_int(m.value, k, 0, kMaxTimeoutSeconds, loc);
    } else if (k == "QueryLanguage") {
      check_enum(m.value, {"JSONPath", "JSONata"}, loc);
    } else {
      unsupported(k, "/");
    }
  }
  check_container(root, "", /*processor=*/false, 0);
  // Graph pass: every dangling target of the machine first, then terminal states and
  // reachability container by container.
  for (const Container& c : containers_) check_targets(c);
  for (const Container& c : containers_) check_reachability(c);
  if (!has_errors(out_)) check_variables(root);
}

void Checker::check_container(const json::Value& obj, const std::string& where, bool processor, int depth) {
  std::string obj_loc = object_location(where);
  if (!expect_object(obj, obj_loc)) return;
  if (depth > kMaxNestingDepth) {
    report(Severity::kError, "TOO_DEEPLY_NESTED",
           "The states are nested more than " + std::to_string(kMaxNestingDepth) + " levels deep", obj_loc);
    return;
  }
  if (!where.empty()) {
    for (const json::Member& m : obj.members()) {
      std::string_view k = m.name();
      if (k == "StartAt" || k == "States") continue;
      if (k == "Comment") {
        expect_string(m.value, at(where, k));
      } else if (k == "ProcessorConfig" && processor) {
        continue;  // checked by check_map, which knows the mode
      } else if (k == "QueryLanguage" && !processor) {
        // Accepted on Parallel branches; its states still take the machine's language.
        check_enum(m.value, {"JSONPath", "JSONata"}, at(where, k));
      } else {
        unsupported(k, obj_loc);
      }
    }
  }
  required({"States", "StartAt"}, obj, obj_loc);
  if (const json::Value* s = obj.find("StartAt")) {
    if (expect_string(*s, at(where, "StartAt")) && s->as_string().empty())
      schema("Value cannot be empty", at(where, "StartAt"));
  }
  const json::Value* states = obj.find("States");
  if (!states || !expect_object(*states, at(where, "States"))) return;
  containers_.push_back(Container{where, &obj});
  std::string states_loc = at(where, "States");
  for (const json::Member& m : states->members()) {
    std::string_view name = m.name();
    std::string loc = at(states_loc, name);
    if (name.empty()) {
      report(Severity::kError, "INVALID_STATE_NAME", "State name cannot be empty", loc);
    } else if (utf8_length(name) > kMaxStateNameLength) {
      report(Severity::kError, "INVALID_STATE_NAME",
             "State name '" + std::string(name) + "' exceeds the 80-character limit allowed by the service",
             loc);
    }
    if (!state_names_.insert(std::string(name)).second)
      report(Severity::kError, "DUPLICATE_STATE_NAME", "Duplicate State name: " + std::string(name), loc);
    check_state(m.value, loc, depth);
  }
}

void Checker::check_state(const json::Value& st, const std::string& loc, int depth) {
  if (!expect_object(st, loc)) return;
  const json::Value* type = st.find("Type");
  if (!type) {
    schema("These fields are required: [Type]", loc);
    return;
  }
  Kind kind = type->is_string() ? kind_of(type->as_string()) : Kind::kUnknown;
  if (kind == Kind::kUnknown) {
    schema(
        "The field 'Type' should have one of these values: "
        "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
        at(loc, "Type"));
    return;
  }
  // The state's language: its own QueryLanguage, else the machine's (never the enclosing
  // Map's or Parallel's).
  Lang lang = top_lang_;
  if (const json::Value* ql = st.find("QueryLanguage")) {
    std::string ql_loc = at(loc, "QueryLanguage");
    check_enum(*ql, {"JSONPath", "JSONata"}, ql_loc);
    if (ql->is_string() && ql->as_string() == "JSONata") {
      lang = Lang::kJsonata;
    } else if (ql->is_string() && ql->as_string() == "JSONPath" && top_lang_ == Lang::kJsonata) {
      schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", loc);
    }
  }
  check_state_fields(kind, st, lang, loc);
  check_transition_fields(kind, st, loc);
  if (const json::Value* a = st.find("Assign"); a && kind != Kind::kSucceed && kind != Kind::kFail)
    check_assign(*a, lang, at(loc, "Assign"), ExprUse::for_state(kind));
  if (lang == Lang::kJsonata) check_jsonata_state(kind, st, loc);
  if (lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("InputPath"); v && kind != Kind::kFail)
      check_io_path(*v, at(loc, "InputPath"));
    if (const json::Value* v = st.find("OutputPath"); v && kind != Kind::kFail)
      check_io_path(*v, at(loc, "OutputPath"));
  }
  switch (kind) {
    case Kind::kPass:
      if (lang == Lang::kJsonPath) check_pass(st, loc);
      break;
    case Kind::kTask:
      check_task(st, lang, loc);
      break;
    case Kind::kChoice:
      check_choice(st, lang, loc);
      break;
    case Kind::kWait:
      check_wait(st, lang, loc);
      break;
    case Kind::kSucceed:
      break;
    case Kind::kFail:
      check_fail(st, lang, loc);
      break;
    case Kind::kParallel:
      check_parallel(st, lang, loc, depth);
      break;
    case Kind::kMap:
      check_map(st, lang, loc, depth);
      break;
    case Kind::kUnknown:
      break;
  }
  if (kind == Kind::kTask || kind == Kind::kParallel || kind == Kind::kMap) {
    if (const json::Value* v = st.find("Retry")) check_retry(*v, at(loc, "Retry"));
    if (const json::Value* v = st.find("Catch")) check_catch(*v, lang, at(loc, "Catch"));
  }
}

}  // namespace validator_detail

namespace {

Diagnostic size_limit_exceeded(const ValidateOptions& opts) {
  return Diagnostic{Severity::kError, validator_detail::kSchema,
                    "1 validation error detected: Value at 'definition' failed to satisfy constraint: "
                    "Member must have length less than or equal to " +
                        std::to_string(opts.max_definition_bytes),
                    ""};
}

std::vector<Diagnostic> run(const json::Value& definition, const ValidateOptions& opts, bool check_size) {
  std::vector<Diagnostic> out;
  if (check_size && definition.json_size() > opts.max_definition_bytes)
    out.push_back(size_limit_exceeded(opts));
  validator_detail::Checker checker(opts, out);
  checker.check_definition(definition);
  return out;
}

}  // namespace

// The definition limit counts characters as Java does (UTF-16 code units), not bytes.
static size_t utf16_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += c >= 0xF0 ? 2 : 1;            // 4-byte sequences are surrogate pairs
  }
  return n;
}

std::vector<Diagnostic> validate_definition_text(std::string_view text, const ValidateOptions& opts,
                                                 json::Value* parsed) {
  // AWS-observed: an empty definition is a schema failure, not MISSING_DESCRIPTION.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return {Diagnostic{Severity::kError, validator_detail::kSchema, "Definition must be a valid JSON object",
                       ""}};
  json::ParseErrorPosition where;
  Result<json::Value> doc = json::parse_json(text, &where);
  if (!doc) {
    // The parser ends its message with "\n at [Source: (String); line: L, column: C]";
    // AWS's (Jackson's) names the source text, and the location repeats that part.
    std::string message = doc.error().message;
    size_t cut = message.find("\n at [Source:");
    if (cut != std::string::npos) message.resize(cut);
    std::string location = validator_detail::jackson_location(text, where.line, where.column);
    return {
        Diagnostic{Severity::kError, "INVALID_JSON_DESCRIPTION", message + "\n at " + location, location}};
  }
  std::vector<Diagnostic> out;
  if (utf16_length(text) > opts.max_definition_bytes) out.push_back(size_limit_exceeded(opts));
  std::vector<Diagnostic> rest = run(*doc, opts, /*check_size=*/false);
  out.insert(out.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  if (parsed) *parsed = std::move(doc).value();
  return out;
}

std::vector<Diagnostic> validate_definition(const json::Value& definition, const ValidateOptions& opts) {
  return run(definition, opts, /*check_size=*/true);
}

}  // namespace sg::asl
