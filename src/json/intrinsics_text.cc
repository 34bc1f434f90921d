// String-producing intrinsics: States.Format, Base64Encode/Decode, Hash, StringSplit, UUID.
#include <openssl/evp.h>

#include <charconv>
#include <string>

#include "json/intrinsics_ast.h"
#include "json/utf8.h"
#include "json/uuid.h"

namespace sg::json::intrinsic_detail {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Characters as Java counts them (UTF-16 code units): AWS's limits are on String.length().
size_t java_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // a supplementary character is two UTF-16 units
  }
  return n;
}

Error too_long(std::string_view fn, std::string_view what) {
  return failure(std::string(fn) + ": the " + std::string(what) + " is longer than " +
                 std::to_string(kMaxEncodeChars) + " characters");
}

// Value printed as Java's toString of the JSON node's natural value: strings bare,
// objects {k=v, k2=v2}, arrays [a, b] (what AWS's States.Format shows).
void append_natural(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::kString:
      out.append(v.as_string());
      return;
    case Type::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Type::kArray: {
      out += '[';
      bool first = true;
      for (const Value& it : v.items()) {
        if (!first) out += ", ";
        first = false;
        append_natural(it, out);
      }
      out += ']';
      return;
    }
    case Type::kObject: {
      out += '{';
      bool first = true;
      for (const Member& m : v.members()) {
        if (!first) out += ", ";
        first = false;
        out.append(m.name());
        out += '=';
        append_natural(m.value, out);
      }
      out += '}';
      return;
    }
    default:
      v.dump_to(out);
      return;  // null, booleans, doubles
  }
}

int b64_index(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is malformed.
size_t utf8_sequence(std::string_view s, size_t i) {
  uint32_t cp;
  return utf8_decode(s, i, cp);
}

// Decoded bytes become a string the way Java's new String(bytes, UTF_8) does: malformed
// sequences turn into U+FFFD.
std::string to_utf8(std::string bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    size_t n = utf8_sequence(bytes, i);
    if (n == 0) break;
    i += n;
  }
  if (i == bytes.size()) return bytes;
  std::string out(bytes, 0, i);
  while (i < bytes.size()) {
    size_t n = utf8_sequence(bytes, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(bytes, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace

void split_format(std::string_view tmpl, std::vector<std::string_view>& out) {
  out.clear();
  size_t from = 0;
  while (true) {
    size_t at = tmpl.find("{}", from);
    if (at == std::string_view::npos) break;
    out.push_back(tmpl.substr(from, at - from));
    from = at + 2;
  }
  out.push_back(tmpl.substr(from));
}

Result<Value> fn_format(const Call& call, const Value* args, size_t n) {
  std::vector<std::string_view> runtime_pieces;
  size_t count, literal_bytes = 0;
  if (call.format) {
    count = call.format->pieces.size();
    literal_bytes = call.format->literal_bytes;
  } else {
    split_format(args[0].as_string(), runtime_pieces);
    count = runtime_pieces.size();
    literal_bytes = args[0].as_string().size();
  }
  if (count - 1 != n - 1)
    return failure("States.Format: the template has " + std::to_string(count - 1) + " placeholder" +
                   (count == 2 ? "" : "s") + " but " + std::to_string(n - 1) + " value" +
                   (n == 2 ? " was" : "s were") + " given");
  std::string out;
  size_t estimate = literal_bytes;
  for (size_t i = 1; i < n; ++i) estimate += args[i].is_string() ? args[i].as_string().size() : 16;
  out.reserve(estimate);
  for (size_t i = 0; i < count; ++i) {
    if (call.format) {
      out.append(call.format->pieces[i]);
    } else {
      out.append(runtime_pieces[i]);
    }
    if (i + 1 < count) append_natural(args[i + 1], out);
  }
  return Value::string(std::move(out));
}

Result<Value> fn_base64_encode(const Value& v) {
  std::string_view s = v.as_string();
  if (s.size() > kMaxEncodeChars && java_length(s) > kMaxEncodeChars)
    return too_long("States.Base64Encode", "input string");
  std::string out;
  out.resize((s.size() + 2) / 3 * 4);
  char* o = out.data();
  size_t i = 0;
  auto u = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  for (; i + 3 <= s.size(); i += 3) {
    uint32_t w = (u(i) << 16) | (u(i + 1) << 8) | u(i + 2);
    *o++ = kB64[w >> 18];
    *o++ = kB64[(w >> 12) & 63];
    *o++ = kB64[(w >> 6) & 63];
    *o++ = kB64[w & 63];
  }
  if (size_t rest = s.size() - i) {
    uint32_t w = u(i) << 16;
    if (rest == 2) w |= u(i + 1) << 8;
    *o++ = kB64[w >> 18];
    *o++ = kB64[(w >> 12) & 63];
    *o++ = rest == 2 ? kB64[(w >> 6) & 63] : '=';
    *o++ = '=';
  }
  return Value::string(std::move(out));
}

Result<Value> fn_base64_decode(const Value& v) {
  std::string_view s = v.as_string();
  if (s.size() > kMaxEncodeChars && java_length(s) > kMaxEncodeChars)
    return too_long("States.Base64Decode", "input string");
  size_t len = s.size();
  size_t pad = 0;
  while (len > 0 && pad < 2 && s[len - 1] == '=') {
    --len;
    ++pad;
  }
  auto invalid = [] { return failure("States.Base64Decode: the input is not valid base64"); };
  if (len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0)) return invalid();
  std::string out;
  out.reserve(len / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    int d = b64_index(static_cast<unsigned char>(s[i]));
    if (d < 0) return invalid();
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return Value::string(to_utf8(std::move(out)));
}

const void* digest_for(std::string_view alg) {
  if (alg == "SHA-256") return EVP_sha256();
  if (alg == "SHA-1") return EVP_sha1();
  if (alg == "MD5") return EVP_md5();
  if (alg == "SHA-512") return EVP_sha512();
  if (alg == "SHA-384") return EVP_sha384();
  return nullptr;
}

Result<Value> fn_hash(const Call& call, const Value& data, const Value& alg) {
  const void* md = call.hash_md ? call.hash_md : digest_for(alg.as_string());
  if (!md)
    return failure("States.Hash: unsupported hash algorithm '" + std::string(alg.as_string()) +
                   "'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
  std::string dumped;
  std::string_view text;
  if (data.is_string()) {
    text = data.as_string();
  } else {
    dumped = data.dump();
    text = dumped;
  }
  if (text.size() > kMaxEncodeChars && java_length(text) > kMaxEncodeChars)
    return too_long("States.Hash", "input data");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &digest_len, static_cast<const EVP_MD*>(md), nullptr) != 1)
    return failure("States.Hash: the digest could not be computed");
  std::string out(digest_len * 2, '\0');
  for (unsigned int i = 0; i < digest_len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return Value::string(std::move(out));
}

Result<Value> fn_string_split(const Value& sv, const Value& dv) {
  std::string_view s = sv.as_string(), delims = dv.as_string();
  std::vector<Value> out;
  bool ascii = true;
  for (unsigned char c : delims) ascii = ascii && c < 0x80;
  auto piece = [&](size_t from, size_t to) {
    if (to > from) out.push_back(Value::string(s.substr(from, to - from)));
  };
  size_t from = 0;
  if (ascii) {
    bool table[128] = {};
    for (unsigned char c : delims) table[c] = true;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = s[i];
      if (c < 0x80 && table[c]) {
        piece(from, i);
        from = i + 1;
      }
    }
  } else {
    // Each delimiter is one character (one UTF-8 sequence) of `delims`.
    std::vector<std::string_view> chars;
    for (size_t i = 0; i < delims.size();) {
      size_t n = utf8_sequence(delims, i);
      if (n == 0) n = 1;
      chars.push_back(delims.substr(i, n));
      i += n;
    }
    for (size_t i = 0; i < s.size();) {
      size_t n = utf8_sequence(s, i);
      if (n == 0) n = 1;
      std::string_view ch = s.substr(i, n);
      bool hit = false;
      for (std::string_view d : chars) hit = hit || d == ch;
      if (hit) {
        piece(from, i);
        from = i + n;
      }
      i += n;
    }
  }
  piece(from, s.size());
  return Value::array(std::move(out));
}

Value fn_uuid(Entropy& entropy) { return Value::string(random_uuid(entropy)); }

}  // namespace sg::json::intrinsic_detail
