#include "cli/jsonata_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <iterator>
#include <random>

#include "asl/jsonata_functions.h"
#include "cli/definition_file.h"
#include "engine/seeded_entropy.h"
#include "json/jsonata.h"
#include "json/parse.h"
#include "json/value.h"

namespace sg::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr size_t kMaxJsonataInputBytes = size_t{64} << 20;

void print_error(const json::jsonata::Error& e) {
  json::ObjectBuilder b(3);
  b.add("code", json::Value::string(e.code));
  b.add("message", json::Value::string(e.message));
  b.add("position", json::Value::integer(e.position));
  std::cout << json::jsonata::dump_js(std::move(b).build()) << "\n";
}

bool read_stdin(std::string* out) {
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    out->append(buf, static_cast<size_t>(std::cin.gcount()));
    if (out->size() > kMaxJsonataInputBytes) return false;
  }
  return true;
}

}  // namespace

int jsonata_command(const std::vector<std::string>& args) {
  CLI::App app{"Evaluate a JSONata expression (as AWS Step Functions runs JSONata)", "stepguard jsonata"};
  std::string expr_text, input_path, bindings_text;
  int64_t timeout_ms = 10000;
  app.add_option("expression", expr_text, "The JSONata expression")->required();
  app.add_option("--input", input_path, "Input document: a JSON file, or - for stdin");
  app.add_option("--bindings", bindings_text, "Variables as a JSON object, e.g. {\"x\": 1}");
  app.add_option("--timeout-ms", timeout_ms, "Stop evaluating after this many milliseconds (default 10000)");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "stepguard jsonata: " << e.what() << "\n";
    return kExitUsage;
  }

  std::optional<json::Value> input;
  if (!input_path.empty()) {
    std::string text;
    if (input_path == "-") {
      if (!read_stdin(&text)) {
        std::cerr << "stepguard jsonata: the input on stdin is larger than " << kMaxJsonataInputBytes
                  << " bytes\n";
        return kExitUsage;
      }
    } else {
      auto t = read_file(input_path, kMaxJsonataInputBytes);
      if (!t) {
        std::cerr << "stepguard jsonata: " << t.error().message << "\n";
        return kExitUsage;
      }
      text = std::move(*t);
    }
    auto parsed = json::parse_json(text);
    if (!parsed) {
      std::cerr << "stepguard jsonata: the input is not JSON: " << parsed.error().message << "\n";
      return kExitUsage;
    }
    input = std::move(*parsed);
  }

  json::jsonata::Environment env;
  if (!bindings_text.empty()) {
    auto parsed = json::parse_json(bindings_text);
    if (!parsed || !parsed->is_object()) {
      std::cerr << "stepguard jsonata: --bindings must be a JSON object\n";
      return kExitUsage;
    }
    for (const json::Member& m : parsed->members())
      env.variables.emplace_back(std::string(m.name()), m.value);
  }
  // The CLI is the effectful shell: it supplies the clock and the entropy, and Step
  // Functions' own functions ($partition, $range, $hash, $random, $uuid, $parse) exactly as
  // state machines see them.
  env.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  uint64_t seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  env.random_seed = seed;
  engine::SeededEntropy entropy(seed ^ 0x5DEECE66DULL);
  env.functions = asl::aws_jsonata_functions(&entropy);

  json::jsonata::Error error;
  auto expr = json::jsonata::compile(expr_text, &error);
  if (!expr) {
    print_error(error);
    return kExitError;
  }
  json::jsonata::Limits limits;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  limits.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };
  std::optional<json::Value> result;
  if (!json::jsonata::evaluate(*expr, input, env, limits, &result, &error)) {
    print_error(error);
    return kExitError;
  }
  if (result) std::cout << json::jsonata::dump_js(*result) << "\n";
  return kExitOk;
}

}  // namespace sg::cli
