#include "integrations/lambda_response.h"

#include <cstdio>
#include <random>

namespace sg::integrations {

namespace {

using json::ObjectBuilder;
using json::Value;

Value one(Value v) { return Value::array({std::move(v)}); }

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

void append_hex_digits(std::string_view id, size_t skip, size_t count, std::string& out) {
  size_t seen = 0;
  for (char c : id) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) continue;
    if (seen++ < skip) continue;
    if (count == 0) return;
    out += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    --count;
  }
  out.append(count, '0');
}

}  // namespace

std::string format_http_date(int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  int64_t wd = days % 7;
  if (wd < 0) wd += 7;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT", kDays[wd], d, kMonths[m - 1],
                static_cast<long long>(y), static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

std::string trace_id_for(std::string_view request_id, int64_t now_ms) {
  char secs[16];
  std::snprintf(secs, sizeof secs, "%08llx", static_cast<unsigned long long>(now_ms / 1000) & 0xffffffffull);
  std::string out = "root=1-";
  out += secs;
  out += '-';
  append_hex_digits(request_id, 0, 24, out);
  out += ";parent=";
  append_hex_digits(request_id, 16, 16, out);
  out += ";sampled=0";
  return out;
}

std::string random_request_id() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;  // RFC 4122 variant
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
      static_cast<unsigned long long>((hi >> 16) & 0xffff), static_cast<unsigned long long>(hi & 0xffff),
      static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return buf;
}

Value lambda_invoke_result(Value payload, const InvokeResponseMeta& meta) {
  const bool versioned = !meta.executed_version.empty();
  const Value request_id = Value::string(meta.request_id);
  const Value length = Value::string(std::to_string(meta.content_length));
  const Value date = Value::string(format_http_date(meta.now_ms));
  const Value trace = Value::string(trace_id_for(meta.request_id, meta.now_ms));
  const Value version = Value::string(meta.executed_version);
  const Value keep_alive = Value::string(std::string_view("keep-alive"));
  const Value json_type = Value::string(std::string_view("application/json"));
  const Value zero = Value::string(std::string_view("0"));

  ObjectBuilder all(8);
  if (versioned) all.add("X-Amz-Executed-Version", one(version));
  all.add("x-amzn-Remapped-Content-Length", one(zero));
  all.add("Connection", one(keep_alive));
  all.add("x-amzn-RequestId", one(request_id));
  all.add("Content-Length", one(length));
  all.add("Date", one(date));
  all.add("X-Amzn-Trace-Id", one(trace));
  all.add("Content-Type", one(json_type));

  ObjectBuilder headers(8);
  headers.add("Connection", keep_alive);
  headers.add("Content-Length", length);
  headers.add("Content-Type", json_type);
  headers.add("Date", date);
  if (versioned) headers.add("X-Amz-Executed-Version", version);
  headers.add("x-amzn-Remapped-Content-Length", zero);
  headers.add("x-amzn-RequestId", request_id);
  headers.add("X-Amzn-Trace-Id", trace);

  ObjectBuilder http(3);
  http.add("AllHttpHeaders", std::move(all).build());
  http.add("HttpHeaders", std::move(headers).build());
  http.add("HttpStatusCode", Value::integer(meta.status_code));

  ObjectBuilder sdk(1);
  sdk.add("RequestId", request_id);

  ObjectBuilder out(5);
  if (versioned) out.add("ExecutedVersion", version);
  out.add("Payload", std::move(payload));
  out.add("SdkHttpMetadata", std::move(http).build());
  out.add("SdkResponseMetadata", std::move(sdk).build());
  out.add("StatusCode", Value::integer(meta.status_code));
  return std::move(out).build();
}

}  // namespace sg::integrations
