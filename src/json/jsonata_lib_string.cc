// The JSONata string functions ($length ... $decodeUrl; $string itself is a core builtin),
// following jsonata-js 2.x: undefined in, undefined out; JavaScript string semantics
// counted in code points.
#include <cmath>
#include <string>

#include "json/jsonata_internal.h"
#include "json/jsonata_lib_common.h"
#include "json/jsonata_lib_matcher.h"
#include "json/jsonata_lib_text.h"
#include "json/utf8.h"
#include "json/value.h"

namespace sg::json::jsonata {

namespace {

using lib::MatchIterator;

// parseInt(s, 10) for the "$n" references of $replace: whitespace, sign, digits.
double parse_int_prefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  double v = 0;
  size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  if (i == start) return NAN;
  return neg ? -v : v;
}

// JavaScript's String(n).length for an integer-valued n.
size_t int_text_length(double n) { return std::to_string(static_cast<long long>(n)).size(); }

// The text a "$0 $1 $$" replacement string gives for one match (the reference's rules:
// "$$" is "$", "$0" the match, "$n" the longest group number that exists, a "$" not
// followed by a number stays).
std::string expand_replacement(std::string_view repl, const lib::Match& m) {
  std::string out;
  size_t ngroups = m.groups.size();
  size_t position = 0;
  size_t index = repl.find('$', position);
  while (index != std::string_view::npos && position < repl.size()) {
    out.append(repl.substr(position, index - position));
    position = index + 1;
    char next = position < repl.size() ? repl[position] : '\0';
    if (next == '$') {
      out += '$';
      ++position;
    } else if (next == '0') {
      out += m.text;
      ++position;
    } else {
      size_t max_digits =
          ngroups == 0
              ? 1
              : static_cast<size_t>(std::floor(std::log(static_cast<double>(ngroups)) * M_LOG10E)) + 1;
      double group = parse_int_prefix(repl.substr(position, max_digits));
      if (max_digits > 1 && group > static_cast<double>(ngroups))
        group = parse_int_prefix(repl.substr(position, max_digits - 1));
      if (!std::isnan(group)) {
        if (ngroups > 0 && group >= 1 && group <= static_cast<double>(ngroups)) {
          const JValue& g = m.groups[static_cast<size_t>(group) - 1];
          if (g.is_string()) out.append(g.as_string());
        }
        position += int_text_length(group);
      } else {
        out += '$';
      }
    }
    index = repl.find('$', position);
  }
  if (position < repl.size()) out.append(repl.substr(position));
  return out;
}

// The object a replacement function receives (the reference passes its matcher result).
JValue match_object(std::string_view s, const lib::Match& m) {
  return JValue::object({{"match", JValue::string(m.text)},
                         {"start", JValue::number(lib::js_index(s, m.begin))},
                         {"end", JValue::number(lib::js_index(s, m.end))},
                         {"groups", JValue::array(m.groups)}});
}

Outcome fn_length(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::number(static_cast<double>(utf8_codepoint_count(args[0].as_string())));
}

Outcome fn_substring(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  double start = lib::number_or(args[1], NAN);
  std::optional<double> length;
  if (args[2].is_number()) length = args[2].as_number();
  return JValue::string(lib::js_substring(args[0].as_string(), start, length));
}

// indexOf's argument: JavaScript turns a missing one into the text "undefined".
std::string_view search_text(const JValue& v) { return v.is_string() ? v.as_string() : "undefined"; }

Outcome fn_substring_before(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::string_view s = args[0].as_string();
  size_t pos = s.find(search_text(args[1]));
  return pos == std::string_view::npos ? args[0] : JValue::string(s.substr(0, pos));
}

Outcome fn_substring_after(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::string_view s = args[0].as_string();
  std::string_view chars = search_text(args[1]);
  size_t pos = s.find(chars);
  return pos == std::string_view::npos ? args[0] : JValue::string(s.substr(pos + chars.size()));
}

Outcome fn_uppercase(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::string(lib::js_uppercase(args[0].as_string()));
}

Outcome fn_lowercase(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::string(lib::js_lowercase(args[0].as_string()));
}

Outcome fn_trim(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::string(lib::js_trim(args[0].as_string()));
}

Outcome fn_pad(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  double width = lib::number_or(args[1], NAN);
  std::string_view pad = args[2].is_string() ? args[2].as_string() : " ";
  // Bound the result before building it (each code point is at least a byte).
  double target = std::floor(std::fabs(width));
  size_t max = ctx.max_result_size() != 0 ? ctx.max_result_size() : kMaxStringBytes;
  if (target > static_cast<double>(max)) return lib::too_large_error();
  std::string out = lib::js_pad(args[0].as_string(), width, pad);
  if (lib::too_large(ctx, out.size())) return lib::too_large_error();
  Error e;
  if (!ctx.charge(out.size() / 64 + 1, &e)) return e;
  return JValue::string(std::move(out));
}

Outcome fn_contains(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string() || args[1].is_undefined()) return JValue();
  std::string_view s = args[0].as_string();
  if (args[1].is_string()) return JValue::boolean(s.find(args[1].as_string()) != std::string_view::npos);
  MatchIterator it(ctx, args[1], s);
  bool found = false;
  Error e;
  if (!it.next(&found, &e)) return e;
  return JValue::boolean(found);
}

// The limit argument of $split/$match/$replace: nullopt when not given; fails when
// negative with `code`.
bool read_limit(const JValue& v, std::string_view code, std::optional<double>* limit, Error* error) {
  *limit = std::nullopt;
  if (!v.is_number()) return true;
  if (v.as_number() < 0) {
    *error = make_error(code, {.value = v});
    return false;
  }
  *limit = v.as_number();
  return true;
}

Outcome fn_split(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::optional<double> limit;
  Error e;
  if (!read_limit(args[2], "D3020", &limit, &e)) return e;
  std::string_view s = args[0].as_string();
  std::vector<JValue> parts;
  if (limit && *limit == 0) return JValue::array({});
  if (args[1].is_string()) {
    // String.prototype.split(separator, limit): the limit is truncated to an integer.
    double max = limit ? std::trunc(*limit) : 4294967295.0;
    std::string_view sep = args[1].as_string();
    if (sep.empty()) {
      for (size_t i = 0; i < s.size() && static_cast<double>(parts.size()) < max;) {
        size_t n = lib::codepoint_offset(s.substr(i), 1);
        parts.push_back(JValue::string(s.substr(i, n)));
        i += n;
      }
    } else {
      size_t start = 0;
      while (static_cast<double>(parts.size()) < max) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
          parts.push_back(JValue::string(s.substr(start)));
          break;
        }
        parts.push_back(JValue::string(s.substr(start, pos - start)));
        start = pos + sep.size();
      }
    }
    if (!ctx.charge(parts.size(), &e)) return e;
    return JValue::array(std::move(parts));
  }
  if (args[1].is_undefined()) return JValue::array({JValue::string(s)});
  MatchIterator it(ctx, args[1], s);
  bool found = false;
  if (!it.next(&found, &e)) return e;
  if (!found) return JValue::array({JValue::string(s)});
  size_t start = 0;
  double count = 0;
  while (found && (!limit || count < *limit)) {
    const lib::Match& m = it.current();
    parts.push_back(JValue::string(s.substr(start, m.begin >= start ? m.begin - start : 0)));
    start = m.end;
    ++count;
    if (!it.next(&found, &e)) return e;
  }
  if (!limit || count < *limit) parts.push_back(JValue::string(start <= s.size() ? s.substr(start) : ""));
  return JValue::array(std::move(parts));
}

Outcome fn_join(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_array()) return JValue();
  std::string_view sep = args[1].is_string() ? args[1].as_string() : "";
  std::string out;
  for (size_t i = 0; i < args[0].size(); ++i) {
    if (i > 0) out.append(sep);
    JValue item = args[0].at(i);
    if (item.is_string()) out.append(item.as_string());
    if (lib::too_large(ctx, out.size())) return lib::too_large_error();
  }
  return JValue::string(std::move(out));
}

Outcome fn_match(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::optional<double> limit;
  Error e;
  if (!read_limit(args[2], "D3040", &limit, &e)) return e;
  std::vector<JValue> results;
  if (limit && *limit == 0) return JValue::sequence({});
  if (!args[1].is_function()) return JValue::sequence({});
  std::string_view s = args[0].as_string();
  MatchIterator it(ctx, args[1], s);
  bool found = false;
  if (!it.next(&found, &e)) return e;
  double count = 0;
  while (found && (!limit || count < *limit)) {
    const lib::Match& m = it.current();
    results.push_back(JValue::object({{"match", JValue::string(m.text)},
                                      {"index", JValue::number(lib::js_index(s, m.begin))},
                                      {"groups", JValue::array(m.groups)}}));
    ++count;
    if (!it.next(&found, &e)) return e;
  }
  return JValue::sequence(std::move(results));
}

Outcome fn_replace(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  const JValue& pattern = args[1];
  const JValue& replacement = args[2];
  if (pattern.is_string() && pattern.as_string().empty()) return make_error("D3010", {.value = pattern});
  std::optional<double> limit;
  Error e;
  if (!read_limit(args[3], "D3011", &limit, &e)) return e;
  std::string_view s = args[0].as_string();
  if ((limit && *limit == 0) || pattern.is_undefined()) return args[0];
  std::string out;
  size_t position = 0;
  double count = 0;
  if (pattern.is_string()) {
    std::string_view pat = pattern.as_string();
    std::string_view with = replacement.is_string() ? replacement.as_string() : "";
    size_t index = s.find(pat);
    while (index != std::string_view::npos && (!limit || count < *limit)) {
      out.append(s.substr(position, index - position));
      out.append(with);
      position = index + pat.size();
      ++count;
      if (lib::too_large(ctx, out.size())) return lib::too_large_error();
      index = s.find(pat, position);
    }
    out.append(s.substr(position));
    return JValue::string(std::move(out));
  }
  MatchIterator it(ctx, pattern, s);
  bool found = false;
  if (!it.next(&found, &e)) return e;
  if (!found) return args[0];
  while (found && (!limit || count < *limit)) {
    const lib::Match& m = it.current();
    if (m.begin >= position) out.append(s.substr(position, m.begin - position));
    if (replacement.is_string()) {
      out.append(expand_replacement(replacement.as_string(), m));
    } else if (replacement.is_function()) {
      JValue arg = match_object(s, m);
      Outcome r = ctx.call(replacement, std::span<const JValue>(&arg, 1));
      if (!r.ok()) return std::move(r).error();
      if (!r.value().is_string()) return make_error("D3012", {.value = r.value()});
      out.append(r.value().as_string());
    } else {
      return make_error("D3012", {.value = replacement});
    }
    if (lib::too_large(ctx, out.size())) return lib::too_large_error();
    position = m.begin + m.text.size();
    ++count;
    if (!it.next(&found, &e)) return e;
  }
  if (position < s.size()) out.append(s.substr(position));
  return JValue::string(std::move(out));
}

Outcome fn_base64encode(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::string(lib::base64_encode_binary(args[0].as_string()));
}

Outcome fn_base64decode(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  return JValue::string(lib::base64_decode_binary(args[0].as_string()));
}

// JSON.stringify of a string, where a lone surrogate (kept by the parser as its three
// WTF-8 bytes) prints as \udXXX and other ill-formed bytes as U+FFFD.
std::string js_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto escape = [&](std::string& out, unsigned unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 15];
  };
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t cp;
    size_t n = utf8_decode(text, i, cp);
    if (n == 0) {
      if (c == 0xED && i + 2 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0xA0 &&
          (static_cast<unsigned char>(text[i + 2]) & 0xC0) == 0x80) {
        escape(out, 0xD000 | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                        (static_cast<unsigned char>(text[i + 2]) & 0x3F));
        i += 3;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
      continue;
    }
    if (const char* e = cp < 0x80 ? json_short_escape(static_cast<unsigned char>(cp)) : nullptr) {
      out += e;
    } else if (cp < 0x20) {
      escape(out, cp);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  out += '"';
  return out;
}

// D3140 names the function and quotes the text.
Error malformed_url(std::string_view fn, std::string_view text) {
  std::string msg = "Malformed URL passed to $";
  msg += fn;
  msg += "(): ";
  msg += js_quote(text);
  return lib::error_with_message("D3140", std::move(msg));
}

template <bool (*kConvert)(std::string_view, std::string*)>
Outcome url_function(std::string_view name, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::string out;
  if (!kConvert(args[0].as_string(), &out)) return malformed_url(name, args[0].as_string());
  return JValue::string(std::move(out));
}

Outcome fn_encode_url_component(CallContext&, std::span<const JValue> args) {
  return url_function<lib::encode_uri_component>("encodeUrlComponent", args);
}
Outcome fn_encode_url(CallContext&, std::span<const JValue> args) {
  return url_function<lib::encode_uri>("encodeUrl", args);
}
Outcome fn_decode_url_component(CallContext&, std::span<const JValue> args) {
  return url_function<lib::decode_uri_component>("decodeUrlComponent", args);
}
Outcome fn_decode_url(CallContext&, std::span<const JValue> args) {
  return url_function<lib::decode_uri>("decodeUrl", args);
}

constexpr Builtin kStringBuiltins[] = {
    {"length", "<s-:n>", fn_length},
    {"substring", "<s-nn?:s>", fn_substring},
    {"substringBefore", "<s-s:s>", fn_substring_before},
    {"substringAfter", "<s-s:s>", fn_substring_after},
    {"uppercase", "<s-:s>", fn_uppercase},
    {"lowercase", "<s-:s>", fn_lowercase},
    {"trim", "<s-:s>", fn_trim},
    {"pad", "<s-ns?:s>", fn_pad},
    {"contains", "<s-(sf):b>", fn_contains},
    {"split", "<s-(sf)n?:a<s>>", fn_split},
    {"join", "<a<s>s?:s>", fn_join},
    {"match", "<s-f<s:o>n?:a<o>>", fn_match},
    {"replace", "<s-(sf)(sf)n?:s>", fn_replace},
    {"base64encode", "<s-:s>", fn_base64encode},
    {"base64decode", "<s-:s>", fn_base64decode},
    {"encodeUrlComponent", "<s-:s>", fn_encode_url_component},
    {"encodeUrl", "<s-:s>", fn_encode_url},
    {"decodeUrlComponent", "<s-:s>", fn_decode_url_component},
    {"decodeUrl", "<s-:s>", fn_decode_url},
};

}  // namespace

std::span<const Builtin> string_builtins() { return kStringBuiltins; }

}  // namespace sg::json::jsonata
