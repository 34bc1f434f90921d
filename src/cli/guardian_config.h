// The guardian's part of the config file: `alarms:`, `composite_alarms:` and
// `alarm_templates:` (docs/guardian.md), turned into a GuardianConfig.
//
//   alarms:                      # PutMetricAlarm requests, CloudWatch's field names
//     - {AlarmName: ..., Namespace: AWS/States, MetricName: ExecutionsFailed, ...}
//   composite_alarms:            # PutCompositeAlarm requests
//     - {AlarmName: ..., AlarmRule: "ALARM(a) AND NOT OK(b)", AlarmActions: [...]}
//   alarm_templates:
//     - name: failed-step        # identifies the template (owns the alarms it creates)
//       name_pattern: "step*"    # glob on the state machine name ("" or absent: all)
//       tags: {team: "data*"}    # optional; every tag must be present, values are globs
//       alarm: {AlarmName: "failed-${state_machine}", ...PutMetricAlarm fields with
//               ${state_machine}, ${state_machine_arn}, ${region}, ${account}}
//
// Errors: code "INVALID_CONFIG", naming the file, the section and the entry. Pure.
#pragma once

#include <yaml-cpp/yaml.h>

#include "cli/config_file.h"
#include "cli/guardian_service.h"
#include "common/result.h"
#include "json/value.h"

namespace sg::cli {

// A YAML node as JSON (plain scalars typed as YAML 1.2 core: numbers, true/false, null).
Result<json::Value> yaml_to_json(const YAML::Node& node);

// One `alarm_templates:` entry, as JSON.
Result<guardian::AlarmTemplate> parse_alarm_template(const json::Value& v);

// Fills config.alarms, composite_alarms and templates from the file's sections.
Status read_guardian_sections(const ConfigFile& file, GuardianConfig& config);

}  // namespace sg::cli
