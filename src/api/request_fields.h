// Typed access to the members of a request object, with the checks and wording of AWS's
// request validator (Coral) for the constraints of the botocore model.
//
// A RequestFields reads one JSON object. Each getter returns the member (nullopt when it is
// absent or null, as Coral treats null) and records what is wrong with it:
// - a member of the wrong JSON type is a SerializationException (Coral fails to read the
//   request before validating it, so this wins over every constraint);
// - a constraint violation (required, length, range, enum, pattern) is one line of a
//   ValidationException: "1 validation error detected: Value '1001' at 'maxResults' failed
//   to satisfy constraint: Member must have value less than or equal to 1000"; several
//   are counted and joined with "; " in the order they were checked.
// Check members in the model's order; error() then gives the answer AWS would.
//
// Nested members are named as Coral names them: "loggingConfiguration.level",
// "routingConfiguration.1.member.weight" (list positions count from 1), "tagKeys.1.member".
// Lengths count UTF-16 code units, as Java does. Sensitive members (definition, input,
// descriptions) are named without their value: "Value at 'definition' failed ...".
// Not thread-safe; children made by structure()/list_structure() share the parent's
// record of problems.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "json/value.h"

namespace sg::api {

struct StringRule {
  bool required = false;
  std::optional<size_t> min_length;
  std::optional<size_t> max_length;
  std::span<const std::string_view> enum_values;  // empty: any value
  std::string_view pattern;                       // shown in the message when `matches` fails
  bool (*matches)(std::string_view) = nullptr;
  bool sensitive = false;
};

struct IntRule {
  bool required = false;
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

struct ListRule {
  bool required = false;
  std::optional<size_t> min_length;
  std::optional<size_t> max_length;
  // How the list is shown in a length violation (Coral prints the Java objects, e.g.
  // "[RoutingConfigurationListItem(stateMachineVersionArn=..., weight=50)]"); default
  // "[a, b]" with each item's JSON.
  std::function<std::string(std::span<const json::Value>)> render;
};

// UTF-16 code units of UTF-8 text (what Java's String.length() reports).
size_t utf16_length(std::string_view utf8);

// One violation line: "Value '<shown>' at '<path>' failed to satisfy constraint: <constraint>".
// `shown` nullopt renders "Value null at"; `hidden` renders "Value at" (sensitive members).
std::string violation(std::string_view path, const std::optional<std::string>& shown,
                      std::string_view constraint, bool hidden = false);

// The ValidationException for these lines: "1 validation error detected: <line>" or
// "<n> validation errors detected: <line>; <line>".
ApiError validation_errors(std::span<const std::string> lines);

class RequestFields {
 public:
  explicit RequestFields(const json::Value& request);

  std::optional<std::string> string(std::string_view member, const StringRule& rule = {});
  std::optional<int64_t> integer(std::string_view member, const IntRule& rule = {});
  std::optional<bool> boolean(std::string_view member, bool required = false);
  // A structure member's own fields (named "<member>.<field>").
  std::optional<RequestFields> structure(std::string_view member, bool required = false);
  // A list member's items, after the list's own constraints were checked.
  std::optional<std::vector<json::Value>> list(std::string_view member, const ListRule& rule = {});
  // Item `index` (0-based) of list `member` as a structure ("<member>.<index+1>.member.<field>");
  // nullopt when the item is not an object (recorded).
  std::optional<RequestFields> list_structure(std::string_view member, size_t index, const json::Value& item);
  // Item `index` of list `member` as a string ("<member>.<index+1>.member").
  std::optional<std::string> list_string(std::string_view member, size_t index, const json::Value& item,
                                         const StringRule& rule = {});

  // The member as given (null when absent).
  const json::Value& raw(std::string_view member) const;
  // The full name of a member of this object, as messages show it.
  std::string path_of(std::string_view member) const;
  // Adds a violation line the caller found (a rule these getters do not know).
  void add_violation(std::string line);

  // SerializationException if any member had the wrong type, else the ValidationException
  // listing every violation, else nullopt.
  std::optional<ApiError> error() const;

 private:
  struct Problems {
    std::vector<std::string> violations;
    std::optional<ApiError> serialization;
  };
  RequestFields(json::Value object, std::string prefix, std::shared_ptr<Problems> problems);
  void wrong_type(const json::Value& got, std::string_view expected);
  std::optional<std::string> check_string(const std::string& path, const json::Value& v,
                                          const StringRule& rule);

  json::Value object_;
  std::string prefix_;  // "" at the root, "loggingConfiguration." inside a structure
  std::shared_ptr<Problems> problems_;
};

}  // namespace sg::api
