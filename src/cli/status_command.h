// `stepguard status [--endpoint URL] [--watch] [--no-color]`: the guardian's traffic lights
// in a terminal. Fetches GET /guardian/api/state-machines from a running `stepguard serve`
// (default http://127.0.0.1:8083) and prints one row per state machine:
//   ● NAME   STATUS   LAST EXECUTION   STOPPED (or STARTED while running)   ALARM
// green succeeded, red failed/timed out/aborted, blue running, grey never run; then the
// counts per status. --watch clears the screen and refreshes every 2 s until Ctrl-C.
// Exit 1 with a message when the server cannot be reached or answers badly.
#pragma once

#include <string>
#include <vector>

#include "json/value.h"

namespace sg::cli {

// The table for a /guardian/api/state-machines answer (pure; ANSI colours when `color`).
std::string render_status_table(const json::Value& grid, bool color);

int status_command(const std::vector<std::string>& args);

}  // namespace sg::cli
