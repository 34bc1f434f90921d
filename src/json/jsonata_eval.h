// The JSONata evaluator (internal): walks the tree of jsonata_ast.h the way the reference
// (jsonata-js 2.x) evaluates it: sequences, tuple streams for %, @ and #, frames of
// variables, lambdas as closures, partial application, tail calls through a trampoline.
//
// Bounds: every node evaluated counts one step and one level of depth (as the reference's
// timebox does); past Limits::max_depth, Limits::max_steps, the C++ stack budget of the
// calling thread, or when Limits::should_stop says so, evaluation fails with U1001.
//
// One Evaluator serves one evaluation on one thread; Programs are shared and immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "json/jsonata.h"
#include "json/jsonata_ast.h"
#include "json/jsonata_functions.h"
#include "json/jsonata_internal.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata {

// A compiled expression: the tree and the arena that owns it.
struct Program {
  Arena arena;
  Node* root = nullptr;
  std::string text;
};

class Frame;
using FramePtr = std::shared_ptr<Frame>;

// Variables of one scope (block, call, tuple); looks outward through `parent`.
class Frame {
 public:
  explicit Frame(FramePtr parent) : parent_(std::move(parent)) {}
  void bind(std::string_view name, JValue value);
  // The value bound to `name` here or in an enclosing frame; null when unbound.
  const JValue* lookup(std::string_view name) const;
  void clear() { vars_.clear(); }
  const FramePtr& parent() const { return parent_; }

 private:
  FramePtr parent_;
  std::vector<std::pair<std::string, JValue>> vars_;
};

struct BuiltinInfo;

class Function : public detail::JNode {
 public:
  enum class Kind : uint8_t { kLambda, kBuiltin, kNative, kPartial, kRegex, kTransform, kChain, kMatchNext };
  Kind kind = Kind::kLambda;

  // kLambda
  const Node* node = nullptr;  // the lambda node (body, signature, thunk)
  std::vector<std::string> params;
  JValue input;
  FramePtr env;
  bool thunk = false;
  // kBuiltin
  const BuiltinInfo* builtin = nullptr;
  // kNative (Environment::functions)
  const NativeFunctionEntry* native = nullptr;
  std::shared_ptr<const Signature> native_signature;
  // kPartial: target applied to args, holes filled from the call's arguments in order
  JValue target;
  std::vector<JValue> args;
  std::vector<bool> holes;
  // kRegex, kMatchNext
  std::shared_ptr<const Regex> regex;
  std::string subject;   // kMatchNext
  size_t next_from = 0;  // kMatchNext: byte offset to search from
  int64_t position = 0;  // kRegex/kMatchNext: the regex literal's position (D1004)
  // kTransform: node, env. kChain: first, second.
  JValue first;
  JValue second;

  std::string name;  // for error tokens (builtins)
  size_t arity = 0;
  const Signature* signature() const;
};

struct BuiltinInfo {
  Builtin builtin;
  Signature signature;
  JValue value;  // the function value $name evaluates to
};

// The registered built-ins by name (built once, thread-safe).
const BuiltinInfo* find_builtin(std::string_view name);

class Evaluator : public CallContext {
 public:
  // reference_dialect: $eval is available (Dialect::kReference).
  Evaluator(const Environment& env, const Limits& limits, bool reference_dialect);
  ~Evaluator() override;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Evaluates `program` against `input` (undefined: no input). On failure returns false
  // with error() set (positions are byte offsets into the program's text).
  bool run(const Program& program, const JValue& input, JValue* result);
  const Error& error() const { return error_; }

  // CallContext
  const JValue& focus() const override { return focus_; }
  Outcome call(const JValue& fn, std::span<const JValue> args) override;
  int64_t now_ms() const override { return env_.now_ms; }
  uint64_t random_u64() override;
  bool charge(uint64_t units, Error* error) override;
  size_t max_result_size() const override;

  // For the evaluator's own built-ins.
  bool apply(const JValue& proc, std::span<const JValue> args, const JValue& input, const FramePtr& env,
             JValue* out);
  void set_error(Error e) { error_ = std::move(e); }
  bool fail(std::string_view code, int64_t position, const ErrorDetails& details = {});
  bool check_value(const JValue& v, int64_t position);
  FramePtr root_frame() const { return root_; }
  // $eval: parses and evaluates `text` against `input` in the root frame (D3120/D3121).
  Outcome eval_text(std::string_view text, const JValue& input);

 private:
  bool eval(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_inner(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_path(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_step(const Node* step, const JValue& input, const FramePtr& env, bool last, JValue* out);
  bool eval_tuple_step(const Node* step, const JValue& input, const JValue& tuples, const FramePtr& env,
                       JValue* out);
  bool eval_stages(const std::vector<Stage>& stages, JValue input, const FramePtr& env, JValue* out);
  bool eval_filter(const Node* predicate, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_binary(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_unary(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_group(const std::vector<std::pair<Node*, Node*>>& pairs, int64_t position, const JValue& input,
                  const FramePtr& env, JValue* out);
  bool eval_wildcard(const JValue& input, JValue* out);
  bool eval_descendants(const JValue& input, JValue* out);
  bool eval_function(const Node* expr, const JValue& input, const FramePtr& env, const JValue* applyto,
                     JValue* out);
  bool eval_partial(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_apply(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_sort(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool eval_lambda(const Node* expr, const JValue& input, const FramePtr& env, JValue* out);
  bool apply_inner(const JValue& proc, std::span<const JValue> args, const JValue& input, const FramePtr& env,
                   JValue* out);
  bool apply_procedure(const Function& fn, std::span<const JValue> args, JValue* out);
  bool call_builtin(const Function& fn, std::span<const JValue> args, const JValue& input, JValue* out);
  bool call_native(const Function& fn, std::span<const JValue> args, JValue* out);
  bool call_regex(const Function& fn, std::span<const JValue> args, JValue* out);
  bool call_transform(const Function& fn, std::span<const JValue> args, JValue* out);
  bool lookup_variable(const FramePtr& env, std::string_view name, JValue* out) const;
  const JValue* native_function(std::string_view name) const;

  FramePtr new_frame(const FramePtr& parent) { return std::make_shared<Frame>(parent); }
  FramePtr frame_from_tuple(const FramePtr& parent, const JValue& tuple);
  void bind(const FramePtr& frame, std::string_view name, JValue value);
  bool enter(const Node* expr);

  const Environment& env_;
  const Limits& limits_;
  bool reference_dialect_;
  Error error_;
  JValue focus_;
  FramePtr root_;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
  };
  mutable std::unordered_map<std::string, JValue, NameHash, std::equal_to<>> natives_;
  std::vector<std::weak_ptr<Frame>> tracked_frames_;
  std::vector<std::unique_ptr<Program>> programs_;  // parsed by $eval
  int depth_ = 0;
  int64_t steps_ = 0;
  uint64_t rng_state_ = 0;
  uintptr_t stack_base_ = 0;
  size_t stack_budget_ = 0;
};

// fn.append of the reference: undefined-aware concatenation into a plain array.
JValue append_values(const JValue& a, const JValue& b);

// ---- small helpers shared by jsonata_eval*.cc and jsonata_builtins.cc --------------------

constexpr uint8_t kSeq = JValue::kSequence;

// The reference's isNumeric (NaN is not a number there).
inline bool is_numeric(const JValue& v) { return v.is_number() && v.as_number() == v.as_number(); }

inline JValue sequence_of(std::vector<JValue> items, uint8_t extra = 0) {
  return make_array(std::move(items), kSeq | extra);
}

inline bool is_tuple_stream(const JValue& v) { return v.is_array() && v.has_flag(JValue::kTupleStream); }

// createSequence(x): a one-item sequence (the reference keeps even undefined in it; such
// items are skipped where they would matter).
inline JValue singleton_sequence(const JValue& v) { return sequence_of({v}); }

inline const Function* fn_of(const JValue& v) { return v.is_function() ? v.function() : nullptr; }

// JavaScript's truthiness (not JSONata's): what `if (value)` means in the reference.
inline bool js_truthy(const JValue& v) {
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
    case JValue::Kind::kNull:
      return false;
    case JValue::Kind::kBool:
      return v.as_bool();
    case JValue::Kind::kNumber:
      return v.as_number() != 0 && v.as_number() == v.as_number();
    case JValue::Kind::kString:
      return !v.as_string().empty();
    default:
      return true;
  }
}

}  // namespace sg::json::jsonata
