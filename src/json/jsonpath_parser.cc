// JSONPath text -> path_detail::Compiled, following Jayway's PathCompiler token rules
// (what AWS Step Functions accepts), with Jayway's error wordings where it has them.
#include <charconv>
#include <cstring>

#include "json/jsonpath_ast.h"
#include "json/utf8.h"

namespace sg::json::path_detail {

Error path_error(std::string message) { return Error{"PATH_NOT_FOUND", std::move(message)}; }
Error invalid_path(std::string message) { return Error{"INVALID_PATH", std::move(message)}; }

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Java Integer.parseInt on a trimmed token.
bool parse_int32(std::string_view s, int32_t* out) {
  if (s.empty()) return false;
  if (s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Function function_by_name(std::string_view n) {
  if (n == "length") return Function::kLength;
  if (n == "size") return Function::kSize;
  if (n == "min") return Function::kMin;
  if (n == "max") return Function::kMax;
  if (n == "avg") return Function::kAvg;
  if (n == "sum") return Function::kSum;
  if (n == "stddev") return Function::kStddev;
  if (n == "keys") return Function::kKeys;
  if (n == "first") return Function::kFirst;
  if (n == "last") return Function::kLast;
  return Function::kNone;
}

const char* function_name(Function f) {
  switch (f) {
    case Function::kLength:
      return "length";
    case Function::kSize:
      return "size";
    case Function::kMin:
      return "min";
    case Function::kMax:
      return "max";
    case Function::kAvg:
      return "avg";
    case Function::kSum:
      return "sum";
    case Function::kStddev:
      return "stddev";
    case Function::kKeys:
      return "keys";
    case Function::kFirst:
      return "first";
    case Function::kLast:
      return "last";
    case Function::kNone:
      break;
  }
  return "";
}

class PathParser {
 public:
  PathParser(std::string_view s, int depth, Compiled& out) : s_(s), depth_(depth), out_(out) {}

  Status run() {
    if (s_.size() == 1) return Status::Ok();
    if (s_.back() == '.') return fail("Path must not end with a '.' or '..'");
    pos_ = 1;
    if (s_[1] != '.' && s_[1] != '[') {
      return fail("Illegal character at position 1 expected '.' or '['");
    }
    while (pos_ < s_.size()) {
      if (out_.function != Function::kNone) {
        return fail("A path function must be the last token of the path (position " + std::to_string(pos_) +
                    ")");
      }
      Status st;
      switch (s_[pos_]) {
        case '[':
          st = bracket();
          break;
        case '.':
          st = dot();
          break;
        case '*':
          ++pos_;
          push(Step{.kind = StepKind::kWildcard});
          break;
        default:
          st = property_or_function();
          break;
      }
      if (!st) return st;
    }
    if (scan_pending_) return fail("Path must not end with a '.' or '..'");
    return Status::Ok();
  }

 private:
  Status fail(std::string m) { return invalid_path(std::move(m)); }

  void push(Step step) {
    step.scan = scan_pending_;
    scan_pending_ = false;
    out_.steps.push_back(std::move(step));
  }

  size_t next_significant(size_t from) const {
    while (from < s_.size() && is_space(s_[from])) ++from;
    return from;
  }

  Status dot() {
    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '.') {
      scan_pending_ = true;
      pos_ += 2;
    } else {
      pos_ += 1;
    }
    if (pos_ >= s_.size()) return fail("Path must not end with a '.' or '..'");
    if (s_[pos_] == '.') return fail("Character '.' on position " + std::to_string(pos_) + " is not valid.");
    if (s_[pos_] == ' ') return fail("Could not parse token starting at position " + std::to_string(pos_));
    return Status::Ok();
  }

  Status property_or_function() {
    size_t start = pos_;
    if (s_[pos_] == ' ') return fail("Could not parse token starting at position " + std::to_string(pos_));
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ') {
        return fail("Use bracket notion ['my prop'] if your property contains blank characters. position: " +
                    std::to_string(start));
      }
      if (c == '.' || c == '[') break;
      if (c == '(') return function(start);
      ++pos_;
    }
    Step st{.kind = StepKind::kName};
    st.names.emplace_back(s_.substr(start, pos_ - start));
    push(std::move(st));
    return Status::Ok();
  }

  Status function(size_t start) {
    std::string name(s_.substr(start, pos_ - start));
    size_t close = next_significant(pos_ + 1);
    if (close >= s_.size()) return fail("Arguments to function: '" + name + "' are not closed properly.");
    if (s_[close] != ')') {
      return fail("Function arguments are not supported: '" + name + "'");
    }
    Function f = function_by_name(name);
    if (f == Function::kNone) return fail("Function with name: " + name + " does not exist.");
    if (scan_pending_) return fail("Function " + name + "() cannot follow '..'");
    out_.function = f;
    pos_ = close + 1;
    return Status::Ok();
  }

  Status bracket() {
    size_t j = next_significant(pos_ + 1);
    char c = j < s_.size() ? s_[j] : '\0';
    if (c == '\'' || c == '"') return bracket_property(c);
    if (is_digit(c) || c == '-' || c == ':') return array_token();
    if (c == '*') {
      size_t k = next_significant(j + 1);
      if (k >= s_.size() || s_[k] != ']') {
        return fail("Expected wildcard token to end with ']' on position " + std::to_string(j + 1));
      }
      pos_ = k + 1;
      push(Step{.kind = StepKind::kWildcard});
      return Status::Ok();
    }
    if (c == '?') {
      if (depth_ >= kMaxNesting) return fail("Filters are nested too deeply");
      size_t p = j;
      auto f = parse_filter(s_, p, depth_ + 1);
      if (!f) return f.error();
      pos_ = p;
      Step st{.kind = StepKind::kFilter};
      st.filter = std::move(f).value();
      push(std::move(st));
      return Status::Ok();
    }
    return fail("Could not parse token starting at position " + std::to_string(pos_) +
                ". Expected ?, ', 0-9, * ");
  }

  // [1], [1,2], [1:], [1:2], [:2], [-2:]
  Status array_token() {
    size_t close = s_.find(']', pos_ + 1);
    if (close == std::string_view::npos) {
      return fail("Could not parse token starting at position " + std::to_string(pos_) +
                  ". Expected ?, ', 0-9, * ");
    }
    std::string_view expr = trim(s_.substr(pos_ + 1, close - pos_ - 1));
    for (char c : expr) {
      if (!is_digit(c) && c != ',' && c != '-' && c != ':' && c != ' ') {
        return fail("Could not parse token starting at position " + std::to_string(pos_) +
                    ". Expected ?, ', 0-9, * ");
      }
    }
    if (expr.find(':') != std::string_view::npos) {
      Status st = slice(expr);
      if (!st) return st;
    } else {
      Status st = indexes(expr);
      if (!st) return st;
    }
    pos_ = close + 1;
    return Status::Ok();
  }

  Status slice(std::string_view expr) {
    std::string bad = "Failed to parse SliceOperation: " + std::string(expr);
    for (char c : expr) {
      if (!is_digit(c) && c != '-' && c != ':') return fail(bad);
    }
    // Java's split(":") drops trailing empty tokens; Jayway ignores a third part (no step).
    size_t c1 = expr.find(':');
    std::string_view a = expr.substr(0, c1);
    std::string_view rest = expr.substr(c1 + 1);
    std::string_view b = rest.substr(0, rest.find(':'));
    Step st{.kind = StepKind::kSlice};
    if (!a.empty()) {
      if (!parse_int32(a, &st.from)) return fail(bad);
      st.has_from = true;
    }
    if (!b.empty()) {
      if (!parse_int32(b, &st.to)) return fail(bad);
      st.has_to = true;
    }
    if (!st.has_from && !st.has_to) return fail(bad);
    push(std::move(st));
    return Status::Ok();
  }

  Status indexes(std::string_view expr) {
    Step st{.kind = StepKind::kIndex};
    size_t start = 0;
    while (true) {
      size_t comma = expr.find(',', start);
      std::string_view tok =
          trim(expr.substr(start, comma == std::string_view::npos ? expr.npos : comma - start));
      int32_t v;
      if (!parse_int32(tok, &v)) {
        return fail("Failed to parse token in ArrayIndexOperation: " + std::string(tok));
      }
      st.indexes.push_back(v);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (st.indexes.size() > 1) st.kind = StepKind::kIndexes;
    push(std::move(st));
    return Status::Ok();
  }

  // ['a'], ["a"], ['a','b'] with backslash escapes inside the quotes.
  Status bracket_property(char quote) {
    Step st{.kind = StepKind::kName, .quote = quote};
    size_t i = pos_ + 1;
    bool expect_name = true;
    while (true) {
      i = next_significant(i);
      if (i >= s_.size()) return fail("Property has not been closed - missing closing ]");
      char c = s_[i];
      if (expect_name) {
        if (c != '\'' && c != '"') {
          if (c == ',' || c == ']') return fail("Found empty property at index " + std::to_string(i));
          return fail("Property must be quoted at index " + std::to_string(i));
        }
        size_t start = i + 1, k = start;
        bool escape = false;
        while (k < s_.size() && (escape || s_[k] != c)) {
          escape = !escape && s_[k] == '\\';
          ++k;
        }
        if (k >= s_.size()) return fail(std::string("Property has not been closed - missing closing ") + c);
        st.names.push_back(unescape(s_.substr(start, k - start)));
        i = k + 1;
        expect_name = false;
      } else if (c == ',') {
        ++i;
        expect_name = true;
      } else if (c == ']') {
        pos_ = i + 1;
        break;
      } else {
        return fail(
            "Property must be separated by comma or Property must be terminated close square bracket at "
            "index " +
            std::to_string(i));
      }
    }
    if (st.names.size() > 1) st.kind = StepKind::kNames;
    push(std::move(st));
    return Status::Ok();
  }

  std::string_view s_;
  int depth_;
  Compiled& out_;
  size_t pos_ = 0;
  bool scan_pending_ = false;
};

// Jayway escapes '\' and '\'' in property fragments so the output can be compiled again.
void append_property(std::string_view name, std::string& out) {
  for (char c : name) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
}

void append_step(const Step& st, std::string& out) {
  if (st.scan) out += "..";
  switch (st.kind) {
    case StepKind::kName:
    case StepKind::kNames:
      out += '[';
      for (size_t i = 0; i < st.names.size(); ++i) {
        if (i) out += ',';
        out += st.quote;
        append_property(st.names[i], out);
        out += st.quote;
      }
      out += ']';
      break;
    case StepKind::kIndex:
    case StepKind::kIndexes:
      out += '[';
      for (size_t i = 0; i < st.indexes.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(st.indexes[i]);
      }
      out += ']';
      break;
    case StepKind::kSlice:
      out += '[';
      if (st.has_from) out += std::to_string(st.from);
      out += ':';
      if (st.has_to) out += std::to_string(st.to);
      out += ']';
      break;
    case StepKind::kWildcard:
      out += "[*]";
      break;
    case StepKind::kFilter:
      out += "[?]";
      break;
  }
}

}  // namespace

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) {
      out += '\\';
      break;
    }
    switch (s[i]) {
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'b':
        out += '\b';
        break;
      case 'u': {
        uint32_t cp = 0;
        size_t k = 0;
        for (; k < 4 && i + 1 + k < s.size() && hex_value(s[i + 1 + k]) >= 0; ++k) {
          cp = cp * 16 + static_cast<uint32_t>(hex_value(s[i + 1 + k]));
        }
        if (k < 4) {  // not a \uXXXX escape: keep the text
          out += 'u';
          break;
        }
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
          uint32_t lo = 0;
          bool ok = true;
          for (size_t q = 3; q <= 6 && ok; ++q) {
            int h = hex_value(s[i + q]);
            ok = h >= 0;
            lo = lo * 16 + static_cast<uint32_t>(h < 0 ? 0 : h);
          }
          if (ok && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // lone surrogate
        utf8_append(cp, out);
        break;
      }
      default:
        out += s[i];
        break;  // \\ \' \" and anything else: the character itself
    }
  }
  return out;
}

Status parse_steps(std::string_view text, int depth, Compiled& out) {
  out.root_char = text[0];
  return PathParser(text, depth, out).run();
}

void finish(Compiled& c) {
  const size_t n = c.steps.size();
  c.definite = true;
  c.simple = c.function == Function::kNone;
  c.strict_prefix = n;
  c.merge_leaf = n > 0 && c.function == Function::kNone && c.steps.back().kind == StepKind::kNames;
  for (size_t i = 0; i < n; ++i) {
    const Step& st = c.steps[i];
    bool leaf = i + 1 == n && c.function == Function::kNone;
    bool token_definite = !st.scan && (st.kind == StepKind::kName || st.kind == StepKind::kIndex ||
                                       (st.kind == StepKind::kNames && leaf));
    if (st.scan || (st.kind != StepKind::kName && st.kind != StepKind::kIndex)) c.simple = false;
    if (!token_definite && c.definite) {
      c.definite = false;
      c.strict_prefix = i;
    }
  }
  // AWS reference paths: '.'/'[]' names and indexes plus simple @ filters; no functions.
  c.reference = c.function == Function::kNone;
  for (const Step& st : c.steps) {
    bool ok = !st.scan && (st.kind == StepKind::kName || st.kind == StepKind::kIndex ||
                           (st.kind == StepKind::kFilter && filter_is_reference(*st.filter)));
    if (!ok) c.reference = false;
  }
  c.normalized.clear();
  if (c.root == PathRoot::kVariable) {
    c.normalized = "$" + c.variable;
  } else {
    c.normalized = std::string(1, c.root_char);
  }
  c.normalized += fragments(c, 0);
}

std::string fragments(const Compiled& c, size_t from) {
  std::string out;
  for (size_t i = from; i < c.steps.size(); ++i) append_step(c.steps[i], out);
  if (c.function != Function::kNone) {
    out += '.';
    out += function_name(c.function);
    out += "()";
  }
  return out;
}

std::string eval_path(const Compiled& c, size_t upto) {
  std::string out = c.root == PathRoot::kVariable ? "$" + c.variable : std::string(1, c.root_char);
  for (size_t i = 0; i < upto && i < c.steps.size(); ++i) {
    const Step& st = c.steps[i];
    if (st.kind == StepKind::kName) {
      out += "['";
      out += st.names[0];
      out += "']";
    } else if (st.kind == StepKind::kIndex) {
      out += '[';
      out += std::to_string(st.indexes[0]);
      out += ']';
    } else {
      append_step(st, out);
    }
  }
  return out;
}

Result<std::shared_ptr<const Compiled>> compile_subpath(std::string_view text, int depth) {
  auto c = std::make_shared<Compiled>();
  c->text = std::string(text);
  Status st = parse_steps(text, depth, *c);
  if (!st) return st.error();
  finish(*c);
  return std::shared_ptr<const Compiled>(std::move(c));
}

}  // namespace sg::json::path_detail
