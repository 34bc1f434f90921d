// libFuzzer target: any byte string is compiled as a JSONPath and, when it compiles,
// evaluated (against input, Context and a variable), normalized and used as a ResultPath
// on a fixed document. Nothing may crash, hang or leak; errors are fine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json/jsonpath.h"
#include "json/parse.h"
#include "json/path_roots.h"

namespace {

using sg::json::Value;

const Value& document() {
  static const Value doc = *sg::json::parse_json(R"({
    "store": {
      "book": [
        {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
        {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
        {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3",
         "price": 8.99, "tags": ["sea", "whale"]},
        {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings",
         "isbn": "0-395-19395-8", "price": 22.99, "tags": []}
      ],
      "bicycle": {"color": "red", "price": 19.95, "gears": null}
    },
    "expensive": 10,
    "matrix": [[1, 2], [3, [4, 5]], {"k": [6]}],
    "flags": [true, false, null, "x", -1.5e3, 12345678901234567],
    "a b": {"it's": "quoted", "x.y": {"é": 1}}
  })");
  return doc;
}

class FuzzRoots final : public sg::json::PathRoots {
 public:
  const Value& input() const override { return document(); }
  const Value& context() const override { return document(); }
  const Value* variable(std::string_view name) const override { return name == "v" ? &document() : nullptr; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto path = sg::json::JsonPath::compile(text);
  if (!path) return 0;
  (void)path->normalized();
  (void)path->is_reference_path();
  (void)path->is_definite();
  FuzzRoots roots;
  auto r = path->evaluate_in(roots);
  if (r) (void)r->dump();
  auto direct = path->evaluate(document());
  auto assigned = path->assign(document(), Value::integer(1));
  if (assigned) (void)assigned->json_size();
  return 0;
}
