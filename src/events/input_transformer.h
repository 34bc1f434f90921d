// What a rule's target receives from a matched event: the whole event, a constant Input,
// the part selected by InputPath, or an InputTransformer's rendering.
//
// Contract
// - InputTransformer::compile(paths_map, template) validates as PutTargets does (error code
//   "ValidationException"): at most 100 InputPathsMap entries, keys [A-Za-z0-9_-]+ (1-256)
//   that are not reserved names, values JSONPaths of at most 256 characters, template of
//   1-8192 characters, no placeholder used as an object key, and `<aws.events.event>` /
//   `<aws.events.event.json>` never inside a string.
// - render(event, context) substitutes each `<name>` whose name is a key of the map or a
//   reserved variable (`aws.events.rule-arn`, `aws.events.rule-name`,
//   `aws.events.event.ingestion-time`, `aws.events.event` = the event without `detail`,
//   `aws.events.event.json` = the whole event). Outside a JSON string the value is inserted
//   as JSON (strings quoted); inside a JSON string it is spliced raw (strings without
//   quotes, other values as JSON), with no escaping — as EventBridge does. A path that
//   finds nothing gives no value: `null` outside strings, nothing inside them (AWS's
//   exact output there is unconfirmed). Other `<...>` text stays as written. The result
//   is JSON when it parses as JSON, otherwise plain text (a non-JSON template).
// - TargetInput::make() enforces that Input, InputPath and InputTransformer are mutually
//   exclusive; render() gives the delivered body (the whole event when none is set).
// - value_at_path(event, "$.detail.order_id") extracts one value (for naming executions):
//   a string as-is, other values as JSON; nullopt when the path finds nothing.
// All pure and thread-safe; compiled objects are immutable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/jsonpath.h"
#include "json/value.h"

namespace sg::events {

inline constexpr size_t kMaxInputPaths = 100;
inline constexpr size_t kMaxInputTemplate = 8192;
inline constexpr size_t kMaxInput = 8192;
inline constexpr size_t kMaxInputPath = 256;

// Facts about the delivery that reserved variables expose.
struct DeliveryContext {
  std::string rule_name;
  std::string rule_arn;
  std::string ingestion_time;  // ISO 8601, e.g. "2024-05-01T10:00:00Z"
};

// A rendered body: JSON text when json is set, otherwise plain text.
struct RenderedInput {
  std::string text;
  bool json = true;
};

class InputTransformer {
 public:
  // paths_map: a JSON object of name -> path (or null for none).
  static Result<InputTransformer> compile(const json::Value& paths_map, std::string_view input_template);
  RenderedInput render(const json::Value& event, const DeliveryContext& context) const;

 private:
  struct Piece {
    std::string literal;  // text before the placeholder
    int variable = -1;    // index into vars_, or a reserved variable (< -1), or none (-1)
    bool in_string = false;
  };
  struct Var {
    std::string name;
    json::JsonPath path;
  };
  std::vector<Piece> pieces_;
  std::vector<Var> vars_;
};

class TargetInput {
 public:
  // Builds from a target's optional fields; fails with "ValidationException" when more
  // than one is set or one is invalid (Input must be valid JSON).
  static Result<TargetInput> make(const std::optional<std::string>& input,
                                  const std::optional<std::string>& input_path,
                                  const std::optional<InputTransformer>& transformer);
  // From a PutTargets Target object (its Input, InputPath and InputTransformer members);
  // the error message is the one PutTargets reports in FailedEntries.
  static Result<TargetInput> of_target(const json::Value& target);
  // of_target() for a stored target (PutTargets checked it): the whole event when it does
  // not build after all.
  static TargetInput of_stored_target(const json::Value& target);
  RenderedInput render(const json::Value& event, const DeliveryContext& context) const;

 private:
  enum class Kind { kEvent, kInput, kInputPath, kTransformer } kind_ = Kind::kEvent;
  std::string input_;
  json::JsonPath path_;
  std::shared_ptr<const InputTransformer> transformer_;
};

std::optional<std::string> value_at_path(const json::Value& event, std::string_view path);

}  // namespace sg::events
