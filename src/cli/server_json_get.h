// get_server_json: what the client subcommands (`stepguard status`, `stepguard schedules`)
// ask a running `stepguard serve`: GET ENDPOINT+PATH, expecting HTTP 200 and a JSON object
// holding `required_key`.
//
// Errors: "UNREACHABLE" when the server cannot be reached (the message names the endpoint
// and says how to point at another), "HTTP" for any other answer. Timeouts: 3 s to
// connect, 10 s in all. Thread-safe (one libcurl handle per call).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "json/value.h"

namespace sg::cli {

Result<json::Value> get_server_json(const std::string& endpoint, std::string_view path,
                                    std::string_view required_key);

}  // namespace sg::cli
