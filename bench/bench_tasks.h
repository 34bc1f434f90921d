// Task handlers for the benchmark's task-retry workloads (header-only: CMake turns every
// bench/*.cc into its own executable).
//
// The manifest's handlers for the Lambda functions bench-flaky-fetch and bench-flaky-store:
// attempt n per execution and per $.id: n <= 2 fails with "Custom.TransientError", n == 3
// returns {data: payload + "-fetched", attempt: 3} (fetch) or {receipt: "stored-" + id,
// attempt: 3} (store).
//
// - make_inprocess_tasks(): a TaskExecutor doing that in-process, the counterpart of the
//   peer's taskResourceLocalHandlers.
// - make_http_tasks(url): the functions are HTTP functions served by
//   bench/flaky_handler_server (URL + "/fetch", URL + "/store"), through the executor
//   `stepguard run --function NAME=URL` uses (integrations::make_lambda_executor);
//   reset() POSTs to the server's /reset so that attempt counters start afresh for each
//   execution.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/task_executor.h"
#include "integrations/lambda_executor.h"
#include "json/value.h"

namespace sg::bench {

class BenchTasks {
 public:
  virtual ~BenchTasks() = default;
  virtual engine::TaskExecutor* executor() = 0;
  // Starts a new execution's attempt counters.
  virtual bool reset(std::string* error) = 0;
};

namespace detail {

class FlakyHandlers final : public engine::TaskExecutor, public BenchTasks {
 public:
  engine::TaskExecutor* executor() override { return this; }
  bool reset(std::string*) override {
    fetch_.clear();
    store_.clear();
    return true;
  }

  engine::TaskResult invoke(const engine::TaskRequest& r) override {
    const bool fetch = r.resource.ends_with(":bench-flaky-fetch");
    if (!fetch && !r.resource.ends_with(":bench-flaky-store")) {
      return engine::TaskResult::failure("Lambda.ResourceNotFoundException",
                                         "Function not found: " + std::string(r.resource));
    }
    const json::Value* id = r.parameters.find("id");
    if (!id) return engine::TaskResult::failure("Custom.BadEvent", "event has no id");
    std::string key = id->dump();
    int n = ++(fetch ? fetch_ : store_)[key];
    if (n <= 2) {
      return engine::TaskResult::failure("Custom.TransientError", std::string(fetch ? "fetch " : "store ") +
                                                                      key + " attempt " + std::to_string(n));
    }
    json::ObjectBuilder b(2);
    if (fetch) {
      const json::Value* payload = r.parameters.find("payload");
      std::string data(payload && payload->is_string() ? payload->as_string() : std::string_view());
      data += "-fetched";
      b.add("data", json::Value::string(std::move(data)));
    } else {
      b.add("receipt",
            json::Value::string("stored-" + (id->is_string() ? std::string(id->as_string()) : key)));
    }
    b.add("attempt", json::Value::integer(n));
    return engine::TaskResult::success(std::move(b).build());
  }

 private:
  std::unordered_map<std::string, int> fetch_, store_;
};

class HttpHandlers final : public BenchTasks {
 public:
  HttpHandlers(std::unique_ptr<engine::TaskExecutor> ex, std::string reset_url)
      : ex_(std::move(ex)), reset_url_(std::move(reset_url)), curl_(curl_easy_init()) {}
  ~HttpHandlers() override {
    if (curl_) curl_easy_cleanup(curl_);
  }
  HttpHandlers(const HttpHandlers&) = delete;
  HttpHandlers& operator=(const HttpHandlers&) = delete;

  engine::TaskExecutor* executor() override { return ex_.get(); }

  bool reset(std::string* error) override {
    if (!curl_) {
      *error = "curl_easy_init failed";
      return false;
    }
    curl_easy_setopt(curl_, CURLOPT_URL, reset_url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(
        curl_, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 5000L);
    CURLcode rc = curl_easy_perform(curl_);
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
      *error = "POST " + reset_url_ + ": " +
               (rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status));
      return false;
    }
    return true;
  }

 private:
  std::unique_ptr<engine::TaskExecutor> ex_;
  std::string reset_url_;
  CURL* curl_;
};

}  // namespace detail

inline std::unique_ptr<BenchTasks> make_inprocess_tasks() {
  return std::make_unique<detail::FlakyHandlers>();
}

// base_url: the handler server's origin, e.g. http://127.0.0.1:8123. reset_url empty:
// base_url + "/reset".
inline std::unique_ptr<BenchTasks> make_http_tasks(std::string base_url, std::string reset_url,
                                                   std::string* error) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  if (reset_url.empty()) reset_url = base_url + "/reset";
  std::vector<std::string> specs = {"bench-flaky-fetch=" + base_url + "/fetch",
                                    "bench-flaky-store=" + base_url + "/store"};
  auto ex = integrations::make_lambda_executor(specs, "");
  if (!ex.ok()) {
    *error = ex.error().message;
    return nullptr;
  }
  return std::make_unique<detail::HttpHandlers>(std::move(ex).value(), std::move(reset_url));
}

}  // namespace sg::bench
