// JSONata function signatures ("<s-nn?:s>"): parsed once, then used to check and normalise
// the arguments of every call, with the reference's errors (T0410 wrong argument, T0411
// context of the wrong type, T0412 array items of the wrong type). Internal to json/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/jsonata.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata {

class Signature {
 public:
  struct Param {
    std::string allowed;   // type symbols accepted ("sm", "asnblfom", "f", ...)
    char type = 'x';       // s n b l o a f j x, or '(' for a choice
    char quantifier = 0;   // 0, '?', '+'
    bool context = false;  // '-': the context item stands in when the argument is missing
    std::string context_allowed;
    std::string subtype;  // a<n> / f<...>: what is between the angle brackets
  };

  // Parses `text` (with its angle brackets). On failure returns false with error code
  // S0401/S0402 and error->position the offset in `text`.
  static bool parse(std::string_view text, Signature* out, Error* error);

  // Checks `args` (undefined: missing) against the signature; on success fills *out with
  // one value per parameter as documented in jsonata_functions.h.
  bool validate(std::span<const JValue> args, const JValue& context, std::vector<JValue>* out,
                Error* error) const;

  size_t param_count() const { return params_.size(); }
  const std::string& definition() const { return definition_; }

 private:
  // Length of the match of params [0, count) against symbols from `pos` (greedy with
  // backtracking, as the reference's regular expression); per-param lengths in *lens.
  bool match(size_t param, size_t count, std::string_view symbols, size_t pos, bool anchored,
             std::vector<size_t>* lens) const;

  std::vector<Param> params_;
  std::string definition_;
};

// The symbol the reference's signature matching uses for a value (m for undefined).
char signature_symbol(const JValue& v);

}  // namespace sg::json::jsonata
