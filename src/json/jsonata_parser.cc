// Tokenizer, Pratt parser and post-parse stage of JSONata, following the reference
// (jsonata-js parser.js) so that the same texts are accepted, the same trees come out and
// the same errors are reported at the same positions. Recursion is bounded by
// ParseOptions::max_depth.
#include "json/jsonata_parser.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "json/jsonata_functions.h"
#include "json/jsonata_internal.h"
#include "json/jsonata_regex.h"
#include "json/utf8.h"

namespace sg::json::jsonata {

namespace {

struct ParseFailure {};  // unwinds the parser; the error is in Parser::error_

enum class TokType { kOperator, kName, kVariable, kString, kNumber, kValue, kRegex, kEnd };

struct Token {
  TokType type = TokType::kEnd;
  std::string value;  // operator, name, string
  double number = 0;
  JValue literal;  // kValue: true/false/null
  std::shared_ptr<const Regex> regex;
  int64_t position = 0;
};

bool is_operator_char(char c) {
  switch (c) {
    case '.':
    case '[':
    case ']':
    case '{':
    case '}':
    case '(':
    case ')':
    case ',':
    case '@':
    case '#':
    case ';':
    case ':':
    case '?':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '|':
    case '=':
    case '<':
    case '>':
    case '^':
    case '&':
    case '!':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options, Arena* arena)
      : src_(text), options_(options), arena_(arena) {
    char probe = 0;
    stack_base_ = reinterpret_cast<uintptr_t>(&probe);
    stack_budget_ = thread_stack_budget(stack_base_);
  }

  Node* run(Error* error) {
    try {
      advance("", false);
      Node* expr = expression(0);
      if (cur_id_ != "(end)") fail("S0201", cur_.position, cur_.value);
      expr = process(expr);
      if (expr->type == NodeType::kParent || expr->seeking_parent)
        fail("S0217", expr->position, type_name(expr));
      return expr;
    } catch (const ParseFailure&) {
      *error = error_;
      return nullptr;
    }
  }

 private:
  // ---- errors -----------------------------------------------------------------------------
  [[noreturn]] void fail(std::string_view code, int64_t position, std::string token = {},
                         JValue value = JValue()) {
    error_ = make_error(code, {.token = token, .value = value});
    error_.position = position;
    error_.token = std::move(token);
    throw ParseFailure{};
  }

  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p_(p) {
      char probe = 0;
      uintptr_t here = reinterpret_cast<uintptr_t>(&probe);
      bool stack_low = p_->stack_base_ > here && p_->stack_base_ - here > p_->stack_budget_;
      if (++p_->depth_ > p_->options_.max_depth || stack_low) {
        p_->error_ = make_error("U1001");
        p_->error_.message = "Expression nested too deeply";
        p_->error_.position = static_cast<int64_t>(p_->pos_);
        throw ParseFailure{};
      }
    }
    ~DepthGuard() { --p_->depth_; }
    Parser* p_;
  };

  // ---- tokenizer ----------------------------------------------------------------------------
  char at(size_t i) const { return i < src_.size() ? src_[i] : '\0'; }

  std::shared_ptr<const Regex> scan_regex() {
    size_t start = pos_;
    int depth = 0;
    auto is_closing_slash = [&](size_t p) {
      if (src_[p] == '/' && depth == 0) {
        size_t backslashes = 0;
        while (p >= backslashes + 1 && src_[p - (backslashes + 1)] == '\\') ++backslashes;
        return backslashes % 2 == 0;
      }
      return false;
    };
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (is_closing_slash(pos_)) {
        std::string_view pattern = src_.substr(start, pos_ - start);
        if (pattern.empty()) fail("S0301", static_cast<int64_t>(pos_));
        ++pos_;
        size_t flags_start = pos_;
        while (pos_ < src_.size() && (src_[pos_] == 'i' || src_[pos_] == 'm')) ++pos_;
        std::string_view flags = src_.substr(flags_start, pos_ - flags_start);
        std::string message;
        auto re = compile_regex(pattern, flags, &message);
        if (!re) {
          error_ = make_error("S0303", {.message = message});
          error_.position = static_cast<int64_t>(pos_);
          error_.token = std::string(pattern);
          throw ParseFailure{};
        }
        return re;
      }
      if ((c == '(' || c == '[' || c == '{') && (pos_ == 0 || src_[pos_ - 1] != '\\')) ++depth;
      if ((c == ')' || c == ']' || c == '}') && (pos_ == 0 || src_[pos_ - 1] != '\\')) --depth;
      ++pos_;
    }
    fail("S0302", static_cast<int64_t>(pos_));
  }

  // Reads the next token; `infix`: the previous token ended an operand, so '/' divides.
  bool next_token(bool infix, Token* t) {
    for (;;) {
      while (pos_ < src_.size() && is_space(src_[pos_])) ++pos_;
      if (at(pos_) == '/' && at(pos_ + 1) == '*') {
        size_t comment_start = pos_;
        pos_ += 2;
        while (!(at(pos_) == '*' && at(pos_ + 1) == '/')) {
          ++pos_;
          if (pos_ >= src_.size()) fail("S0106", static_cast<int64_t>(comment_start));
        }
        pos_ += 2;
        continue;
      }
      break;
    }
    if (pos_ >= src_.size()) return false;
    *t = Token();
    char c = src_[pos_];
    auto make_op = [&](size_t len) {
      t->type = TokType::kOperator;
      t->value = std::string(src_.substr(pos_, len));
      pos_ += len;
      t->position = static_cast<int64_t>(pos_);
      return true;
    };
    if (!infix && c == '/') {
      ++pos_;
      t->type = TokType::kRegex;
      t->regex = scan_regex();
      t->value = "/";
      t->position = static_cast<int64_t>(pos_);
      return true;
    }
    char d = at(pos_ + 1);
    if (c == '.' && d == '.') return make_op(2);
    if (c == ':' && d == '=') return make_op(2);
    if (c == '!' && d == '=') return make_op(2);
    if (c == '>' && d == '=') return make_op(2);
    if (c == '<' && d == '=') return make_op(2);
    if (c == '*' && d == '*') return make_op(2);
    if (c == '~' && d == '>') return make_op(2);
    if (options_.coalescing_operators && c == '?' && (d == ':' || d == '?')) return make_op(2);
    if (is_operator_char(c)) return make_op(1);
    if (c == '"' || c == '\'') {
      char quote = c;
      ++pos_;
      std::string s;
      while (pos_ < src_.size()) {
        char ch = src_[pos_];
        if (ch == '\\') {
          ++pos_;
          char e = at(pos_);
          switch (e) {
            case '"':
              s.push_back('"');
              break;
            case '\\':
              s.push_back('\\');
              break;
            case '/':
              s.push_back('/');
              break;
            case 'b':
              s.push_back('\b');
              break;
            case 'f':
              s.push_back('\f');
              break;
            case 'n':
              s.push_back('\n');
              break;
            case 'r':
              s.push_back('\r');
              break;
            case 't':
              s.push_back('\t');
              break;
            case 'u': {
              uint32_t unit = 0;
              if (!read_hex4(pos_ + 1, &unit)) fail("S0104", static_cast<int64_t>(pos_));
              pos_ += 4;
              if (unit >= 0xD800 && unit <= 0xDBFF && at(pos_ + 1) == '\\' && at(pos_ + 2) == 'u') {
                uint32_t low = 0;
                if (read_hex4(pos_ + 3, &low) && low >= 0xDC00 && low <= 0xDFFF) {
                  pos_ += 6;
                  unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                }
              }
              if (unit >= 0xD800 && unit <= 0xDFFF) unit = 0xFFFD;  // lone surrogate
              utf8_append(unit, s);
              break;
            }
            default:
              fail("S0103", static_cast<int64_t>(pos_), std::string(1, e));
          }
        } else if (ch == quote) {
          ++pos_;
          t->type = TokType::kString;
          t->value = std::move(s);
          t->position = static_cast<int64_t>(pos_);
          return true;
        } else {
          s.push_back(ch);
        }
        ++pos_;
      }
      fail("S0101", static_cast<int64_t>(pos_));
    }
    // Numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?  ('-' was taken as an operator)
    if (c >= '0' && c <= '9') {
      size_t p = pos_;
      if (src_[p] == '0') {
        ++p;
      } else {
        while (p < src_.size() && src_[p] >= '0' && src_[p] <= '9') ++p;
      }
      if (at(p) == '.' && at(p + 1) >= '0' && at(p + 1) <= '9') {
        ++p;
        while (p < src_.size() && src_[p] >= '0' && src_[p] <= '9') ++p;
      }
      if (at(p) == 'e' || at(p) == 'E') {
        size_t q = p + 1;
        if (at(q) == '+' || at(q) == '-') ++q;
        if (at(q) >= '0' && at(q) <= '9') {
          while (q < src_.size() && src_[q] >= '0' && src_[q] <= '9') ++q;
          p = q;
        }
      }
      std::string text(src_.substr(pos_, p - pos_));
      double num = std::strtod(text.c_str(), nullptr);
      if (!std::isfinite(num)) fail("S0102", static_cast<int64_t>(pos_), text);
      pos_ = p;
      t->type = TokType::kNumber;
      t->number = num;
      t->position = static_cast<int64_t>(pos_);
      return true;
    }
    if (c == '`') {
      ++pos_;
      size_t end = src_.find('`', pos_);
      if (end != std::string_view::npos) {
        t->type = TokType::kName;
        t->value = std::string(src_.substr(pos_, end - pos_));
        pos_ = end + 1;
        t->position = static_cast<int64_t>(pos_);
        return true;
      }
      pos_ = src_.size();
      fail("S0105", static_cast<int64_t>(pos_));
    }
    size_t i = pos_;
    while (i < src_.size() && !is_space(src_[i]) && !is_operator_char(src_[i])) ++i;
    if (src_[pos_] == '$') {
      t->type = TokType::kVariable;
      t->value = std::string(src_.substr(pos_ + 1, i - pos_ - 1));
      pos_ = i;
      t->position = static_cast<int64_t>(pos_);
      return true;
    }
    std::string name(src_.substr(pos_, i - pos_));
    pos_ = i;
    t->position = static_cast<int64_t>(pos_);
    if (name == "or" || name == "in" || name == "and") {
      t->type = TokType::kOperator;
      t->value = std::move(name);
    } else if (name == "true" || name == "false") {
      t->type = TokType::kValue;
      t->value = name;
      t->literal = JValue::boolean(name == "true");
    } else if (name == "null") {
      t->type = TokType::kValue;
      t->value = name;
      t->literal = JValue::null();
    } else {
      t->type = TokType::kName;
      t->value = std::move(name);
    }
    return true;
  }

  bool read_hex4(size_t from, uint32_t* out) const {
    if (from + 4 > src_.size()) return false;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int h = hex_value(src_[from + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  }

  // ---- Pratt parser -----------------------------------------------------------------------
  int lbp(const std::string& id) const {
    static const std::unordered_map<std::string, int> kBp = {
        {".", 75},   {"[", 80},  {"{", 70},  {"(", 80},  {"@", 80},  {"#", 80},  {"?", 20},
        {"+", 50},   {"-", 50},  {"*", 60},  {"/", 60},  {"%", 60},  {"=", 40},  {"<", 40},
        {">", 40},   {"^", 40},  {":=", 10}, {"!=", 40}, {"<=", 40}, {">=", 40}, {"~>", 40},
        {"and", 30}, {"or", 25}, {"in", 40}, {"&", 50},  {"?:", 40}, {"??", 40}};
    auto it = kBp.find(id);
    return it == kBp.end() ? 0 : it->second;
  }

  static bool known_operator(const std::string& op) {
    static const char* kOps[] = {".",  "[",  "]",  "{",  "}",  "(",  ")",   ",",  "@",  "#", ";",  ":",
                                 "?",  "+",  "-",  "*",  "/",  "%",  "|",   "=",  "<",  ">", "^",  "**",
                                 "..", ":=", "!=", "<=", ">=", "~>", "and", "or", "in", "&", "?:", "??"};
    for (const char* o : kOps)
      if (op == o) return true;
    return false;
  }

  // Moves to the next token (checking that the current one is `id` when given).
  void advance(std::string_view id, bool infix) {
    if (!id.empty() && cur_id_ != id) {
      fail(cur_id_ == "(end)" ? "S0203" : "S0202", cur_.position, cur_.value, JValue::string(id));
    }
    Token t;
    if (!next_token(infix, &t)) {
      cur_ = Token();
      cur_.type = TokType::kEnd;
      cur_.position = static_cast<int64_t>(src_.size());
      cur_.value = "(end)";
      cur_id_ = "(end)";
      return;
    }
    switch (t.type) {
      case TokType::kName:
      case TokType::kVariable:
        cur_id_ = "(name)";
        break;
      case TokType::kOperator:
        if (!known_operator(t.value)) fail("S0204", t.position, t.value);
        cur_id_ = t.value;
        break;
      case TokType::kString:
      case TokType::kNumber:
      case TokType::kValue:
        cur_id_ = "(literal)";
        break;
      case TokType::kRegex:
        cur_id_ = "(regex)";
        break;
      case TokType::kEnd:
        break;
    }
    cur_ = std::move(t);
  }

  // A node for the current token.
  Node* token_node(const Token& t) {
    Node* n = arena_->make(NodeType::kEnd, t.position);
    n->value = t.value;
    switch (t.type) {
      case TokType::kOperator:
        n->type = NodeType::kOperator;
        break;
      case TokType::kName:
        n->type = NodeType::kName;
        break;
      case TokType::kVariable:
        n->type = NodeType::kVariable;
        break;
      case TokType::kString:
        n->type = NodeType::kString;
        n->literal = JValue::string(t.value);
        break;
      case TokType::kNumber:
        n->type = NodeType::kNumber;
        n->literal = JValue::number(t.number);
        n->value = js_number_to_string(t.number);
        break;
      case TokType::kValue:
        n->type = NodeType::kValue;
        n->literal = t.literal;
        break;
      case TokType::kRegex:
        n->type = NodeType::kRegex;
        n->regex = t.regex;
        break;
      case TokType::kEnd:
        n->type = NodeType::kEnd;
        n->value = "(end)";
        break;
    }
    return n;
  }

  Node* expression(int rbp) {
    DepthGuard guard(this);
    Token t = cur_;
    std::string t_id = cur_id_;
    advance("", true);
    Node* left = nud(t, t_id);
    while (rbp < lbp(cur_id_)) {
      t = cur_;
      t_id = cur_id_;
      advance("", false);
      left = led(t, t_id, left);
    }
    return left;
  }

  Node* nud(const Token& t, const std::string& id) {
    Node* self = token_node(t);
    if (id == "(name)" || id == "(literal)" || id == "(regex)" || id == "(end)" || id == "and" ||
        id == "or" || id == "in")
      return self;
    if (id == "-") {
      self->type = NodeType::kUnary;
      self->expression = expression(70);
      return self;
    }
    if (id == "*") {
      self->type = NodeType::kWildcard;
      return self;
    }
    if (id == "**") {
      self->type = NodeType::kDescendant;
      return self;
    }
    if (id == "%") {
      self->type = NodeType::kParent;
      return self;
    }
    if (id == "(") {
      while (cur_id_ != ")") {
        self->expressions.push_back(expression(0));
        if (cur_id_ != ";") break;
        advance(";", false);
      }
      advance(")", true);
      self->type = NodeType::kBlock;
      return self;
    }
    if (id == "[") {
      if (cur_id_ != "]") {
        for (;;) {
          Node* item = expression(0);
          if (cur_id_ == "..") {
            Node* range = arena_->make(NodeType::kBinary, cur_.position);
            range->value = "..";
            range->lhs = item;
            advance("..", false);
            range->rhs = expression(0);
            item = range;
          }
          self->expressions.push_back(item);
          if (cur_id_ != ",") break;
          advance(",", false);
        }
      }
      advance("]", true);
      self->type = NodeType::kUnary;
      return self;
    }
    if (id == "{") {
      parse_pairs(self);
      self->type = NodeType::kUnary;
      return self;
    }
    if (id == "|") {
      self->type = NodeType::kTransform;
      self->pattern = expression(0);
      advance("|", false);
      self->update = expression(0);
      if (cur_id_ == ",") {
        advance(",", false);
        self->deletion = expression(0);
      }
      advance("|", false);
      return self;
    }
    fail("S0211", t.position, t.value);
  }

  void parse_pairs(Node* self) {
    if (cur_id_ != "}") {
      for (;;) {
        Node* k = expression(0);
        advance(":", false);
        Node* v = expression(0);
        self->pairs.emplace_back(k, v);
        if (cur_id_ != ",") break;
        advance(",", false);
      }
    }
    advance("}", true);
  }

  Node* led(const Token& t, const std::string& id, Node* left) {
    Node* self = token_node(t);
    if (id == "(") {
      self->procedure = left;
      self->type = NodeType::kFunction;
      if (cur_id_ != ")") {
        for (;;) {
          if (cur_.type == TokType::kOperator && cur_id_ == "?") {
            self->type = NodeType::kPartial;
            self->arguments.push_back(token_node(cur_));
            advance("?", false);
          } else {
            self->arguments.push_back(expression(0));
          }
          if (cur_id_ != ",") break;
          advance(",", false);
        }
      }
      advance(")", true);
      if (left->type == NodeType::kName && (left->value == "function" || left->value == "\u03BB")) {
        for (size_t i = 0; i < self->arguments.size(); ++i) {
          Node* arg = self->arguments[i];
          if (arg->type != NodeType::kVariable)
            fail("S0208", arg->position, arg->value, JValue::number(static_cast<double>(i + 1)));
          self->params.push_back(arg->value);
        }
        self->arguments.clear();
        self->type = NodeType::kLambda;
        if (cur_id_ == "<") {
          int64_t sig_pos = cur_.position;
          int depth = 1;
          std::string sig = "<";
          while (depth > 0 && cur_id_ != "{" && cur_id_ != "(end)") {
            advance("", false);
            if (cur_id_ == ">")
              --depth;
            else if (cur_id_ == "<")
              ++depth;
            sig += cur_.type == TokType::kNumber ? js_number_to_string(cur_.number) : cur_.value;
          }
          advance(">", false);
          auto signature = std::make_shared<Signature>();
          Error sig_error;
          if (!Signature::parse(sig, signature.get(), &sig_error)) {
            sig_error.position += sig_pos;
            error_ = sig_error;
            throw ParseFailure{};
          }
          self->signature = std::move(signature);
        }
        advance("{", false);
        self->body = expression(0);
        advance("}", false);
      }
      return self;
    }
    if (id == "[") {
      if (cur_id_ == "]") {
        Node* step = left;
        while (step && step->type == NodeType::kBinary && step->value == "[") step = step->lhs;
        step->keep_array = true;
        advance("]", false);
        return left;
      }
      self->type = NodeType::kBinary;
      self->lhs = left;
      self->rhs = expression(0);
      advance("]", true);
      return self;
    }
    if (id == "^") {
      advance("(", false);
      for (;;) {
        SortTerm term;
        if (cur_id_ == "<") {
          advance("<", false);
        } else if (cur_id_ == ">") {
          term.descending = true;
          advance(">", false);
        }
        term.expression = expression(0);
        self->terms.push_back(term);
        if (cur_id_ != ",") break;
        advance(",", false);
      }
      advance(")", false);
      self->type = NodeType::kBinary;
      self->lhs = left;
      return self;
    }
    if (id == "{") {
      parse_pairs(self);
      self->type = NodeType::kBinary;
      self->lhs = left;
      return self;
    }
    if (id == ":=") {
      if (left->type != NodeType::kVariable) fail("S0212", left->position, left->value);
      self->type = NodeType::kBinary;
      self->lhs = left;
      self->rhs = expression(lbp(":=") - 1);
      return self;
    }
    if (id == "@" || id == "#") {
      self->type = NodeType::kBinary;
      self->lhs = left;
      self->rhs = expression(lbp(id));
      if (self->rhs->type != NodeType::kVariable) fail("S0214", self->rhs->position, id);
      return self;
    }
    if (id == "?") {
      self->type = NodeType::kCondition;
      self->condition = left;
      self->then_branch = expression(0);
      if (cur_id_ == ":") {
        advance(":", false);
        self->else_branch = expression(0);
      }
      return self;
    }
    if (id == "?:") {
      // a ?: b is a ? a : b (jsonata 2.1)
      self->type = NodeType::kBinary;
      self->op = BinOp::kElvis;
      self->lhs = left;
      self->rhs = expression(0);
      return self;
    }
    if (id == "??") {
      // a ?? b is $exists(a) ? a : b (jsonata 2.1)
      self->type = NodeType::kBinary;
      self->op = BinOp::kCoalesce;
      self->lhs = left;
      self->rhs = expression(0);
      return self;
    }
    // The plain left-associative binary operators.
    self->type = NodeType::kBinary;
    self->lhs = left;
    self->rhs = expression(lbp(id));
    return self;
  }

  // ---- post-parse stage (the reference's processAST) -------------------------------------
  static std::string type_name(const Node* n) {
    switch (n->type) {
      case NodeType::kBinary:
        return "binary";
      case NodeType::kUnary:
        return "unary";
      case NodeType::kName:
        return "name";
      case NodeType::kVariable:
        return "variable";
      case NodeType::kString:
        return "string";
      case NodeType::kNumber:
        return "number";
      case NodeType::kValue:
        return "value";
      case NodeType::kRegex:
        return "regex";
      case NodeType::kWildcard:
        return "wildcard";
      case NodeType::kDescendant:
        return "descendant";
      case NodeType::kParent:
        return "parent";
      case NodeType::kCondition:
        return "condition";
      case NodeType::kBlock:
        return "block";
      case NodeType::kFunction:
        return "function";
      case NodeType::kPartial:
        return "partial";
      case NodeType::kLambda:
        return "lambda";
      case NodeType::kTransform:
        return "transform";
      case NodeType::kOperator:
        return "operator";
      case NodeType::kEnd:
        return "(end)";
      case NodeType::kPath:
        return "path";
      case NodeType::kBind:
        return "bind";
      case NodeType::kApply:
        return "apply";
      case NodeType::kSort:
        return "sort";
    }
    return "";
  }

  static void push_ancestry(Node* result, const Node* value) {
    if (!value->seeking_parent && value->type != NodeType::kParent) return;
    std::vector<std::shared_ptr<Slot>> slots;
    if (value->seeking_parent) slots = *value->seeking_parent;
    if (value->type == NodeType::kParent) slots.push_back(value->slot);
    if (!result->seeking_parent) {
      result->seeking_parent = std::move(slots);
    } else {
      result->seeking_parent->insert(result->seeking_parent->end(), slots.begin(), slots.end());
    }
  }

  std::shared_ptr<Slot> seek_parent(Node* node, std::shared_ptr<Slot> slot) {
    switch (node->type) {
      case NodeType::kName:
      case NodeType::kWildcard:
        slot->level--;
        if (slot->level == 0) {
          if (!node->ancestor) {
            node->ancestor = slot;
          } else {
            ancestry_[static_cast<size_t>(slot->index)]->label = node->ancestor->label;
            node->ancestor = slot;
          }
          node->tuple = true;
        }
        break;
      case NodeType::kParent:
        slot->level++;
        break;
      case NodeType::kBlock:
        if (!node->expressions.empty()) {
          node->tuple = true;
          slot = seek_parent(node->expressions.back(), slot);
        }
        break;
      case NodeType::kPath: {
        node->tuple = true;
        ptrdiff_t index = static_cast<ptrdiff_t>(node->steps.size()) - 1;
        slot = seek_parent(node->steps[static_cast<size_t>(index--)], slot);
        while (slot->level > 0 && index >= 0)
          slot = seek_parent(node->steps[static_cast<size_t>(index--)], slot);
        break;
      }
      default:
        fail("S0217", node->position, type_name(node));
    }
    return slot;
  }

  void resolve_ancestry(Node* path) {
    Node* last = path->steps.back();
    std::vector<std::shared_ptr<Slot>> slots;
    if (last->seeking_parent) slots = *last->seeking_parent;
    if (last->type == NodeType::kParent) slots.push_back(last->slot);
    for (std::shared_ptr<Slot> slot : slots) {
      ptrdiff_t index = static_cast<ptrdiff_t>(path->steps.size()) - 2;
      while (slot->level > 0) {
        if (index < 0) {
          if (!path->seeking_parent) path->seeking_parent.emplace();
          path->seeking_parent->push_back(slot);
          break;
        }
        Node* step = path->steps[static_cast<size_t>(index--)];
        while (index >= 0 && step->focus && path->steps[static_cast<size_t>(index)]->focus)
          step = path->steps[static_cast<size_t>(index--)];
        slot = seek_parent(step, slot);
      }
    }
  }

  Node* tail_call_optimize(Node* expr) {
    if (expr->type == NodeType::kFunction && expr->predicate.empty()) {
      Node* thunk = arena_->make(NodeType::kLambda, expr->position);
      thunk->thunk = true;
      thunk->body = expr;
      return thunk;
    }
    if (expr->type == NodeType::kCondition) {
      expr->then_branch = tail_call_optimize(expr->then_branch);
      if (expr->else_branch) expr->else_branch = tail_call_optimize(expr->else_branch);
    } else if (expr->type == NodeType::kBlock && !expr->expressions.empty()) {
      expr->expressions.back() = tail_call_optimize(expr->expressions.back());
    }
    return expr;
  }

  static BinOp binop_of(std::string_view v) {
    if (v == "+") return BinOp::kAdd;
    if (v == "-") return BinOp::kSub;
    if (v == "*") return BinOp::kMul;
    if (v == "/") return BinOp::kDiv;
    if (v == "%") return BinOp::kMod;
    if (v == "=") return BinOp::kEq;
    if (v == "!=") return BinOp::kNe;
    if (v == "<") return BinOp::kLt;
    if (v == "<=") return BinOp::kLe;
    if (v == ">") return BinOp::kGt;
    if (v == ">=") return BinOp::kGe;
    if (v == "&") return BinOp::kConcat;
    if (v == "and") return BinOp::kAnd;
    if (v == "or") return BinOp::kOr;
    if (v == "in") return BinOp::kIn;
    if (v == "..") return BinOp::kRange;
    return BinOp::kNone;
  }

  Node* make_path(Node* step) {
    Node* p = arena_->make(NodeType::kPath, step->position);
    p->steps.push_back(step);
    return p;
  }

  Node* process(Node* expr) {
    DepthGuard guard(this);
    Node* result = nullptr;
    switch (expr->type) {
      case NodeType::kBinary: {
        if (expr->op == BinOp::kElvis || expr->op == BinOp::kCoalesce) {
          result = expr;
          result->lhs = process(expr->lhs);
          result->rhs = process(expr->rhs);
          push_ancestry(result, result->lhs);
          push_ancestry(result, result->rhs);
          break;
        }
        const std::string& v = expr->value;
        if (v == ".") {
          Node* lstep = process(expr->lhs);
          if (lstep->type == NodeType::kPath) {
            result = lstep;
          } else {
            result = make_path(lstep);
          }
          if (lstep->type == NodeType::kParent)
            result->seeking_parent = std::vector<std::shared_ptr<Slot>>{lstep->slot};
          Node* rest = process(expr->rhs);
          if (rest->type == NodeType::kPath) {
            result->steps.insert(result->steps.end(), rest->steps.begin(), rest->steps.end());
          } else {
            if (!rest->predicate.empty()) {
              rest->stages = std::move(rest->predicate);
              rest->predicate.clear();
            }
            result->steps.push_back(rest);
          }
          for (Node* step : result->steps) {
            if (step->type == NodeType::kNumber || step->type == NodeType::kValue)
              fail("S0213", step->position, {}, step->literal);
            if (step->type == NodeType::kString) step->type = NodeType::kName;
          }
          for (Node* step : result->steps)
            if (step->keep_array) result->keep_singleton_array = true;
          Node* first = result->steps.front();
          if (first->type == NodeType::kUnary && first->value == "[") first->consarray = true;
          Node* last = result->steps.back();
          if (last->type == NodeType::kUnary && last->value == "[") last->consarray = true;
          resolve_ancestry(result);
        } else if (v == "[") {
          result = process(expr->lhs);
          Node* step = result;
          bool stages = false;
          if (result->type == NodeType::kPath) {
            step = result->steps.back();
            stages = true;
          }
          if (step->group) fail("S0209", expr->position);
          Node* predicate = process(expr->rhs);
          if (predicate->seeking_parent) {
            for (auto& slot : *predicate->seeking_parent) {
              if (slot->level == 1)
                seek_parent(step, slot);
              else
                slot->level--;
            }
            push_ancestry(step, predicate);
          }
          Stage stage;
          stage.type = Stage::kFilter;
          stage.expr = predicate;
          stage.position = expr->position;
          (stages ? step->stages : step->predicate).push_back(stage);
        } else if (v == "{") {
          result = process(expr->lhs);
          if (result->group) fail("S0210", expr->position);
          auto group = std::make_unique<GroupSpec>();
          group->position = expr->position;
          for (auto& [k, val] : expr->pairs) group->pairs.emplace_back(process(k), process(val));
          result->group = std::move(group);
        } else if (v == "^") {
          result = process(expr->lhs);
          if (result->type != NodeType::kPath) result = make_path(result);
          Node* sort = arena_->make(NodeType::kSort, expr->position);
          for (const SortTerm& term : expr->terms) {
            SortTerm t;
            t.descending = term.descending;
            t.expression = process(term.expression);
            push_ancestry(sort, t.expression);
            sort->terms.push_back(t);
          }
          result->steps.push_back(sort);
          resolve_ancestry(result);
        } else if (v == ":=") {
          result = arena_->make(NodeType::kBind, expr->position);
          result->value = expr->value;
          result->lhs = process(expr->lhs);
          result->rhs = process(expr->rhs);
          push_ancestry(result, result->rhs);
        } else if (v == "@") {
          result = process(expr->lhs);
          Node* step = result;
          if (result->type == NodeType::kPath) step = result->steps.back();
          if (!step->stages.empty() || !step->predicate.empty()) fail("S0215", expr->position);
          if (step->type == NodeType::kSort) fail("S0216", expr->position);
          if (expr->keep_array) step->keep_array = true;
          step->focus = expr->rhs->value;
          step->tuple = true;
        } else if (v == "#") {
          result = process(expr->lhs);
          Node* step = result;
          if (result->type == NodeType::kPath) {
            step = result->steps.back();
          } else {
            result = make_path(result);
            if (!step->predicate.empty()) {
              step->stages = std::move(step->predicate);
              step->predicate.clear();
            }
          }
          if (step->stages.empty()) {
            step->index = expr->rhs->value;
          } else {
            Stage stage;
            stage.type = Stage::kIndex;
            stage.variable = expr->rhs->value;
            stage.position = expr->position;
            step->stages.push_back(stage);
          }
          step->tuple = true;
        } else if (v == "~>") {
          result = arena_->make(NodeType::kApply, expr->position);
          result->value = expr->value;
          result->lhs = process(expr->lhs);
          result->rhs = process(expr->rhs);
          result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
        } else {
          result = expr;
          result->op = binop_of(v);
          result->lhs = process(expr->lhs);
          result->rhs = process(expr->rhs);
          push_ancestry(result, result->lhs);
          push_ancestry(result, result->rhs);
        }
        break;
      }
      case NodeType::kUnary: {
        result = expr;
        if (expr->value == "[") {
          for (Node*& item : expr->expressions) {
            item = process(item);
            push_ancestry(result, item);
          }
        } else if (expr->value == "{") {
          for (auto& [k, val] : expr->pairs) {
            k = process(k);
            push_ancestry(result, k);
            val = process(val);
            push_ancestry(result, val);
          }
        } else {
          Node* operand = process(expr->expression);
          if (expr->value == "-" && operand->type == NodeType::kNumber) {
            result = operand;
            result->literal = JValue::number(-operand->literal.as_number());
            result->value = js_number_to_string(result->literal.as_number());
          } else {
            result->expression = operand;
            push_ancestry(result, operand);
          }
        }
        break;
      }
      case NodeType::kFunction:
      case NodeType::kPartial: {
        result = expr;
        for (Node*& arg : expr->arguments) {
          arg = process(arg);
          push_ancestry(result, arg);
        }
        result->procedure = process(expr->procedure);
        break;
      }
      case NodeType::kLambda: {
        result = expr;
        result->body = tail_call_optimize(process(expr->body));
        break;
      }
      case NodeType::kCondition: {
        result = expr;
        result->condition = process(expr->condition);
        push_ancestry(result, result->condition);
        result->then_branch = process(expr->then_branch);
        push_ancestry(result, result->then_branch);
        if (expr->else_branch) {
          result->else_branch = process(expr->else_branch);
          push_ancestry(result, result->else_branch);
        }
        break;
      }
      case NodeType::kTransform: {
        result = expr;
        result->pattern = process(expr->pattern);
        result->update = process(expr->update);
        if (expr->deletion) result->deletion = process(expr->deletion);
        break;
      }
      case NodeType::kBlock: {
        result = expr;
        for (Node*& part : expr->expressions) {
          part = process(part);
          push_ancestry(result, part);
          if (part->consarray || (part->type == NodeType::kPath && part->steps.front()->consarray))
            result->consarray = true;
        }
        break;
      }
      case NodeType::kName: {
        result = make_path(expr);
        if (expr->keep_array) result->keep_singleton_array = true;
        break;
      }
      case NodeType::kParent: {
        result = expr;
        auto slot = std::make_shared<Slot>();
        slot->label = "!" + std::to_string(ancestor_label_++);
        slot->level = 1;
        slot->index = ancestor_index_++;
        result->slot = slot;
        ancestry_.push_back(slot);
        break;
      }
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kValue:
      case NodeType::kWildcard:
      case NodeType::kDescendant:
      case NodeType::kVariable:
      case NodeType::kRegex:
        result = expr;
        break;
      case NodeType::kOperator:
        if (expr->value == "and" || expr->value == "or" || expr->value == "in") {
          expr->type = NodeType::kName;
          result = process(expr);
        } else if (expr->value == "?") {
          result = expr;
        } else {
          fail("S0201", expr->position, expr->value);
        }
        break;
      case NodeType::kEnd:
        fail("S0207", expr->position, "(end)");
      default:
        fail("S0206", expr->position, expr->value);
    }
    if (expr->keep_array) result->keep_array = true;
    return result;
  }

  std::string_view src_;
  ParseOptions options_;
  Arena* arena_;
  size_t pos_ = 0;
  Token cur_;
  std::string cur_id_;
  int depth_ = 0;
  Error error_;
  int ancestor_label_ = 0;
  int ancestor_index_ = 0;
  std::vector<std::shared_ptr<Slot>> ancestry_;
  uintptr_t stack_base_ = 0;
  size_t stack_budget_ = 0;
};

}  // namespace

Node* parse_expression(std::string_view text, const ParseOptions& options, Arena* arena, Error* error) {
  Parser parser(text, options, arena);
  return parser.run(error);
}

}  // namespace sg::json::jsonata
