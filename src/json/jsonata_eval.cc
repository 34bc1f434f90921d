#include "json/jsonata_eval.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "json/jsonata_errors.h"

namespace sg::json::jsonata {

namespace {

// fn.lookup: a field of an object, or of every object in an array (flattened one level).
// Recursion follows nested arrays, whose depth is bounded by kMaxValueDepth.
JValue lookup_field(const JValue& input, std::string_view key) {
  if (input.is_object()) return input.get(key);
  if (!input.is_array()) return JValue();
  std::vector<JValue> items;
  size_t n = input.size();
  for (size_t i = 0; i < n; ++i) {
    JValue res = lookup_field(input.at(i), key);
    if (res.is_undefined()) continue;
    if (res.is_array()) {
      size_t m = res.size();
      for (size_t j = 0; j < m; ++j) items.push_back(res.at(j));
    } else {
      items.push_back(std::move(res));
    }
  }
  return make_array(std::move(items), JValue::kSequence);
}

}  // namespace

// ---- Frame --------------------------------------------------------------------------------

void Frame::bind(std::string_view name, JValue value) {
  for (auto& [k, v] : vars_) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  vars_.emplace_back(std::string(name), std::move(value));
}

const JValue* Frame::lookup(std::string_view name) const {
  for (const Frame* f = this; f; f = f->parent_.get()) {
    for (const auto& [k, v] : f->vars_)
      if (k == name) return &v;
  }
  return nullptr;
}

// ---- JValue's function accessors (need Function's definition) ------------------------------

JValue JValue::function(std::shared_ptr<const Function> fn) {
  return from_node(Kind::kFunction, std::static_pointer_cast<const detail::JNode>(std::move(fn)));
}

const Function* JValue::function() const noexcept {
  return kind_ == Kind::kFunction ? static_cast<const Function*>(node_.get()) : nullptr;
}

const Regex* JValue::regex() const noexcept {
  const Function* f = function();
  return f && f->kind == Function::Kind::kRegex ? f->regex.get() : nullptr;
}

size_t JValue::function_arity() const noexcept {
  const Function* f = function();
  return f ? f->arity : 0;
}

const Signature* Function::signature() const {
  switch (kind) {
    case Kind::kLambda:
      return node && node->signature ? node->signature.get() : nullptr;
    case Kind::kBuiltin:
      return &builtin->signature;
    case Kind::kNative:
      return native_signature.get();
    default:
      return nullptr;
  }
}

JValue append_values(const JValue& a, const JValue& b) {
  if (a.is_undefined()) return b;
  if (b.is_undefined()) return a;
  std::vector<JValue> items;
  if (a.is_array())
    items = a.items();
  else
    items.push_back(a);
  if (b.is_array()) {
    size_t n = b.size();
    items.reserve(items.size() + n);
    for (size_t i = 0; i < n; ++i) items.push_back(b.at(i));
  } else {
    items.push_back(b);
  }
  return make_array(std::move(items));
}

// ---- Evaluator ----------------------------------------------------------------------------

Evaluator::Evaluator(const Environment& env, const Limits& limits, bool reference_dialect)
    : env_(env), limits_(limits), reference_dialect_(reference_dialect) {
  char probe = 0;
  stack_base_ = reinterpret_cast<uintptr_t>(&probe);
  stack_budget_ = thread_stack_budget(stack_base_);
  rng_state_ = env.random_seed ^ 0x9E3779B97F4A7C15ULL;
}

Evaluator::~Evaluator() {
  // Closures bound in frames that they capture form reference cycles; break them.
  for (auto& weak : tracked_frames_)
    if (FramePtr f = weak.lock()) f->clear();
  if (root_) root_->clear();
}

void Evaluator::bind(const FramePtr& frame, std::string_view name, JValue value) {
  if (value.is_function() || value.node() != nullptr) tracked_frames_.push_back(frame);
  frame->bind(name, std::move(value));
}

FramePtr Evaluator::frame_from_tuple(const FramePtr& parent, const JValue& tuple) {
  FramePtr f = new_frame(parent);
  size_t n = tuple.member_count();
  for (size_t i = 0; i < n; ++i) bind(f, tuple.key_at(i), tuple.value_at(i));
  return f;
}

bool Evaluator::fail(std::string_view code, int64_t position, const ErrorDetails& details) {
  error_ = make_error(code, details);
  error_.position = position;
  return false;
}

bool Evaluator::check_value(const JValue& v, int64_t position) {
  if (value_depth(v) > kMaxValueDepth) {
    fail("U1001", position);
    error_.message = "Value nested too deeply";
    return false;
  }
  return true;
}

uint64_t Evaluator::random_u64() {
  // splitmix64
  uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

bool Evaluator::charge(uint64_t units, Error* error) {
  steps_ += static_cast<int64_t>(units);
  bool over = limits_.max_steps > 0 && steps_ > limits_.max_steps;
  if (!over && limits_.should_stop && (steps_ & 1023) < static_cast<int64_t>(units + 1) &&
      limits_.should_stop())
    over = true;
  if (over) {
    *error = make_error("U1001");
    error->message = "Expression evaluation timeout: Check for infinite loop";
    return false;
  }
  return true;
}

size_t Evaluator::max_result_size() const {
  size_t cap = kMaxStringBytes;
  if (limits_.max_result_bytes > 0) cap = std::min(cap, limits_.max_result_bytes);
  return cap;
}

Outcome Evaluator::call(const JValue& fn, std::span<const JValue> args) {
  JValue out;
  JValue saved_focus = focus_;
  bool ok = apply(fn, args, JValue(), root_, &out);
  focus_ = saved_focus;
  if (!ok) return error_;
  return out;
}

bool Evaluator::enter(const Node* expr) {
  char probe = 0;
  uintptr_t here = reinterpret_cast<uintptr_t>(&probe);
  if (depth_ > limits_.max_depth || (stack_base_ > here && stack_base_ - here > stack_budget_)) {
    fail("U1001", expr->position);
    return false;
  }
  ++steps_;
  if (limits_.max_steps > 0 && steps_ > limits_.max_steps) {
    fail("U1001", expr->position);
    error_.message = "Expression evaluation timeout: Check for infinite loop";
    return false;
  }
  if ((steps_ & 1023) == 0 && limits_.should_stop && limits_.should_stop()) {
    fail("U1001", expr->position);
    error_.message = "Expression evaluation timeout: Check for infinite loop";
    return false;
  }
  return true;
}

bool Evaluator::run(const Program& program, const JValue& input, JValue* result) {
  root_ = new_frame(nullptr);
  bind(root_, "$", input);
  for (const auto& [name, value] : env_.variables) bind(root_, name, JValue::from_json(value));
  JValue in = input;
  if (in.is_array() && !in.is_sequence()) in = sequence_of({input}, JValue::kOuterWrapper);
  focus_ = in;
  return eval(program.root, in, root_, result);
}

// The host's functions become values when an expression first names them, so an
// evaluation pays only for the ones it uses.
const JValue* Evaluator::native_function(std::string_view name) const {
  auto it = natives_.find(name);
  if (it != natives_.end()) return &it->second;
  for (const NativeFunctionEntry& entry : env_.functions) {
    if (entry.name != name) continue;
    auto fn = std::make_shared<Function>();
    fn->kind = Function::Kind::kNative;
    fn->native = &entry;
    fn->name = entry.name;
    if (!entry.signature.empty()) {
      auto sig = std::make_shared<Signature>();
      Error e;
      if (!Signature::parse(entry.signature, sig.get(), &e)) return nullptr;  // a host bug: not callable
      fn->arity = sig->param_count();
      fn->native_signature = std::move(sig);
    }
    return &natives_.emplace(entry.name, JValue::function(std::move(fn))).first->second;
  }
  return nullptr;
}

bool Evaluator::lookup_variable(const FramePtr& env, std::string_view name, JValue* out) const {
  if (const JValue* v = env->lookup(name)) {
    *out = *v;
    return true;
  }
  if (const JValue* native = native_function(name)) {
    *out = *native;
    return true;
  }
  const BuiltinInfo* b = find_builtin(name);
  if (b && (reference_dialect_ || b->builtin.name != "eval")) {
    *out = b->value;
    return true;
  }
  *out = JValue();
  return false;
}

// ---- the dispatcher -----------------------------------------------------------------------

bool Evaluator::eval(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  if (!enter(expr)) return false;
  ++depth_;
  bool ok = eval_inner(expr, input, env, out);
  --depth_;
  return ok;
}

bool Evaluator::eval_inner(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  JValue result;
  bool ok = true;
  switch (expr->type) {
    case NodeType::kPath:
      ok = eval_path(expr, input, env, &result);
      break;
    case NodeType::kBinary:
      ok = eval_binary(expr, input, env, &result);
      break;
    case NodeType::kUnary:
      ok = eval_unary(expr, input, env, &result);
      break;
    case NodeType::kName:
      result = lookup_field(input, expr->value);
      break;
    case NodeType::kString:
    case NodeType::kNumber:
    case NodeType::kValue:
      result = expr->literal;
      break;
    case NodeType::kWildcard:
      ok = eval_wildcard(input, &result);
      break;
    case NodeType::kDescendant:
      ok = eval_descendants(input, &result);
      break;
    case NodeType::kParent: {
      const JValue* v = env->lookup(expr->slot->label);
      if (v) result = *v;
      break;
    }
    case NodeType::kCondition: {
      JValue cond;
      if (!eval(expr->condition, input, env, &cond)) return false;
      if (truthy(cond)) {
        ok = eval(expr->then_branch, input, env, &result);
      } else if (expr->else_branch) {
        ok = eval(expr->else_branch, input, env, &result);
      }
      break;
    }
    case NodeType::kBlock: {
      FramePtr frame = new_frame(env);
      for (const Node* e : expr->expressions) {
        if (!eval(e, input, frame, &result)) return false;
      }
      break;
    }
    case NodeType::kBind: {
      if (!eval(expr->rhs, input, env, &result)) return false;
      bind(env, expr->lhs->value, result);
      break;
    }
    case NodeType::kRegex: {
      auto fn = std::make_shared<Function>();
      fn->kind = Function::Kind::kRegex;
      fn->regex = expr->regex;
      fn->arity = 2;
      fn->position = expr->position;
      result = JValue::function(std::move(fn));
      break;
    }
    case NodeType::kFunction:
      ok = eval_function(expr, input, env, nullptr, &result);
      break;
    case NodeType::kVariable:
      if (expr->value.empty()) {
        result = input.is_array() && input.has_flag(JValue::kOuterWrapper) && input.size() > 0 ? input.at(0)
                                                                                               : input;
      } else {
        lookup_variable(env, expr->value, &result);
      }
      break;
    case NodeType::kLambda:
      ok = eval_lambda(expr, input, env, &result);
      break;
    case NodeType::kPartial:
      ok = eval_partial(expr, input, env, &result);
      break;
    case NodeType::kApply:
      ok = eval_apply(expr, input, env, &result);
      break;
    case NodeType::kTransform: {
      auto fn = std::make_shared<Function>();
      fn->kind = Function::Kind::kTransform;
      fn->node = expr;
      fn->env = env;
      fn->arity = 1;
      result = JValue::function(std::move(fn));
      break;
    }
    case NodeType::kSort:
      ok = eval_sort(expr, input.is_array() ? input : singleton_sequence(input), env, &result);
      break;
    case NodeType::kOperator:
    case NodeType::kEnd:
      return fail("S0206", expr->position, {.token = expr->value});
  }
  if (!ok) return false;

  for (const Stage& stage : expr->predicate) {
    JValue filtered;
    if (!eval_filter(stage.expr, result, env, &filtered)) return false;
    result = std::move(filtered);
  }
  if (expr->type != NodeType::kPath && expr->group) {
    JValue grouped;
    if (!eval_group(expr->group->pairs, expr->group->position, result, env, &grouped)) return false;
    result = std::move(grouped);
  }
  if (result.is_sequence() && !result.has_flag(JValue::kTupleStream)) {
    if (expr->keep_array) result = result.with_flags(result.flags() | JValue::kKeepSingleton);
    size_t n = result.size();
    if (n == 0) {
      result = JValue();
    } else if (n == 1 && !result.has_flag(JValue::kKeepSingleton)) {
      result = result.at(0);
    }
  }
  *out = std::move(result);
  return true;
}

// ---- paths --------------------------------------------------------------------------------

bool Evaluator::eval_path(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  // Fast path for the commonest paths, field names looked up through objects (`a`,
  // `order.customer.name`): the same result as the general algorithm below without
  // building sequences. An array met on the way (which maps the rest of the path over its
  // items) falls back to the general algorithm.
  if (!input.is_array() && !expr->keep_array && !expr->keep_singleton_array && !expr->group && !expr->tuple) {
    bool simple = true;
    for (const Node* step : expr->steps) {
      if (step->type != NodeType::kName || !step->stages.empty() || !step->predicate.empty() || step->group ||
          step->tuple || step->keep_array || step->focus || step->index || step->ancestor) {
        simple = false;
        break;
      }
    }
    if (simple) {
      JValue v = input;
      size_t i = 0;
      for (; i < expr->steps.size() && !v.is_array(); ++i) {
        if (!enter(expr->steps[i])) return false;
        v = v.get(expr->steps[i]->value);
        if (v.is_undefined()) break;
      }
      if (i == expr->steps.size() || v.is_undefined()) {
        *out = v.is_array() ? v.with_flags(v.is_sequence() ? kSeq : v.flags()) : std::move(v);
        return true;
      }
    }
  }
  JValue input_sequence;
  if (input.is_array() && expr->steps[0]->type != NodeType::kVariable) {
    input_sequence = input;
  } else {
    input_sequence = singleton_sequence(input);
  }
  JValue result_sequence;
  bool is_tuple_stream = false;
  JValue tuple_bindings;
  bool have_tuples = false;
  size_t nsteps = expr->steps.size();
  for (size_t ii = 0; ii < nsteps; ++ii) {
    const Node* step = expr->steps[ii];
    if (step->tuple) is_tuple_stream = true;
    if (ii == 0 && step->consarray) {
      if (!eval(step, input_sequence, env, &result_sequence)) return false;
    } else if (is_tuple_stream) {
      JValue next;
      if (!eval_tuple_step(step, input_sequence, have_tuples ? tuple_bindings : JValue(), env, &next))
        return false;
      tuple_bindings = std::move(next);
      have_tuples = true;
    } else {
      if (!eval_step(step, input_sequence, env, ii == nsteps - 1, &result_sequence)) return false;
    }
    if (!is_tuple_stream &&
        (result_sequence.is_undefined() || (result_sequence.is_array() && result_sequence.size() == 0)))
      break;
    if (!step->focus) input_sequence = result_sequence;
  }
  if (is_tuple_stream) {
    if (expr->tuple) {
      result_sequence = tuple_bindings;
    } else {
      std::vector<JValue> items;
      size_t n = tuple_bindings.size();
      items.reserve(n);
      for (size_t i = 0; i < n; ++i) items.push_back(tuple_bindings.at(i).get("@"));
      result_sequence = sequence_of(std::move(items));
    }
  }
  if (expr->keep_singleton_array) {
    if (result_sequence.is_array() && result_sequence.has_flag(JValue::kCons) &&
        !result_sequence.is_sequence()) {
      result_sequence = singleton_sequence(result_sequence);
    }
    if (result_sequence.is_array())
      result_sequence = result_sequence.with_flags(result_sequence.flags() | JValue::kKeepSingleton);
  }
  if (expr->group) {
    JValue grouped;
    if (!eval_group(expr->group->pairs, expr->group->position,
                    is_tuple_stream ? tuple_bindings : result_sequence, env, &grouped))
      return false;
    result_sequence = std::move(grouped);
  }
  *out = std::move(result_sequence);
  return true;
}

bool Evaluator::eval_step(const Node* step, const JValue& input, const FramePtr& env, bool last,
                          JValue* out) {
  if (step->type == NodeType::kSort) {
    JValue sorted;
    if (!eval_sort(step, input, env, &sorted)) return false;
    if (!step->stages.empty()) return eval_stages(step->stages, sorted, env, out);
    *out = std::move(sorted);
    return true;
  }
  std::vector<JValue> results;
  size_t n = input.size();
  results.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    JValue res;
    if (!eval(step, input.at(i), env, &res)) return false;
    for (const Stage& stage : step->stages) {
      JValue filtered;
      if (!eval_filter(stage.expr, res, env, &filtered)) return false;
      res = std::move(filtered);
    }
    if (res.is_defined()) results.push_back(std::move(res));
  }
  if (last && results.size() == 1 && results[0].is_array() && !results[0].is_sequence()) {
    *out = results[0];
    return true;
  }
  std::vector<JValue> flat;
  flat.reserve(results.size());
  for (JValue& res : results) {
    if (!res.is_array() || res.has_flag(JValue::kCons)) {
      flat.push_back(std::move(res));
    } else {
      size_t m = res.size();
      for (size_t j = 0; j < m; ++j) flat.push_back(res.at(j));
    }
  }
  if (flat.size() > kMaxArrayItems) return fail("U1001", step->position);
  *out = sequence_of(std::move(flat));
  return true;
}

bool Evaluator::eval_tuple_step(const Node* step, const JValue& input, const JValue& tuples,
                                const FramePtr& env, JValue* out) {
  if (step->type == NodeType::kSort) {
    JValue result;
    if (tuples.is_defined()) {
      if (!eval_sort(step, tuples, env, &result)) return false;
    } else {
      JValue sorted;
      if (!eval_sort(step, input, env, &sorted)) return false;
      std::vector<JValue> items;
      size_t n = sorted.size();
      for (size_t i = 0; i < n; ++i) {
        std::vector<std::pair<std::string, JValue>> t;
        t.emplace_back("@", sorted.at(i));
        if (step->index) t.emplace_back(*step->index, JValue::number(static_cast<double>(i)));
        items.push_back(JValue::object(std::move(t)));
      }
      result = sequence_of(std::move(items), JValue::kTupleStream);
    }
    if (!step->stages.empty()) return eval_stages(step->stages, result, env, out);
    *out = std::move(result);
    return true;
  }
  JValue bindings = tuples;
  if (bindings.is_undefined()) {
    std::vector<JValue> items;
    size_t n = input.size();
    for (size_t i = 0; i < n; ++i) items.push_back(JValue::object({{"@", input.at(i)}}));
    bindings = sequence_of(std::move(items), JValue::kTupleStream);
  }
  std::vector<JValue> result;
  size_t n = bindings.size();
  for (size_t ee = 0; ee < n; ++ee) {
    JValue binding = bindings.at(ee);
    FramePtr step_env = frame_from_tuple(env, binding);
    JValue context = binding.get("@");
    JValue res;
    if (!eval(step, context, step_env, &res)) return false;
    if (res.is_undefined()) continue;
    bool res_tuples = is_tuple_stream(res);
    std::vector<JValue> items;
    if (res.is_array())
      items = res.items();
    else
      items.push_back(res);
    for (size_t bb = 0; bb < items.size(); ++bb) {
      auto node = new_object_node();
      for (size_t k = 0; k < binding.member_count(); ++k)
        node->set(std::string(binding.key_at(k)), binding.value_at(k));
      if (res_tuples) {
        const JValue& t = items[bb];
        for (size_t k = 0; k < t.member_count(); ++k) node->set(std::string(t.key_at(k)), t.value_at(k));
      } else {
        if (step->focus) {
          node->set(*step->focus, items[bb]);
          node->set("@", context);
        } else {
          node->set("@", items[bb]);
        }
        if (step->index) node->set(*step->index, JValue::number(static_cast<double>(bb)));
        if (step->ancestor) node->set(step->ancestor->label, context);
      }
      result.push_back(object_from_node(std::move(node)));
    }
    if (result.size() > kMaxArrayItems) return fail("U1001", step->position);
  }
  JValue stream = sequence_of(std::move(result), JValue::kTupleStream);
  if (!step->stages.empty()) return eval_stages(step->stages, stream, env, out);
  *out = std::move(stream);
  return true;
}

bool Evaluator::eval_stages(const std::vector<Stage>& stages, JValue input, const FramePtr& env,
                            JValue* out) {
  JValue result = std::move(input);
  for (const Stage& stage : stages) {
    if (stage.type == Stage::kFilter) {
      JValue filtered;
      if (!eval_filter(stage.expr, result, env, &filtered)) return false;
      result = std::move(filtered);
    } else {
      std::vector<JValue> items;
      size_t n = result.size();
      for (size_t ee = 0; ee < n; ++ee) {
        JValue tuple = result.at(ee);
        auto node = new_object_node();
        for (size_t k = 0; k < tuple.member_count(); ++k)
          node->set(std::string(tuple.key_at(k)), tuple.value_at(k));
        node->set(stage.variable, JValue::number(static_cast<double>(ee)));
        items.push_back(object_from_node(std::move(node)));
      }
      result = make_array(std::move(items), result.flags());
    }
  }
  *out = std::move(result);
  return true;
}

bool Evaluator::eval_filter(const Node* predicate, const JValue& input, const FramePtr& env, JValue* out) {
  bool tuples = is_tuple_stream(input);
  JValue seq = input.is_array() ? input : singleton_sequence(input);
  std::vector<JValue> results;
  size_t n = seq.size();
  if (predicate->type == NodeType::kNumber) {
    double idx = std::floor(predicate->literal.as_number());
    if (idx < 0) idx += static_cast<double>(n);
    if (idx >= 0 && idx < static_cast<double>(n)) {
      JValue item = seq.at(static_cast<size_t>(idx));
      if (item.is_defined()) {
        if (item.is_array()) {
          *out = item;
          return true;
        }
        results.push_back(std::move(item));
      }
    }
    *out = sequence_of(std::move(results), tuples ? JValue::kTupleStream : 0);
    return true;
  }
  for (size_t index = 0; index < n; ++index) {
    JValue item = seq.at(index);
    JValue context = item;
    FramePtr item_env = env;
    if (tuples) {
      context = item.get("@");
      item_env = frame_from_tuple(env, item);
    }
    JValue res;
    if (!eval(predicate, context, item_env, &res)) return false;
    if (res.is_number()) {
      if (!std::isfinite(res.as_number())) return fail("D1001", predicate->position, {.value = res});
      res = make_array({res});
    }
    bool numbers = res.is_array();
    if (numbers) {
      size_t m = res.size();
      for (size_t j = 0; j < m && numbers; ++j) numbers = res.at(j).is_number();
    }
    if (numbers) {
      size_t m = res.size();
      for (size_t j = 0; j < m; ++j) {
        double ii = std::floor(res.at(j).as_number());
        if (ii < 0) ii += static_cast<double>(n);
        if (ii == static_cast<double>(index) && item.is_defined()) results.push_back(item);
      }
    } else if (truthy(res) && item.is_defined()) {
      results.push_back(item);
    }
  }
  *out = sequence_of(std::move(results), tuples ? JValue::kTupleStream : 0);
  return true;
}

}  // namespace sg::json::jsonata
