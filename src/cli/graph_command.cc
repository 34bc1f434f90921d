#include "cli/graph_command.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "cli/definition_file.h"
#include "cli/graph_render.h"
#include "json/parse.h"

namespace sg::cli {

int graph_command(const std::vector<std::string>& args) {
  CLI::App app{"Draw a state machine definition (Graphviz layout, as the dashboard shows it)",
               "stepguard graph"};
  std::string file, format = "svg", output;
  bool left_to_right = false;
  app.add_option("file", file, "Definition file (JSON or YAML)")->required();
  app.add_option("--format", format, "svg (default) or dot")->check(CLI::IsMember({"svg", "dot"}));
  app.add_option("-o,--output", output, "Write to this file instead of stdout");
  app.add_flag("--left-to-right", left_to_right, "Lay the states out from left to right");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "stepguard graph: " << e.what() << "\n";
    return 2;
  }
  Result<std::string> text = read_file(file);
  if (!text.ok()) {
    std::cerr << "stepguard graph: " << text.error().message << "\n";
    return 1;
  }
  Result<json::Value> doc = looks_like_yaml(file, *text) ? json::parse_yaml(*text) : json::parse_json(*text);
  if (!doc.ok()) {
    std::cerr << "stepguard graph: " << file << ": " << doc.error().message << "\n";
    return 1;
  }
  asl::DefinitionGraphOptions options;
  options.left_to_right = left_to_right;
  Result<std::string> drawn =
      render_definition(*doc, format == "dot" ? GraphFormat::kDot : GraphFormat::kSvg, options);
  if (!drawn.ok()) {
    std::cerr << "stepguard graph: " << file << ": " << drawn.error().message << "\n";
    return 1;
  }
  if (output.empty()) {
    std::cout << *drawn;
    return std::cout.flush() ? 0 : 1;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << *drawn;
  if (!out.flush()) {
    std::cerr << "stepguard graph: cannot write " << output << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sg::cli
