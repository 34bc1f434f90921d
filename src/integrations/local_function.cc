#include "integrations/local_function.h"

#include <mutex>

#include "common/parallel_for.h"
#include "engine/task_executor.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

constexpr size_t kQuotedPayloadMax = 256;

bool only_whitespace(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

// At most the first `max` bytes, cut on a UTF-8 character boundary.
std::string_view head_utf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

std::string_view tail_utf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t start = text.size() - max;
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  return text.substr(start);
}

FunctionOutcome withdrawn_outcome() {
  return FunctionOutcome::failure("States.Runtime", engine::TaskExecutor::kWithdrawnCause);
}

void LocalFunction::call_all(std::span<const FunctionCall> calls, std::span<FunctionOutcome> outcomes,
                             size_t width, const Done& done) {
  std::mutex done_mu;
  parallel_for(calls.size(), width, [&](size_t i) {
    outcomes[i] = calls[i].is_withdrawn() ? withdrawn_outcome() : call(calls[i]);
    std::lock_guard<std::mutex> lock(done_mu);
    if (done) done(i);
  });
}

FunctionOutcome interpret_payload(std::string_view payload, bool flagged_function_error,
                                  std::string_view who) {
  if (payload.size() > kMaxResponseBytes) return response_too_large();
  json::Value value;
  if (!only_whitespace(payload)) {
    auto parsed = json::parse_json(payload);
    if (!parsed) {
      std::string cause =
          std::string(who) + " returned a payload that is not JSON (" + parsed.error().message + "): ";
      cause += head_utf8(payload, kQuotedPayloadMax);
      if (payload.size() > kQuotedPayloadMax) cause += "...";
      return FunctionOutcome::failure("Lambda.Unknown", std::move(cause));
    }
    value = std::move(parsed).value();
  }
  const json::Value* type = value.is_object() ? value.find("errorType") : nullptr;
  bool typed = type && type->is_string() && !type->as_string().empty();
  if (typed || flagged_function_error) {
    return FunctionOutcome::failure(typed ? std::string(type->as_string()) : std::string("Lambda.Unknown"),
                                    value.dump());
  }
  return FunctionOutcome::success(std::move(value), payload.size());
}

FunctionOutcome response_too_large() {
  return FunctionOutcome::failure(
      "Function.ResponseSizeTooLarge",
      "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (6291556 bytes).\","
      "\"errorType\":\"Function.ResponseSizeTooLarge\"}");
}

}  // namespace sg::integrations
