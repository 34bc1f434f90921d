// The JSON metrics query: a GetMetricStatistics request (CloudWatch's JSON shape) in,
// datapoints out. Pure request/response mapping over a MetricStore; the server wires it to
// an endpoint.
//
// Request: {"Namespace","MetricName","Dimensions":[{"Name","Value"}],"StartTime","EndTime",
//           "Period","Statistics":["Sum",...],"ExtendedStatistics":["p99",...],"Unit"}
//   StartTime/EndTime: epoch seconds (number, as AWS JSON protocols send timestamps) or an
//   RFC 3339 string. Period: seconds, >= 60 and a multiple of 60 (or 1, 5, 10, 20, 30).
// Response: {"Label":MetricName,"Datapoints":[{"Timestamp":epoch seconds,"SampleCount",...,
//           "Unit","ExtendedStatistics":{"p99":v}}]} oldest first; only requested statistics.
// Errors (Error.code = CloudWatch's): MissingParameter, InvalidParameterValue,
// InvalidParameterCombination.
#pragma once

#include "common/result.h"
#include "guardian/metric_store.h"
#include "json/value.h"

namespace sg::guardian {

constexpr size_t kMaxDatapointsPerQuery = 1440;  // CloudWatch's limit per GetMetricStatistics call

Result<json::Value> get_metric_statistics(const MetricStore& store, const json::Value& request);

// Shared by the JSON APIs: epoch seconds (number) or RFC 3339 text -> epoch ms.
std::optional<int64_t> parse_time_ms(const json::Value& v);
// Dimensions [{"Name","Value"}] -> Dimensions; nullopt when malformed.
std::optional<Dimensions> parse_dimensions(const json::Value* v);

}  // namespace sg::guardian
