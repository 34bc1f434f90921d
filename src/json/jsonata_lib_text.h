// Text helpers for the JSONata string functions, with JavaScript's semantics where the
// reference (jsonata-js) relies on them. Strings are UTF-8; positions the reference counts
// in code points ($length, $substring, $pad) are counted in code points here too. Pure,
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sg::json::jsonata::lib {

// An error of a pure helper: the JSONata code and the detail its message quotes
// ({{value}}: a string or a number), turned into an Error by the builtins layer.
struct LibError {
  std::string code;
  std::variant<std::monostate, std::string, double> value;
};

// UTF-8 <-> UTF-32. Ill-formed bytes decode to U+FFFD, one per byte.
std::u32string to_u32(std::string_view s);
std::string to_utf8(std::u32string_view s);

// Byte offset of code point `index` of s (s.size() when index is past the end).
size_t codepoint_offset(std::string_view s, size_t index);
// Byte offset of UTF-16 unit `index` of s (s.size() past the end; inside a surrogate pair
// rounds down to the pair's start).
size_t utf16_index_to_offset(std::string_view s, size_t index);

// $substring(str, start[, length]) on code points, with JavaScript's slice rules
// (negative start counts from the end; the end is computed before fractions truncate).
std::string js_substring(std::string_view s, double start, std::optional<double> length);

// $pad: pads to |width| code points (fractions truncate) with `pad` repeated and cut,
// on the right for width > 0 and on the left for width < 0. An empty pad means " ".
std::string js_pad(std::string_view s, double width, std::string_view pad);

// $trim: runs of space, tab, CR, LF become one space; one leading and one trailing space
// are dropped.
std::string js_trim(std::string_view s);

// String.prototype.toUpperCase / toLowerCase: Unicode simple case mapping plus the
// unconditional full mappings JavaScript applies ("\u00df" -> "SS", ligatures, "\u0130" ->
// "i\u0307") and Greek final sigma.
std::string js_uppercase(std::string_view s);
std::string js_lowercase(std::string_view s);

// $base64encode: Node's Buffer.from(str, 'binary'): each UTF-16 unit's low byte, then
// standard base64 with padding.
std::string base64_encode_binary(std::string_view s);
// $base64decode: Node's Buffer.from(str, 'base64').toString('binary'): lenient decoding
// (characters outside the alphabet are skipped, '-' and '_' accepted, padding optional),
// each byte becoming the code point U+0000..U+00FF.
std::string base64_decode_binary(std::string_view s);

// encodeURIComponent / encodeURI. Return false on text that is not well-formed UTF-8
// (JavaScript's lone surrogates), where the reference fails with D3140.
bool encode_uri_component(std::string_view s, std::string* out);
bool encode_uri(std::string_view s, std::string* out);
// decodeURIComponent / decodeURI (which keeps escapes of ";/?:@&=+$,#"). Return false on
// a malformed escape or escapes that do not form UTF-8.
bool decode_uri_component(std::string_view s, std::string* out);
bool decode_uri(std::string_view s, std::string* out);

}  // namespace sg::json::jsonata::lib
