// URL encoding of JSON values, as the HTTP Task's Transform and QueryParameters use it.
//
// url_encode_object({"a": 1, "b": ["x", "y"], "c": {"d": "e f"}}, kIndices)
//   == "a=1&b[0]=x&b[1]=y&c[d]=e%20f"
// Array formats (AWS's RequestEncodingOptions.ArrayFormat):
//   kIndices   b[0]=x&b[1]=y     (the default)
//   kRepeat    b=x&b=y
//   kCommas    b=x,y             (each item encoded, the commas left bare)
//   kBrackets  b[]=x&b[]=y
// Nested objects become key[sub]; arrays inside arrays follow the same rule one level down
// (kIndices: b[0][0]=x). Strings are sent as they are, numbers as JSON writes them, booleans
// as true/false, null as an empty value. Brackets stay readable (not percent-encoded); every
// other character outside RFC 3986's unreserved set is percent-encoded as UTF-8 bytes.
// Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "json/value.h"

namespace sg::integrations {

enum class ArrayFormat { kIndices, kRepeat, kCommas, kBrackets };

// "INDICES" | "REPEAT" | "COMMAS" | "BRACKETS" (exact case), else nullopt.
std::optional<ArrayFormat> parse_array_format(std::string_view name);

// RFC 3986 percent-encoding of every byte outside ALPHA / DIGIT / "-" / "." / "_" / "~".
std::string percent_encode(std::string_view text);

// The members of `object` (a JSON object; anything else gives "") as name=value pairs
// joined by '&'.
std::string url_encode_object(const json::Value& object, ArrayFormat format);

// A scalar's text as it is sent: strings raw, numbers in JSON form, true/false, null "".
// Containers give their compact JSON.
std::string scalar_text(const json::Value& v);

}  // namespace sg::integrations
