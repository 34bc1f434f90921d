// Parser for intrinsic calls: "States.Name(arg, ...)" into an intrinsic_detail::Call.
//
// Arguments: 'string literals' (escapes \' \{ \} \\ only), JSON numbers, true/false/null,
// paths ($..., $$..., $var...) that run up to the next top-level ',' or ')', and nested
// calls (at most kMaxNesting deep). Literal arguments are type-checked here; calls whose
// arguments are all constant are folded.
#include <openssl/evp.h>

#include <string>

#include "json/intrinsics_ast.h"
#include "json/parse.h"

namespace sg::json::intrinsic_detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A string literal after unescaping, with the offsets of the unescaped "{}" pairs.
struct Literal {
  std::string text;
  std::vector<size_t> placeholders;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<std::shared_ptr<const Call>> parse_top() {
    auto call = parse_call(1);
    if (!call) return call.error();
    skip_space();
    if (pos_ != s_.size()) return error("unexpected text after the closing parenthesis");
    return std::shared_ptr<const Call>(std::move(call).value());
  }

 private:
  Error error(std::string_view what) const {
    std::string m = "Invalid intrinsic function call '";
    m.append(s_);
    m += "': ";
    m.append(what);
    m += " at position ";
    m += std::to_string(pos_);
    return Error{std::string(kCompileError), std::move(m)};
  }

  void skip_space() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool starts_with(std::string_view p) const { return s_.substr(pos_).starts_with(p); }

  Result<std::shared_ptr<Call>> parse_call(int depth) {
    if (depth > kMaxNesting) return error("more than 10 nested intrinsic functions");
    size_t start = pos_;
    if (!starts_with("States.")) return error("expected an intrinsic function name");
    pos_ += 7;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    std::string_view name = s_.substr(start, pos_ - start);
    const FnSpec* spec = find_spec(name);
    if (!spec) {
      pos_ = start;
      return error("unknown intrinsic function '" + std::string(name) + "'");
    }
    if (pos_ >= s_.size() || s_[pos_] != '(') return error("expected '(' after " + std::string(name));
    ++pos_;
    auto call = std::make_shared<Call>();
    call->spec = spec;
    Literal first_literal;
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == ')') {
      ++pos_;
    } else {
      while (true) {
        skip_space();
        Arg arg;
        Literal lit;
        Status st = parse_arg(depth, arg, lit);
        if (!st) return st.error();
        if (call->args.empty() && arg.from_source) first_literal = std::move(lit);
        if (arg.kind == Arg::Kind::kPath && arg.path.root() == PathRoot::kContext) call->uses_context = true;
        if (arg.kind == Arg::Kind::kCall && arg.call->uses_context) call->uses_context = true;
        call->args.push_back(std::move(arg));
        skip_space();
        if (pos_ >= s_.size()) return error("missing ')'");
        if (s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (s_[pos_] == ')') {
          ++pos_;
          break;
        }
        return error("expected ',' or ')'");
      }
    }
    Status st = check(*call, first_literal);
    if (!st) return st.error();
    try_fold(*call);
    return call;
  }

  // Argument counts, literal types and the precomputed Format/Hash data.
  Status check(Call& call, Literal& first_literal) {
    const FnSpec& sp = *call.spec;
    size_t n = call.args.size();
    std::string name(sp.name);
    if (n < sp.min_args || (sp.max_args != kVariadic && n > sp.max_args)) {
      std::string want;
      if (sp.max_args == kVariadic) {
        want = "at least " + std::to_string(sp.min_args);
      } else if (sp.min_args == sp.max_args) {
        want = std::to_string(sp.min_args);
      } else {
        want = std::to_string(sp.min_args) + " or " + std::to_string(sp.max_args);
      }
      return error(name + " takes " + want + " argument" + (want == "1" ? "" : "s") + " but " +
                   std::to_string(n) + (n == 1 ? " was" : " were") + " given");
    }
    for (size_t i = 0; i < n; ++i) {
      const Arg& a = call.args[i];
      if (a.kind != Arg::Kind::kLiteral || !a.from_source) continue;
      ArgType t = i < 3 ? sp.types[i] : sp.rest;
      if (!type_matches(t, a.literal))
        return error("argument " + std::to_string(i + 1) + " of " + name + " must be " +
                     std::string(arg_type_name(t)) + ", not " + a.literal.dump());
    }
    if (sp.fn == Fn::kFormat && call.args[0].kind == Arg::Kind::kLiteral &&
        call.args[0].literal.is_string()) {
      auto fp = std::make_shared<FormatPieces>();
      if (call.args[0].from_source) {
        const std::string& t = first_literal.text;
        size_t from = 0;
        for (size_t at : first_literal.placeholders) {
          fp->pieces.emplace_back(t.substr(from, at - from));
          from = at + 2;
        }
        fp->pieces.emplace_back(t.substr(from));
      } else {  // a folded nested call: its placeholders are every "{}"
        std::vector<std::string_view> parts;
        split_format(call.args[0].literal.as_string(), parts);
        for (std::string_view part : parts) fp->pieces.emplace_back(part);
      }
      for (const auto& p : fp->pieces) fp->literal_bytes += p.size();
      size_t holes = fp->pieces.size() - 1;
      if (holes != n - 1 && !call.args[0].from_source) return Status::Ok();  // fails when run
      if (holes != n - 1)
        return error("the template of States.Format has " + std::to_string(holes) + " placeholder" +
                     (holes == 1 ? "" : "s") + " but " + std::to_string(n - 1) + " value" +
                     (n - 1 == 1 ? " was" : "s were") + " given");
      call.format = std::move(fp);
    }
    if (sp.fn == Fn::kHash && call.args[1].kind == Arg::Kind::kLiteral && call.args[1].literal.is_string()) {
      std::string_view alg = call.args[1].literal.as_string();
      if (!digest_for(alg) && !call.args[1].from_source) return Status::Ok();  // fails when run
      if (!digest_for(alg))
        return error("unsupported hash algorithm '" + std::string(alg) +
                     "' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)");
      const char* fetch_name = alg == "MD5"       ? "MD5"
                               : alg == "SHA-1"   ? "SHA1"
                               : alg == "SHA-256" ? "SHA256"
                               : alg == "SHA-384" ? "SHA384"
                                                  : "SHA512";
      if (EVP_MD* md = EVP_MD_fetch(nullptr, fetch_name, nullptr)) {
        call.hash_md = md;
        call.hash_md_owner = std::shared_ptr<void>(md, [](void* p) { EVP_MD_free(static_cast<EVP_MD*>(p)); });
      } else {
        call.hash_md = digest_for(alg);
      }
    }
    return Status::Ok();
  }

  Status parse_arg(int depth, Arg& arg, Literal& lit) {
    if (pos_ >= s_.size()) return error("missing argument");
    char c = s_[pos_];
    if (c == '\'') {
      Status st = parse_string(lit);
      if (!st) return st;
      arg.kind = Arg::Kind::kLiteral;
      arg.from_source = true;
      arg.literal = Value::string(lit.text);
      return Status::Ok();
    }
    if (c == '$') return parse_path(arg);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(arg);
    if (starts_with("States.")) {
      auto call = parse_call(depth + 1);
      if (!call) return call.error();
      std::shared_ptr<Call> cp = std::move(call).value();
      if (cp->is_folded) {
        arg.kind = Arg::Kind::kLiteral;
        arg.literal = cp->folded;
      } else {
        arg.kind = Arg::Kind::kCall;
      }
      arg.call = std::move(cp);
      return Status::Ok();
    }
    for (auto [word, value] : {std::pair{std::string_view("true"), Value::boolean(true)},
                               std::pair{std::string_view("false"), Value::boolean(false)},
                               std::pair{std::string_view("null"), Value()}}) {
      if (starts_with(word)) {
        size_t end = pos_ + word.size();
        if (end < s_.size() && is_name_char(s_[end])) break;
        pos_ = end;
        arg.kind = Arg::Kind::kLiteral;
        arg.from_source = true;
        arg.literal = value;
        return Status::Ok();
      }
    }
    return error("invalid argument");
  }

  Status parse_string(Literal& lit) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return error("unterminated string literal");
      char c = s_[pos_];
      if (c == '\'') {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) return error("open escape sequence in string literal");
        char e = s_[pos_ + 1];
        if (e != '\'' && e != '{' && e != '}' && e != '\\')
          return error("invalid escape sequence '\\" + std::string(1, e) + "' in string literal");
        lit.text += e;
        pos_ += 2;
        continue;
      }
      if (c == '{' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '}') {
        lit.placeholders.push_back(lit.text.size());
        lit.text += "{}";
        pos_ += 2;
        continue;
      }
      lit.text += c;
      ++pos_;
    }
  }

  Status parse_number(Arg& arg) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > d;
    };
    if (!digits()) return error("invalid number");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return error("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return error("invalid number");
    }
    auto v = parse_json(s_.substr(start, pos_ - start));
    if (!v) {
      pos_ = start;
      return error("invalid number");
    }
    arg.kind = Arg::Kind::kLiteral;
    arg.from_source = true;
    arg.literal = std::move(v).value();
    return Status::Ok();
  }

  // A path runs to the next ',' or ')' outside brackets, parentheses and quotes.
  Status parse_path(Arg& arg) {
    size_t start = pos_;
    int depth = 0;
    char quote = 0;
    for (; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (quote) {
        if (c == '\\' && pos_ + 1 < s_.size()) {
          ++pos_;
          continue;
        }
        if (c == quote) quote = 0;
        continue;
      }
      if (depth > 0 && (c == '\'' || c == '"')) {
        quote = c;
        continue;
      }
      if (c == '[' || c == '(') {
        ++depth;
        continue;
      }
      if ((c == ']' || c == ')') && depth > 0) {
        --depth;
        continue;
      }
      if (depth == 0 && (c == ',' || c == ')')) break;
    }
    if (quote || depth > 0) {
      pos_ = start;
      return error("unterminated path argument");
    }
    std::string_view text = s_.substr(start, pos_ - start);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    auto p = JsonPath::compile(text);
    if (!p) {
      size_t end = pos_;
      pos_ = start;
      Error e = error("invalid path '" + std::string(text) + "': " + p.error().message);
      pos_ = end;
      return e;
    }
    arg.kind = Arg::Kind::kPath;
    arg.path = std::move(p).value();
    return Status::Ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::shared_ptr<const Call>> parse_call(std::string_view text) { return Parser(text).parse_top(); }

}  // namespace sg::json::intrinsic_detail
