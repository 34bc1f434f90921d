#include "cli/graph_render.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <mutex>

namespace sg::cli {

namespace {

std::mutex& graphviz_mutex() {
  static std::mutex mu;
  return mu;
}

// Guarded by graphviz_mutex(): what Graphviz reported during the current call.
std::string& graphviz_errors() {
  static std::string text;
  return text;
}

int collect_error(char* message) {
  std::string& errors = graphviz_errors();
  if (errors.size() < 4096) errors += message;
  return 0;
}

// One context for the process (loading the plugins is the slow part); never freed, since
// Graphviz may still reference it from static state at exit.
GVC_t* context() {
  static GVC_t* gvc = [] {
    agseterrf(collect_error);
    agseterr(AGERR);  // warnings are not worth reporting
    return gvContext();
  }();
  return gvc;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<std::string> render_svg(std::string_view dot) {
  std::lock_guard lock(graphviz_mutex());
  GVC_t* gvc = context();
  graphviz_errors().clear();
  if (!gvc) return Result<std::string>::Fail("GRAPHVIZ", "Graphviz could not start");
  std::string text(dot);  // agmemread wants a NUL-terminated buffer
  Agraph_t* g = agmemread(text.c_str());
  if (!g) {
    return Result<std::string>::Fail("GRAPHVIZ",
                                     "Graphviz rejected the graph: " + trimmed(graphviz_errors()));
  }
  if (gvLayout(gvc, g, "dot") != 0) {
    agclose(g);
    return Result<std::string>::Fail("GRAPHVIZ",
                                     "Graphviz could not lay the graph out: " + trimmed(graphviz_errors()));
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvRenderData(gvc, g, "svg", &data, &length);
  std::string svg = rc == 0 && data ? std::string(data, length) : std::string();
  if (data) gvFreeRenderData(data);
  gvFreeLayout(gvc, g);
  agclose(g);
  if (rc != 0) {
    return Result<std::string>::Fail("GRAPHVIZ",
                                     "Graphviz could not render SVG: " + trimmed(graphviz_errors()));
  }
  return svg;
}

Result<std::string> render_definition(const json::Value& definition, GraphFormat format,
                                      const asl::DefinitionGraphOptions& options) {
  Result<std::string> dot = asl::definition_to_dot(definition, options);
  if (!dot.ok() || format == GraphFormat::kDot) return dot;
  return render_svg(*dot);
}

std::string_view strip_svg_prolog(std::string_view svg) {
  size_t at = svg.find("<svg");
  return at == std::string_view::npos ? svg : svg.substr(at);
}

}  // namespace sg::cli
