// Alarm templates: one rule that keeps a metric alarm for every matching state machine,
// including machines created later (the seed's Terraform for_each, without listing them).
//
// Contract
// - A template matches a machine when its name matches `name_pattern` (a glob: `*` any run,
//   `?` one character; "" matches every name) AND every `tags` entry is present on the
//   machine with a value matching the entry's glob.
// - instantiate() substitutes placeholders in the alarm's name, description, dimension
//   values and action ARNs: ${state_machine} (name), ${state_machine_arn}, ${region} and
//   ${account} (from the machine's ARN).
// - validate_template(): the alarm (after substituting a sample machine) must be a valid
//   metric alarm, the name must contain ${state_machine} or ${state_machine_arn} (so each
//   machine gets its own alarm), and only the placeholders above may appear.
// - reconcile() compares the alarms a template should have with the alarms it owns now
//   (the caller records ownership, e.g. by template name) and returns what to create,
//   update (configuration differs), keep and delete (machine gone or no longer matching).
//   Results are sorted by alarm name. Pure.
#pragma once

#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "guardian/alarm.h"

namespace sg::guardian {

struct StateMachineInfo {
  std::string name;
  std::string arn;
  std::map<std::string, std::string> tags;
};

struct AlarmTemplate {
  std::string name;
  std::string name_pattern;
  std::vector<std::pair<std::string, std::string>> tags;
  MetricAlarmConfig alarm;  // with placeholders
};

bool glob_match(std::string_view pattern, std::string_view text);
bool template_matches(const AlarmTemplate& t, const StateMachineInfo& machine);
MetricAlarmConfig instantiate(const AlarmTemplate& t, const StateMachineInfo& machine);
Status validate_template(const AlarmTemplate& t);

struct ReconcilePlan {
  std::vector<MetricAlarmConfig> create;
  std::vector<MetricAlarmConfig> update;
  std::vector<std::string> keep;
  std::vector<std::string> remove;
};

ReconcilePlan reconcile(const AlarmTemplate& t, std::span<const StateMachineInfo> machines,
                        const std::map<std::string, MetricAlarmConfig>& owned);

}  // namespace sg::guardian
