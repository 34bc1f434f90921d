// The diagram of a state machine: an ASL definition as a Graphviz DOT graph, the way the
// Step Functions console draws it (Start and End nodes, one box per state, Choice rules and
// Default as labelled edges, Catch edges dashed, Parallel branches and the Map item processor
// as clusters).
//
// Contract
// - definition_to_dot() reads only the structure (States, StartAt, Next, End, Choices,
//   Default, Catch, Branches, ItemProcessor/Iterator); it does not validate. Transitions to
//   states that do not exist are left out, so any definition that parses can be drawn.
//   Fails (code "INVALID_DEFINITION") only when the document is not an object with a
//   "States" object.
// - Every state's node carries the SVG id state_node_id(name) ("state-" + name) and the
//   class "state type-<Type>", so a page can colour the nodes after Graphviz laid them out;
//   Start and End are "graph-start" and "graph-end". State names are unique across a
//   whole state machine (AWS rule), so the ids are too.
// - The output is deterministic: the same definition gives the same text.
// Pure: no I/O, no Graphviz (cli/graph_render.h lays the text out).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "json/value.h"

namespace sg::asl {

struct DefinitionGraphOptions {
  bool left_to_right = false;  // rankdir LR instead of top to bottom
  size_t max_edge_label = 48;  // longer Choice rule labels are cut with "..."
};

Result<std::string> definition_to_dot(const json::Value& definition,
                                      const DefinitionGraphOptions& options = {});

// "state-" + name: the id of a state's node in the rendered SVG.
std::string state_node_id(std::string_view state_name);

// A short text for a Choice rule, e.g. "$.x == 1", "$.a > 2 && $.b", "$count > 3"
// (JSONata Condition as written).
std::string choice_rule_label(const json::Value& rule);

}  // namespace sg::asl
