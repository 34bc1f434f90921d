#include "json/jsonata_lib_text.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "json/utf8.h"

namespace sg::json::jsonata::lib {

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = utf8_decode(s, i, cp);
    if (n == 0) {
      out.push_back(U'\uFFFD');
      ++i;
    } else {
      out.push_back(static_cast<char32_t>(cp));
      i += n;
    }
  }
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(c, out);
  return out;
}

namespace {

// Length in bytes of the character starting at s[i] (1 for ill-formed bytes).
size_t char_len(std::string_view s, size_t i) {
  uint32_t cp;
  size_t n = utf8_decode(s, i, cp);
  return n == 0 ? 1 : n;
}

size_t codepoint_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += char_len(s, i)) ++n;
  return n;
}

}  // namespace

size_t codepoint_offset(std::string_view s, size_t index) {
  size_t i = 0;
  for (; i < s.size() && index > 0; --index) i += char_len(s, i);
  return i;
}

size_t utf16_index_to_offset(std::string_view s, size_t index) {
  size_t i = 0;
  size_t units = 0;
  while (i < s.size()) {
    size_t n = char_len(s, i);
    size_t u = n == 4 ? 2 : 1;
    if (units + u > index) break;
    units += u;
    i += n;
  }
  return i;
}

std::string js_substring(std::string_view s, double start, std::optional<double> length) {
  double len = static_cast<double>(codepoint_count(s));
  if (std::isnan(start)) start = 0;
  if (len + start < 0) start = 0;
  // Array.prototype.slice(begin, end) with JavaScript's clamping.
  auto clamp = [len](double v) {
    if (std::isnan(v)) return 0.0;
    v = std::trunc(v);
    if (v < 0) return std::max(len + v, 0.0);
    return std::min(v, len);
  };
  double begin = clamp(start);
  double end = len;
  if (length) {
    if (!(*length > 0)) return "";
    end = clamp(start >= 0 ? start + *length : len + start + *length);
  }
  if (end <= begin) return "";
  size_t b = codepoint_offset(s, static_cast<size_t>(begin));
  size_t e = b + codepoint_offset(s.substr(b), static_cast<size_t>(end - begin));
  return std::string(s.substr(b, e - b));
}

std::string js_pad(std::string_view s, double width, std::string_view pad) {
  if (pad.empty()) pad = " ";
  double target = std::floor(std::fabs(width));
  double have = static_cast<double>(codepoint_count(s));
  if (!(target > have)) return std::string(s);
  size_t pad_len = static_cast<size_t>(target - have);
  std::string padding;
  size_t pad_cps = std::max<size_t>(1, codepoint_count(pad));
  size_t whole = pad_len / pad_cps;
  for (size_t i = 0; i < whole; ++i) padding.append(pad);
  padding.append(pad.substr(0, codepoint_offset(pad, pad_len % pad_cps)));
  std::string out;
  if (width > 0) {
    out.append(s);
    out.append(padding);
  } else {
    out = std::move(padding);
    out.append(s);
  }
  return out;
}

std::string js_trim(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!in_space) out.push_back(' ');
      in_space = true;
    } else {
      out.push_back(c);
      in_space = false;
    }
  }
  if (!out.empty() && out.front() == ' ') out.erase(out.begin());
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

namespace {

// The Unicode case tables of the C.UTF-8 locale (read-only after creation); ASCII-only
// mapping if the C library does not have it.
locale_t utf8_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

// Unconditional full mappings of Unicode's SpecialCasing.txt that JavaScript applies and
// the simple (one-to-one) tables of the C library do not have.
std::u32string_view special_upper(char32_t cp) {
  switch (cp) {
    case 0x00DF:
      return U"SS";
    case 0x0149:
      return U"\u02BCN";
    case 0x01F0:
      return U"J\u030C";
    case 0x0390:
      return U"\u0399\u0308\u0301";
    case 0x03B0:
      return U"\u03A5\u0308\u0301";
    case 0x0587:
      return U"\u0535\u0552";
    case 0x1E96:
      return U"H\u0331";
    case 0x1E97:
      return U"T\u0308";
    case 0x1E98:
      return U"W\u030A";
    case 0x1E99:
      return U"Y\u030A";
    case 0x1E9A:
      return U"A\u02BE";
    case 0xFB00:
      return U"FF";
    case 0xFB01:
      return U"FI";
    case 0xFB02:
      return U"FL";
    case 0xFB03:
      return U"FFI";
    case 0xFB04:
      return U"FFL";
    case 0xFB05:
    case 0xFB06:
      return U"ST";
    case 0xFB13:
      return U"\u0544\u0546";
    case 0xFB14:
      return U"\u0544\u0535";
    case 0xFB15:
      return U"\u0544\u053B";
    case 0xFB16:
      return U"\u054E\u0546";
    case 0xFB17:
      return U"\u0544\u053D";
    default:
      return {};
  }
}

template <bool kUpper>
std::string map_case(std::string_view s) {
  std::u32string text = to_u32(s);
  std::string out;
  out.reserve(s.size());
  locale_t loc = utf8_locale();
  bool have_loc = loc != static_cast<locale_t>(nullptr);
  auto is_letter = [&](char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return have_loc && iswalpha_l(static_cast<wint_t>(c), loc) != 0;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t cp = text[i];
    char32_t m = cp;
    if (cp < 0x80) {
      if (kUpper && cp >= 'a' && cp <= 'z') m = cp - 32;
      if (!kUpper && cp >= 'A' && cp <= 'Z') m = cp + 32;
    } else if (kUpper && !special_upper(cp).empty()) {
      out += to_utf8(special_upper(cp));
      continue;
    } else if (!kUpper && cp == 0x0130) {
      out += "i\u0307";  // capital I with dot above keeps its dot
      continue;
    } else if (!kUpper && cp == 0x03A3) {
      // Final sigma: after a letter and not before one.
      bool after = i > 0 && is_letter(text[i - 1]);
      bool before = i + 1 < text.size() && is_letter(text[i + 1]);
      m = after && !before ? 0x03C2 : 0x03C3;
    } else if (have_loc) {
      m = static_cast<char32_t>(kUpper ? towupper_l(static_cast<wint_t>(cp), loc)
                                       : towlower_l(static_cast<wint_t>(cp), loc));
    }
    utf8_append(m, out);
  }
  return out;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string js_uppercase(std::string_view s) { return map_case<true>(s); }
std::string js_lowercase(std::string_view s) { return map_case<false>(s); }

std::string base64_encode_binary(std::string_view s) {
  // The bytes Buffer.from(str, 'binary') makes: one per UTF-16 unit, its low 8 bits.
  std::vector<unsigned char> bytes;
  bytes.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = utf8_decode(s, i, cp);
    if (n == 0) {
      cp = 0xFFFD;
      n = 1;
    }
    i += n;
    if (cp >= 0x10000) {
      uint32_t v = cp - 0x10000;
      bytes.push_back(static_cast<unsigned char>((0xD800 + (v >> 10)) & 0xFF));
      bytes.push_back(static_cast<unsigned char>((0xDC00 + (v & 0x3FF)) & 0xFF));
    } else {
      bytes.push_back(static_cast<unsigned char>(cp & 0xFF));
    }
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = bytes[i] << 16;
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out += '=';
  }
  return out;
}

std::string base64_decode_binary(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : s) {
    if (c == '=') break;  // Node stops at the first padding character
    int v = b64_value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      utf8_append(static_cast<char32_t>((acc >> bits) & 0xFF), out);
    }
  }
  return out;
}

namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool uri_encode(std::string_view s, std::string_view keep, std::string* out) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        (c < 0x80 && keep.find(static_cast<char>(c)) != std::string_view::npos)) {
      r.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    uint32_t cp;
    size_t n = utf8_decode(s, i, cp);
    if (n == 0) return false;  // a lone surrogate or other ill-formed text: URIError
    for (size_t k = 0; k < n; ++k) {
      unsigned char b = static_cast<unsigned char>(s[i + k]);
      r.push_back('%');
      r.push_back(kHexUpper[b >> 4]);
      r.push_back(kHexUpper[b & 15]);
    }
    i += n;
  }
  *out = std::move(r);
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// decodeURI(Component): `reserved` are the characters whose escapes stay as they are.
bool uri_decode(std::string_view s, std::string_view reserved, std::string* out) {
  std::string r;
  r.reserve(s.size());
  // The byte escaped as "%XY" at s[i], or false.
  auto byte_at = [&](size_t i, int* b) {
    if (i + 2 >= s.size() || s[i] != '%') return false;
    int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
    if (h < 0 || l < 0) return false;
    *b = h * 16 + l;
    return true;
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '%') {
      r.push_back(s[i]);
      ++i;
      continue;
    }
    int b0;
    if (!byte_at(i, &b0)) return false;
    if (b0 < 0x80) {
      if (reserved.find(static_cast<char>(b0)) != std::string_view::npos)
        r.append(s.substr(i, 3));
      else
        r.push_back(static_cast<char>(b0));
      i += 3;
      continue;
    }
    size_t n = (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0) return false;
    std::string bytes(1, static_cast<char>(b0));
    for (size_t k = 1; k < n; ++k) {
      size_t at = i + 3 * k;
      int b;
      if (!byte_at(at, &b)) return false;
      if ((b & 0xC0) != 0x80) return false;
      bytes.push_back(static_cast<char>(b));
    }
    uint32_t cp;
    if (utf8_decode(bytes, 0, cp) != n) return false;
    r += bytes;
    i += 3 * n;
  }
  *out = std::move(r);
  return true;
}

}  // namespace

bool encode_uri_component(std::string_view s, std::string* out) { return uri_encode(s, "-_.!~*'()", out); }

bool encode_uri(std::string_view s, std::string* out) { return uri_encode(s, "-_.!~*'();/?:@&=+$,#", out); }

bool decode_uri_component(std::string_view s, std::string* out) { return uri_decode(s, "", out); }

bool decode_uri(std::string_view s, std::string* out) { return uri_decode(s, ";/?:@&=+$,#", out); }

}  // namespace sg::json::jsonata::lib
