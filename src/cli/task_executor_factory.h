// Builds the resource router's table (integrations/resource_router.h) for `stepguard run`
// and `stepguard serve` from the config file and the command-line flags: the one place
// where integrations are registered. Registering one more is one line in
// make_router_table().
//
// Functions: the config file's functions_file, then its `functions:` section, then
// --functions FILE, then --function NAME=SPEC; each later source replaces entries of the
// earlier ones with the same key. The mock config: --mock-config, else the config file's
// mock_config. Files are read here, so a reload (SIGHUP) reads them again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/config_file.h"
#include "common/result.h"
#include "integrations/notification_channels_notifier.h"
#include "integrations/resource_router.h"

namespace sg::cli {

// The router's inputs: the config file (may be empty) and the flags that override it.
struct RouterSources {
  ConfigFile config;
  std::vector<std::string> function_specs;  // --function
  std::string functions_file;               // --functions
  std::string mock_config;                  // --mock-config
};

// How this host runs tasks.
struct RouterHost {
  std::string name = "stepguard run";  // in messages
  std::string account = "123456789012";
  std::string region = "us-east-1";
  bool invoke_callback_tasks = false;  // Lambda .waitForTaskToken: call, then wait for the token
  int max_concurrent_calls = 0;        // 0: each integration's default
  // Delivers SNS notifications (sns:publish, and the guardian's alarm actions). It outlives
  // every table: make_router_table() gives it the config's topics once the whole table is
  // built, so a reload that fails keeps the old topics. Required.
  std::shared_ptr<integrations::Notifier> notifier;
};

// Builds the table. Errors name the file and key at fault (functions, mock config,
// connections, topics).
Result<std::shared_ptr<integrations::RouterTable>> make_router_table(const RouterSources& sources,
                                                                     const RouterHost& host);

// The router options for `host` (names the host and how it selects a test case).
integrations::RouterOptions router_options(const RouterHost& host, bool server);

}  // namespace sg::cli
