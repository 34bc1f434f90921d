#include "asl/names.h"

#include <cstdint>

namespace sg::asl {

namespace {

// Decodes one UTF-8 character at s[i]; 0 bytes when malformed.
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
  else return 0;
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
  return len;
}

bool forbidden(uint32_t cp) {
  if (cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;  // controls and space
  if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return true;
  if (cp == 0x2028 || cp == 0x2029 || cp == 0x3000 || cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A))
    return true;  // other whitespace
  constexpr std::string_view kPunctuation = "<>{}[]?*\"#%\\^|~`$&,;:/";
  return cp < 0x80 && kPunctuation.find(static_cast<char>(cp)) != std::string_view::npos;
}

}  // namespace

bool is_valid_name(std::string_view name, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    size_t len = decode(name, i, cp);
    if (len == 0 || forbidden(cp)) return false;
    i += len;
    if (++chars > max_chars) return false;
  }
  return chars > 0;
}

}  // namespace sg::asl
