// JSONPath as Step Functions evaluates it (Jayway JsonPath semantics).
//
// compile() parses a path once into an immutable JsonPath; evaluation never re-parses.
//   "$", "$.a.b", "$['a b']", "$.a[0]", "$.a[-1]", "$.a[1:3]", "$.a[*]", "$..x",
//   "$.a[0,2]", "$['x','y']", "$.a[?(@.price < 10 && @.tag == 'x')]", "$.a.length()"
//   "$$.Execution.Id"   (root kContext; the first '$' is removed, the rest is a path)
//   "$myVar", "$myVar.field[0]"   (root kVariable; name = identifier after '$')
// Errors: code "INVALID_PATH", message describing the problem and its position.
// Path functions (length, size, min, max, avg, sum, stddev, keys, first, last) take no
// arguments and must be the last token; regexes in filters are ECMAScript (std::regex).
//
// A path is *definite* when it has no wildcard, deep scan, filter, index union or slice
// (a union of names as the last token is definite too: Jayway merges the members present
// into one object). Evaluating a definite path returns that node or an error; an
// indefinite path returns a JSON array of every match (possibly empty), as Jayway does.
//
// Error messages follow Jayway (AWS prefixes them itself, e.g. "Invalid path '$.x' : "),
// all with code "PATH_NOT_FOUND":
//   leaf missing (or read on a non-object):  "No results for path: $['a']['b']"
//   intermediate missing (or not an object): "Missing property in path $['a']"
//   index outside the array:                 "No results for path: $['a'][5]"
//   index/slice on a non-array:  "Filter: [0]['b'] can only be applied to arrays. Current context is: 5"
//   index/slice on null:         "The path $['a'] is null"
//   filter on a primitive:       "Filter: [?] can not be applied to primitives. Current context is: 5"
// Past the first indefinite token nothing is an error: non-matching nodes are skipped.
// A path whose evaluation exceeds the work budget fails with code "PATH_LIMIT_EXCEEDED".
// normalized() renders the path in Jayway's bracket form ("$['a'][0]", "$..['x']", "[?]").
//
// is_reference_path(): AWS's rule for reference paths (ResultPath, ItemsPath, Choice
// Variable, *Path fields): only names and indices through '.' / '[]', plus simple filters
// on @ members (no functions, no regex, no $ operands, no list operators).
//
// assign() implements ResultPath: it returns a copy of `root` with `value` placed at the
// path, creating missing intermediate objects and sharing everything else. Only for
// definite input-rooted paths of names/indices; "$" replaces the root. Fails with code
// "RESULT_PATH_MATCH_FAILURE" when a node on the path is not an object (or the index is
// not inside an existing array), or when the path has other selectors.
//
// evaluate_in() fails with code "UNKNOWN_VARIABLE" for a variable that is not in scope.
// A default-constructed JsonPath behaves as "$".
//
// All functions are pure and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::json {

enum class PathRoot : uint8_t { kInput, kContext, kVariable };

namespace path_detail {
struct Compiled;  // defined in jsonpath.cc
}

class JsonPath {
 public:
  static Result<JsonPath> compile(std::string_view text);

  const std::string& text() const;
  PathRoot root() const;
  // Variable name for kVariable roots ("myVar" for "$myVar.x"); empty otherwise.
  std::string_view variable() const;
  bool is_definite() const;
  bool is_reference_path() const;
  // True for "$" (and "$$", "$var"): the whole root, no selectors.
  bool is_root_only() const;
  std::string normalized() const;

  // Evaluates against an explicit root document (the root kind is ignored).
  Result<Value> evaluate(const Value& root) const;
  // Picks the root by kind. An unknown variable fails with code "UNKNOWN_VARIABLE".
  Result<Value> evaluate_in(const PathRoots& roots) const;
  Result<Value> assign(const Value& root, Value value) const;

 private:
  std::shared_ptr<const path_detail::Compiled> c_;
};

}  // namespace sg::json
