#include "cli/remote_watcher.h"

#include <curl/curl.h>

#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "common/log.h"

namespace sg::cli {

namespace {

constexpr const char* kConfigCode = "INVALID_CONFIG";

Error config_error(std::string_view origin, const YAML::Node& at, const std::string& msg) {
  std::string m(origin.empty() ? "config" : origin);
  if (at.Mark().line >= 0) m.append(":").append(std::to_string(at.Mark().line + 1));
  m.append(": ").append(msg);
  return Error{kConfigCode, std::move(m)};
}

struct ParsedUrl {
  std::string scheme, host, path;  // host includes ":port" when the URL has one
};

std::optional<ParsedUrl> parse_url(std::string_view url) {
  ParsedUrl u;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  u.scheme = std::string(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  u.host = std::string(rest.substr(0, slash));
  u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (u.host.empty() || u.path.find_first_of("?#") != std::string::npos) return std::nullopt;
  return u;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "x-amzn-errortype:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
      *static_cast<std::string*>(user) = std::string(v);
    }
  }
  return size * n;
}

// Aborts a transfer once the transport is cancelled (libcurl checks about once a second,
// and whenever data moves).
int on_progress(void* cancelled, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(cancelled)->load() ? 1 : 0;
}

}  // namespace

Result<std::vector<WatchEntry>> parse_watch_section(const YAML::Node& node, std::string_view origin) {
  std::vector<WatchEntry> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) return config_error(origin, node, "watch must be a list");
  std::set<std::string> names;
  size_t index = 0;
  for (const YAML::Node& item : node) {
    const std::string where = "watch[" + std::to_string(index++) + "]";
    if (!item.IsMap()) return config_error(origin, item, where + " must be a mapping");
    WatchEntry e;
    double interval_s = static_cast<double>(kDefaultWatchIntervalMs) / 1000.0;
    for (const auto& kv : item) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const YAML::Node& v = kv.second;
      if (key == "interval_seconds") {
        bool ok = v.IsScalar();
        if (ok) {
          try {
            interval_s = v.as<double>();
          } catch (const YAML::Exception&) {
            ok = false;
          }
        }
        if (!ok || !(interval_s > 0) || !std::isfinite(interval_s))
          return config_error(origin, v, where + ": interval_seconds must be a positive number");
        continue;
      }
      std::string* field = key == "name"       ? &e.name
                           : key == "endpoint" ? &e.endpoint
                           : key == "region"   ? &e.region
                           : key == "profile"  ? &e.profile
                                               : nullptr;
      if (!field)
        return config_error(origin, kv.first,
                            where + ": unknown key '" + key +
                                "' (expected name, region, endpoint, profile, interval_seconds)");
      if (!v.IsScalar()) return config_error(origin, v, where + ": " + key + " must be a string");
      *field = v.Scalar();
    }
    if (e.name.empty()) return config_error(origin, item, where + ": name is required");
    if (e.region.empty()) return config_error(origin, item, where + " (" + e.name + "): region is required");
    if (!names.insert(e.name).second)
      return config_error(origin, item, where + ": the name '" + e.name + "' is used twice");
    if (e.endpoint.empty()) e.endpoint = "https://states." + e.region + ".amazonaws.com";
    if (!parse_url(e.endpoint))
      return config_error(origin, item,
                          where + " (" + e.name + "): endpoint must be http(s)://host[:port][/path], got '" +
                              e.endpoint + "'");
    e.interval_ms = std::max<int64_t>(1, std::llround(interval_s * 1000));
    out.push_back(std::move(e));
  }
  return out;
}

Result<SignedCall> sign_call(const WatchEntry& entry, std::string_view operation, const std::string& body,
                             const guardian::AwsCredentials& credentials, int64_t now_ms) {
  auto url = parse_url(entry.endpoint);
  if (!url) return Error{"BadEndpoint", "not an http(s) URL: " + entry.endpoint};
  guardian::RequestToSign req;
  req.method = "POST";
  req.path = url->path;
  req.payload = body;
  std::string target(guardian::kStepFunctionsTargetPrefix);
  target.append(operation);
  req.headers = {{"Host", url->host},
                 {"Content-Type", std::string(guardian::kAwsJson10ContentType)},
                 {"X-Amz-Target", target}};
  guardian::SigningParams params;
  params.credentials = credentials;
  params.region = entry.region;
  params.service = "states";
  params.time_ms = now_ms;
  guardian::SignedRequest signed_req = guardian::sign_request(req, params);
  SignedCall call;
  call.url = url->scheme + "://" + url->host + url->path;
  call.headers = std::move(req.headers);
  for (auto& h : signed_req.headers_to_add) call.headers.push_back(std::move(h));
  call.headers.emplace_back("Authorization", std::move(signed_req.authorization));
  return call;
}

guardian::HttpReply CurlSfnTransport::post(const SignedCall& call, const std::string& body) {
  guardian::HttpReply reply;
  if (cancelled_) {
    reply.transport_error = "cancelled";
    return reply;
  }
  CURL* curl = curl_easy_init();
  if (!curl) {
    reply.transport_error = "cannot initialise libcurl";
    return reply;
  }
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : call.headers)
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.error_type_header);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(kCallTimeoutMs));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    reply.status = 0;
    reply.transport_error = curl_easy_strerror(rc);
    return reply;
  }
  reply.status = static_cast<int>(status);
  return reply;
}

RemoteWatcher::RemoteWatcher(std::vector<WatchEntry> entries, WatcherDeps deps)
    : entries_(std::move(entries)), deps_(std::move(deps)), status_(entries_.size()) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    status_[i].name = entries_[i].name;
    status_[i].endpoint = entries_[i].endpoint;
    status_[i].region = entries_[i].region;
    status_[i].interval_ms = entries_[i].interval_ms;
  }
}

RemoteWatcher::~RemoteWatcher() { stop(); }

void RemoteWatcher::start() {
  for (size_t i = 0; i < entries_.size(); ++i) threads_.emplace_back([this, i] { run(i); });
}

void RemoteWatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  if (deps_.transport) deps_.transport->cancel();
  cv_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool RemoteWatcher::wait(int64_t ms) {
  if (deps_.sleep) return deps_.sleep(ms);
  std::unique_lock<std::mutex> lock(mu_);
  if (ms > 0) cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

void RemoteWatcher::run(size_t i) {
  log::info("watching a remote Step Functions endpoint",
            {{"watch", entries_[i].name},
             {"endpoint", entries_[i].endpoint},
             {"region", entries_[i].region},
             {"interval_seconds", static_cast<double>(entries_[i].interval_ms) / 1000.0}});
  for (;;) {
    if (!wait(0)) return;
    int64_t started = deps_.clock->now_ms();
    run_cycle(i);
    int64_t left = started + entries_[i].interval_ms - deps_.clock->now_ms();
    if (!wait(std::max<int64_t>(left, 0))) return;
  }
}

guardian::WatchStatus RemoteWatcher::run_cycle(size_t i) {
  const WatchEntry& e = entries_[i];
  guardian::WatchStatus& st = status_[i];
  std::mt19937_64 rng{std::random_device{}()};
  auto random = [&] { return deps_.random ? deps_.random() : rng(); };
  st.last_attempt_ms = deps_.clock->now_ms();
  st.requests = 0;
  st.retries = 0;
  const std::string previous_error = st.last_error;
  std::optional<std::vector<guardian::RemoteMachine>> machines;
  std::string error;
  auto creds = deps_.credentials
                   ? deps_.credentials(e.profile)
                   : Result<guardian::AwsCredentials>(Error{"NoCredentials", "no credentials source"});
  if (!creds.ok()) {
    error = creds.error().code + ": " + creds.error().message;
  } else {
    guardian::SamplingCycle cycle(deps_.backoff);
    bool stopped = false;
    while (cycle.next().kind == guardian::SamplingCycle::Kind::kCall) {
      guardian::SamplingCycle::Step step = cycle.next();
      if (step.delay_ms > 0 && !wait(step.delay_ms)) {
        stopped = true;
        break;
      }
      auto call = sign_call(e, step.operation, step.body, *creds, deps_.clock->now_ms());
      if (!call.ok()) {
        error = call.error().message;
        break;
      }
      cycle.on_reply(deps_.transport->post(*call, step.body), random());
    }
    st.requests = cycle.requests();
    st.retries = cycle.retries();
    if (stopped) {
      error = "stopped";
    } else if (error.empty() && cycle.next().kind == guardian::SamplingCycle::Kind::kFailed) {
      error = cycle.error().code + ": " + cycle.error().message;
    } else if (error.empty()) {
      machines = cycle.take_machines();
    }
  }
  if (error == "stopped") return st;  // the server is shutting down: nothing to report
  if (machines) {
    st.last_success_ms = deps_.clock->now_ms();
    st.last_error.clear();
    st.machines = static_cast<int64_t>(machines->size());
    if (!machines->empty()) st.account = guardian::arn_account(machines->front().arn);
    if (!previous_error.empty()) log::info("remote endpoint sampled again", {{"watch", e.name}});
  } else {
    st.last_error = error;
    st.last_error_ms = deps_.clock->now_ms();
    if (error != previous_error && error != "stopped")
      log::error("cannot sample a remote Step Functions endpoint",
                 {{"watch", e.name}, {"endpoint", e.endpoint}, {"error", error}});
  }
  if (deps_.report) deps_.report(st, std::move(machines));
  return st;
}

}  // namespace sg::cli
