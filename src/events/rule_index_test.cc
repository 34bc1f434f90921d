#include "events/rule_index.h"

#include <gtest/gtest.h>

#include <random>

#include "json/parse.h"

namespace sg::events {
namespace {

EventPattern pattern(std::string_view text) {
  auto p = EventPattern::parse(text);
  EXPECT_TRUE(p.ok()) << text << (p.ok() ? "" : p.error().message);
  return std::move(p).value();
}

json::Value event(std::string_view text) {
  auto e = json::parse_json(text);
  EXPECT_TRUE(e.ok()) << text;
  return std::move(e).value();
}

using Ids = std::vector<std::string>;

// Concatenation without `"literal" + std::string` (GCC 12 warns falsely on it).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

TEST(RuleIndex, MatchesAndRemoves) {
  RuleIndex index;
  index.add("failed", pattern(R"({"source":["aws.states"],"detail":{"status":["FAILED","TIMED_OUT"]}})"));
  index.add("any-states", pattern(R"({"source":["aws.states"]})"));
  index.add("big", pattern(R"({"detail":{"n":[{"numeric":[">",100]}]}})"));  // fallback list
  index.add("or", pattern(R"({"$or":[{"source":["x"]},{"detail":{"status":["FAILED"]}}]})"));
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(index.fallback_size(), 1u);

  auto e = event(R"({"source":"aws.states","detail":{"status":"FAILED","n":5}})");
  EXPECT_EQ(index.match(e), (Ids{"failed", "any-states", "or"}));
  EXPECT_EQ(index.match(event(R"({"source":"x","detail":{"n":500}})")), (Ids{"big", "or"}));
  EXPECT_EQ(index.match(event(R"({"source":"y"})")), Ids{});

  EXPECT_TRUE(index.remove("any-states"));
  EXPECT_FALSE(index.remove("any-states"));
  EXPECT_EQ(index.match(e), (Ids{"failed", "or"}));
  // Replacing a rule re-files it under its new pattern.
  index.add("failed", pattern(R"({"source":["other"]})"));
  EXPECT_EQ(index.match(e), (Ids{"or"}));
  EXPECT_EQ(index.size(), 3u);
}

TEST(RuleIndex, CompactsAfterManyRemovals) {
  RuleIndex index;
  for (int i = 0; i < 200; ++i) {
    index.add(cat("r", std::to_string(i)), pattern(cat(R"({"n":[)", std::to_string(i % 10), "]}")));
  }
  for (int i = 0; i < 150; ++i) EXPECT_TRUE(index.remove(cat("r", std::to_string(i))));
  EXPECT_EQ(index.size(), 50u);
  auto ids = index.match(event(R"({"n":3})"));
  EXPECT_EQ(ids, (Ids{"r153", "r163", "r173", "r183", "r193"}));
  EXPECT_EQ(ids, index.match_brute_force(event(R"({"n":3})")));
  EXPECT_EQ(index.candidate_count(event(R"({"n":3})")), 5u);
}

TEST(RuleIndex, NumbersShareBucketsAcrossIntAndDouble) {
  RuleIndex index;
  index.add("n", pattern(R"({"n":[300]})"));
  index.add("z", pattern(R"({"n":[0]})"));
  EXPECT_EQ(index.match(event(R"({"n":300.0})")), Ids{"n"});
  EXPECT_EQ(index.match(event(R"({"n":-0.0})")), Ids{"z"});
  EXPECT_EQ(index.match(event(R"({"n":[1,300]})")), Ids{"n"});
}

TEST(RuleIndex, CandidatesStayFewWithManyRules) {
  RuleIndex index;
  for (int i = 0; i < 5000; ++i) {
    std::string p = R"({"source":["svc)";
    p.append(std::to_string(i % 50)).append(R"("],"detail-type":["type)").append(std::to_string(i));
    p.append(R"("]})");
    std::string id = "r";
    index.add(id.append(std::to_string(i)), pattern(p));
  }
  auto e = event(R"({"source":"svc7","detail-type":"type1207"})");
  EXPECT_EQ(index.match(e), Ids{"r1207"});
  // The less crowded key (detail-type) was chosen for every rule.
  EXPECT_LE(index.candidate_count(e), 2u);
}

// Random patterns over a small vocabulary, so that many rules match many events.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string pattern() {
    std::string out = "{";
    bool first = true;
    auto field = [&](std::string_view name, const std::string& body) {
      if (!first) out.push_back(',');
      first = false;
      out.append("\"").append(name).append("\":").append(body);
    };
    if (chance(60)) field("source", leaf(kSource));
    if (chance(40)) field("detail-type", leaf(kType));
    std::string detail = detail_object();
    if (detail.size() > 2) field("detail", detail);
    if (chance(20) || first) {
      std::string group = "[";
      int branches = 2 + pick(2);
      for (int i = 0; i < branches; ++i) {
        if (i) group.push_back(',');
        group.append(chance(50) ? cat("{\"source\":", leaf(kSource), "}")
                                : cat("{\"detail\":{\"status\":", leaf(kStatus), "}}"));
      }
      field("$or", group.append("]"));
    }
    return out.append("}");
  }

  std::string event() {
    std::string out = "{\"version\":\"0\"";
    if (chance(90)) out.append(",\"source\":\"").append(kSource[pick(4)]).append("\"");
    if (chance(90)) out.append(",\"detail-type\":\"").append(kType[pick(4)]).append("\"");
    out.append(",\"detail\":{");
    out.append("\"status\":");
    if (chance(70)) {
      out.append("\"").append(kStatus[pick(4)]).append("\"");
    } else if (chance(50)) {
      out.append("[\"").append(kStatus[pick(4)]).append("\",\"").append(kStatus[pick(4)]).append("\"]");
    } else {
      out.append(chance(50) ? "null" : "{\"x\":1}");
    }
    if (chance(70)) out.append(",\"n\":").append(std::to_string(pick(8))).append(chance(30) ? ".0" : "");
    if (chance(50)) out.append(",\"ok\":").append(chance(50) ? "true" : "false");
    if (chance(50)) {
      out.append(",\"items\":[{\"k\":\"")
          .append(kStatus[pick(4)])
          .append("\",\"v\":")
          .append(std::to_string(pick(4)));
      out.append("},{\"k\":\"")
          .append(kStatus[pick(4)])
          .append("\",\"v\":")
          .append(std::to_string(pick(4)))
          .append("}]");
    }
    return out.append("}}");
  }

 private:
  static constexpr const char* kSource[] = {"aws.states", "orders", "payments", "aws.ec2"};
  static constexpr const char* kType[] = {"Order Placed", "Payment Made", "Shipped", "Status Change"};
  static constexpr const char* kStatus[] = {"FAILED", "SUCCEEDED", "RUNNING", "failed"};

  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string str(const char* const* vocab) { return std::string("\"").append(vocab[pick(4)]).append("\""); }

  std::string leaf(const char* const* vocab) {
    std::string out = "[";
    int n = 1 + pick(2);
    for (int i = 0; i < n; ++i) {
      if (i) out.push_back(',');
      switch (pick(10)) {
        case 0:
          out.append("{\"prefix\":\"").append(std::string(vocab[pick(4)]).substr(0, 3)).append("\"}");
          break;
        case 1:
          out.append("{\"anything-but\":").append(str(vocab)).append("}");
          break;
        case 2:
          out.append("{\"exists\":").append(chance(50) ? "true" : "false").append("}");
          break;
        case 3:
          out.append("{\"equals-ignore-case\":").append(str(vocab)).append("}");
          break;
        default:
          out.append(str(vocab));
      }
    }
    return out.append("]");
  }

  std::string detail_object() {
    std::string out = "{";
    auto add = [&](std::string_view name, const std::string& body) {
      if (out.size() > 1) out.push_back(',');
      out.append("\"").append(name).append("\":").append(body);
    };
    if (chance(40)) add("status", leaf(kStatus));
    if (chance(25)) {
      switch (pick(4)) {
        case 0:
          add("n", cat("[", std::to_string(pick(8)), "]"));
          break;
        case 1:
          add("n", cat("[{\"numeric\":[\">\",", std::to_string(pick(8)), "]}]"));
          break;
        case 2:
          add("n", "[{\"anything-but\":[1,2]}]");
          break;
        default:
          add("n", "[null]");
      }
    }
    if (chance(15)) add("ok", chance(50) ? "[true]" : "[false,null]");
    if (chance(20)) {
      std::string items = cat("{\"k\":", leaf(kStatus));
      if (chance(50)) items.append(cat(",\"v\":[", std::to_string(pick(4)), "]"));
      add("items", items + "}");
    }
    return out.append("}");
  }

  std::mt19937 rng_;
};

TEST(RuleIndex, AgreesWithBruteForceOnRandomRules) {
  Generator gen(20250227);
  RuleIndex index;
  for (int i = 0; i < 400; ++i) {
    std::string text = gen.pattern();
    auto p = EventPattern::parse(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.error().message;
    index.add(std::string("rule-").append(std::to_string(i)), std::move(p).value());
  }
  size_t matched = 0, candidates = 0;
  for (int i = 0; i < 3000; ++i) {
    if (i == 1500) {
      // Remove and replace some rules halfway through.
      for (int r = 0; r < 400; r += 3) index.remove(std::string("rule-").append(std::to_string(r)));
      for (int r = 1; r < 400; r += 7)
        index.add(std::string("rule-").append(std::to_string(r)), pattern(gen.pattern()));
    }
    std::string text = gen.event();
    json::Value e = event(text);
    auto fast = index.match(e);
    ASSERT_EQ(fast, index.match_brute_force(e)) << text;
    matched += fast.size();
    candidates += index.candidate_count(e);
  }
  EXPECT_GT(matched, 3000u);  // the vocabulary makes many rules match: the test is not vacuous
  EXPECT_LT(candidates, 3000u * 400u);
}

}  // namespace
}  // namespace sg::events
