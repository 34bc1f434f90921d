// The stepguard config file: ONE YAML file read by both `stepguard serve --config F` and
// `stepguard run --config F` (docs/configuration.md describes every key).
//
//   # server settings (serve only; run ignores them, except account and region)
//   listen: 127.0.0.1:8083        data: ./stepguard-data       account: "123456789012"
//   region: us-east-1             partition: aws               time_scale: 1
//   log_format: text|json         durability: full|normal      history_retention_days: 90
//   io_threads: 2                 task_threads: 32
//   # the router (serve reloads these on SIGHUP)
//   functions: {NAME: COMMAND | URL | {command|url: ..., timeout_seconds, environment,
//                                      working_directory}}   (integrations/function_registry.h)
//   functions_file: fns.yaml      mock_config: mocks.json
//   connections: {...}            topics: {...}              (kept as YAML for their parsers)
//   alarms: [...]  composite_alarms: [...]  alarm_templates: [...]   (the guardian, docs/guardian.md)
//   watch: [{name, region, endpoint, profile, interval_seconds}]      (cli/remote_watcher.h)
//
// Unknown keys are errors; every error (code "INVALID_CONFIG", or the functions parser's)
// names the file, the line and the key. Relative paths (data, functions_file, mock_config,
// working_directory) resolve against the config file's folder. Only the file is read:
// the functions file and the mock config are read when the router is built
// (task_executor_factory.h), so a reload reads them again.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "integrations/function_registry.h"

namespace sg::cli {

struct ConfigFile {
  std::string path;  // as given; empty: no config file
  // Server settings, each set only when the file has it (flags override them).
  std::optional<std::string> listen, data, account, region, partition, log_format, durability;
  std::optional<double> time_scale;
  std::optional<int64_t> history_retention_days;
  std::optional<int64_t> metrics_retention_days;  // the guardian's metric store (default 15)
  std::optional<int> io_threads, task_threads;
  // The router part.
  integrations::FunctionRegistry functions;  // the `functions:` section
  std::string functions_file;                // resolved; empty: none
  std::string mock_config;                   // resolved; empty: none
  YAML::Node connections;                    // the `connections:` section as written (Null if absent)
  YAML::Node topics;                         // the `topics:` section as written (Null if absent)
  // The guardian (cli/guardian_config.h parses them): alarms, composite_alarms,
  // alarm_templates, as written (Null if absent).
  YAML::Node alarms, composite_alarms, alarm_templates;
  // The event bus (cli/events_runtime.h reads it): the `events:` section as written.
  YAML::Node events;
  // Remote Step Functions endpoints to watch (cli/remote_watcher.h parses it), as written.
  YAML::Node watch;
};

// Parses config text; `origin` names the file in messages and `base_dir` resolves
// relative paths (empty: left as written).
Result<ConfigFile> parse_config_text(std::string_view text, std::string_view origin,
                                     std::string_view base_dir);
// Reads and parses the config file at `path` (at most 1 MiB).
Result<ConfigFile> read_config_file(const std::string& path);

}  // namespace sg::cli
