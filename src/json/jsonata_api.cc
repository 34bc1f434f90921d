// The public JSONata API (jsonata.h): compile, the compile cache, evaluate.
#include <cmath>
#include <list>
#include <mutex>
#include <unordered_map>

#include "json/jsonata.h"
#include "json/jsonata_errors.h"
#include "json/jsonata_eval.h"
#include "json/jsonata_parser.h"

namespace sg::json::jsonata {

class Expression {
 public:
  std::shared_ptr<Program> program;
  Dialect dialect = Dialect::kAws;
};

namespace {

// Byte offset in `text` to JavaScript's UTF-16 position.
int64_t js_position(std::string_view text, int64_t byte_offset) {
  if (byte_offset < 0) return byte_offset;
  size_t off = static_cast<size_t>(byte_offset);
  if (off >= text.size())
    return static_cast<int64_t>(utf16_length(text)) + static_cast<int64_t>(off - text.size());
  return static_cast<int64_t>(utf16_offset(text, off));
}

void finish(std::string_view text, Error* e) {
  e->position = js_position(text, e->position);
  finish_error_message(e);
}

}  // namespace

std::shared_ptr<const Expression> compile(std::string_view text, const CompileOptions& options,
                                          Error* error) {
  auto program = std::make_shared<Program>();
  program->text = std::string(text);
  ParseOptions parse_options;
  parse_options.coalescing_operators = options.dialect == Dialect::kReference;
  parse_options.max_depth = options.max_nesting;
  Error e;
  program->root = parse_expression(program->text, parse_options, &program->arena, &e);
  if (!program->root) {
    finish(text, &e);
    if (error) *error = std::move(e);
    return nullptr;
  }
  auto expr = std::make_shared<Expression>();
  expr->program = std::move(program);
  expr->dialect = options.dialect;
  return expr;
}

std::shared_ptr<const Expression> compile(std::string_view text, Error* error) {
  return compile(text, CompileOptions{}, error);
}

bool evaluate(const Expression& expr, const std::optional<Value>& input, const Environment& env,
              const Limits& limits, std::optional<Value>* result, Error* error) {
  const Program& program = *expr.program;
  JValue in = input ? JValue::from_json(*input) : JValue();
  JValue out;
  std::optional<Value> json;
  {
    Evaluator ev(env, limits, expr.dialect == Dialect::kReference);
    if (!ev.run(program, in, &out)) {
      Error e = ev.error();
      finish(program.text, &e);
      if (error) *error = std::move(e);
      return false;
    }
    if (out.is_function()) {
      Error e;
      e.code = std::string(kFunctionResultCode);
      e.message = "The expression returned a function, which has no JSON value";
      if (error) *error = std::move(e);
      return false;
    }
    // NaN and the infinities have no JSON form: null, as the reference's JSON.stringify
    // writes them (at any depth).
    json = out.is_number() && !std::isfinite(out.as_number()) ? Value(nullptr) : out.to_json();
  }
  if (json && limits.max_result_bytes > 0 && json->json_size() > limits.max_result_bytes) {
    Error e = make_error("U1001");
    e.message =
        "The result is larger than the limit of " + std::to_string(limits.max_result_bytes) + " bytes";
    if (error) *error = std::move(e);
    return false;
  }
  *result = std::move(json);
  return true;
}

// ---- dump_js ------------------------------------------------------------------------------

namespace {

void dump_js_to(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::kNull:
      out.append("null");
      break;
    case Type::kBool:
      out.append(v.as_bool() ? "true" : "false");
      break;
    case Type::kInt:
      out.append(std::to_string(v.as_int()));
      break;
    case Type::kDouble:
      if (std::isfinite(v.as_double()))
        out.append(js_number_to_string(v.as_double()));
      else
        out.append("null");
      break;
    case Type::kString: {
      std::string s;
      Error ignored;
      to_js_string(JValue::array({JValue::string(v.as_string())}), false, &s, &ignored);
      out.append(s, 1, s.size() - 2);
      break;
    }
    case Type::kArray: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out.push_back(',');
        first = false;
        dump_js_to(item, out);
      }
      out.push_back(']');
      break;
    }
    case Type::kObject: {
      out.push_back('{');
      bool first = true;
      for (const Member& m : v.members()) {
        if (!first) out.push_back(',');
        first = false;
        dump_js_to(Value::string(m.name()), out);
        out.push_back(':');
        dump_js_to(m.value, out);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string dump_js(const Value& v) {
  std::string out;
  dump_js_to(v, out);
  return out;
}

// ---- CompileCache ---------------------------------------------------------------------------

struct CompileCache::Impl {
  size_t capacity;
  mutable std::mutex mu;
  // Most recently used at the front.
  std::list<std::pair<std::string, std::shared_ptr<const Expression>>> lru;  // GUARDED_BY(mu)
  std::unordered_map<std::string, decltype(lru)::iterator> index;            // GUARDED_BY(mu)
};

CompileCache::CompileCache(size_t capacity) : impl_(std::make_unique<Impl>()) {
  impl_->capacity = capacity == 0 ? 1 : capacity;
}

CompileCache::~CompileCache() = default;

std::shared_ptr<const Expression> CompileCache::compile(std::string_view text, Error* error,
                                                        const CompileOptions& options) {
  std::string key;
  key.reserve(text.size() + 8);
  key.append(options.dialect == Dialect::kReference ? "R" : "A");
  key.append(std::to_string(options.max_nesting));
  key.push_back(':');
  key.append(text);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->index.find(key);
    if (it != impl_->index.end()) {
      impl_->lru.splice(impl_->lru.begin(), impl_->lru, it->second);
      return it->second->second;
    }
  }
  auto expr = jsonata::compile(text, options, error);
  if (!expr) return nullptr;
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->index.find(key);
  if (it != impl_->index.end()) return it->second->second;
  impl_->lru.emplace_front(key, expr);
  impl_->index[key] = impl_->lru.begin();
  while (impl_->lru.size() > impl_->capacity) {
    impl_->index.erase(impl_->lru.back().first);
    impl_->lru.pop_back();
  }
  return expr;
}

size_t CompileCache::size() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->lru.size();
}

}  // namespace sg::json::jsonata
