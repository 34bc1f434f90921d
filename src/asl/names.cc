#include "asl/names.h"

#include <cstdint>

#include "json/utf8.h"

namespace sg::asl {

namespace {

bool forbidden(uint32_t cp) {
  if (cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;  // controls and space
  if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return true;
  if (cp == 0x2028 || cp == 0x2029 || cp == 0x3000 || cp == 0x00A0 || cp == 0x1680 ||
      (cp >= 0x2000 && cp <= 0x200A))
    return true;  // other whitespace
  constexpr std::string_view kPunctuation = "<>{}[]?*\"#%\\^|~`$&,;:/";
  return cp < 0x80 && kPunctuation.find(static_cast<char>(cp)) != std::string_view::npos;
}

}  // namespace

bool is_valid_name(std::string_view name, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    size_t len = json::utf8_decode(name, i, cp);
    if (len == 0 || forbidden(cp)) return false;
    i += len;
    if (++chars > max_chars) return false;
  }
  return chars > 0;
}

}  // namespace sg::asl
