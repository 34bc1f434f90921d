#include "asl/jsonata_check.h"

#include <algorithm>
#include <cstdint>

namespace sg::asl {

namespace {

// JSONata 2.0 built-ins and the functions Step Functions adds: `$name` of these is a
// function, not a variable.
constexpr std::string_view kBuiltins[] = {"sum",
                                          "count",
                                          "max",
                                          "min",
                                          "average",
                                          "string",
                                          "substring",
                                          "substringBefore",
                                          "substringAfter",
                                          "lowercase",
                                          "uppercase",
                                          "length",
                                          "trim",
                                          "pad",
                                          "match",
                                          "contains",
                                          "replace",
                                          "split",
                                          "join",
                                          "formatNumber",
                                          "formatBase",
                                          "formatInteger",
                                          "parseInteger",
                                          "number",
                                          "floor",
                                          "ceil",
                                          "round",
                                          "abs",
                                          "sqrt",
                                          "power",
                                          "random",
                                          "boolean",
                                          "not",
                                          "exists",
                                          "keys",
                                          "lookup",
                                          "spread",
                                          "merge",
                                          "sort",
                                          "reverse",
                                          "shuffle",
                                          "distinct",
                                          "zip",
                                          "append",
                                          "each",
                                          "error",
                                          "assert",
                                          "type",
                                          "sift",
                                          "map",
                                          "filter",
                                          "single",
                                          "reduce",
                                          "base64encode",
                                          "base64decode",
                                          "encodeUrlComponent",
                                          "encodeUrl",
                                          "decodeUrlComponent",
                                          "decodeUrl",
                                          "now",
                                          "millis",
                                          "fromMillis",
                                          "toMillis",
                                          "clone",
                                          "eval",
                                          "partition",
                                          "range",
                                          "hash",
                                          "uuid",
                                          "parse"};

constexpr std::string_view kKeywords[] = {"and", "or", "in", "true", "false", "null", "function", "\xCE\xBB"};

enum class Tok : uint8_t {
  kEnd,
  kName,
  kVar,
  kDollar,
  kDollarDollar,
  kString,
  kNumber,
  kOp,
  kOpen,
  kClose,
  kKeyword
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;  // names without '$'; operators and brackets as written
};

bool ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // `operand_before`: the previous token ended an operand (so '/' is division).
  Token next(bool operand_before) {
    skip_space();
    if (i_ >= s_.size()) return {};
    char c = s_[i_];
    size_t start = i_;
    if (c == '"' || c == '\'') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != c) i_ += s_[i_] == '\\' ? 2 : 1;
      i_ = std::min(i_ + 1, s_.size());
      return {Tok::kString, {}};
    }
    if (c == '`') {
      size_t end = s_.find('`', i_ + 1);
      if (end == std::string_view::npos) end = s_.size();
      i_ = std::min(end + 1, s_.size());
      return {Tok::kName, s_.substr(start + 1, end - start - 1)};
    }
    if (c == '$') {
      ++i_;
      if (i_ < s_.size() && s_[i_] == '$') {
        ++i_;
        return {Tok::kDollarDollar, {}};
      }
      size_t from = i_;
      while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ == from) return {Tok::kDollar, {}};
      return {Tok::kVar, s_.substr(from, i_ - from)};
    }
    if (c >= '0' && c <= '9') {
      while (i_ < s_.size() &&
             ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E' ||
              ((s_[i_] == '+' || s_[i_] == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E')))) {
        if (s_[i_] == '.' && i_ + 1 < s_.size() && s_[i_ + 1] == '.') break;  // a range "1..5"
        ++i_;
      }
      return {Tok::kNumber, {}};
    }
    if (ident_char(static_cast<unsigned char>(c))) {
      while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_]))) ++i_;
      std::string_view name = s_.substr(start, i_ - start);
      for (std::string_view k : kKeywords)
        if (name == k) return {Tok::kKeyword, name};
      return {Tok::kName, name};
    }
    if (c == '/' && !operand_before) {  // a regular expression literal
      ++i_;
      while (i_ < s_.size() && s_[i_] != '/') i_ += s_[i_] == '\\' ? 2 : 1;
      i_ = std::min(i_ + 1, s_.size());
      while (i_ < s_.size() && ident_char(static_cast<unsigned char>(s_[i_]))) ++i_;
      return {Tok::kString, {}};
    }
    if (c == '(' || c == '[' || c == '{') {
      ++i_;
      return {Tok::kOpen, s_.substr(start, 1)};
    }
    if (c == ')' || c == ']' || c == '}') {
      ++i_;
      return {Tok::kClose, s_.substr(start, 1)};
    }
    static constexpr std::string_view kTwo[] = {":=", "~>", "!=", "<=", ">=", ".."};
    for (std::string_view op : kTwo) {
      if (s_.substr(i_, 2) == op) {
        i_ += 2;
        return {Tok::kOp, op};
      }
    }
    ++i_;
    return {Tok::kOp, s_.substr(start, 1)};
  }

  // The next non-space character, without consuming it (0 at the end).
  char peek() {
    skip_space();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  bool peek_assign() {
    skip_space();
    return s_.substr(i_, 2) == ":=";
  }

 private:
  void skip_space() {
    for (;;) {
      while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
      if (s_.substr(i_, 2) == "/*") {
        size_t end = s_.find("*/", i_ + 2);
        i_ = end == std::string_view::npos ? s_.size() : end + 2;
        continue;
      }
      return;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool ends_operand(const Token& t) {
  switch (t.kind) {
    case Tok::kName:
    case Tok::kVar:
    case Tok::kDollar:
    case Tok::kDollarDollar:
    case Tok::kString:
    case Tok::kNumber:
    case Tok::kClose:
      return true;
    case Tok::kKeyword:
      return t.text == "true" || t.text == "false" || t.text == "null";
    default:
      return false;
  }
}

void add_unique(std::vector<std::string>& v, std::string_view s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

}  // namespace

JsonataRefs scan_jsonata(std::string_view expr) {
  JsonataRefs out;
  Lexer lex(expr);
  // For each open bracket: true when what it holds is read against the top-level context
  // (a block, call arguments, an array or object constructor, a lambda body), false for a
  // path step (predicate, grouping, ".(...)", sort terms).
  std::vector<bool> context_mode;
  std::vector<std::string> locals;
  std::vector<std::string> reads;
  Token prev;
  int lambda_params = 0;          // > 0 while inside function(...) parameters
  bool lambda_body_next = false;  // the '{' after function(...) starts a lambda body
  bool in_signature = false;      // function(...)<...> : a signature, not expressions
  auto in_context = [&] { return context_mode.empty() || context_mode.back(); };
  for (;;) {
    Token t = lex.next(ends_operand(prev));
    if (t.kind == Tok::kEnd) break;
    if (in_signature) {
      if (t.kind == Tok::kOp && t.text == ">") in_signature = false;
      continue;
    }
    if (lambda_body_next && t.kind == Tok::kOp && t.text == "<") {
      in_signature = true;
      continue;
    }
    switch (t.kind) {
      case Tok::kDollarDollar:
        out.uses_dollar_dollar = true;
        break;
      case Tok::kVar: {
        bool after_binder = prev.kind == Tok::kOp && (prev.text == "#" || prev.text == "@");
        if (lambda_params > 0 || after_binder || lex.peek_assign()) {
          add_unique(locals, t.text);
        } else if (t.text == "states") {
          if (lex.peek() == '.') {
            Token dot = lex.next(true);
            Token member = lex.next(false);
            if (member.kind == Tok::kName && member.text == "result") out.uses_result = true;
            if (member.kind == Tok::kName && member.text == "errorOutput") out.uses_error_output = true;
            prev = member;
            (void)dot;
            continue;
          }
        } else if (lex.peek() != '(' &&
                   std::find(std::begin(kBuiltins), std::end(kBuiltins), t.text) == std::end(kBuiltins)) {
          add_unique(reads, t.text);
        }
        break;
      }
      case Tok::kName: {
        bool step = prev.kind == Tok::kOp && prev.text == ".";
        if (!step && in_context() && lambda_params == 0 && lex.peek() != ':')
          add_unique(out.top_level_names, t.text);
        break;
      }
      case Tok::kKeyword:
        break;
      case Tok::kOpen: {
        bool after_operand = ends_operand(prev);
        bool after_step = prev.kind == Tok::kOp && (prev.text == "." || prev.text == "^");
        if (t.text == "(" && prev.kind == Tok::kKeyword &&
            (prev.text == "function" || prev.text == "\xCE\xBB")) {
          ++lambda_params;
          context_mode.push_back(true);
        } else if (t.text == "{" && lambda_body_next) {
          lambda_body_next = false;
          context_mode.push_back(in_context());
        } else if (t.text == "(") {
          context_mode.push_back(after_step ? false : in_context());
        } else {
          context_mode.push_back(after_operand || after_step ? false : in_context());
        }
        break;
      }
      case Tok::kClose:
        if (!context_mode.empty()) context_mode.pop_back();
        if (t.text == ")" && lambda_params > 0) {
          --lambda_params;
          if (lambda_params == 0) lambda_body_next = true;
        }
        break;
      default:
        break;
    }
    if (lambda_body_next && !(t.kind == Tok::kClose && t.text == ")")) lambda_body_next = false;
    prev = t;
  }
  for (const std::string& r : reads)
    if (std::find(locals.begin(), locals.end(), r) == locals.end()) out.variables.push_back(r);
  return out;
}

std::vector<std::string> jsonpath_variables(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') {
      ++i;
      while (i < text.size() && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
      continue;
    }
    if (c != '$') continue;
    if (i + 1 < text.size() && text[i + 1] == '$') {
      ++i;
      continue;
    }
    size_t from = i + 1, end = from;
    while (end < text.size() && ident_char(static_cast<unsigned char>(text[end]))) ++end;
    if (end > from) add_unique(out, text.substr(from, end - from));
    i = end - 1;
  }
  return out;
}

}  // namespace sg::asl
