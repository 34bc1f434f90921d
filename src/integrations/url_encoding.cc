#include "integrations/url_encoding.h"

namespace sg::integrations {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Encodes a key, keeping the brackets of nested names readable.
std::string encode_key(std::string_view key) {
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (unreserved(c) || c == '[' || c == ']') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void append_pair(std::string& out, const std::string& key, std::string_view encoded_value) {
  if (!out.empty()) out += '&';
  out += encode_key(key);
  out += '=';
  out += encoded_value;
}

void encode_value(std::string& out, const std::string& key, const json::Value& v, ArrayFormat format) {
  if (v.is_object()) {
    for (const json::Member& m : v.members()) {
      std::string sub = key;
      sub += '[';
      sub += m.name();
      sub += ']';
      encode_value(out, sub, m.value, format);
    }
    return;
  }
  if (v.is_array()) {
    auto items = v.items();
    if (format == ArrayFormat::kCommas) {
      std::string joined;
      bool nested = false;
      for (const json::Value& item : items) nested = nested || item.is_container();
      if (!nested) {
        for (size_t i = 0; i < items.size(); ++i) {
          if (i) joined += ',';
          joined += percent_encode(scalar_text(items[i]));
        }
        append_pair(out, key, joined);
        return;
      }
      // Containers cannot be joined with commas: they fall back to indices.
      format = ArrayFormat::kIndices;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      std::string sub = key;
      switch (format) {
        case ArrayFormat::kIndices:
          sub += '[';
          sub += std::to_string(i);
          sub += ']';
          break;
        case ArrayFormat::kBrackets:
          sub += "[]";
          break;
        case ArrayFormat::kRepeat:
        case ArrayFormat::kCommas:
          break;
      }
      encode_value(out, sub, items[i], format);
    }
    return;
  }
  append_pair(out, key, percent_encode(scalar_text(v)));
}

}  // namespace

std::optional<ArrayFormat> parse_array_format(std::string_view name) {
  if (name == "INDICES") return ArrayFormat::kIndices;
  if (name == "REPEAT") return ArrayFormat::kRepeat;
  if (name == "COMMAS") return ArrayFormat::kCommas;
  if (name == "BRACKETS") return ArrayFormat::kBrackets;
  return std::nullopt;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string scalar_text(const json::Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return v.dump();
}

std::string url_encode_object(const json::Value& object, ArrayFormat format) {
  std::string out;
  if (!object.is_object()) return out;
  for (const json::Member& m : object.members()) encode_value(out, std::string(m.name()), m.value, format);
  return out;
}

}  // namespace sg::integrations
