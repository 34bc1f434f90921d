// Lays out state machine diagrams with Graphviz (libgvc, the "dot" engine): the one place
// that calls Graphviz, shared by `stepguard graph` and the dashboard's graph endpoint.
//
// Contract
// - render_svg(): DOT text in, SVG document out (Graphviz keeps the ids and classes that
//   asl::definition_to_dot() put on the nodes). Error code "GRAPHVIZ" with Graphviz's own
//   message when it rejects the text or has no SVG/dot plugin.
// - render_definition(): a parsed definition to DOT (format kDot, no Graphviz involved) or
//   SVG; error codes of asl::definition_to_dot() and render_svg().
// - strip_svg_prolog(): the <svg ...> element alone (no XML declaration, DOCTYPE or
//   comments before it), for inlining into an HTML page.
// Thread-safe: Graphviz keeps global state, so layouts run one at a time under a lock.
#pragma once

#include <string>
#include <string_view>

#include "asl/definition_graph.h"
#include "common/result.h"
#include "json/value.h"

namespace sg::cli {

enum class GraphFormat { kDot, kSvg };

Result<std::string> render_svg(std::string_view dot);

Result<std::string> render_definition(const json::Value& definition, GraphFormat format,
                                      const asl::DefinitionGraphOptions& options = {});

std::string_view strip_svg_prolog(std::string_view svg);

}  // namespace sg::cli
