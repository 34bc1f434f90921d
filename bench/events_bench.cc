// Event-pattern matching throughput: events/s through events::RuleIndex with 1, 100 and
// 10,000 rules on one bus, against a scan of every rule (what the index replaces).
//
// Rules and events come from one vocabulary (50 sources x 20 detail types, statuses,
// regions, amounts, order ids) so that every event matches a few rules. The rule mix:
//   55% source + detail-type (half of them with a status list), 15% source + detail-type
//   + numeric amount range, 10% source + detail-type + region prefix, 15% correlation
//   rules on detail.order_id, 4% detail-type + `$or` of two sources + anything-but on the
//   status, 1% numeric only (no exact value: the index's fallback list).
// Events are parsed once; each measurement loops over them for at least --seconds.
//
//   events_bench [--seconds S] [--rules 1,100,10000] [--numeric-only-percent P]
// prints a markdown table. --numeric-only-percent (default 1) sets the share of rules with
// no exact value (the rest of the last 5% are `$or` rules).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "events/rule_index.h"
#include "json/parse.h"

namespace {

using sg::events::EventPattern;
using sg::events::RuleIndex;
using sg::json::Value;

constexpr int kSources = 50;
constexpr int kTypes = 20;
constexpr int kOrders = 5000;
const char* const kStatuses[] = {"PLACED", "PAID", "PACKED", "SHIPPED", "DELIVERED", "FAILED", "CANCELLED"};
const char* const kRegions[] = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"};

std::string source(int i) { return std::string("com.example.svc").append(std::to_string(i)); }
std::string type(int i) { return std::string("Thing Happened ").append(std::to_string(i)); }
std::string quoted(const std::string& s) { return std::string("\"").append(s).append("\""); }

std::string make_rule(std::mt19937& rng, int numeric_only_percent) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  int kind = pick(100);
  std::string p = "{";
  if (kind < 55) {
    p.append("\"source\":[").append(quoted(source(pick(kSources)))).append("],\"detail-type\":[");
    p.append(quoted(type(pick(kTypes)))).append("]");
    if (pick(2) == 0) {
      p.append(",\"detail\":{\"status\":[").append(quoted(kStatuses[pick(7)])).append(",");
      p.append(quoted(kStatuses[pick(7)])).append("]}");
    }
  } else if (kind < 70) {
    int low = pick(900);
    p.append("\"source\":[").append(quoted(source(pick(kSources)))).append("],\"detail-type\":[");
    p.append(quoted(type(pick(kTypes)))).append("],\"detail\":{\"amount\":[{\"numeric\":[\">=\",");
    p.append(std::to_string(low)).append(",\"<\",").append(std::to_string(low + 100)).append("]}]}");
  } else if (kind < 80) {
    p.append("\"source\":[").append(quoted(source(pick(kSources)))).append("],\"detail-type\":[");
    p.append(quoted(type(pick(kTypes)))).append("],\"detail\":{\"region\":[{\"prefix\":");
    p.append(quoted(std::string(kRegions[pick(5)]).substr(0, 5))).append("}]}");
  } else if (kind < 95) {
    p.append("\"detail\":{\"order_id\":[")
        .append(quoted(std::string("o-").append(std::to_string(pick(kOrders)))));
    p.append("]}");
  } else if (kind < 100 - numeric_only_percent) {
    p.append("\"detail-type\":[").append(quoted(type(pick(kTypes)))).append("],");
    p.append("\"$or\":[{\"source\":[").append(quoted(source(pick(kSources)))).append("]},{\"source\":[");
    p.append(quoted(source(pick(kSources))))
        .append("]}],\"detail\":{\"status\":[{\"anything-but\":[\"FAILED\"]}]}");
  } else {
    p.append("\"detail\":{\"amount\":[{\"numeric\":[\">\",")
        .append(std::to_string(990 + pick(10)))
        .append("]}]}");
  }
  return p.append("}");
}

std::string make_event(std::mt19937& rng, int n) {
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint32_t>(k)); };
  std::string e = R"({"version":"0","id":"e-)";
  e.append(std::to_string(n)).append(R"(","detail-type":)").append(quoted(type(pick(kTypes))));
  e.append(R"(,"source":)").append(quoted(source(pick(kSources))));
  e.append(R"(,"account":"123456789012","time":"2025-02-27T12:00:00Z","region":"us-east-1","resources":[],)");
  e.append(R"("detail":{"order_id":)")
      .append(quoted(std::string("o-").append(std::to_string(pick(kOrders)))));
  e.append(R"(,"status":)").append(quoted(kStatuses[pick(7)]));
  e.append(R"(,"region":)").append(quoted(kRegions[pick(5)]));
  e.append(R"(,"amount":)").append(std::to_string(pick(1000)));
  e.append(
      R"(,"items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"customer":{"id":"c-42","tier":"gold"}}})");
  return e;
}

struct Measure {
  double events_per_second = 0;
  double matches_per_event = 0;
};

template <class Fn>
Measure run(const std::vector<Value>& events, double seconds, Fn&& match) {
  using Clock = std::chrono::steady_clock;
  size_t done = 0, matches = 0;
  auto start = Clock::now();
  double elapsed = 0;
  do {
    for (const Value& e : events) {
      matches += match(e).size();
      ++done;
      if ((done & 255) == 0 && std::chrono::duration<double>(Clock::now() - start).count() >= seconds) break;
    }
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return Measure{static_cast<double>(done) / elapsed,
                 static_cast<double>(matches) / static_cast<double>(done)};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  int numeric_only_percent = 1;
  std::vector<int> sizes = {1, 100, 10000};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--numeric-only-percent") {
      numeric_only_percent = std::atoi(argv[i + 1]);
    } else if (flag == "--rules") {
      sizes.clear();
      std::string list = argv[i + 1];
      for (size_t pos = 0; pos < list.size();) {
        size_t comma = list.find(',', pos);
        sizes.push_back(std::atoi(list.substr(pos, comma - pos).c_str()));
        pos = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: events_bench [--seconds S] [--rules 1,100,10000] [--numeric-only-percent P]\n");
      return 2;
    }
  }

  std::mt19937 event_rng(7);
  std::vector<Value> events;
  for (int i = 0; i < 20000; ++i) {
    auto e = sg::json::parse_json(make_event(event_rng, i));
    if (!e) return 1;
    events.push_back(std::move(e).value());
  }

  std::printf("| rules | index events/s | scan events/s | speed-up | matches/event | candidates/event |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (int n : sizes) {
    std::mt19937 rule_rng(42);
    RuleIndex index;
    for (int i = 0; i < n; ++i) {
      auto p = EventPattern::parse(make_rule(rule_rng, numeric_only_percent));
      if (!p) {
        std::fprintf(stderr, "bad rule: %s\n", p.error().message.c_str());
        return 1;
      }
      index.add(std::string("rule-").append(std::to_string(i)), std::move(p).value());
    }
    size_t candidates = 0;
    for (size_t i = 0; i < 2000; ++i) candidates += index.candidate_count(events[i]);
    // Both sides must agree before they are timed.
    for (size_t i = 0; i < 500; ++i) {
      if (index.match(events[i]) != index.match_brute_force(events[i])) {
        std::fprintf(stderr, "index and scan disagree on event %zu\n", i);
        return 1;
      }
    }
    Measure fast = run(events, seconds, [&](const Value& e) { return index.match(e); });
    Measure scan = run(events, seconds, [&](const Value& e) { return index.match_brute_force(e); });
    std::printf("| %d | %.0f | %.0f | %.1fx | %.2f | %.1f |\n", n, fast.events_per_second,
                scan.events_per_second, fast.events_per_second / scan.events_per_second,
                fast.matches_per_event, static_cast<double>(candidates) / 2000.0);
    std::fflush(stdout);
  }
  return 0;
}
