#include "integrations/resource_router.h"

#include <thread>

namespace sg::integrations {

using engine::TaskRequest;
using engine::TaskResult;

const RouterTable::Route* RouterTable::route_for(std::string_view resource) const {
  for (const Route& r : routes)
    if (r.claims && r.executor && r.claims(resource)) return &r;
  return nullptr;
}

ResourceRouter::ResourceRouter(RouterOptions options, std::shared_ptr<const RouterTable> table)
    : options_(std::move(options)), table_(table ? std::move(table) : std::make_shared<RouterTable>()) {}

void ResourceRouter::install(std::shared_ptr<const RouterTable> table) {
  if (!table) table = std::make_shared<RouterTable>();
  std::lock_guard<std::mutex> lock(mu_);
  table_.swap(table);
  // The old table is released outside the lock (its executors may take a while to go).
}

std::shared_ptr<const RouterTable> ResourceRouter::table() const {
  std::lock_guard<std::mutex> lock(mu_);
  return table_;
}

std::optional<TaskResult> ResourceRouter::mocked(const RouterTable& table, const TaskRequest& request) {
  if (request.test_case.empty() || !table.mocks) return std::nullopt;
  const MockConfig& mocks = *table.mocks;
  const std::string* name =
      mocks.response_name(request.state_machine_name, request.test_case, request.state_name);
  if (!name) return std::nullopt;
  const MockedResponse* response = mocks.response(*name);
  const MockOutcome* o = response ? response->at(request.invocation) : nullptr;
  if (!o) {
    std::string cause("The mocked response '");
    cause.append(*name)
        .append("' of test case '")
        .append(request.test_case)
        .append("' has no entry for invocation ");
    cause.append(std::to_string(request.invocation))
        .append(" of state '")
        .append(request.state_name)
        .append("'");
    if (response && response->count() > 0) {
      cause.append(" (it covers invocations 0");
      if (response->count() > 1) cause.append("-").append(std::to_string(response->count() - 1));
      cause.append(")");
    }
    cause.append(": a mocked state needs a response for every invocation, retries included");
    return TaskResult::failure("States.Runtime", std::move(cause));
  }
  if (o->is_return) return TaskResult::success(o->value);
  TaskResult r = TaskResult::failure(o->error, o->cause);
  r.has_cause = o->has_cause;
  return r;
}

bool ResourceRouter::mocks(const TaskRequest& request) const {
  if (request.test_case.empty()) return false;
  std::shared_ptr<const RouterTable> t = table();
  return t->mocks && t->mocks->response_name(request.state_machine_name, request.test_case,
                                             request.state_name) != nullptr;
}

std::optional<TaskResult> ResourceRouter::mocked(const TaskRequest& request) const {
  if (request.test_case.empty()) return std::nullopt;
  return mocked(*table(), request);
}

bool ResourceRouter::has_route(std::string_view resource) const {
  return table()->route_for(resource) != nullptr;
}

TaskResult ResourceRouter::no_route(const RouterTable& table, std::string_view resource) const {
  std::string cause(options_.host);
  cause.append(" has no integration for resource '").append(resource).append("'");
  if (table.routes.empty()) {
    cause.append(" (none is configured)");
  } else {
    cause.append(" (integrations here: ");
    for (size_t i = 0; i < table.routes.size(); ++i) {
      if (i) cause.append(", ");
      cause.append(table.routes[i].name);
    }
    cause.append(")");
  }
  cause
      .append(
          ". Use a supported integration (see docs/configuration.md), or mock this state in a mock config "
          "test case (")
      .append(options_.mock_hint)
      .append(").");
  return TaskResult::failure("States.Runtime", std::move(cause));
}

TaskResult ResourceRouter::invoke(const TaskRequest& request) {
  TaskResult result;
  invoke_all(std::span<const TaskRequest>(&request, 1), std::span<TaskResult>(&result, 1), nullptr);
  return result;
}

void ResourceRouter::invoke_all(std::span<const TaskRequest> requests, std::span<TaskResult> results,
                                const Done& done) {
  const std::shared_ptr<const RouterTable> table = this->table();
  const size_t n = requests.size();
  // Which route serves each request (npos: answered here).
  constexpr size_t kAnswered = static_cast<size_t>(-1);
  std::vector<size_t> owner(n, kAnswered);
  std::vector<size_t> answered;
  size_t routed = 0;
  for (size_t i = 0; i < n; ++i) {
    const TaskRequest& q = requests[i];
    if (std::optional<TaskResult> m = mocked(*table, q)) {
      results[i] = std::move(*m);
      answered.push_back(i);
      continue;
    }
    const RouterTable::Route* r = table->route_for(q.resource);
    if (!r) {
      results[i] = no_route(*table, q.resource);
      answered.push_back(i);
      continue;
    }
    owner[i] = static_cast<size_t>(r - table->routes.data());
    ++routed;
  }
  for (size_t i : answered)
    if (done) done(i);
  if (routed == 0) return;

  // The common case: one route serves the whole batch, which it gets as it is.
  if (routed == n) {
    bool one = true;
    for (size_t i = 1; i < n && one; ++i) one = owner[i] == owner[0];
    if (one) {
      table->routes[owner[0]].executor->invoke_all(requests, results, done);
      return;
    }
  }

  struct Group {
    engine::TaskExecutor* executor = nullptr;
    std::vector<size_t> index;  // into requests
    std::vector<TaskRequest> requests;
    std::vector<TaskResult> results;
  };
  std::vector<Group> groups;
  std::vector<size_t> group_of_route(table->routes.size(), kAnswered);
  for (size_t i = 0; i < n; ++i) {
    if (owner[i] == kAnswered) continue;
    size_t& g = group_of_route[owner[i]];
    if (g == kAnswered) {
      g = groups.size();
      groups.emplace_back();
      groups.back().executor = table->routes[owner[i]].executor.get();
    }
    groups[g].index.push_back(i);
    groups[g].requests.push_back(requests[i]);
  }
  std::mutex done_mu;  // done() is called one at a time, whichever group reports
  auto run_group = [&](Group& g) {
    g.results.resize(g.requests.size());
    std::vector<char> delivered(g.requests.size(), 0);
    auto deliver = [&](size_t j) {
      std::lock_guard<std::mutex> lock(done_mu);
      if (delivered[j]) return;
      delivered[j] = 1;
      results[g.index[j]] = std::move(g.results[j]);
      if (done) done(g.index[j]);
    };
    g.executor->invoke_all(g.requests, g.results, deliver);
    // An executor that filled results without reporting them: report them now.
    for (size_t j = 0; j < g.requests.size(); ++j) deliver(j);
  };
  // Routes run side by side: the first on this thread, the others on threads of their own.
  std::vector<std::thread> threads;
  for (size_t g = 1; g < groups.size(); ++g) threads.emplace_back([&, g] { run_group(groups[g]); });
  run_group(groups[0]);
  for (std::thread& t : threads) t.join();
}

}  // namespace sg::integrations
