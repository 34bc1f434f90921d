// PathRoots: what a path may read. `$...` reads the input, `$$...` the Context object,
// `$name...` a workflow variable. Implemented by the interpreter, which builds the
// Context object lazily (most states never read it).
//
// Entropy: the injected source of randomness for States.UUID, States.MathRandom and
// jitter; the core never calls rand() or reads the clock.
#pragma once

#include <cstdint>
#include <string_view>

#include "json/value.h"

namespace sg::json {

class PathRoots {
 public:
  virtual ~PathRoots() = default;
  virtual const Value& input() const = 0;
  virtual const Value& context() const = 0;
  // nullptr when no variable of that name is in scope.
  virtual const Value* variable(std::string_view name) const = 0;
};

// Roots over fixed values (tests, TestState, simple callers).
class FixedRoots final : public PathRoots {
 public:
  explicit FixedRoots(Value input, Value context = Value::empty_object())
      : input_(std::move(input)), context_(std::move(context)) {}
  const Value& input() const override { return input_; }
  const Value& context() const override { return context_; }
  const Value* variable(std::string_view) const override { return nullptr; }

 private:
  Value input_;
  Value context_;
};

class Entropy {
 public:
  virtual ~Entropy() = default;
  virtual uint64_t next_u64() = 0;
};

}  // namespace sg::json
