// ResourceRouter: the one TaskExecutor behind `stepguard serve`, `stepguard run` and
// TestState. A Task's Resource resolves, in order, to
//   1. a mocked response: the execution runs under a mock test case
//      (TaskRequest::test_case) whose entry for the state names a mocked response
//      (mock_config.h); the invocation number is TaskRequest::invocation;
//   2. a route: the first registered integration whose predicate claims the resource
//      (Lambda through LambdaExecutor, whose configured functions are the endpoints; HTTP
//      Task, SNS, nested executions, ... as the host registers them);
//   3. nothing: the Task fails with States.Runtime, the cause naming the resource, the
//      integrations this host has and how to mock the state instead.
//
// Routes and mocks form an immutable RouterTable; install() swaps it atomically (SIGHUP
// reload). A batch keeps the table it started with, so calls in flight finish with the
// executors they began on. invoke_all() splits a batch by owner: mocked and unroutable
// requests are answered at once, each route gets its requests as one batch (so a route
// keeps its own concurrency), and routes run side by side.
//
// Thread-safe. invoke()/invoke_all() never throw.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/task_executor.h"
#include "integrations/mock_config.h"

namespace sg::integrations {

using ResourcePredicate = std::function<bool(std::string_view resource)>;

struct RouterTable {
  struct Route {
    std::string name;  // for messages: "Lambda", "HTTP Task", ...
    ResourcePredicate claims;
    std::shared_ptr<engine::TaskExecutor> executor;
  };
  std::vector<Route> routes;                // tried in order
  std::shared_ptr<const MockConfig> mocks;  // null: no mocks

  // Registers an integration: requests whose resource `claims` accepts go to `executor`.
  RouterTable& add(std::string name, ResourcePredicate claims,
                   std::shared_ptr<engine::TaskExecutor> executor) {
    routes.push_back(Route{std::move(name), std::move(claims), std::move(executor)});
    return *this;
  }
  // The first route claiming `resource`, or nullptr.
  const Route* route_for(std::string_view resource) const;
};

struct RouterOptions {
  std::string host = "stepguard run";  // names this host in messages
  // How to select a test case on this host, for the "no integration" cause.
  std::string mock_hint = "--mock-config FILE --test-case NAME";
};

class ResourceRouter final : public engine::TaskExecutor {
 public:
  explicit ResourceRouter(RouterOptions options = {},
                          std::shared_ptr<const RouterTable> table = std::make_shared<RouterTable>());

  // Replaces the routes and mocks; batches already running keep the old ones.
  void install(std::shared_ptr<const RouterTable> table);
  std::shared_ptr<const RouterTable> table() const;

  // The mocked outcome of `request` when its execution's test case mocks its state.
  std::optional<engine::TaskResult> mocked(const engine::TaskRequest& request) const;
  // Whether mocked() has an outcome for `request`, without building it.
  bool mocks(const engine::TaskRequest& request) const;
  // True when a registered route claims `resource`.
  bool has_route(std::string_view resource) const;

  engine::TaskResult invoke(const engine::TaskRequest& request) override;
  void invoke_all(std::span<const engine::TaskRequest> requests, std::span<engine::TaskResult> results,
                  const Done& done) override;

  const RouterOptions& options() const { return options_; }

 private:
  static std::optional<engine::TaskResult> mocked(const RouterTable& table,
                                                  const engine::TaskRequest& request);
  engine::TaskResult no_route(const RouterTable& table, std::string_view resource) const;

  RouterOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const RouterTable> table_;  // guarded by mu_
};

}  // namespace sg::integrations
