// JavaScript regular expressions on PCRE2.
//
// Why PCRE2 (Debian's libpcre2-dev): it is a backtracking engine with the constructs
// JavaScript patterns use and std::regex (ECMAScript grammar of C++11) lacks or gets wrong:
// lookbehind, named groups (?<name>...) and \k<name>, lazy quantifiers, Unicode (UTF-8)
// subjects; it is thread-safe once compiled and lets every match run under a budget
// (match and depth limits), so a hostile pattern cannot hang an evaluation. RE2 would be
// safer still but has no lookaround or backreferences, which JavaScript patterns use.
//
// Options chosen to get JavaScript's semantics:
// - PCRE2_UTF: patterns and subjects are UTF-8 (JSONata strings).
// - PCRE2_ALT_BSUX: \uHHHH is a code point, \xHH takes exactly two digits, \U is 'U'.
// - PCRE2_ALLOW_EMPTY_CLASS: [] matches nothing and [^] matches anything, as in JS.
// - PCRE2_MATCH_UNSET_BACKREF: a backreference to a group that did not take part matches
//   the empty string, as in JS.
// - PCRE2_DOLLAR_ENDONLY (without the m flag): $ matches only at the very end, not before
//   a final newline.
// - Newlines are PCRE2_NEWLINE_ANY so that '.', ^ and $ (with m) treat \r, \u2028 and
//   \u2029 as line ends like JS does.
// - Flags: i -> PCRE2_CASELESS, m -> PCRE2_MULTILINE (the reference adds g itself).
//
// Differences from JavaScript that remain (documented for users of $match/$replace/...):
// - \s, \d, \w and \b are ASCII-only (JS's \s also matches Unicode spaces such as U+00A0
//   and U+FEFF); case-insensitive matching uses Unicode simple case folding.
// - Lookbehind must have a bounded length (JS allows any length).
// - '.' and $ also stop at \v, \f and U+0085 (PCRE2's ANY newline convention).
// - Offsets are bytes of UTF-8 here; callers convert to JavaScript's UTF-16 units.
// - A few syntax details differ in error cases: JS (without the u flag) accepts some
//   malformed escapes and quantifiers as literals where PCRE2 reports an error (S0303).
#include "json/jsonata_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <string>

#include "json/jsonata_functions.h"

namespace sg::json::jsonata {

namespace {

// Budgets of one match: enough for ordinary patterns on 256 KiB payloads, small enough
// that catastrophic backtracking fails (U1001) within a fraction of a second.
constexpr uint32_t kMatchLimit = 5'000'000;
constexpr uint32_t kDepthLimit = 100'000;
constexpr uint32_t kHeapLimitKiB = 64 * 1024;

class PcreRegex : public Regex {
 public:
  PcreRegex(std::string source, std::string flags, pcre2_code* code, pcre2_match_context* mctx)
      : source_(std::move(source)), flags_(std::move(flags)), code_(code), mctx_(mctx) {}
  ~PcreRegex() override {
    pcre2_match_context_free(mctx_);
    pcre2_code_free(code_);
  }
  PcreRegex(const PcreRegex&) = delete;
  PcreRegex& operator=(const PcreRegex&) = delete;

  bool find(std::string_view subject, size_t from, RegexMatch* m, Error* error) const override {
    error->code.clear();
    if (from > subject.size()) return false;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> md(
        pcre2_match_data_create_from_pattern(code_, nullptr), &pcre2_match_data_free);
    if (!md) {
      *error = make_error("U1001");
      error->message = "Out of memory matching a regular expression";
      return false;
    }
    int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), from, 0,
                         md.get(), mctx_);
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
        rc == PCRE2_ERROR_NOMEMORY) {
      *error = make_error("U1001");
      error->message = "Regular expression too complex for its subject (match limit reached)";
      return false;
    }
    if (rc < 0) return false;  // e.g. a subject that is not valid UTF-8: no match
    uint32_t pairs = pcre2_get_ovector_count(md.get());
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
    m->begin = ov[0];
    m->end = ov[1];
    uint32_t groups = 0;
    pcre2_pattern_info(code_, PCRE2_INFO_CAPTURECOUNT, &groups);
    m->groups.clear();
    for (uint32_t g = 1; g <= groups; ++g) {
      if (g < pairs && ov[2 * g] != PCRE2_UNSET) {
        m->groups.emplace_back(
            std::make_pair(static_cast<size_t>(ov[2 * g]), static_cast<size_t>(ov[2 * g + 1])));
      } else {
        m->groups.emplace_back(std::nullopt);
      }
    }
    return true;
  }

  std::string_view source() const override { return source_; }
  std::string_view flags() const override { return flags_; }

 private:
  std::string source_;
  std::string flags_;
  pcre2_code* code_;
  pcre2_match_context* mctx_;
};

}  // namespace

std::shared_ptr<const Regex> compile_regex(std::string_view pattern, std::string_view flags,
                                           std::string* error_message) {
  uint32_t options = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF;
  bool multiline = flags.find('m') != std::string_view::npos;
  if (flags.find('i') != std::string_view::npos) options |= PCRE2_CASELESS;
  if (multiline)
    options |= PCRE2_MULTILINE;
  else
    options |= PCRE2_DOLLAR_ENDONLY;
  std::unique_ptr<pcre2_compile_context, decltype(&pcre2_compile_context_free)> cctx(
      pcre2_compile_context_create(nullptr), &pcre2_compile_context_free);
  if (!cctx) {
    *error_message = "out of memory";
    return nullptr;
  }
  pcre2_set_newline(cctx.get(), PCRE2_NEWLINE_ANY);
  pcre2_set_max_pattern_length(cctx.get(), 64 * 1024);
  int errcode = 0;
  PCRE2_SIZE erroffset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                                   &errcode, &erroffset, cctx.get());
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(errcode, buf, sizeof buf);
    error_message->assign(reinterpret_cast<const char*>(buf));
    error_message->append(" at offset ");
    error_message->append(std::to_string(erroffset));
    return nullptr;
  }
  pcre2_match_context* mctx = pcre2_match_context_create(nullptr);
  if (!mctx) {
    pcre2_code_free(code);
    *error_message = "out of memory";
    return nullptr;
  }
  pcre2_set_match_limit(mctx, kMatchLimit);
  pcre2_set_depth_limit(mctx, kDepthLimit);
  pcre2_set_heap_limit(mctx, kHeapLimitKiB);
  return std::make_shared<PcreRegex>(std::string(pattern), std::string(flags), code, mctx);
}

}  // namespace sg::json::jsonata
