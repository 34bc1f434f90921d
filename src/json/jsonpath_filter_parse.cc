// Filter expressions "[?(...)]": Jayway's FilterCompiler grammar
//   LogicalOR     = LogicalAND { '||' LogicalAND }
//   LogicalAND    = AndOperand { '&&' AndOperand }
//   AndOperand    = '!' AndOperand | '(' LogicalOR ')' | Value [ RelOp Value ]
// A lone Value must be a path and tests existence ("!@.x" tests absence). Regexes are
// compiled here, once, so evaluation never parses anything.
#include <charconv>
#include <cstdlib>

#include "json/jsonpath_ast.h"

namespace sg::json::path_detail {

namespace {

constexpr int kMaxGroupDepth = 64;        // nested '(' and '!' inside one filter
constexpr int kMaxLiteralDepth = 64;      // nested [] / {} in JSON literals
constexpr int kMaxRegexGroups = 64;       // nested groups in a regex (std::regex recurses)
constexpr size_t kMaxRegexLength = 4096;  // std::regex's compiler recurses once per term

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_relational_char(char c) { return c == '<' || c == '>' || c == '=' || c == '~' || c == '!'; }

// Java's DOTALL ('s' flag) has no std::regex equivalent: rewrite '.' outside classes.
std::string dotall(std::string_view p) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += c;
      out += p[++i];
      continue;
    }
    if (in_class && c == ']')
      in_class = false;
    else if (!in_class && c == '[')
      in_class = true;
    if (!in_class && c == '.') {
      out += "[\\s\\S]";
      continue;
    }
    out += c;
  }
  return out;
}

int regex_group_depth(std::string_view p) {
  int depth = 0, max_depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] == '(') max_depth = std::max(max_depth, ++depth);
    if (p[i] == ')') --depth;
  }
  return max_depth;
}

// libstdc++'s regex compiler overflows (undefined behaviour) on huge numbers in \123
// escapes and "{n,m}" repetitions; nobody needs more than six digits there.
bool regex_numbers_ok(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '\\' && p[i] != '{') continue;
    size_t j = i + 1, run = 0;
    while (j < p.size() && (is_digit(p[j]) || (p[i] == '{' && p[j] == ','))) {
      run = is_digit(p[j]) ? run + 1 : 0;
      if (run > 6) return false;
      ++j;
    }
    if (p[i] == '\\') i = j > i + 1 ? j - 1 : i + 1;
  }
  return true;
}

class FilterParser {
 public:
  FilterParser(std::string_view s, size_t pos, int depth) : s_(s), pos_(pos), depth_(depth) {}

  Result<std::shared_ptr<const FilterExpr>> run(size_t& end) {
    ++pos_;  // '?'
    skip();
    if (pos_ >= s_.size() || s_[pos_] != '(') return fail("Filter must start with '[?(' and end with ')]'");
    auto root = std::make_shared<FilterExpr>();
    Status st = logical_or(*root, 0);
    if (!st) return st.error();
    skip();
    if (pos_ >= s_.size() || s_[pos_] != ']') {
      return fail("Expected end of filter expression ']' at position " + std::to_string(pos_));
    }
    end = pos_ + 1;
    return std::shared_ptr<const FilterExpr>(std::move(root));
  }

 private:
  Error fail(std::string m) { return invalid_path("Could not compile inline filter: " + std::move(m)); }
  Status failst(std::string m) { return Status(fail(std::move(m))); }

  void skip() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool at(std::string_view tok) {
    skip();
    return s_.substr(pos_, tok.size()) == tok;
  }
  char peek() {
    skip();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }

  Status logical_or(FilterExpr& out, int g) {
    FilterExpr first;
    if (Status st = logical_and(first, g); !st) return st;
    if (!at("||")) {
      out = std::move(first);
      return Status::Ok();
    }
    out = FilterExpr{.kind = FilterExpr::Kind::kOr};
    out.children.push_back(std::move(first));
    while (at("||")) {
      pos_ += 2;
      out.children.emplace_back();
      if (Status st = logical_and(out.children.back(), g); !st) return st;
    }
    return Status::Ok();
  }

  Status logical_and(FilterExpr& out, int g) {
    FilterExpr first;
    if (Status st = and_operand(first, g); !st) return st;
    if (!at("&&")) {
      out = std::move(first);
      return Status::Ok();
    }
    out = FilterExpr{.kind = FilterExpr::Kind::kAnd};
    out.children.push_back(std::move(first));
    while (at("&&")) {
      pos_ += 2;
      out.children.emplace_back();
      if (Status st = and_operand(out.children.back(), g); !st) return st;
    }
    return Status::Ok();
  }

  Status and_operand(FilterExpr& out, int g) {
    if (g > kMaxGroupDepth) return failst("expression is nested too deeply");
    char c = peek();
    if (c == '!') {
      size_t save = pos_++;
      char next = peek();
      if (next != '@' && next != '$') {
        out = FilterExpr{.kind = FilterExpr::Kind::kNot};
        out.children.emplace_back();
        return and_operand(out.children.back(), g + 1);
      }
      pos_ = save;  // "!@.x": the value reader handles the negation
    } else if (c == '(') {
      ++pos_;
      if (Status st = logical_or(out, g + 1); !st) return st;
      if (peek() != ')') return failst("expected ')' at position " + std::to_string(pos_));
      ++pos_;
      return Status::Ok();
    }
    return relational(out);
  }

  bool expression_ends() {
    char c = peek();
    return c == '\0' || c == ')' || c == ']' || at("&&") || at("||");
  }

  Status relational(FilterExpr& out) {
    out = FilterExpr{.kind = FilterExpr::Kind::kRel};
    if (Status st = value(out.left); !st) return st;
    if (expression_ends()) {
      if (out.left.kind != Operand::Kind::kPath) {
        return failst("expected a path or a comparison at position " + std::to_string(pos_));
      }
      out.op = RelOp::kExists;
      out.should_exist = !out.left.negated;
      return Status::Ok();
    }
    if (Status st = relational_operator(out.op); !st) return st;
    return value(out.right);
  }

  Status relational_operator(RelOp& op) {
    skip();
    size_t begin = pos_;
    if (pos_ < s_.size() && is_relational_char(s_[pos_])) {
      while (pos_ < s_.size() && is_relational_char(s_[pos_])) ++pos_;
    } else {
      while (pos_ < s_.size() && is_letter(s_[pos_])) ++pos_;
    }
    std::string_view t = s_.substr(begin, pos_ - begin);
    static constexpr std::pair<std::string_view, RelOp> kOps[] = {
        {"==", RelOp::kEq},
        {"!=", RelOp::kNe},
        {"===", RelOp::kTsEq},
        {"!==", RelOp::kTsNe},
        {"<", RelOp::kLt},
        {"<=", RelOp::kLe},
        {">", RelOp::kGt},
        {">=", RelOp::kGe},
        {"=~", RelOp::kRegex},
        {"in", RelOp::kIn},
        {"nin", RelOp::kNin},
        {"subsetof", RelOp::kSubsetOf},
        {"anyof", RelOp::kAnyOf},
        {"noneof", RelOp::kNoneOf},
        {"size", RelOp::kSize},
        {"empty", RelOp::kEmpty},
        {"contains", RelOp::kContains},
        {"all", RelOp::kAll},
    };
    for (const auto& [text, o] : kOps) {
      if (t == text) {
        op = o;
        return Status::Ok();
      }
    }
    return failst("Filter operator " + std::string(t) + " is not supported!");
  }

  Status value(Operand& out) {
    char c = peek();
    if (c == '!') {
      ++pos_;
      c = peek();
      if (c != '@' && c != '$') return failst("Unexpected character: !");
      out.negated = true;
    }
    switch (c) {
      case '@':
      case '$':
        return path(out);
      case '/':
        return pattern(out);
      case '\0':
        return failst("expected a value at the end of the filter");
      default: {
        out.kind = Operand::Kind::kLiteral;
        auto v = literal(0);
        if (!v) return Status(v.error());
        out.literal = std::move(v).value();
        return Status::Ok();
      }
    }
  }

  // The sub-path runs to a space, a relational or logical operator, or a ')' that does
  // not close a function call; brackets (with quoted strings) are skipped whole.
  Status path(Operand& out) {
    size_t begin = pos_;
    size_t i = pos_ + 1;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '[') {
        size_t close = matching_bracket(i);
        if (close == std::string_view::npos) return failst("Square brackets does not match in filter");
        i = close + 1;
        continue;
      }
      if (c == '(') {  // a path function: "()" with no arguments
        size_t k = i + 1;
        while (k < s_.size() && is_space(s_[k])) ++k;
        if (k >= s_.size() || s_[k] != ')') return failst("function arguments are not supported");
        i = k + 1;
        continue;
      }
      if (is_space(c) || is_relational_char(c) || c == ')' || c == '&' || c == '|' || c == ']') break;
      ++i;
    }
    pos_ = i;
    auto sub = compile_subpath(s_.substr(begin, i - begin), depth_);
    if (!sub) return Status(sub.error());
    out.kind = Operand::Kind::kPath;
    out.path = std::move(sub).value();
    return Status::Ok();
  }

  size_t matching_bracket(size_t open) const {
    int depth = 0;
    char quote = 0;
    for (size_t i = open; i < s_.size(); ++i) {
      char c = s_[i];
      if (quote) {
        if (c == '\\')
          ++i;
        else if (c == quote)
          quote = 0;
        continue;
      }
      if (c == '\'' || c == '"')
        quote = c;
      else if (c == '[')
        ++depth;
      else if (c == ']' && --depth == 0)
        return i;
    }
    return std::string_view::npos;
  }

  Status pattern(Operand& out) {
    size_t i = pos_ + 1;
    while (i < s_.size() && s_[i] != '/') i += s_[i] == '\\' ? 2 : 1;
    if (i >= s_.size()) return failst("Pattern not closed. Expected / in filter");
    std::string body(s_.substr(pos_ + 1, i - pos_ - 1));
    size_t f = i + 1;
    while (f < s_.size() && is_letter(s_[f])) ++f;
    std::string_view flags = s_.substr(i + 1, f - i - 1);
    pos_ = f;
    auto mode = std::regex::ECMAScript | std::regex_constants::__polynomial;
    for (char fl : flags) {
      if (fl == 'i')
        mode |= std::regex::icase;
      else if (fl == 'm')
        mode |= std::regex::multiline;
      else if (fl == 's')
        body = dotall(body);
      // Java's other flags (d, u, U, x) have no ECMAScript equivalent and are ignored.
    }
    if (body.size() > kMaxRegexLength) return failst("regular expression is too long");
    if (!regex_numbers_ok(body)) return failst("number too large in regular expression");
    if (regex_group_depth(body) > kMaxRegexGroups) return failst("regular expression is nested too deeply");
    try {
      out.regex = std::make_shared<const std::regex>(body, mode);
    } catch (const std::exception& e) {
      return failst("invalid regular expression /" + body + "/: " + e.what());
    }
    out.kind = Operand::Kind::kPattern;
    return Status::Ok();
  }

  // Literals: 'str', "str", true, false, null, numbers, and permissive JSON arrays and
  // objects (strings in them may use single quotes, as in Jayway's JSON-smart parser).
  Result<Value> literal(int depth) {
    if (depth > kMaxLiteralDepth) return fail("literal is nested too deeply");
    char c = peek();
    if (c == '\'' || c == '"') return string_literal(c);
    if (c == '[') return array_literal(depth);
    if (c == '{') return object_literal(depth);
    for (std::string_view kw : {"true", "false", "null"}) {
      if (s_.substr(pos_, kw.size()) == kw) {
        pos_ += kw.size();
        return kw == "null" ? Value() : Value::boolean(kw == "true");
      }
    }
    size_t begin = pos_;
    while (pos_ < s_.size() && (is_digit(s_[pos_]) || s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
    }
    Value v;
    if (pos_ == begin || !parse_number(s_.substr(begin, pos_ - begin), &v)) {
      return fail("unexpected value at position " + std::to_string(begin));
    }
    return v;
  }

  Result<Value> string_literal(char quote) {
    size_t i = pos_ + 1;
    while (i < s_.size() && s_[i] != quote) i += s_[i] == '\\' ? 2 : 1;
    if (i >= s_.size())
      return fail(std::string("String literal does not have matching quotes. Expected ") + quote);
    Value v = Value::string(unescape(s_.substr(pos_ + 1, i - pos_ - 1)));
    pos_ = i + 1;
    return v;
  }

  Result<Value> array_literal(int depth) {
    ++pos_;
    std::vector<Value> items;
    if (peek() == ']') {
      ++pos_;
      return Value::array({});
    }
    while (true) {
      auto v = literal(depth + 1);
      if (!v) return v;
      items.push_back(std::move(v).value());
      char c = peek();
      ++pos_;
      if (c == ']') break;
      if (c != ',')
        return fail("expected ',' or ']' in array literal at position " + std::to_string(pos_ - 1));
    }
    return Value::array(std::move(items));
  }

  Result<Value> object_literal(int depth) {
    ++pos_;
    ObjectBuilder b;
    if (peek() == '}') {
      ++pos_;
      return Value::empty_object();
    }
    while (true) {
      char q = peek();
      if (q != '\'' && q != '"') return fail("expected a quoted key at position " + std::to_string(pos_));
      auto key = string_literal(q);
      if (!key) return key;
      if (peek() != ':') return fail("expected ':' at position " + std::to_string(pos_));
      ++pos_;
      auto v = literal(depth + 1);
      if (!v) return v;
      b.set(std::move(key).value(), std::move(v).value());
      char c = peek();
      ++pos_;
      if (c == '}') break;
      if (c != ',')
        return fail("expected ',' or '}' in object literal at position " + std::to_string(pos_ - 1));
    }
    return std::move(b).build();
  }

  std::string_view s_;
  size_t pos_;
  int depth_;
};

bool operand_is_reference(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::kLiteral:
      return !o.literal.is_container();
    case Operand::Kind::kPath:
      return o.path->root_char == '@' && o.path->simple;
    case Operand::Kind::kPattern:
      return false;
  }
  return false;
}

}  // namespace

bool parse_number(std::string_view t, Value* out) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0, exp_digits = 0;
  while (i < t.size() && is_digit(t[i])) ++i, ++int_digits;
  bool has_dot = i < t.size() && t[i] == '.';
  if (has_dot) {
    ++i;
    while (i < t.size() && is_digit(t[i])) ++i, ++frac_digits;
  }
  bool has_exp = i < t.size() && (t[i] == 'e' || t[i] == 'E');
  if (has_exp) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    while (i < t.size() && is_digit(t[i])) ++i, ++exp_digits;
  }
  if (i != t.size() || int_digits + frac_digits == 0 || (has_exp && exp_digits == 0)) return false;
  std::string_view body = t[0] == '+' ? t.substr(1) : t;
  if (!has_dot && !has_exp) {
    int64_t v;
    auto r = std::from_chars(body.data(), body.data() + body.size(), v);
    if (r.ec == std::errc() && r.ptr == body.data() + body.size()) {
      *out = Value::integer(v);
      return true;
    }
  }
  double d = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), d);
  if (r.ec == std::errc::result_out_of_range) {
    d = std::strtod(std::string(body).c_str(), nullptr);  // +-HUGE_VAL or a denormal/zero
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return false;
  }
  *out = Value::number(d);
  return true;
}

Result<std::shared_ptr<const FilterExpr>> parse_filter(std::string_view text, size_t& pos, int depth) {
  size_t end = 0;
  auto r = FilterParser(text, pos, depth).run(end);
  if (r) pos = end;
  return r;
}

bool filter_is_reference(const FilterExpr& f) {
  switch (f.kind) {
    case FilterExpr::Kind::kOr:
    case FilterExpr::Kind::kAnd:
    case FilterExpr::Kind::kNot:
      for (const FilterExpr& c : f.children) {
        if (!filter_is_reference(c)) return false;
      }
      return true;
    case FilterExpr::Kind::kRel:
      switch (f.op) {
        case RelOp::kExists:
          return operand_is_reference(f.left);
        case RelOp::kEq:
        case RelOp::kNe:
        case RelOp::kLt:
        case RelOp::kLe:
        case RelOp::kGt:
        case RelOp::kGe:
          return operand_is_reference(f.left) && operand_is_reference(f.right);
        default:
          return false;
      }
  }
  return false;
}

}  // namespace sg::json::path_detail
