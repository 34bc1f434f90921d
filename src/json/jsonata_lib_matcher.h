// Iterating the matches of a "matcher" over a string, as $match, $replace, $split and
// $contains do: a regex literal (JValue::regex()) or any function that behaves like one
// (called with the string, it returns {match, start, end, groups, next} or undefined, and
// next() gives the following match). Internal to json/.
//
// The reference's quirk is kept: the first match may be empty, but a later empty match
// fails with D1004 (it would never progress).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json/jsonata_functions.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata::lib {

struct Match {
  size_t begin = 0;  // byte offsets into the subject
  size_t end = 0;
  std::string text;            // the matched text
  std::vector<JValue> groups;  // capture groups: strings, undefined where not matched
};

class MatchIterator {
 public:
  // `matcher` must be a function value; `subject` must outlive the iterator.
  MatchIterator(CallContext& ctx, const JValue& matcher, std::string_view subject);

  // Advances to the next match: returns true with *found false when there is none, false
  // with *error set on failure (D1004, T1010, the matcher function's own errors, U1001).
  bool next(bool* found, Error* error);
  const Match& current() const { return current_; }

 private:
  bool next_regex(bool* found, Error* error);
  bool next_function(bool* found, Error* error);

  CallContext& ctx_;
  const JValue& matcher_;
  std::string_view subject_;
  bool started_ = false;
  bool done_ = false;
  size_t last_index_ = 0;  // regex: where the next search starts (JavaScript's lastIndex)
  JValue next_fn_;         // function matcher: the previous result's next()
  Match current_;
};

// Offsets JavaScript would report: UTF-16 units before byte offset `b` of `s`.
double js_index(std::string_view s, size_t b);

}  // namespace sg::json::jsonata::lib
