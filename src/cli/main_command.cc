#include "cli/main_command.h"

#include <iostream>
#include <string>
#include <vector>

#include "cli/graph_command.h"
#include "cli/jsonata_command.h"
#include "cli/run_command.h"
#include "cli/schedules_command.h"
#include "cli/serve_command.h"
#include "cli/status_command.h"
#include "cli/validate_command.h"

namespace sg::cli {

namespace {

constexpr const char* kUsage =
    "stepguard: AWS Step Functions state machines, run locally\n"
    "\n"
    "Usage:\n"
    "  stepguard validate FILE... [--format text|json] [--express]\n"
    "  stepguard run FILE [--input JSON | --input-file F] [--function NAME=COMMAND|URL]...\n"
    "                     [--functions FILE] [--context-file F] [--trace] [--real-time]\n"
    "  stepguard serve [--listen 127.0.0.1:8083] [--data DIR] [--config FILE] [--time-scale F]\n"
    "  stepguard status [--endpoint URL] [--watch] [--no-color]\n"
    "  stepguard schedules [--endpoint URL] [--count N] | --expression EXPR [--timezone TZ]\n"
    "  stepguard graph FILE [--format svg|dot] [--output F] [--left-to-right]\n"
    "  stepguard jsonata EXPR [--input FILE|-] [--bindings JSON] [--timeout-ms N]\n"
    "  stepguard version\n"
    "\n"
    "Run `stepguard COMMAND --help` for the options of a command.\n";

}  // namespace

int main_command(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 1 ? 2 : argc), argv + argc);
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "run") return run_command(args);
  if (cmd == "serve") return serve_command(args);
  if (cmd == "validate") return validate_command(args);
  if (cmd == "jsonata") return jsonata_command(args);
  if (cmd == "graph") return graph_command(args);
  if (cmd == "status") return status_command(args);
  if (cmd == "schedules") return schedules_command(args);
  if (cmd == "version" || cmd == "--version") {
    std::cout << "stepguard 0.1.0\n";
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << (cmd.empty() ? std::string() : "stepguard: unknown command '" + cmd + "'\n\n") << kUsage;
  return 1;
}

}  // namespace sg::cli
