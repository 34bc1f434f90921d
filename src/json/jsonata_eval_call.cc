// The evaluator's functions: lambdas, calls and the tail-call trampoline, partial
// application, chaining (~>), native and built-in calls, regexes called as functions, and
// the transform operator.
#include <algorithm>
#include <exception>
#include <optional>
#include <unordered_set>

#include "json/jsonata_eval.h"

namespace sg::json::jsonata {

// ---- functions ----------------------------------------------------------------------------

bool Evaluator::eval_lambda(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  auto fn = std::make_shared<Function>();
  fn->kind = Function::Kind::kLambda;
  fn->node = expr;
  fn->params = expr->params;
  fn->input = input;
  fn->env = env;
  fn->thunk = expr->thunk;
  fn->arity = expr->params.size();
  *out = JValue::function(std::move(fn));
  return true;
}

bool Evaluator::eval_function(const Node* expr, const JValue& input, const FramePtr& env,
                              const JValue* applyto, JValue* out) {
  JValue proc;
  if (!eval(expr->procedure, input, env, &proc)) return false;
  const Node* p = expr->procedure;
  std::string proc_name = p->type == NodeType::kPath ? p->steps[0]->value : p->value;
  if (proc.is_undefined() && p->type == NodeType::kPath) {
    JValue v;
    if (lookup_variable(env, p->steps[0]->value, &v) && js_truthy(v)) {
      fail("T1005", expr->position, {.token = p->steps[0]->value});
      error_.token = p->steps[0]->value;
      return false;
    }
  }
  std::vector<JValue> args;
  args.reserve(expr->arguments.size() + 1);
  if (applyto) args.push_back(*applyto);
  for (const Node* a : expr->arguments) {
    JValue v;
    if (!eval(a, input, env, &v)) return false;
    args.push_back(std::move(v));
  }
  if (!apply(proc, args, input, env, out)) {
    if (proc.is_function()) error_.position = expr->position;
    if (error_.position < 0) error_.position = expr->position;
    if (error_.token.empty()) error_.token = proc_name;
    return false;
  }
  return true;
}

bool Evaluator::apply(const JValue& proc, std::span<const JValue> args, const JValue& input,
                      const FramePtr& env, JValue* out) {
  JValue result;
  if (!apply_inner(proc, args, input, env, &result)) return false;
  // Trampoline: a lambda whose body ends in a call returns a thunk for that call.
  for (;;) {
    const Function* f = fn_of(result);
    if (!f || f->kind != Function::Kind::kLambda || !f->thunk) break;
    const Node* call = f->node->body;
    JValue next;
    if (!eval(call->procedure, f->input, f->env, &next)) return false;
    std::vector<JValue> next_args;
    next_args.reserve(call->arguments.size());
    for (const Node* a : call->arguments) {
      JValue v;
      if (!eval(a, f->input, f->env, &v)) return false;
      next_args.push_back(std::move(v));
    }
    JValue r;
    if (!apply_inner(next, next_args, input, env, &r)) {
      const Node* p = call->procedure;
      if (error_.token.empty() && p->type == NodeType::kVariable) error_.token = p->value;
      if (next.is_function() || error_.position < 0) error_.position = p->position;
      return false;
    }
    result = std::move(r);
  }
  *out = std::move(result);
  return true;
}

bool Evaluator::apply_inner(const JValue& proc, std::span<const JValue> args, const JValue& input,
                            const FramePtr& env, JValue* out) {
  const Function* fn = fn_of(proc);
  if (!fn) {
    error_ = make_error("T1006");
    error_.position = -1;
    return false;
  }
  std::vector<JValue> validated;
  std::span<const JValue> use = args;
  if (const Signature* sig = fn->signature()) {
    Error e;
    if (!sig->validate(args, input, &validated, &e)) {
      e.position = -1;
      if (e.token.empty()) e.token = fn->name;
      error_ = std::move(e);
      return false;
    }
    use = validated;
  }
  bool ok = false;
  switch (fn->kind) {
    case Function::Kind::kLambda:
      ok = apply_procedure(*fn, use, out);
      break;
    case Function::Kind::kBuiltin:
      ok = call_builtin(*fn, use, input, out);
      break;
    case Function::Kind::kNative:
      ok = call_native(*fn, use, out);
      break;
    case Function::Kind::kRegex:
    case Function::Kind::kMatchNext:
      ok = call_regex(*fn, use, out);
      break;
    case Function::Kind::kTransform:
      ok = call_transform(*fn, use, out);
      break;
    case Function::Kind::kChain: {
      JValue x = use.empty() ? JValue() : use[0];
      JValue mid;
      if (!apply(fn->first, std::span<const JValue>(&x, 1), JValue(), env, &mid)) return false;
      ok = apply(fn->second, std::span<const JValue>(&mid, 1), JValue(), env, out);
      break;
    }
    case Function::Kind::kPartial: {
      std::vector<JValue> full;
      full.reserve(fn->args.size());
      size_t next = 0;
      for (size_t i = 0; i < fn->args.size(); ++i) {
        if (fn->holes[i])
          full.push_back(next < use.size() ? use[next++] : JValue());
        else
          full.push_back(fn->args[i]);
      }
      // Trailing undefined arguments are "not given" (lets optional parameters take their
      // place in the signature, as a JavaScript call with fewer arguments would).
      while (!full.empty() && full.back().is_undefined()) full.pop_back();
      ok = apply(fn->target, full, input, env, out);
      break;
    }
  }
  if (!ok && error_.token.empty()) error_.token = fn->name;
  return ok;
}

bool Evaluator::apply_procedure(const Function& fn, std::span<const JValue> args, JValue* out) {
  FramePtr frame = new_frame(fn.env);
  for (size_t i = 0; i < fn.params.size(); ++i)
    bind(frame, fn.params[i], i < args.size() ? args[i] : JValue());
  return eval(fn.node->body, fn.input, frame, out);
}

bool Evaluator::call_builtin(const Function& fn, std::span<const JValue> args, const JValue& input,
                             JValue* out) {
  JValue saved = focus_;
  focus_ = input;
  // Built-ins report failures as values; an exception (memory exhausted by a hostile
  // argument, a library's length_error) still must not escape the evaluation.
  std::optional<Outcome> r;
  try {
    r.emplace(fn.builtin->builtin.fn(*this, args));
  } catch (const std::exception& ex) {
    focus_ = saved;
    fail("U1001", -1);
    error_.message = std::string("The function could not complete: ").append(ex.what());
    error_.token = fn.name;
    return false;
  }
  focus_ = saved;
  if (!r->ok()) {
    error_ = std::move(*r).error();
    if (error_.token.empty()) error_.token = fn.name;
    return false;
  }
  *out = std::move(*r).value();
  if (!check_value(*out, -1)) return false;
  return true;
}

bool Evaluator::call_native(const Function& fn, std::span<const JValue> args, JValue* out) {
  std::vector<std::optional<Value>> json_args;
  json_args.reserve(args.size());
  for (const JValue& a : args) json_args.push_back(a.to_json());
  std::optional<Value> result;
  Error e;
  bool ok = false;
  try {
    ok = fn.native->fn(json_args, &result, &e);
  } catch (const std::exception& ex) {
    fail("U1001", -1);
    error_.message = std::string("The function could not complete: ").append(ex.what());
    error_.token = fn.name;
    return false;
  }
  if (!ok) {
    if (e.code.empty()) e.code = "D3137";
    e.position = -1;
    error_ = std::move(e);
    return false;
  }
  *out = result ? JValue::from_json(*result) : JValue();
  return true;
}

bool Evaluator::call_regex(const Function& fn, std::span<const JValue> args, JValue* out) {
  // A regex called as a function: the reference's matcher closure, which returns
  // {match, start, end, groups, next} (next: the following match, D1004 if it is empty).
  std::string subject;
  size_t from = 0;
  if (fn.kind == Function::Kind::kMatchNext) {
    subject = fn.subject;
    from = fn.next_from;
    if (from >= subject.size()) {
      *out = JValue();
      return true;
    }
  } else {
    if (args.empty() || !args[0].is_string()) {
      *out = JValue();
      return true;
    }
    subject = std::string(args[0].as_string());
  }
  RegexMatch m;
  Error e;
  if (!fn.regex->find(subject, from, &m, &e)) {
    if (!e.code.empty()) {
      error_ = e;
      return false;
    }
    *out = JValue();
    return true;
  }
  if (fn.kind == Function::Kind::kMatchNext && m.begin == m.end)
    return fail("D1004", fn.position, {.value = JValue::string(fn.regex->source())});
  std::vector<std::pair<std::string, JValue>> members;
  members.emplace_back("match", JValue::string(std::string_view(subject).substr(m.begin, m.end - m.begin)));
  members.emplace_back("start", JValue::number(static_cast<double>(utf16_offset(subject, m.begin))));
  members.emplace_back("end", JValue::number(static_cast<double>(utf16_offset(subject, m.end))));
  std::vector<JValue> groups;
  for (const auto& g : m.groups)
    groups.push_back(g ? JValue::string(std::string_view(subject).substr(g->first, g->second - g->first))
                       : JValue());
  members.emplace_back("groups", make_array(std::move(groups)));
  auto next = std::make_shared<Function>();
  next->kind = Function::Kind::kMatchNext;
  next->regex = fn.regex;
  next->subject = subject;
  next->next_from = m.end;
  next->position = fn.position;
  next->arity = 0;
  members.emplace_back("next", JValue::function(std::move(next)));
  *out = JValue::object(std::move(members));
  return true;
}

namespace {

// A private deep copy (the transform operator's clone) whose nodes may be updated in place.
JValue deep_copy(const JValue& v, std::unordered_set<const detail::JNode*>* fresh, int depth) {
  if (depth > kMaxValueDepth + 1100) return v;
  if (v.is_array()) {
    std::vector<JValue> items;
    size_t n = v.size();
    items.reserve(n);
    for (size_t i = 0; i < n; ++i) items.push_back(deep_copy(v.at(i), fresh, depth + 1));
    JValue copy = make_array(std::move(items), v.flags());
    fresh->insert(copy.node());
    return copy;
  }
  if (v.is_object()) {
    auto node = new_object_node();
    size_t n = v.member_count();
    node->members.reserve(n);
    for (size_t i = 0; i < n; ++i)
      node->set(std::string(v.key_at(i)), deep_copy(v.value_at(i), fresh, depth + 1));
    fresh->insert(node.get());
    return object_from_node(std::move(node));
  }
  return v;
}

}  // namespace

bool Evaluator::call_transform(const Function& fn, std::span<const JValue> args, JValue* out) {
  const Node* expr = fn.node;
  JValue obj = args.empty() ? JValue() : args[0];
  if (obj.is_undefined()) {
    *out = JValue();
    return true;
  }
  // The reference gives the transform function the signature <(oa):o>.
  if (!obj.is_object() && !obj.is_array()) return fail("T0410", expr->position, {.value = obj, .index = 1});
  JValue clone_fn;
  lookup_variable(fn.env, "clone", &clone_fn);
  if (!clone_fn.is_function()) return fail("T2013", expr->position);
  std::unordered_set<const detail::JNode*> fresh;
  JValue result;
  const Function* cf = clone_fn.function();
  if (cf->kind == Function::Kind::kBuiltin && cf->builtin->builtin.name == "clone") {
    result = deep_copy(obj, &fresh, 0);
  } else {
    if (!apply(clone_fn, std::span<const JValue>(&obj, 1), JValue(), fn.env, &result)) return false;
    result = deep_copy(result, &fresh, 0);
  }
  JValue matches;
  if (!eval(expr->pattern, result, fn.env, &matches)) return false;
  if (matches.is_defined()) {
    std::vector<JValue> list;
    if (matches.is_array())
      list = matches.items();
    else
      list.push_back(matches);
    for (const JValue& match : list) {
      JValue update;
      if (!eval(expr->update, match, fn.env, &update)) return false;
      auto* target = match.is_object() && fresh.count(match.node())
                         ? const_cast<detail::ObjectNode*>(object_node(match))
                         : nullptr;
      if (update.is_defined()) {
        if (!update.is_object()) return fail("T2011", expr->update->position, {.value = update});
        if (target) {
          for (size_t k = 0; k < update.member_count(); ++k)
            target->set(std::string(update.key_at(k)), update.value_at(k));
        }
      }
      if (expr->deletion) {
        JValue deletions;
        if (!eval(expr->deletion, match, fn.env, &deletions)) return false;
        if (deletions.is_defined()) {
          JValue list_del = deletions.is_array() ? deletions : make_array({deletions});
          size_t n = list_del.size();
          for (size_t k = 0; k < n; ++k)
            if (!list_del.at(k).is_string())
              return fail("T2012", expr->deletion->position, {.value = deletions});
          if (target)
            for (size_t k = 0; k < n; ++k) target->erase(list_del.at(k).as_string());
        }
      }
    }
  }
  if (!check_value(result, expr->position)) return false;
  *out = std::move(result);
  return true;
}

bool Evaluator::eval_partial(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  std::vector<JValue> args;
  std::vector<bool> holes;
  for (const Node* a : expr->arguments) {
    if (a->type == NodeType::kOperator && a->value == "?") {
      args.emplace_back();
      holes.push_back(true);
    } else {
      JValue v;
      if (!eval(a, input, env, &v)) return false;
      args.push_back(std::move(v));
      holes.push_back(false);
    }
  }
  JValue proc;
  if (!eval(expr->procedure, input, env, &proc)) return false;
  const Node* p = expr->procedure;
  if (proc.is_undefined() && p->type == NodeType::kPath) {
    JValue v;
    if (lookup_variable(env, p->steps[0]->value, &v) && js_truthy(v)) {
      fail("T1007", expr->position, {.token = p->steps[0]->value});
      error_.token = p->steps[0]->value;
      return false;
    }
  }
  const Function* f = fn_of(proc);
  if (!f) {
    std::string token = p->type == NodeType::kPath ? p->steps[0]->value : p->value;
    fail("T1008", expr->position, {.token = token});
    error_.token = token;
    return false;
  }
  if (f->kind == Function::Kind::kLambda) {
    auto fn = std::make_shared<Function>(*f);
    FramePtr frame = new_frame(f->env);
    fn->params.clear();
    for (size_t i = 0; i < f->params.size(); ++i) {
      if (i < holes.size() && holes[i])
        fn->params.push_back(f->params[i]);
      else
        bind(frame, f->params[i], i < args.size() ? args[i] : JValue());
    }
    fn->env = frame;
    fn->thunk = false;
    fn->arity = fn->params.size();
    *out = JValue::function(std::move(fn));
    return true;
  }
  auto fn = std::make_shared<Function>();
  fn->kind = Function::Kind::kPartial;
  fn->target = proc;
  fn->name = f->name;
  size_t nparams = std::max(args.size(), f->arity);
  args.resize(nparams);
  holes.resize(nparams, false);
  fn->args = std::move(args);
  fn->holes = std::move(holes);
  fn->arity = static_cast<size_t>(std::count(fn->holes.begin(), fn->holes.end(), true));
  *out = JValue::function(std::move(fn));
  return true;
}

bool Evaluator::eval_apply(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  JValue lhs;
  if (!eval(expr->lhs, input, env, &lhs)) return false;
  if (expr->rhs->type == NodeType::kFunction) return eval_function(expr->rhs, input, env, &lhs, out);
  JValue func;
  if (!eval(expr->rhs, input, env, &func)) return false;
  if (!func.is_function()) return fail("T2006", expr->position, {.value = func});
  if (lhs.is_function()) {
    auto fn = std::make_shared<Function>();
    fn->kind = Function::Kind::kChain;
    fn->first = lhs;
    fn->second = func;
    fn->arity = 1;
    *out = JValue::function(std::move(fn));
    return true;
  }
  return apply(func, std::span<const JValue>(&lhs, 1), JValue(), env, out);
}

}  // namespace sg::json::jsonata
