// Runs the JSONata conformance suite (jsonata-js 2.2.2's test cases, in
// STEPGUARD_SHARED_DIR/jsonata-test-suite) against the evaluator in the reference dialect.
//
// Every case is evaluated under its timelimit/depth; results are compared as the reference's
// runner does (numbers with a relative tolerance, `unordered` arrays as multisets, errors by
// code). The test fails when fewer than 98% of the cases pass, or when a case's outcome
// disagrees with tests/jsonata/known_failures.txt (so that list stays true: a case listed
// there must fail, every other case must pass).
//
// JSONATA_SUITE_ONLY=group[/case] runs a subset and prints details of each failure;
// JSONATA_SUITE_VERBOSE=1 prints every failure's expected and actual outcome.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "json/jsonata.h"
#include "json/parse.h"

namespace sg::json::jsonata {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool numbers_close(double a, double b) {
  if (a == b) return true;
  double diff = std::fabs(a - b);
  double scale = std::max(std::fabs(a), std::fabs(b));
  return diff <= 1e-9 * scale || diff < 1e-12;
}

bool same(const Value& a, const Value& b, bool unordered);

bool same_unordered(std::span<const Value> a, std::span<const Value> b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const Value& x : a) {
    bool found = false;
    for (size_t j = 0; j < b.size() && !found; ++j) {
      if (!used[j] && same(x, b[j], false)) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool same(const Value& a, const Value& b, bool unordered) {
  if (a.is_number() && b.is_number()) return numbers_close(a.as_double(), b.as_double());
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kArray: {
      if (unordered) return same_unordered(a.items(), b.items());
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i], false)) return false;
      return true;
    }
    case Type::kObject: {
      if (a.size() != b.size()) return false;
      for (const Member& m : a.members()) {
        const Value* other = b.find(m.name());
        if (!other || !same(m.value, *other, false)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

struct Case {
  std::string id;
  Value spec;
  fs::path dir;
};

std::vector<Case> load_cases(const fs::path& root, const std::string& only) {
  std::vector<Case> cases;
  std::vector<fs::path> groups;
  for (const auto& e : fs::directory_iterator(root / "groups"))
    if (e.is_directory()) groups.push_back(e.path());
  std::sort(groups.begin(), groups.end());
  for (const fs::path& g : groups) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(g))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::string text = read_all(f);
      auto doc = parse_json(text);
      if (!doc) {
        // A JSON escape of a lone UTF-16 surrogate (valid for JavaScript, not UTF-8): read it
        // as U+FFFD so the case still runs (and is counted).
        std::string fixed;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text.compare(i, 3, "\\uD") == 0 || text.compare(i, 3, "\\ud") == 0) {
            char c = text[i + 3];
            bool high = c == '8' || c == '9' || c == 'A' || c == 'B' || c == 'a' || c == 'b';
            bool paired = high && i + 11 < text.size() && text.compare(i + 6, 3, "\\uD") == 0 &&
                          std::string("CDEFcdef").find(text[i + 9]) != std::string::npos;
            if (paired) {
              fixed.append(text, i, 12);
              i += 11;
              continue;
            }
            if ((c >= '8' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')) {
              fixed.append("\\uFFFD");
              i += 5;
              continue;
            }
          }
          fixed.push_back(text[i]);
        }
        doc = parse_json(fixed);
      }
      if (!doc) {
        ADD_FAILURE() << "unreadable case file " << f;
        continue;
      }
      std::string base = g.filename().string() + "/" + f.stem().string();
      if (doc->is_array()) {
        for (size_t i = 0; i < doc->size(); ++i)
          cases.push_back({base + "[" + std::to_string(i) + "]", (*doc)[i], g});
      } else {
        cases.push_back({base, *doc, g});
      }
    }
  }
  if (!only.empty()) {
    std::vector<Case> subset;
    for (Case& c : cases)
      if (c.id == only || c.id.rfind(only + "/", 0) == 0 || c.id.rfind(only + "[", 0) == 0)
        subset.push_back(c);
    cases = std::move(subset);
  }
  return cases;
}

std::map<std::string, Value> load_datasets(const fs::path& root) {
  std::map<std::string, Value> out;
  for (const auto& e : fs::directory_iterator(root / "datasets")) {
    if (e.path().extension() != ".json") continue;
    auto doc = parse_json(read_all(e.path()));
    if (doc) out.emplace(e.path().stem().string(), *doc);
  }
  return out;
}

// known_failures.txt: "<case id> <explanation>" per line; '#' starts a comment line.
std::map<std::string, std::string> load_known(const fs::path& file) {
  std::map<std::string, std::string> known;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    std::string id = line.substr(0, sp);
    std::string why = sp == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", sp));
    known[id] = why;
  }
  return known;
}

struct Outcome {
  bool pass = false;
  std::string detail;
};

Outcome run_case(const Case& c, const std::map<std::string, Value>& datasets) {
  const Value& s = c.spec;
  std::string text;
  if (const Value* e = s.find("expr")) {
    text = std::string(e->as_string());
  } else if (const Value* f = s.find("expr-file")) {
    text = read_all(c.dir / std::string(f->as_string()));
  }
  std::optional<Value> input;
  if (const Value* d = s.find("data")) {
    input = *d;
  } else if (const Value* ds = s.find("dataset"); ds && ds->is_string()) {
    auto it = datasets.find(std::string(ds->as_string()));
    if (it != datasets.end()) input = it->second;
  }
  Environment env;
  env.now_ms = 1700000000000;
  env.random_seed = 42;
  if (const Value* b = s.find("bindings"); b && b->is_object())
    for (const Member& m : b->members()) env.variables.emplace_back(std::string(m.name()), m.value);

  std::string expected_code;
  if (const Value* code = s.find("code")) expected_code = std::string(code->as_string());
  if (const Value* err = s.find("error"); err && err->find("code"))
    expected_code = std::string(err->find("code")->as_string());

  Limits limits;
  limits.max_depth = 100000;  // the C++ stack guard still applies
  int64_t timelimit_ms = 20000;
  if (const Value* t = s.find("timelimit")) timelimit_ms = static_cast<int64_t>(t->as_double());
  if (const Value* d = s.find("depth")) limits.max_depth = static_cast<int>(d->as_double());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timelimit_ms);
  limits.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };

  Error error;
  CompileOptions options;
  options.dialect = Dialect::kReference;
  auto expr = compile(text, options, &error);
  std::optional<Value> result;
  bool ok = expr && evaluate(*expr, input, env, limits, &result, &error);
  std::string got =
      ok ? (result ? dump_js(*result) : "undefined") : "error " + error.code + ": " + error.message;

  Outcome o;
  if (!expected_code.empty()) {
    o.pass = !ok && error.code == expected_code;
    o.detail = "expected error " + expected_code + ", got " + got;
    return o;
  }
  if (!ok) {
    o.detail = "unexpected " + got;
    return o;
  }
  if (const Value* u = s.find("undefinedResult"); u && u->is_bool() && u->as_bool()) {
    o.pass = !result.has_value();
    o.detail = "expected undefined, got " + got;
    return o;
  }
  if (const Value* want = s.find("result")) {
    const Value* unordered = s.find("unordered");
    bool un = unordered && unordered->is_bool() && unordered->as_bool();
    o.pass = result && same(*want, *result, un);
    o.detail = "expected " + dump_js(*want) + ", got " + got;
    return o;
  }
  o.pass = !result.has_value();
  o.detail = "expected undefined (no result given), got " + got;
  return o;
}

TEST(JsonataSuite, ConformanceAtLeast98Percent) {
  fs::path root = fs::path(STEPGUARD_SHARED_DIR) / "jsonata-test-suite";
  if (!fs::exists(root / "groups")) GTEST_SKIP() << "no conformance suite at " << root;
  const char* only_env = std::getenv("JSONATA_SUITE_ONLY");
  std::string only = only_env ? only_env : "";
  bool verbose = !only.empty() || std::getenv("JSONATA_SUITE_VERBOSE") != nullptr;
  auto cases = load_cases(root, only);
  auto datasets = load_datasets(root);
  auto known = load_known(fs::path(STEPGUARD_SOURCE_DIR) / "tests/jsonata/known_failures.txt");

  size_t passed = 0;
  std::vector<std::string> unexpected_failures, unexpected_passes;
  std::set<std::string> seen;
  for (const Case& c : cases) {
    seen.insert(c.id);
    Outcome o = run_case(c, datasets);
    bool listed = known.count(c.id) > 0;
    if (o.pass) {
      ++passed;
      if (listed) unexpected_passes.push_back(c.id);
    } else {
      if (!listed) unexpected_failures.push_back(c.id + ": " + o.detail);
      if (verbose) std::cout << "FAIL " << c.id << ": " << o.detail << "\n";
    }
  }
  double rate = cases.empty() ? 1.0 : static_cast<double>(passed) / static_cast<double>(cases.size());
  std::cout << "JSONata conformance: " << passed << "/" << cases.size() << " passed ("
            << static_cast<int>(rate * 10000) / 100.0 << "%), " << known.size() << " known failures listed\n";
  for (const std::string& f : unexpected_failures)
    ADD_FAILURE() << "fails but is not in known_failures.txt: " << f;
  for (const std::string& p : unexpected_passes)
    ADD_FAILURE() << "passes but is listed in known_failures.txt (remove it): " << p;
  if (only.empty()) {
    for (const auto& [id, why] : known)
      if (!seen.count(id)) ADD_FAILURE() << "known_failures.txt names a case that does not exist: " << id;
    EXPECT_GE(rate, 0.98) << "pass rate below 98%";
  }
}

}  // namespace
}  // namespace sg::json::jsonata
