// `stepguard graph FILE [--format svg|dot] [--output FILE] [--left-to-right]`: draws a
// state machine definition (JSON or YAML) as the dashboard does, with the same code
// (asl/definition_graph.h for the structure, cli/graph_render.h for the Graphviz layout).
//
// Output goes to stdout, or to --output. SVG is the default format; dot prints the Graphviz
// source without laying it out. The definition is not validated (draw what is there; use
// `stepguard validate` to check it).
//
// Exit codes: 0 drawn; 1 the file cannot be read or parsed, has no States, or Graphviz
// failed (message on stderr); 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace sg::cli {

// args: everything after `graph`.
int graph_command(const std::vector<std::string>& args);

}  // namespace sg::cli
