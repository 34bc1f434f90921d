// Shared by the registry_actions_*.cc files: the botocore model's member constraints and
// the readers of the structures several actions take (tags, logging, encryption, ...).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/registry.h"
#include "api/request_fields.h"
#include "json/value.h"

namespace sg::api::actions {

inline constexpr std::array<std::string_view, 2> kStateMachineTypes = {"STANDARD", "EXPRESS"};
inline constexpr std::array<std::string_view, 4> kLogLevels = {"ALL", "ERROR", "FATAL", "OFF"};
inline constexpr std::array<std::string_view, 2> kIncludedData = {"ALL_DATA", "METADATA_ONLY"};
inline constexpr std::array<std::string_view, 2> kEncryptionTypes = {"AWS_OWNED_KEY",
                                                                     "CUSTOMER_MANAGED_KMS_KEY"};
inline constexpr std::array<std::string_view, 2> kSeverities = {"ERROR", "WARNING"};

// Shapes of the model (min/max from service-2.json).
inline const StringRule kName{.required = true, .min_length = 1, .max_length = 80};
inline const StringRule kRequiredArn{.required = true, .min_length = 1, .max_length = 256};
inline const StringRule kOptionalArn{.min_length = 1, .max_length = 256};
inline const StringRule kRequiredLongArn{.required = true, .min_length = 1, .max_length = 2000};
inline const StringRule kRequiredDefinition{
    .required = true, .min_length = 1, .max_length = 1048576, .sensitive = true};
inline const StringRule kOptionalDefinition{.min_length = 1, .max_length = 1048576, .sensitive = true};
inline const StringRule kVersionDescription{.max_length = 256, .sensitive = true};
inline const StringRule kAliasDescription{.max_length = 256, .sensitive = true};
inline const StringRule kPageToken{.min_length = 1, .max_length = 1024};
inline const IntRule kPageSize{.min = 0, .max = 1000};
inline const StringRule kStateMachineType{.enum_values = kStateMachineTypes};
inline const StringRule kIncludedDataRule{.enum_values = kIncludedData};

// Optional members read as JSON, checked, and rebuilt with only the model's members
// (what Describe* echo). Null when absent.
json::Value read_logging(RequestFields& f);
json::Value read_tracing(RequestFields& f);
json::Value read_encryption(RequestFields& f);
// A TagList member ("tags").
std::vector<Tag> read_tags(RequestFields& f, bool required);
// A RoutingConfigurationList member ("routingConfiguration").
std::optional<std::vector<RoutingTarget>> read_routing(RequestFields& f, bool required);

json::Value tags_json(const std::vector<Tag>& tags);
json::Value routing_json(const std::vector<RoutingTarget>& routing);

// InvalidArn for a version or alias ARN where only an unqualified state machine ARN
// is valid (ours; AWS's wording is not recorded).
ApiError qualified_arn_not_valid(std::string_view arn);
// InvalidArn for another ARN where a version (alias) ARN is required (ours).
ApiError not_a_version_arn(std::string_view arn);
ApiError not_an_alias_arn(std::string_view arn);

// A sort key that orders integers ascending as byte strings ("%020lld" of a non-negative).
std::string padded(int64_t n);

}  // namespace sg::api::actions
