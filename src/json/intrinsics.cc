// Intrinsic: compiles calls once (intrinsics_parser.cc) and evaluates them without
// re-parsing: arguments are gathered into a small inline buffer and handed to the
// function table (intrinsics_functions.cc, intrinsics_text.cc).
#include "json/intrinsics.h"

#include <vector>

#include "json/intrinsics_ast.h"

namespace sg::json {

namespace intrinsic_detail {

namespace {

// Argument values of one call: inline for the common small counts.
class ArgBuffer {
 public:
  explicit ArgBuffer(size_t n) {
    if (n > kInline) {
      heap_.resize(n);
      data_ = heap_.data();
    } else {
      data_ = inline_;
    }
  }
  Value* data() { return data_; }

 private:
  static constexpr size_t kInline = 4;
  Value inline_[kInline];
  std::vector<Value> heap_;
  Value* data_;
};

class NoEntropy final : public Entropy {
 public:
  uint64_t next_u64() override { return 0; }
};

}  // namespace

Result<Value> eval_call(const Call& call, const PathRoots& roots, Entropy& entropy,
                        const JsonPath** failed_path) {
  if (call.is_folded) return call.folded;
  size_t n = call.args.size();
  ArgBuffer buf(n);
  Value* v = buf.data();
  for (size_t i = 0; i < n; ++i) {
    const Arg& a = call.args[i];
    switch (a.kind) {
      case Arg::Kind::kLiteral:
        v[i] = a.literal;
        break;
      case Arg::Kind::kPath: {
        auto r = a.path.evaluate_in(roots);
        if (!r) {
          if (failed_path) *failed_path = &a.path;
          return r.error();
        }
        v[i] = std::move(r).value();
        break;
      }
      case Arg::Kind::kCall: {
        auto r = eval_call(*a.call, roots, entropy, failed_path);
        if (!r) return r.error();
        v[i] = std::move(r).value();
        break;
      }
    }
  }
  return apply(call, v, n, entropy);
}

void try_fold(Call& call) {
  bool pure = call.spec->pure || (call.spec->fn == Fn::kMathRandom && call.args.size() == 3);
  if (!pure) return;
  std::vector<Value> args;
  args.reserve(call.args.size());
  for (const Arg& a : call.args) {
    if (a.kind != Arg::Kind::kLiteral) return;
    args.push_back(a.literal);
  }
  NoEntropy none;
  auto r = apply(call, args.data(), args.size(), none);
  if (!r) return;  // fails again, with the same message, when evaluated
  call.folded = std::move(r).value();
  call.is_folded = true;
}

}  // namespace intrinsic_detail

Result<Intrinsic> Intrinsic::compile(std::string_view text) {
  auto c = intrinsic_detail::parse_call(text);
  if (!c) return c.error();
  Intrinsic out;
  out.c_ = std::move(c).value();
  return out;
}

bool Intrinsic::looks_like_intrinsic(std::string_view text) {
  if (!text.starts_with("States.")) return false;
  size_t i = 7;
  while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
                             (text[i] >= '0' && text[i] <= '9')))
    ++i;
  return i > 7 && i < text.size() && text[i] == '(';
}

Result<Value> Intrinsic::evaluate(const PathRoots& roots, Entropy& entropy) const {
  return evaluate(roots, entropy, nullptr);
}

Result<Value> Intrinsic::evaluate(const PathRoots& roots, Entropy& entropy,
                                  const JsonPath** failed_path) const {
  if (!c_) return Value();
  return intrinsic_detail::eval_call(*c_, roots, entropy, failed_path);
}

std::string_view Intrinsic::name() const { return c_ ? c_->spec->name : std::string_view(); }

bool Intrinsic::uses_context() const { return c_ && c_->uses_context; }

}  // namespace sg::json
