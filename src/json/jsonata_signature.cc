#include "json/jsonata_signature.h"

#include <algorithm>

#include "json/jsonata_functions.h"

namespace sg::json::jsonata {

char signature_symbol(const JValue& v) {
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return 'm';
    case JValue::Kind::kNull:
      return 'l';
    case JValue::Kind::kBool:
      return 'b';
    case JValue::Kind::kNumber:
      return 'n';
    case JValue::Kind::kString:
      return 's';
    case JValue::Kind::kArray:
      return 'a';
    case JValue::Kind::kObject:
      return 'o';
    case JValue::Kind::kFunction:
      return 'f';
  }
  return 'm';
}

namespace {

size_t closing(std::string_view s, size_t start, char open, char close) {
  int depth = 1;
  size_t pos = start;
  while (pos < s.size()) {
    ++pos;
    if (pos >= s.size()) break;
    if (s[pos] == close) {
      if (--depth == 0) break;
    } else if (s[pos] == open) {
      ++depth;
    }
  }
  return pos;
}

}  // namespace

bool Signature::parse(std::string_view text, Signature* out, Error* error) {
  out->params_.clear();
  out->definition_ = std::string(text);
  Param param;
  Param* prev = nullptr;
  auto next = [&]() {
    out->params_.push_back(param);
    prev = &out->params_.back();
    param = Param();
  };
  size_t pos = 1;
  while (pos < text.size()) {
    char symbol = text[pos];
    if (symbol == ':') break;
    switch (symbol) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        param.allowed.assign(1, symbol);
        param.allowed.push_back('m');
        param.type = symbol;
        next();
        break;
      case 'a':
        param.allowed = "asnblfom";
        param.type = 'a';
        next();
        break;
      case 'f':
        param.allowed.assign(1, 'f');
        param.type = 'f';
        next();
        break;
      case 'j':
        param.allowed = "asnblom";
        param.type = 'j';
        next();
        break;
      case 'x':
        param.allowed = "asnblfom";
        param.type = 'x';
        next();
        break;
      case '-':
        if (prev) {
          prev->context = true;
          prev->context_allowed = prev->allowed;
          prev->quantifier = '?';
        }
        break;
      case '?':
      case '+':
        if (prev) prev->quantifier = symbol;
        break;
      case '(': {
        size_t end = closing(text, pos, '(', ')');
        std::string_view choice = text.substr(pos + 1, end - pos - 1);
        if (choice.find('<') != std::string_view::npos) {
          *error = make_error("S0402", {.value = JValue::string(choice)});
          error->position = static_cast<int64_t>(pos);
          return false;
        }
        param.allowed.assign(choice);
        param.allowed.push_back('m');
        param.type = '(';
        pos = end;
        next();
        break;
      }
      case '<': {
        if (prev && (prev->type == 'a' || prev->type == 'f')) {
          size_t end = closing(text, pos, '<', '>');
          prev->subtype = std::string(text.substr(pos + 1, end - pos - 1));
          pos = end;
        } else {
          *error = make_error("S0401", {.value = JValue::string(prev ? std::string(1, prev->type) : "")});
          error->position = static_cast<int64_t>(pos);
          return false;
        }
        break;
      }
      default:
        break;
    }
    ++pos;
  }
  return true;
}

bool Signature::match(size_t param, size_t count, std::string_view symbols, size_t pos, bool anchored,
                      std::vector<size_t>* lens) const {
  if (param == count) return !anchored || pos == symbols.size();
  const Param& p = params_[param];
  auto ok = [&](size_t at) {
    return at < symbols.size() && p.allowed.find(symbols[at]) != std::string::npos;
  };
  size_t max_len = 0;
  if (p.quantifier == '+') {
    while (ok(pos + max_len)) ++max_len;
    if (max_len == 0) return false;
    for (size_t len = max_len; len >= 1; --len) {
      (*lens)[param] = len;
      if (match(param + 1, count, symbols, pos + len, anchored, lens)) return true;
    }
    return false;
  }
  size_t min_len = p.quantifier == '?' ? 0 : 1;
  max_len = ok(pos) ? 1 : 0;
  for (size_t len = max_len + 1; len-- > min_len;) {
    (*lens)[param] = len;
    if (match(param + 1, count, symbols, pos + len, anchored, lens)) return true;
  }
  return false;
}

bool Signature::validate(std::span<const JValue> args, const JValue& context, std::vector<JValue>* out,
                         Error* error) const {
  std::string symbols;
  symbols.reserve(args.size());
  for (const JValue& a : args) symbols.push_back(signature_symbol(a));
  std::vector<size_t> lens(params_.size(), 0);
  if (!match(0, params_.size(), symbols, 0, true, &lens)) {
    // Find the first parameter a prefix of the arguments stops matching at.
    size_t good_to = 0;
    for (size_t k = 1; k <= params_.size(); ++k) {
      std::vector<size_t> partial(params_.size(), 0);
      if (!match(0, k, symbols, 0, false, &partial)) break;
      size_t total = 0;
      for (size_t i = 0; i < k; ++i) total += partial[i];
      good_to = total;
    }
    JValue bad = good_to < args.size() ? args[good_to] : JValue();
    *error = make_error("T0410", {.value = bad, .index = static_cast<int64_t>(good_to + 1)});
    return false;
  }
  out->clear();
  out->reserve(params_.size());
  size_t arg_index = 0;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& p = params_[i];
    size_t len = lens[i];
    if (len == 0) {
      if (p.context) {
        char ctx = signature_symbol(context);
        if (p.context_allowed.find(ctx) != std::string::npos) {
          out->push_back(context);
        } else {
          *error = make_error("T0411", {.value = context, .index = static_cast<int64_t>(arg_index + 1)});
          return false;
        }
      } else {
        out->push_back(arg_index < args.size() ? args[arg_index] : JValue());
        ++arg_index;
      }
      continue;
    }
    for (size_t k = 0; k < len; ++k) {
      // An optional parameter that matched nothing still takes an argument slot (as in the
      // reference), so arg_index may run past the arguments: those read as undefined.
      JValue arg = arg_index < args.size() ? args[arg_index] : JValue();
      char single = arg_index < symbols.size() ? symbols[arg_index] : 'm';
      if (p.type == 'a') {
        if (single == 'm') {
          out->push_back(JValue());
        } else {
          bool array_ok = true;
          if (!p.subtype.empty()) {
            if (single != 'a' &&
                std::string_view(symbols).substr(std::min(arg_index - k, symbols.size()), len) != p.subtype) {
              array_ok = false;
            } else if (single == 'a' && arg.size() > 0) {
              char item_type = signature_symbol(arg.at(0));
              if (item_type != p.subtype[0]) {
                array_ok = false;
              } else {
                for (size_t j = 1; j < arg.size(); ++j)
                  if (signature_symbol(arg.at(j)) != item_type) {
                    array_ok = false;
                    break;
                  }
              }
            }
          }
          if (!array_ok) {
            *error = make_error("T0412", {.value = arg, .index = static_cast<int64_t>(arg_index + 1)});
            static const char* kPlural[] = {"arrays",  "booleans", "functions",
                                            "numbers", "objects",  "strings"};
            std::string_view syms = "abfnos";
            size_t at = syms.find(p.subtype[0]);
            if (at != std::string_view::npos) {
              std::string msg = error->message;
              size_t t = msg.find("{{type}}");
              if (t != std::string::npos) msg.replace(t, 8, kPlural[at]);
              error->message = msg;
            }
            return false;
          }
          out->push_back(single != 'a' ? JValue::array({arg}) : arg);
        }
      } else {
        out->push_back(arg);
      }
      ++arg_index;
    }
  }
  return true;
}

}  // namespace sg::json::jsonata
