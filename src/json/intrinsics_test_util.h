// Test helpers shared by the intrinsics and payload template tests: roots with variables,
// a deterministic Entropy that counts its calls, and one-line evaluation helpers that
// render results (or errors) as text for exact comparisons.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "json/intrinsics.h"
#include "json/parse.h"
#include "json/path_roots.h"
#include "json/payload_template.h"

namespace sg::json::testing {

inline Value J(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v ? *v : Value();
}

class TestRoots final : public PathRoots {
 public:
  explicit TestRoots(Value input, Value context = Value::empty_object())
      : input_(std::move(input)), context_(std::move(context)) {}
  const Value& input() const override { return input_; }
  const Value& context() const override { return context_; }
  const Value* variable(std::string_view name) const override {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
  }
  void set(std::string name, Value v) { vars_[std::move(name)] = std::move(v); }

 private:
  Value input_, context_;
  std::map<std::string, Value, std::less<>> vars_;
};

class CountingEntropy final : public Entropy {
 public:
  explicit CountingEntropy(uint64_t seed = 1) : state_(seed) {}
  uint64_t next_u64() override {
    ++calls;
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int calls = 0;

 private:
  uint64_t state_;
};

inline Result<Value> eval(std::string_view text, const PathRoots& roots) {
  auto c = Intrinsic::compile(text);
  if (!c) return c.error();
  CountingEntropy e;
  return c->evaluate(roots, e);
}

inline Result<Value> eval(std::string_view text, std::string_view input = "{}") {
  return eval(text, TestRoots(J(input)));
}

// Compact JSON of a successful evaluation, or "ERROR <code>: <message>".
inline std::string out(std::string_view text, std::string_view input = "{}") {
  auto r = eval(text, input);
  if (!r) return "ERROR " + r.error().code + ": " + r.error().message;
  return r->dump();
}

inline std::string code_of(std::string_view text, std::string_view input = "{}") {
  auto r = eval(text, input);
  return r ? "ok" : r.error().code;
}

inline std::string compile_code(std::string_view text) {
  auto c = Intrinsic::compile(text);
  return c ? "ok" : c.error().code;
}

// Runs a payload template (a worked example from the reference) against input.
inline std::string run_template(std::string_view tmpl, std::string_view input,
                                Value context = Value::empty_object()) {
  auto t = PayloadTemplate::compile(J(tmpl));
  if (!t) return "COMPILE ERROR: " + t.error().message;
  CountingEntropy e;
  TestRoots roots(J(input), std::move(context));
  auto r = t->evaluate(roots, e);
  if (!r) return "ERROR " + r.error().code + ": " + r.error().message;
  return r->dump();
}

}  // namespace sg::json::testing
