// Internal to the intrinsics module: the compiled form of an intrinsic call and the entry
// points shared by its parser (intrinsics_parser.cc), the 18 functions
// (intrinsics_functions.cc) and the public Intrinsic class (intrinsics.cc).
//
// A Call is immutable once built and shared between threads. Arguments are literals
// (Values), compiled JSONPaths or nested Calls. Calls whose arguments are all constant
// and whose function is pure are folded at compile time into `folded`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/jsonpath.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::json::intrinsic_detail {

inline constexpr std::string_view kCompileError = "INVALID_INTRINSIC";
inline constexpr std::string_view kFailure = "States.IntrinsicFailure";
inline constexpr int kMaxNesting = 10;            // AWS: up to 10 nested intrinsics in a field
inline constexpr size_t kMaxEncodeChars = 10000;  // Base64Encode/Base64Decode/Hash input
inline constexpr int64_t kMaxRangeItems = 1000;   // ArrayRange

enum class Fn : uint8_t {
  kFormat,
  kStringToJson,
  kJsonToString,
  kArray,
  kArrayPartition,
  kArrayContains,
  kArrayRange,
  kArrayGetItem,
  kArrayLength,
  kArrayUnique,
  kBase64Encode,
  kBase64Decode,
  kHash,
  kJsonMerge,
  kMathRandom,
  kMathAdd,
  kStringSplit,
  kUuid,
};

// What an argument must be. kInteger accepts any number here; integral checks are the
// functions' own (they report values, not types).
enum class ArgType : uint8_t { kAny, kString, kNumber, kInteger, kBool, kArray, kObject };

inline constexpr uint8_t kVariadic = 255;

struct FnSpec {
  std::string_view name;  // "States.Format"
  Fn fn;
  uint8_t min_args;
  uint8_t max_args;  // kVariadic: no limit
  ArgType types[3];  // first three arguments
  ArgType rest;      // arguments past the third
  bool pure;         // same arguments -> same result (may be folded)
};

// nullptr when `name` (e.g. "States.Format") is not an intrinsic.
const FnSpec* find_spec(std::string_view name);
bool type_matches(ArgType t, const Value& v);
std::string_view arg_type_name(ArgType t);  // "a string", "an array", ...

struct Call;

struct Arg {
  enum class Kind : uint8_t { kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  bool from_source = false;          // a literal written in the text (not a folded call)
  Value literal;                     // kLiteral
  JsonPath path;                     // kPath
  std::shared_ptr<const Call> call;  // kCall
};

// Precompiled States.Format template (when the template is a literal): the text between
// placeholders, one more piece than placeholders.
struct FormatPieces {
  std::vector<std::string> pieces;
  size_t literal_bytes = 0;
};

struct Call {
  const FnSpec* spec = nullptr;
  std::vector<Arg> args;
  bool uses_context = false;
  bool is_folded = false;
  Value folded;                                // the constant result when is_folded
  std::shared_ptr<const FormatPieces> format;  // States.Format with a literal template
  const void* hash_md = nullptr;               // States.Hash with a literal algorithm: EVP_MD*
  std::shared_ptr<void> hash_md_owner;
};

// Parses `text` (a whole call, nothing after it but whitespace).
Result<std::shared_ptr<const Call>> parse_call(std::string_view text);

// Runs a call. When a path argument fails, the path's error is returned and *failed_path
// (if given) points at that path.
Result<Value> eval_call(const Call& call, const PathRoots& roots, Entropy& entropy,
                        const JsonPath** failed_path);

// Runs one function over evaluated arguments (types not yet checked).
Result<Value> apply(const Call& call, const Value* args, size_t n, Entropy& entropy);

// The functions whose code lives in intrinsics_text.cc (arguments already type-checked).
Result<Value> fn_format(const Call& call, const Value* args, size_t n);
Result<Value> fn_base64_encode(const Value& s);
Result<Value> fn_base64_decode(const Value& s);
Result<Value> fn_hash(const Call& call, const Value& data, const Value& alg);
Result<Value> fn_string_split(const Value& s, const Value& delims);
Value fn_uuid(Entropy& entropy);

// Splits a States.Format template at its "{}" placeholders (runtime templates).
void split_format(std::string_view tmpl, std::vector<std::string_view>& out);

// Tries to fold a call whose arguments are all literals; on success sets folded.
void try_fold(Call& call);

// Resolves a hash algorithm name ("SHA-256") to an EVP_MD*, nullptr if unknown.
const void* digest_for(std::string_view alg);

Error failure(std::string message);

}  // namespace sg::json::intrinsic_detail
