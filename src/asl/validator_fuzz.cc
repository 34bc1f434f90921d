// libFuzzer target: validate_definition_text() on arbitrary bytes must never crash, hang or
// leak, every diagnostic must have a code and a message, and a definition it accepts (no
// error) must load: the validator is the loader's gatekeeper.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "asl/state_machine.h"
#include "asl/validator.h"
#include "json/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sg::asl::ValidateOptions opts;
  opts.express = size % 2 == 1;  // cover the EXPRESS rules too
  auto diags = sg::asl::validate_definition_text(text, opts);
  for (const auto& d : diags) {
    if (d.code.empty() || d.message.empty()) __builtin_trap();
  }
  if (!sg::asl::has_errors(diags)) {
    auto doc = sg::json::parse_json(text);
    if (!doc.ok() || !sg::asl::load_state_machine(*doc).ok()) __builtin_trap();
  }
  return 0;
}
