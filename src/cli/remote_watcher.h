// RemoteWatcher: `stepguard serve` watching remote Step Functions endpoints (real AWS or
// any compatible endpoint, e.g. another stepguard), the config file's `watch:` list:
//
//   watch:
//     - name: prod-eu                 # required, unique; names the watch in the grid and logs
//       region: eu-west-1             # required: the SigV4 signing region
//       endpoint: https://...         # default https://states.REGION.amazonaws.com
//       profile: prod                 # optional: credentials profile (cli/aws_credentials.h)
//       interval_seconds: 60          # default 60; how often a sample starts
//
// Contract
// - One thread per entry. Each sample is a guardian::SamplingCycle (ListStateMachines with
//   paging, then ListExecutions maxResults=1 per machine): AWS JSON 1.0 POSTs with
//   X-Amz-Target AWSStepFunctions.<Op>, signed with SigV4 (service "states") by
//   sign_call(), sent by the SfnTransport (libcurl in production). Throttling and
//   transient errors back off inside the cycle (guardian::backoff_delay_ms).
// - Credentials are resolved before every sample (a refreshed credentials file is picked
//   up). Without credentials no request is sent: the sample fails with NoCredentials.
// - Each sample ends in deps.report(status, machines) from the watcher's thread: machines
//   on success, nullopt on failure (status.last_error says why; it is logged when it
//   changes). serve_command posts it to the service loop (GuardianService::update_remote).
// - Samples start every interval (measured from the previous start; a slow sample delays
//   the next one, never overlaps it). stop() cancels calls in flight (SfnTransport::cancel),
//   wakes waiting threads and joins them.
// - Time comes from deps.clock and waits go through deps.sleep (both injectable: tests run
//   cycles in virtual time with run_cycle()).
#pragma once

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "engine/service_loop.h"
#include "guardian/remote_sampling.h"
#include "guardian/sigv4.h"

namespace sg::cli {

inline constexpr int64_t kDefaultWatchIntervalMs = 60000;
inline constexpr int64_t kCallTimeoutMs = 30000;

struct WatchEntry {
  std::string name;
  std::string endpoint;  // resolved: never empty
  std::string region;
  std::string profile;
  int64_t interval_ms = kDefaultWatchIntervalMs;
};

// The `watch:` section (Null: none). Errors: INVALID_CONFIG naming the file, line and entry.
Result<std::vector<WatchEntry>> parse_watch_section(const YAML::Node& node, std::string_view origin);

// A request ready to send: the URL and every header (Host included), SigV4-signed.
struct SignedCall {
  std::string url;
  guardian::HeaderList headers;
};
// Signs `operation` (e.g. "ListStateMachines") with `body` for the entry's endpoint.
// Errors: BadEndpoint when the endpoint is not http(s)://host[:port][/path].
Result<SignedCall> sign_call(const WatchEntry& entry, std::string_view operation, const std::string& body,
                             const guardian::AwsCredentials& credentials, int64_t now_ms);

// Sends one signed call (thread-safe).
class SfnTransport {
 public:
  virtual ~SfnTransport() = default;
  virtual guardian::HttpReply post(const SignedCall& call, const std::string& body) = 0;
  // Makes calls in flight and later ones end at once (no reply): the server is stopping.
  virtual void cancel() {}
};

class CurlSfnTransport final : public SfnTransport {
 public:
  guardian::HttpReply post(const SignedCall& call, const std::string& body) override;
  void cancel() override { cancelled_ = true; }

 private:
  std::atomic<bool> cancelled_{false};
};

struct WatcherDeps {
  engine::Clock* clock = nullptr;
  SfnTransport* transport = nullptr;
  std::function<Result<guardian::AwsCredentials>(const std::string& profile)> credentials;
  // Called on the watcher's thread at the end of every sample.
  std::function<void(guardian::WatchStatus, std::optional<std::vector<guardian::RemoteMachine>>)> report;
  std::function<uint64_t()> random;  // null: a seeded std::mt19937_64 per thread
  guardian::BackoffPolicy backoff;
  // Waits `ms`; false when the watcher is stopping. Null: waits on the watcher's condition
  // variable (real time), woken by stop().
  std::function<bool(int64_t ms)> sleep;
};

class RemoteWatcher {
 public:
  RemoteWatcher(std::vector<WatchEntry> entries, WatcherDeps deps);
  ~RemoteWatcher();
  RemoteWatcher(const RemoteWatcher&) = delete;
  RemoteWatcher& operator=(const RemoteWatcher&) = delete;

  void start();
  void stop();  // idempotent

  // One sample of entry i on the calling thread (the threads' body; tests call it
  // directly). Reports, and returns the status reported.
  guardian::WatchStatus run_cycle(size_t i);
  const std::vector<WatchEntry>& entries() const { return entries_; }

 private:
  void run(size_t i);
  bool wait(int64_t ms);

  std::vector<WatchEntry> entries_;
  WatcherDeps deps_;
  std::vector<guardian::WatchStatus> status_;  // per entry; touched only by its thread
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace sg::cli
