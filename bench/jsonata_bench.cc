// bench/jsonata_bench.cc: stepguard's JSONata evaluator on the shared suite's expressions and
// on the JSONata versions of the interpreter workloads (bench/jsonata_workloads.json), each
// compiled once and evaluated `iters` times after one warm-up. A suite case is timed only
// when the evaluator gives its expected result (so speed is never bought with wrong
// answers). Prints one JSON object like bench/jsonata_peer.mjs does; bench/jsonata_bench.sh
// compares the two on the cases both timed.
//
//   jsonata_bench SUITE_DIR WORKLOADS_JSON WORKLOAD_INPUT_DIR [ITERS]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "json/jsonata.h"
#include "json/parse.h"

namespace fs = std::filesystem;
using sg::json::Value;
namespace jsonata = sg::json::jsonata;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool same(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.as_double(), y = b.as_double();
    return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& m : a.members()) {
      const Value* o = b.find(m.name());
      if (!o || !same(m.value, *o)) return false;
    }
    return true;
  }
  return a == b;
}

struct Case {
  std::string id, expr;
  std::optional<Value> data;
  Value bindings, expected;
};

std::vector<Case> load_cases(const fs::path& suite) {
  std::vector<Case> out;
  std::vector<fs::path> groups;
  for (auto& g : fs::directory_iterator(suite / "groups")) groups.push_back(g.path());
  std::sort(groups.begin(), groups.end());
  const std::regex skip(R"(\$(eval|now|millis|random|shuffle)\b)");
  for (const fs::path& g : groups) {
    std::vector<fs::path> files;
    for (auto& f : fs::directory_iterator(g))
      if (f.path().extension() == ".json") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      auto doc = sg::json::parse_json(slurp(f));
      if (!doc.ok()) continue;
      std::vector<Value> list;
      if (doc->is_array()) {
        for (const Value& v : doc->items()) list.push_back(v);
      } else {
        list.push_back(*doc);
      }
      for (size_t i = 0; i < list.size(); ++i) {
        const Value& k = list[i];
        if (!k.find("result") || k.find("code") || k.find("error") || k.find("timelimit") || k.find("depth"))
          continue;
        Case c;
        if (const Value* e = k.find("expr"); e && e->is_string()) c.expr = std::string(e->as_string());
        if (const Value* ef = k.find("expr-file"); ef && ef->is_string())
          c.expr = slurp(g / std::string(ef->as_string()));
        if (c.expr.empty() || std::regex_search(c.expr, skip)) continue;
        if (const Value* d = k.find("data")) c.data = *d;
        if (const Value* ds = k.find("dataset"); ds && ds->is_string()) {
          auto v = sg::json::parse_json(slurp(suite / "datasets" / (std::string(ds->as_string()) + ".json")));
          if (v.ok()) c.data = *v;
        }
        if (const Value* b = k.find("bindings")) c.bindings = *b;
        c.expected = *k.find("result");
        c.id = g.filename().string();
        c.id += '/';
        c.id += f.filename().string();
        c.id += '#';
        c.id += std::to_string(i);
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

// Evaluations per second, or a negative number when the case cannot be timed.
double time_case(const std::string& expr, const std::optional<Value>& data, const Value& bindings,
                 const Value* expected, int iters) {
  jsonata::Error err;
  auto e = jsonata::compile(expr, &err);
  if (!e) return -1;
  jsonata::Environment env;
  if (bindings.is_object())
    for (const auto& m : bindings.members()) env.variables.emplace_back(std::string(m.name()), m.value);
  jsonata::Limits limits;
  std::optional<Value> result;
  if (!jsonata::evaluate(*e, data, env, limits, &result, &err)) return -1;
  if (expected && (!result || !same(*result, *expected))) return -1;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iters; ++i) jsonata::evaluate(*e, data, env, limits, &result, &err);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return iters / std::max(s, 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: jsonata_bench SUITE_DIR WORKLOADS_JSON WORKLOAD_INPUT_DIR [ITERS]\n";
    return 2;
  }
  fs::path suite = argv[1];
  int iters = argc > 4 ? std::atoi(argv[4]) : 200;
  std::string out = "{\"suite\":{";
  bool first = true;
  double evals = 0, secs = 0;
  for (const Case& c : load_cases(suite)) {
    double rate = time_case(c.expr, c.data, c.bindings, &c.expected, iters);
    if (rate <= 0) continue;
    if (!first) out += ',';
    first = false;
    out += Value::string(c.id).dump();
    out += ':';
    out += std::to_string(rate);
    evals += iters;
    secs += iters / rate;
  }
  out += "},\"suite_total\":{\"evaluations\":";
  out += std::to_string(evals);
  out += ",\"seconds\":";
  out += std::to_string(secs);
  out += "},\"workloads\":{";
  auto w = sg::json::parse_json(slurp(argv[2]));
  first = true;
  if (w.ok())
    for (const Value& item : w->find("workloads")->items()) {
      auto data =
          sg::json::parse_json(slurp(fs::path(argv[3]) / std::string(item.find("input")->as_string())));
      int n = std::max(20, iters / 4);
      double rate = time_case(std::string(item.find("expr")->as_string()),
                              data.ok() ? std::optional<Value>(*data) : std::nullopt, Value(), nullptr, n);
      if (!first) out += ',';
      first = false;
      out += Value::string(item.find("name")->as_string()).dump();
      out += ':';
      out += std::to_string(rate);
    }
  out += "}}";
  std::cout << out << "\n";
  return 0;
}
