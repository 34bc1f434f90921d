#include "asl/jsonata_functions.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "json/parse.h"
#include "json/uuid.h"

namespace sg::asl {

using json::Value;
using json::jsonata::Error;
using json::jsonata::NativeFunctionEntry;
using Args = std::span<const std::optional<Value>>;

namespace {

// AWS refuses a $range longer than this (measured: 360,145 elements pass, one more fails).
constexpr int64_t kMaxRangeElements = 360145;

bool fail(Error* e, std::string message) {
  e->code = "D3137";
  e->message = std::move(message);
  return false;
}

const std::optional<Value>* arg(Args args, size_t i) {
  return i < args.size() && args[i] && !args[i]->is_null() ? &args[i] : nullptr;
}

// A number truncated toward zero, clamped to the int64 range.
int64_t truncated(const Value& v) {
  double d = std::trunc(v.as_double());
  if (!(d > -9.2233720368547758e18)) return std::numeric_limits<int64_t>::min();
  if (!(d < 9.2233720368547758e18)) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(d);
}

bool partition(Args args, std::optional<Value>* out, Error* e) {
  const auto* a = arg(args, 0);
  if (!a || !(*a)->is_array()) return true;
  const Value& array = **a;
  int64_t size = static_cast<int64_t>(array.size());
  if (const auto* s = arg(args, 1)) {
    if (!(*s)->is_number()) return true;
    size = truncated(**s);
    if (size < 0) return fail(e, "Second argument must be zero or greater");
  }
  if (size == 0 || array.size() == 0) return true;
  std::vector<Value> chunks;
  std::vector<Value> chunk;
  for (const Value& item : array.items()) {
    chunk.push_back(item);
    if (static_cast<int64_t>(chunk.size()) == size) {
      chunks.push_back(Value::array(std::move(chunk)));
      chunk.clear();
    }
  }
  if (!chunk.empty()) chunks.push_back(Value::array(std::move(chunk)));
  *out = Value::array(std::move(chunks));
  return true;
}

bool range(Args args, std::optional<Value>* out, Error* e) {
  const auto* s = arg(args, 0);
  const auto* en = arg(args, 1);
  const auto* st = arg(args, 2);
  if (!s || !en || !st || !(*s)->is_number() || !(*en)->is_number() || !(*st)->is_number()) return true;
  int64_t start = truncated(**s), end = truncated(**en), step = truncated(**st);
  if (step == 0) return true;
  if (start == end) {
    *out = Value::integer(start);
    return true;
  }
  if ((end > start) != (step > 0)) return true;
  __int128 span = static_cast<__int128>(end) - start;
  __int128 count = span / step + 1;
  if (count > kMaxRangeElements) return fail(e, "Expression evaluation memory limit exceeded");
  std::vector<Value> items;
  items.reserve(static_cast<size_t>(count));
  __int128 v = start;
  for (__int128 i = 0; i < count; ++i, v += step) items.push_back(Value::integer(static_cast<int64_t>(v)));
  *out = Value::array(std::move(items));
  return true;
}

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "MD5") return EVP_md5();
  if (alg == "SHA-1") return EVP_sha1();
  if (alg == "SHA-256") return EVP_sha256();
  if (alg == "SHA-384") return EVP_sha384();
  if (alg == "SHA-512") return EVP_sha512();
  return nullptr;
}

bool hash(Args args, std::optional<Value>* out, Error* e) {
  const auto* d = arg(args, 0);
  const auto* a = arg(args, 1);
  if (!d || !a || !(*d)->is_string() || !(*a)->is_string()) return true;
  std::string_view alg = (*a)->as_string();
  const EVP_MD* md = digest_for(alg);
  if (!md) {
    std::string m("Unsupported hash algorithm '");
    m.append(alg).append("'. Supported algorithms are MD5, SHA-1, SHA-256, SHA-384 and SHA-512");
    return fail(e, std::move(m));
  }
  std::string_view text = (*d)->as_string();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr) != 1)
    return fail(e, "The digest could not be computed");
  static const char kHex[] = "0123456789abcdef";
  std::string hex(len * 2, '\0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  *out = Value::string(std::move(hex));
  return true;
}

// JSONata numbers are JavaScript doubles: an integral value prints without a fraction
// ($parse('1.0') is 1 on AWS).
Value integral_numbers(const Value& v) {
  if (v.is_double()) {
    int64_t n;
    if (v.integral_value(&n)) return Value::integer(n);
    return v;
  }
  if (v.is_array()) {
    std::vector<Value> items;
    items.reserve(v.size());
    for (const Value& x : v.items()) items.push_back(integral_numbers(x));
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    json::ObjectBuilder b(v.size());
    for (const json::Member& m : v.members()) b.add(m.name(), integral_numbers(m.value));
    return std::move(b).build();
  }
  return v;
}

bool parse(Args args, std::optional<Value>* out, Error* e) {
  const auto* t = arg(args, 0);
  if (!t || !(*t)->is_string()) return true;
  auto v = json::parse_json((*t)->as_string());
  if (!v) return fail(e, "Invalid JSON");
  *out = integral_numbers(*v);
  return true;
}

}  // namespace

double java_random_double(int64_t seed) {
  constexpr uint64_t kMultiplier = 0x5DEECE66DULL, kAddend = 0xBULL, kMask = (1ULL << 48) - 1;
  uint64_t s = (static_cast<uint64_t>(seed) ^ kMultiplier) & kMask;
  auto next = [&](int bits) {
    s = (s * kMultiplier + kAddend) & kMask;
    return static_cast<int64_t>(static_cast<int32_t>(s >> (48 - bits)));
  };
  int64_t hi = next(26);
  int64_t lo = next(27);
  return static_cast<double>((hi << 27) + lo) * 0x1.0p-53;
}

std::vector<NativeFunctionEntry> aws_jsonata_functions(json::Entropy* entropy) {
  std::vector<NativeFunctionEntry> fns;
  fns.reserve(6);
  fns.push_back({"partition", "<an?:a>", partition});
  fns.push_back({"range", "<nnn?:a>", range});
  fns.push_back({"hash", "<ss?:s>", hash});
  fns.push_back({"random", "<n?:n>", [entropy](Args args, std::optional<Value>* out, Error*) {
                   if (const auto* s = arg(args, 0); s && (*s)->is_number()) {
                     *out = Value::number(java_random_double(truncated(**s)));
                   } else {
                     uint64_t bits = entropy ? entropy->next_u64() : 0;
                     *out = Value::number(static_cast<double>(bits >> 11) * 0x1.0p-53);
                   }
                   return true;
                 }});
  fns.push_back({"uuid", "<:s>", [entropy](Args, std::optional<Value>* out, Error* e) {
                   if (!entropy) return fail(e, "No source of randomness");
                   *out = Value::string(json::random_uuid(*entropy));
                   return true;
                 }});
  fns.push_back({"parse", "<s?:j>", parse});
  return fns;
}

}  // namespace sg::asl
