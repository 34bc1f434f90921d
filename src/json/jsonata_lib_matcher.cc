#include "json/jsonata_lib_matcher.h"

#include <cmath>

#include "json/jsonata_lib_text.h"

namespace sg::json::jsonata::lib {

MatchIterator::MatchIterator(CallContext& ctx, const JValue& matcher, std::string_view subject)
    : ctx_(ctx), matcher_(matcher), subject_(subject) {}

double js_index(std::string_view s, size_t b) { return static_cast<double>(utf16_offset(s, b)); }

bool MatchIterator::next(bool* found, Error* error) {
  *found = false;
  if (done_) return true;
  if (!ctx_.charge(1, error)) return false;
  bool ok = matcher_.regex() != nullptr ? next_regex(found, error) : next_function(found, error);
  if (ok && !*found) done_ = true;
  started_ = true;
  return ok;
}

bool MatchIterator::next_regex(bool* found, Error* error) {
  const Regex* re = matcher_.regex();
  if (started_ && last_index_ >= subject_.size()) return true;
  RegexMatch m;
  Error e;
  if (!re->find(subject_, started_ ? last_index_ : 0, &m, &e)) {
    if (!e.code.empty()) {
      *error = std::move(e);
      return false;
    }
    return true;
  }
  if (started_ && m.end == m.begin) {
    // A later match of the empty string: the reference gives up rather than loop.
    *error = make_error("D1004", {.value = JValue::string(re->source())});
    return false;
  }
  last_index_ = m.end;
  current_.begin = m.begin;
  current_.end = m.end;
  current_.text.assign(subject_.substr(m.begin, m.end - m.begin));
  current_.groups.clear();
  for (const auto& g : m.groups) {
    if (g) {
      current_.groups.push_back(JValue::string(subject_.substr(g->first, g->second - g->first)));
    } else {
      current_.groups.push_back(JValue());
    }
  }
  *found = true;
  return true;
}

bool MatchIterator::next_function(bool* found, Error* error) {
  Outcome r = [&]() -> Outcome {
    if (!started_) {
      JValue arg = JValue::string(subject_);
      return ctx_.call(matcher_, std::span<const JValue>(&arg, 1));
    }
    if (!next_fn_.is_function()) return JValue();
    return ctx_.call(next_fn_, {});
  }();
  if (!r.ok()) {
    *error = std::move(r).error();
    return false;
  }
  const JValue& v = r.value();
  if (v.is_undefined()) return true;
  // The reference's structure check: any one of the expected members will do.
  bool shaped = v.is_object() && (v.get("start").is_number() || v.get("end").is_number() ||
                                  v.get("groups").is_array() || v.get("next").is_function());
  if (!shaped) {
    *error = make_error("T1010");
    return false;
  }
  JValue match = v.get("match");
  current_.text = match.is_string() ? std::string(match.as_string()) : std::string();
  double start = v.get("start").is_number() ? v.get("start").as_number() : 0;
  if (!(start >= 0)) start = 0;
  current_.begin = utf16_index_to_offset(subject_, static_cast<size_t>(start));
  current_.end = std::min(subject_.size(), current_.begin + current_.text.size());
  double end = v.get("end").is_number() ? v.get("end").as_number() : -1;
  if (end >= start) current_.end = utf16_index_to_offset(subject_, static_cast<size_t>(end));
  current_.groups.clear();
  JValue groups = v.get("groups");
  if (groups.is_array())
    for (size_t i = 0; i < groups.size(); ++i) current_.groups.push_back(groups.at(i));
  next_fn_ = v.get("next");
  *found = true;
  return true;
}

}  // namespace sg::json::jsonata::lib
