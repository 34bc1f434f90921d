// libFuzzer target: arbitrary text compiled as an intrinsic call, an Expression and a
// payload template value, then evaluated against a fixed input, context and variable.
// Anything may fail with an Error; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/intrinsics.h"
#include "json/parse.h"
#include "json/payload_template.h"

namespace {

using sg::json::Value;

class FuzzRoots final : public sg::json::PathRoots {
 public:
  FuzzRoots()
      : input_(parse(R"({"a":1,"b":2.5,"s":"x-y,z","t":"{} and {}","arr":[1,2,2,[3],{"k":"v"}],)"
                     R"("o":{"p":{"q":[true,null]}},"e":"","b64":"RGF0YQ==","n":-7})")),
        context_(parse(R"({"Execution":{"Id":"arn:x:y","Name":"n"},"StateMachine":{"Name":"a-b-c"}})")),
        var_(parse(R"({"list":[1,"2",3.5],"name":"v"})")) {}
  const Value& input() const override { return input_; }
  const Value& context() const override { return context_; }
  const Value* variable(std::string_view name) const override { return name == "v" ? &var_ : nullptr; }

 private:
  static Value parse(std::string_view text) {
    auto v = sg::json::parse_json(text);
    return v ? *v : Value();
  }
  Value input_, context_, var_;
};

class FuzzEntropy final : public sg::json::Entropy {
 public:
  uint64_t next_u64() override { return state_ = state_ * 6364136223846793005ull + 1442695040888963407ull; }

 private:
  uint64_t state_ = 1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const FuzzRoots roots;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzEntropy entropy;

  if (auto c = sg::json::Intrinsic::compile(text)) {
    auto r = c->evaluate(roots, entropy);
    if (r) (void)r->dump();
    (void)c->name();
    (void)c->uses_context();
  }
  if (auto e = sg::json::Expression::compile(text)) {
    auto r = e->evaluate(roots, entropy, "ErrorPath");
    if (r) (void)r->json_size();
  }
  sg::json::ObjectBuilder b(2);
  b.add(std::string_view("k.$"), Value::string(text));
  b.add(std::string_view("lit"), Value::integer(1));
  Value tmpl = std::move(b).build();
  std::string field;
  if (auto t = sg::json::PayloadTemplate::compile(tmpl, &field)) {
    auto r = t->evaluate(roots, entropy);
    if (r) (void)r->dump();
  }
  return 0;
}
