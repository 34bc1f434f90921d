// Task Resource forms and the EXPRESS-only rules.
//
// Accepted forms:
//   arn:<p>:lambda:<region>:<account>:function:<name>[:<qualifier>]
//   arn:<p>:states:<region>:<account>:activity:<name>
//   arn:<p>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]
//   arn:<p>:states:::aws-sdk:<service>:<apiAction>[.waitForTaskToken]
//   arn:<p>:states:::http:invoke
// A string that is not an ARN at all is a schema error ("Value is not a valid resource ARN");
// an ARN of none of these forms, or an integration pattern the service does not offer, is
// INVALID_RESOURCE.
#include <span>
#include <string_view>
#include <vector>

#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

namespace {

enum class Pattern : uint8_t { kNone, kSync, kSync2, kToken };

// Services whose optimized integration offers no ".sync", and none with ".waitForTaskToken"
// (AWS's integration table, confirmed by third-party measurements).
constexpr std::string_view kNoSync[] = {"lambda", "sns",        "sqs",     "dynamodb",
                                        "events", "apigateway", "aws-sdk", "http"};
constexpr std::string_view kNoToken[] = {"athena",         "batch",          "codebuild", "elasticmapreduce",
                                         "emr-containers", "emr-serverless", "glue",      "databrew",
                                         "mediaconvert",   "sagemaker",      "dynamodb",  "http"};

bool in(std::span<const std::string_view> list, std::string_view x) {
  for (std::string_view s : list)
    if (s == x) return true;
  return false;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

struct Classified {
  bool arn = false;         // looks like an ARN at all
  bool recognized = false;  // one of the accepted forms
  bool activity = false;
  Pattern pattern = Pattern::kNone;
};

Classified classify(std::string_view r) {
  Classified c;
  if (!r.starts_with("arn:")) return c;
  std::vector<std::string_view> p = split(r, ':');
  // arn : partition : service : region : account : resource...
  if (p.size() < 6 || p[1].empty() || p[2].empty()) return c;
  c.arn = true;
  std::string_view service = p[2], region = p[3], account = p[4];
  if (service == "lambda") {
    c.recognized = !region.empty() && !account.empty() && p[5] == "function" && p.size() >= 7 &&
                   p.size() <= 8 && !p[6].empty() && (p.size() == 7 || !p[7].empty());
    return c;
  }
  if (service != "states") return c;
  if (!region.empty() || !account.empty()) {
    c.activity = p.size() == 7 && p[5] == "activity" && !p[6].empty() && !region.empty() && !account.empty();
    c.recognized = c.activity;
    return c;
  }
  // arn:<p>:states:::<service>:<action>[pattern]   (".sync:2" adds one more colon)
  std::vector<std::string_view> rest(p.begin() + 5, p.end());
  if (rest.size() >= 2 && rest.back() == "2" && rest[rest.size() - 2].ends_with(".sync")) {
    rest.pop_back();
    c.pattern = Pattern::kSync2;
  }
  std::string_view svc = rest.empty() ? std::string_view() : rest[0];
  bool sdk = svc == "aws-sdk";
  if (rest.size() != (sdk ? 3u : 2u)) return c;
  for (std::string_view part : rest)
    if (part.empty()) return c;
  std::string_view action = rest.back();
  if (c.pattern == Pattern::kSync2) {
    action.remove_suffix(5);
  } else if (action.ends_with(".waitForTaskToken")) {
    action.remove_suffix(17);
    c.pattern = Pattern::kToken;
  } else if (action.ends_with(".sync")) {
    action.remove_suffix(5);
    c.pattern = Pattern::kSync;
  }
  if (action.empty() || action.find('.') != std::string_view::npos) return c;
  if ((c.pattern == Pattern::kSync || c.pattern == Pattern::kSync2) && in(kNoSync, svc)) return c;
  if (c.pattern == Pattern::kToken && in(kNoToken, svc)) return c;
  if (c.pattern == Pattern::kSync2 && !(svc == "states" && action == "startExecution")) return c;
  if (svc == "http" && action != "invoke") return c;
  c.recognized = true;
  return c;
}

}  // namespace

bool Checker::check_resource(const json::Value& v, const std::string& loc) {
  if (!expect_string(v, loc)) return false;
  std::string_view r = v.as_string();
  Classified c = classify(r);
  if (!c.arn) {
    schema("Value is not a valid resource ARN", loc);
    return false;
  }
  if (!c.recognized) {
    report(
        Severity::kError, "INVALID_RESOURCE",
        "The resource provided " + std::string(r) +
            " is not recognized. The value is not a valid resource ARN, or the resource is not available in "
            "this region.",
        loc);
    return false;
  }
  if (opts_.express) {
    // AWS's wording, including the trailing space of the waitForTaskToken message.
    if (c.activity) schema("Express state machine does not support Activity ARN", loc);
    if (c.pattern == Pattern::kSync || c.pattern == Pattern::kSync2)
      schema("Express state machine does not support '.sync' service integration", loc);
    if (c.pattern == Pattern::kToken)
      schema("Express state machine does not support '.waitForTaskToken' service integration ", loc);
  }
  return c.activity;
}

}  // namespace sg::asl::validator_detail
