// `stepguard schedules`: the schedules of a running server and their next fire times.
//
//   stepguard schedules [--endpoint URL] [--count N]
//     GET URL/events/api/schedules?count=N (events_http_handler.h): every enabled scheduled
//     rule and config schedule (`events: schedules:`) with its expression, time zone,
//     targets, last fire and next N fire times (default 3), computed by the server with
//     events/schedule_expression.h on its (--time-scale'd) clock.
//   stepguard schedules --expression EXPR [--timezone TZ] [--rule] [--after ISO] [--count N]
//     no server: the next N fire times of one expression (Scheduler dialect, or a rule's
//     with --rule), strictly after --after (default now), in UTC.
// Exit status: 0, 1 (server unreachable, invalid expression), 2 (usage).
#pragma once

#include <string>
#include <vector>

#include "json/value.h"

namespace sg::cli {

// The table for a /events/api/schedules answer (pure).
std::string render_schedules_table(const json::Value& answer);

int schedules_command(const std::vector<std::string>& args);

}  // namespace sg::cli
