// Private to the JSONPath module: the compiled form of a path and of a filter, shared by
// jsonpath_parser.cc (text -> Compiled), jsonpath_filter.cc (filter parsing/evaluation),
// jsonpath_eval.cc (evaluation) and jsonpath.cc (the public JsonPath API).
//
// A Compiled path is a root plus a vector of steps; a step preceded by ".." has scan=true
// (Jayway models the scan as its own token; folding it into the next step keeps evaluation
// a flat loop). The last path function, if any, is kept apart in `function`.
// Everything here is immutable after compile and shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/jsonpath.h"
#include "json/value.h"

namespace sg::json::path_detail {

// Filters may contain paths that contain filters; deeper nesting is rejected at compile.
constexpr int kMaxNesting = 16;
// Work units (visited nodes, produced matches, filter tests) one evaluation may spend.
constexpr uint64_t kMaxWork = 4'000'000;

enum class StepKind : uint8_t {
  kName,      // ['a'] or .a
  kNames,     // ['a','b']: merged into one object when last, iterated otherwise
  kIndex,     // [0], [-1]
  kIndexes,   // [0,2]
  kSlice,     // [1:3], [:2], [-2:]
  kWildcard,  // [*] or .*
  kFilter,    // [?(...)]
};

enum class Function : uint8_t {
  kNone,
  kLength,
  kSize,
  kMin,
  kMax,
  kAvg,
  kSum,
  kStddev,
  kKeys,
  kFirst,
  kLast
};

struct FilterExpr;

struct Step {
  StepKind kind = StepKind::kName;
  bool scan = false;                      // preceded by ".."
  char quote = '\'';                      // delimiter the text used, kept for normalized()
  std::vector<std::string> names;         // kName: one, kNames: several
  std::vector<int32_t> indexes;           // kIndex: one, kIndexes: several
  bool has_from = false, has_to = false;  // kSlice
  int32_t from = 0, to = 0;
  std::shared_ptr<const FilterExpr> filter;  // kFilter
};

struct Compiled {
  std::string text;  // as given to compile()
  PathRoot root = PathRoot::kInput;
  char root_char = '$';  // '@' for the current-item paths inside filters
  std::string variable;
  std::vector<Step> steps;
  Function function = Function::kNone;
  bool definite = true;
  // Only single names/indexes, no scan, no function: evaluated by an allocation-free loop.
  bool simple = true;
  bool reference = false;
  // Index of the first indefinite step (steps.size() when definite). Steps before it are
  // "upstream definite": a missing property there is an error, after it a silent skip.
  size_t strict_prefix = 0;
  // Last step is a kNames that merges into one object (Jayway's multi-property leaf).
  bool merge_leaf = false;
  std::string normalized;
};

// ---- Filters ----------------------------------------------------------------------------

enum class RelOp : uint8_t {
  kExists,
  kEq,
  kNe,
  kTsEq,
  kTsNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kRegex,
  kIn,
  kNin,
  kSubsetOf,
  kAnyOf,
  kNoneOf,
  kSize,
  kEmpty,
  kContains,
  kAll,
};

struct Operand {
  enum class Kind : uint8_t { kLiteral, kPath, kPattern } kind = Kind::kLiteral;
  Value literal;
  std::shared_ptr<const Compiled> path;     // root_char '@' (item) or '$' (document)
  std::shared_ptr<const std::regex> regex;  // kPattern, compiled once
  bool negated = false;                     // "!@.x": only meaningful for existence
};

struct FilterExpr {
  enum class Kind : uint8_t { kOr, kAnd, kNot, kRel } kind = Kind::kRel;
  std::vector<FilterExpr> children;  // kOr/kAnd: 2+, kNot: 1
  RelOp op = RelOp::kExists;
  Operand left, right;
  bool should_exist = true;  // kExists
};

// Shared work budget of one top-level evaluation (filters evaluate sub-paths with it).
struct Budget {
  uint64_t used = 0;
  bool spend(uint64_t n = 1) {
    used += n;
    return used <= kMaxWork;
  }
  bool exceeded() const { return used > kMaxWork; }
};

// ---- Entry points between the files -------------------------------------------------------

// Parses a path whose first character is the root ('$' or '@'); `text` is already trimmed and
// has no "$$"/"$var" prefix. Fills steps, function and the derived flags. Errors: INVALID_PATH.
Status parse_steps(std::string_view text, int depth, Compiled& out);
// Derives definite/simple/reference/strict_prefix/merge_leaf/normalized from the steps.
void finish(Compiled& c);
// Compiles a path used inside a filter ("@.a", "$['b']").
Result<std::shared_ptr<const Compiled>> compile_subpath(std::string_view text, int depth);

// Parses "[?(...)]" starting at text[pos] == '?'; on success pos is just past the ']'.
Result<std::shared_ptr<const FilterExpr>> parse_filter(std::string_view text, size_t& pos, int depth);
bool filter_is_reference(const FilterExpr& f);
bool filter_accepts(const FilterExpr& f, const Value& item, const Value& doc, Budget& budget);

// Follows a simple path (names and single indexes only) from `start`; nullptr when a step
// finds nothing. Allocation-free.
const Value* walk_simple(const Compiled& c, const Value& start);
// Evaluates `c` starting at `start`; `doc` is what "$" means inside filters.
Result<Value> evaluate_compiled(const Compiled& c, const Value& start, const Value& doc, Budget& budget);

// Jayway renderings: the path so far as evaluation reports it ("$['a'][0]"), and the
// normalized form of the steps from `from` on (with the function).
std::string eval_path(const Compiled& c, size_t upto);
std::string fragments(const Compiled& c, size_t from);

// Parses a JSON number as Jayway's filters accept it (BigDecimal syntax).
bool parse_number(std::string_view text, Value* out);

// Java/Jayway string unescaping (\n, \t, \', \", \\, \uXXXX; other escapes drop the '\').
std::string unescape(std::string_view s);

Error path_error(std::string message);    // code PATH_NOT_FOUND
Error invalid_path(std::string message);  // code INVALID_PATH

}  // namespace sg::json::path_detail
