#include "asl/definition_graph.h"

#include <cctype>
#include <map>
#include <utility>
#include <vector>

namespace sg::asl {

namespace {

// Nesting of Parallel/Map inside each other is bounded by the definition size AWS allows,
// but a hostile document could still nest deeply: past this depth the inner states are
// not drawn (the recursion stays shallow).
constexpr int kMaxDepth = 64;

// Inside a DOT "quoted string": backslash and quote are escaped. Backslash must be, since
// Graphviz expands \N, \G, \n in labels and ids.
std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n' || c == '\r') {
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Text inside a Graphviz HTML-like label.
std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string_view str_or(const json::Value* v, std::string_view fallback = {}) {
  return v && v->is_string() ? v->as_string() : fallback;
}

// Cuts at a UTF-8 character boundary.
std::string shorten(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "...";
  return s;
}

std::string operand_text(const json::Value& v) {
  if (v.is_string()) return v.dump();  // quoted, as in the definition
  return v.dump();
}

// Comparison operators by suffix; the prefix (String/Numeric/Boolean/Timestamp) is implied
// by the operand.
struct OperatorSymbol {
  std::string_view suffix;
  std::string_view symbol;
};
constexpr OperatorSymbol kOperators[] = {
    {"LessThanEqualsPath", "<="}, {"GreaterThanEqualsPath", ">="},
    {"LessThanPath", "<"},        {"GreaterThanPath", ">"},
    {"EqualsPath", "=="},         {"LessThanEquals", "<="},
    {"GreaterThanEquals", ">="},  {"LessThan", "<"},
    {"GreaterThan", ">"},         {"Equals", "=="},
};

std::string comparison_label(std::string_view variable, std::string_view op, const json::Value& operand) {
  std::string out(variable);
  for (const auto& [suffix, symbol] : kOperators) {
    if (op.ends_with(suffix)) {
      out.append(" ").append(symbol).append(" ");
      // *Path operands are paths: shown bare.
      out += op.ends_with("Path") && operand.is_string() ? std::string(operand.as_string())
                                                         : operand_text(operand);
      return out;
    }
  }
  if (op == "StringMatches") return out.append(" matches ").append(operand_text(operand));
  // IsNull, IsPresent, IsString, ...: "is null", "is not present".
  if (op.starts_with("Is") && operand.is_bool()) {
    std::string what(op.substr(2));
    for (char& c : what) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out.append(operand.as_bool() ? " is " : " is not ").append(what);
  }
  return out.append(" ").append(op).append(" ").append(operand_text(operand));
}

std::string rule_label(const json::Value& rule, int depth) {
  if (!rule.is_object() || depth > 8) return "...";
  if (const json::Value* c = rule.find("Condition")) {
    return c->is_string() ? std::string(c->as_string()) : c->dump();
  }
  if (const json::Value* n = rule.find("Not")) return "!(" + rule_label(*n, depth + 1) + ")";
  for (std::string_view logic : {"And", "Or"}) {
    const json::Value* parts = rule.find(logic);
    if (!parts || !parts->is_array()) continue;
    std::string out;
    for (const json::Value& p : parts->items()) {
      if (!out.empty()) out += logic == "And" ? " && " : " || ";
      std::string inner = rule_label(p, depth + 1);
      bool compound = p.is_object() && (p.find("And") || p.find("Or"));
      out += compound ? "(" + inner + ")" : inner;
    }
    return out;
  }
  std::string variable(str_or(rule.find("Variable"), "?"));
  for (const json::Member& m : rule.members()) {
    std::string_view k = m.name();
    if (k == "Variable" || k == "Next" || k == "Comment" || k == "Assign" || k == "Output") continue;
    return comparison_label(variable, k, m.value);
  }
  return variable;
}

// The states of one scope (the top level, a Parallel branch or a Map item processor).
class GraphWriter {
 public:
  explicit GraphWriter(const DefinitionGraphOptions& options) : options_(options) {}

  // Writes the states of `scope` (an object with StartAt and States) and their edges;
  // `entry` leads to StartAt, terminal states lead to `exit`.
  void write_scope(const json::Value& scope, const std::string& entry, const std::string& exit, int depth,
                   const std::string& indent) {
    const json::Value* states = scope.find("States");
    if (!states || !states->is_object()) return;
    // Pass 1: node ids of this scope, so edges can point forward.
    std::map<std::string, Ends, std::less<>> ends;
    for (const json::Member& m : states->members()) {
      Ends e;
      e.in = next_id();
      std::string_view type = str_or(m.value.find("Type"));
      e.out = (type == "Parallel" || type == "Map") && depth < kMaxDepth ? next_id() : e.in;
      ends.emplace(std::string(m.name()), e);
    }
    // Pass 2: nodes (and nested clusters).
    for (const json::Member& m : states->members()) {
      const Ends& e = ends.find(m.name())->second;
      write_state(m.name(), m.value, e, depth, indent);
    }
    // Pass 3: edges.
    if (const json::Value* start = scope.find("StartAt"); start && start->is_string()) {
      auto it = ends.find(start->as_string());
      if (it != ends.end()) edge(indent, entry, it->second.in, "", "edge-start");
    }
    for (const json::Member& m : states->members()) {
      const json::Value& s = m.value;
      const std::string& from = ends.find(m.name())->second.out;
      auto target = [&](const json::Value* next) -> const std::string* {
        if (!next || !next->is_string()) return nullptr;
        auto it = ends.find(next->as_string());
        return it == ends.end() ? nullptr : &it->second.in;
      };
      std::string_view type = str_or(s.find("Type"));
      if (type == "Choice") {
        if (const json::Value* choices = s.find("Choices"); choices && choices->is_array()) {
          for (const json::Value& rule : choices->items()) {
            if (!rule.is_object()) continue;
            if (const std::string* to = target(rule.find("Next")))
              edge(indent, from, *to, shorten(rule_label(rule, 0), options_.max_edge_label), "edge-choice");
          }
        }
        if (const std::string* to = target(s.find("Default")))
          edge(indent, from, *to, "Default", "edge-default");
      } else if (type == "Succeed" || type == "Fail") {
        edge(indent, from, exit, "", "edge-end");
      } else if (const json::Value* end = s.find("End"); end && end->is_bool() && end->as_bool()) {
        edge(indent, from, exit, "", "edge-end");
      } else if (const std::string* to = target(s.find("Next"))) {
        edge(indent, from, *to, "", "edge-next");
      }
      if (const json::Value* catchers = s.find("Catch"); catchers && catchers->is_array()) {
        for (const json::Value& c : catchers->items()) {
          if (!c.is_object()) continue;
          const std::string* to = target(c.find("Next"));
          if (!to) continue;
          std::string errors;
          if (const json::Value* eq = c.find("ErrorEquals"); eq && eq->is_array()) {
            for (const json::Value& e : eq->items()) {
              if (!errors.empty()) errors += ", ";
              errors += str_or(&e);
            }
          }
          edge(indent, from, *to, shorten(errors, options_.max_edge_label), "edge-catch", true);
        }
      }
    }
  }

  std::string next_id() {
    std::string id("n");
    return id.append(std::to_string(counter_++));
  }
  std::string& out() { return out_; }

 private:
  struct Ends {
    std::string in;   // edges into the state arrive here
    std::string out;  // its transitions leave from here (Parallel/Map: the join point)
  };

  void state_node(std::string_view name, std::string_view type, const std::string& id,
                  const std::string& indent) {
    out_ += indent + id + " [id=" + dot_quote(state_node_id(name)) +
            ", class=" + dot_quote("state type-" + std::string(type.empty() ? "Unknown" : type)) +
            ", label=<" + html_escape(name) + "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"#687078\">" +
            html_escape(type) + "</FONT>>, tooltip=" + dot_quote(name) + "];\n";
  }

  void write_state(std::string_view name, const json::Value& s, const Ends& e, int depth,
                   const std::string& indent) {
    std::string_view type = str_or(s.find("Type"));
    if (e.in == e.out) return state_node(name, type, e.in, indent);
    // Parallel / Map: a cluster holding the state's node, its branches and a join point.
    std::string cluster = "cluster_" + e.in;
    out_ += indent + "subgraph " + cluster + " {\n";
    std::string inner = indent + "  ";
    out_ += inner + "id=" + dot_quote("cluster-" + std::string(name)) +
            "; label=\"\"; style=\"rounded,dashed\"; color=\"#879596\"; class=\"state-cluster\";\n";
    state_node(name, type, e.in, inner);
    std::vector<const json::Value*> branches;
    if (type == "Parallel") {
      if (const json::Value* b = s.find("Branches"); b && b->is_array()) {
        for (const json::Value& branch : b->items()) branches.push_back(&branch);
      }
    } else if (const json::Value* p = s.find("ItemProcessor"); p && p->is_object()) {
      branches.push_back(p);
    } else if (const json::Value* it = s.find("Iterator"); it && it->is_object()) {
      branches.push_back(it);
    }
    for (const json::Value* branch : branches) {
      if (!branch->is_object()) continue;
      out_ += inner + "subgraph cluster_" + next_id() + " {\n";
      out_ += inner + "  label=\"\"; style=\"rounded,dotted\"; color=\"#aab7b8\";\n";
      write_scope(*branch, e.in, e.out, depth + 1, inner + "  ");
      out_ += inner + "}\n";
    }
    out_ += inner + e.out + " [shape=point, width=0.08, label=\"\", class=\"join\"];\n";
    out_ += indent + "}\n";
  }

  void edge(const std::string& indent, const std::string& from, const std::string& to,
            const std::string& label, std::string_view cls, bool dashed = false) {
    out_ += indent + from + " -> " + to + " [class=\"" + std::string(cls) + "\"";
    if (!label.empty()) out_ += ", label=" + dot_quote(label);
    if (dashed) out_ += ", style=dashed";
    out_ += "];\n";
  }

  const DefinitionGraphOptions& options_;
  std::string out_;
  int counter_ = 0;
};

}  // namespace

std::string state_node_id(std::string_view state_name) {
  std::string id = "state-";
  id += state_name;
  return id;
}

std::string choice_rule_label(const json::Value& rule) { return rule_label(rule, 0); }

Result<std::string> definition_to_dot(const json::Value& definition, const DefinitionGraphOptions& options) {
  const json::Value* states = definition.is_object() ? definition.find("States") : nullptr;
  if (!states || !states->is_object()) {
    return Result<std::string>::Fail("INVALID_DEFINITION", "The definition has no \"States\" object");
  }
  GraphWriter w(options);
  std::string& out = w.out();
  out += "digraph StateMachine {\n";
  out += "  graph [rankdir=";
  out += options.left_to_right ? "LR" : "TB";
  out +=
      ", fontname=\"Helvetica\", nodesep=0.35, ranksep=0.4, bgcolor=\"transparent\", "
      "pad=0.2];\n"
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#879596\", "
      "fontname=\"Helvetica\", fontsize=11, height=0.45, margin=\"0.18,0.06\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#687078\", fontcolor=\"#414d5c\", "
      "arrowsize=0.7];\n";
  out +=
      "  start [id=\"graph-start\", class=\"terminal\", label=\"Start\", shape=oval, "
      "fillcolor=\"#e9ebed\", fontsize=10, height=0.3];\n";
  out +=
      "  end [id=\"graph-end\", class=\"terminal\", label=\"End\", shape=oval, fillcolor=\"#e9ebed\", "
      "fontsize=10, height=0.3];\n";
  w.write_scope(definition, "start", "end", 0, "  ");
  out += "}\n";
  return std::move(out);
}

}  // namespace sg::asl
