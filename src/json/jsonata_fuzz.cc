// libFuzzer target: any byte string is compiled as a JSONata expression (reference
// dialect, so every operator and $eval are reachable) and, when it compiles, evaluated
// against a fixed document under small limits. Nothing may crash, hang or leak; errors
// are fine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json/jsonata.h"
#include "json/parse.h"

namespace {

using sg::json::Value;

const Value& document() {
  static const Value doc = *sg::json::parse_json(R"({
    "Account": {"Name": "Firefly", "Order": [
      {"OrderID": "o1", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 2, "Tags": ["a", "b"]},
                                    {"Name": "Cloak", "Price": 107.99, "Quantity": 1}]},
      {"OrderID": "o2", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 4}]}]},
    "n": [1, 2.5, -3, 1e300, 0], "s": "héllo wörld", "m": [[1, [2]], {"k": [3]}], "z": null, "t": true
  })");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sg::json::jsonata::CompileOptions options;
  options.dialect = sg::json::jsonata::Dialect::kReference;
  sg::json::jsonata::Error error;
  auto expr = sg::json::jsonata::compile(text, options, &error);
  if (!expr) return 0;
  sg::json::jsonata::Environment env;
  env.variables.emplace_back("v", document());
  sg::json::jsonata::Limits limits;
  limits.max_depth = 200;
  limits.max_steps = 20000;
  limits.max_result_bytes = 1 << 20;
  std::optional<Value> result;
  (void)sg::json::jsonata::evaluate(*expr, document(), env, limits, &result, &error);
  return 0;
}
