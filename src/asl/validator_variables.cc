// Workflow variables across the machine (run after the schema and graph passes, on a
// definition without errors):
// - scopes: each States object (the machine, a Parallel branch, a Map processor) is a scope;
//   a name assigned in an inner scope must not be assigned in an outer one (AWS: names are
//   unique across nesting levels) -> SCHEMA_VALIDATION_FAILED at the inner Assign;
// - reads: a variable read ($name in a JSONPath path, template or intrinsic, or in a JSONata
//   expression) where no path from the scope's start can have assigned it yet, in this
//   scope or an enclosing one -> WARNING (AWS runs such a definition: the read fails at run
//   time, States.QueryEvaluationError "returned nothing (undefined)" in JSONata).
// A Distributed Map's processor starts with no outer variables (AWS: it cannot read them).
#include <map>
#include <set>

#include "asl/jsonata_check.h"
#include "asl/jsonata_template.h"
#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

namespace {

struct Assigned {
  std::string name;
  std::string loc;  // where the Assign key is
};

struct Edge {
  std::string target;
  std::vector<std::string> assigns;  // names assigned on the way (the state's, a rule's or a catcher's)
};

struct VState {
  std::string name;
  std::vector<Edge> edges;
  std::vector<std::pair<std::string, std::string>> reads;  // variable, location
  std::vector<size_t> children;                            // containers of branches / processor
  bool distributed = false;
};

struct VContainer {
  std::string where;
  std::string start;
  std::vector<VState> states;
  std::map<std::string, size_t> by_name;
  std::vector<Assigned> assigns;  // every name any state of this scope assigns
  int parent = -1;                // parent container
  int parent_state = -1;          // the Parallel/Map state in the parent
};

class Builder {
 public:
  explicit Builder(Lang machine) : machine_(machine) {}

  size_t build(const json::Value& obj, const std::string& where, int parent, int parent_state) {
    size_t id = containers_.size();
    containers_.push_back(VContainer{});
    containers_[id].where = where;
    containers_[id].parent = parent;
    containers_[id].parent_state = parent_state;
    if (const json::Value* s = obj.find("StartAt"); s && s->is_string())
      containers_[id].start = std::string(s->as_string());
    const json::Value* states = obj.find("States");
    if (!states || !states->is_object()) return id;
    for (const json::Member& m : states->members()) {
      std::string loc = at(at(where, "States"), m.name());
      VState vs = state(m.value, loc, id);
      vs.name = std::string(m.name());
      containers_[id].by_name[vs.name] = containers_[id].states.size();
      containers_[id].states.push_back(std::move(vs));
    }
    return id;
  }

  std::vector<VContainer> take() { return std::move(containers_); }

 private:
  static std::vector<std::string> names_of(const json::Value* assign, Lang lang, const std::string& loc,
                                           std::vector<Assigned>& all) {
    std::vector<std::string> out;
    if (!assign || !assign->is_object()) return out;
    for (const json::Member& m : assign->members()) {
      std::string_view n = m.name();
      if (lang == Lang::kJsonPath && n.ends_with(".$")) n.remove_suffix(2);
      out.emplace_back(n);
      all.push_back(Assigned{std::string(n), at(loc, m.name())});
    }
    return out;
  }

  // Every variable the value reads, as its language reads them.
  static void reads_in(const json::Value& v, Lang lang, std::string_view key, const std::string& loc,
                       std::vector<std::pair<std::string, std::string>>& out) {
    if (v.is_object()) {
      for (const json::Member& m : v.members()) {
        std::string_view k = m.name();
        // Nested States objects are other scopes; Pass Result is static.
        if (k == "ItemProcessor" || k == "Iterator" || k == "Branches" || (k == "Result" && key.empty()))
          continue;
        reads_in(m.value, lang, k, loc, out);
      }
      return;
    }
    if (v.is_array()) {
      for (const json::Value& x : v.items()) reads_in(x, lang, key, loc, out);
      return;
    }
    if (!v.is_string()) return;
    std::string_view text = v.as_string();
    if (lang == Lang::kJsonata) {
      if (!is_jsonata_expression(text)) return;
      for (const std::string& name : scan_jsonata(jsonata_expression_body(text)).variables)
        out.emplace_back(name, loc);
      return;
    }
    bool dynamic = key.ends_with(".$") || key.ends_with("Path") || key == "Variable";
    bool path_like = text.starts_with("$") || text.starts_with("States.");
    if (!dynamic || !path_like) return;
    for (const std::string& name : jsonpath_variables(text)) out.emplace_back(name, loc);
  }

  VState state(const json::Value& st, const std::string& loc, size_t container) {
    VState vs;
    if (!st.is_object()) return vs;
    Lang lang = machine_;
    if (const json::Value* ql = st.find("QueryLanguage"); ql && ql->is_string())
      lang = ql->as_string() == "JSONata" ? Lang::kJsonata : Lang::kJsonPath;
    std::vector<Assigned>& all = containers_[container].assigns;
    std::vector<std::string> own = names_of(st.find("Assign"), lang, at(loc, "Assign"), all);
    const json::Value* type = st.find("Type");
    bool choice = type && type->is_string() && type->as_string() == "Choice";
    if (const json::Value* n = st.find("Next"); n && n->is_string())
      vs.edges.push_back({std::string(n->as_string()), own});
    if (choice) {
      if (const json::Value* d = st.find("Default"); d && d->is_string())
        vs.edges.push_back({std::string(d->as_string()), own});
      if (const json::Value* rules = st.find("Choices"); rules && rules->is_array()) {
        for (size_t i = 0; i < rules->size(); ++i) {
          const json::Value& r = (*rules)[i];
          std::string rloc = index(at(loc, "Choices"), i);
          auto names = names_of(r.find("Assign"), lang, at(rloc, "Assign"), all);
          if (const json::Value* n = r.find("Next"); n && n->is_string())
            vs.edges.push_back({std::string(n->as_string()), names});
        }
      }
    }
    if (const json::Value* catchers = st.find("Catch"); catchers && catchers->is_array()) {
      for (size_t i = 0; i < catchers->size(); ++i) {
        const json::Value& c = (*catchers)[i];
        std::string cloc = index(at(loc, "Catch"), i);
        auto names = names_of(c.find("Assign"), lang, at(cloc, "Assign"), all);
        if (const json::Value* n = c.find("Next"); n && n->is_string())
          vs.edges.push_back({std::string(n->as_string()), names});
      }
    }
    reads_in(st, lang, "", loc, vs.reads);
    // Nested scopes.
    int self = static_cast<int>(containers_[container].states.size());
    if (const json::Value* br = st.find("Branches"); br && br->is_array()) {
      for (size_t i = 0; i < br->size(); ++i)
        vs.children.push_back(
            build((*br)[i], index(at(loc, "Branches"), i), static_cast<int>(container), self));
    }
    for (std::string_view key : {"ItemProcessor", "Iterator"}) {
      const json::Value* p = st.find(key);
      if (!p || !p->is_object()) continue;
      if (const json::Value* pc = p->find("ProcessorConfig"))
        if (const json::Value* mode = pc->find("Mode"); mode && mode->is_string())
          vs.distributed = mode->as_string() == "DISTRIBUTED";
      vs.children.push_back(build(*p, at(loc, key), static_cast<int>(container), self));
    }
    return vs;
  }

  Lang machine_;
  std::vector<VContainer> containers_;
};

using Names = std::set<std::string>;

// The variables possibly assigned on entry to each state of `c`, given those on entry to
// the scope (a fixpoint over the transitions: the union over every way in).
std::vector<Names> flow(const VContainer& c, const Names& on_entry) {
  std::vector<Names> in(c.states.size());
  auto start = c.by_name.find(c.start);
  if (start == c.by_name.end()) return in;
  in[start->second] = on_entry;
  std::vector<size_t> work{start->second};
  std::vector<char> reached(c.states.size(), 0);
  reached[start->second] = 1;
  while (!work.empty()) {
    size_t i = work.back();
    work.pop_back();
    for (const Edge& e : c.states[i].edges) {
      auto t = c.by_name.find(e.target);
      if (t == c.by_name.end()) continue;
      Names& dst = in[t->second];
      size_t before = dst.size();
      dst.insert(in[i].begin(), in[i].end());
      dst.insert(e.assigns.begin(), e.assigns.end());
      if (dst.size() != before || !reached[t->second]) {
        reached[t->second] = 1;
        work.push_back(t->second);
      }
    }
  }
  return in;
}

// True when the definition may assign or read a variable: an "Assign" field, or a string
// with '$' before a letter (a "$name" path, an intrinsic argument, a JSONata expression).
// Most definitions have neither, and skip the analysis.
bool mentions_variables(const json::Value& v) {
  if (v.is_object()) {
    for (const json::Member& m : v.members())
      if (m.name() == "Assign" || mentions_variables(m.value)) return true;
    return false;
  }
  if (v.is_array()) {
    for (const json::Value& x : v.items())
      if (mentions_variables(x)) return true;
    return false;
  }
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  for (size_t p = s.find('$'); p != std::string_view::npos && p + 1 < s.size(); p = s.find('$', p + 1)) {
    unsigned char c = static_cast<unsigned char>(s[p + 1]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) return true;
  }
  return false;
}

}  // namespace

void Checker::check_variables(const json::Value& root) {
  if (!mentions_variables(root)) return;
  Builder b(top_lang_);
  b.build(root, "", -1, -1);
  std::vector<VContainer> cs = b.take();
  // Names must not repeat across nesting levels.
  for (const VContainer& c : cs) {
    for (const Assigned& a : c.assigns) {
      for (int p = c.parent; p >= 0; p = cs[static_cast<size_t>(p)].parent) {
        const auto& outer = cs[static_cast<size_t>(p)].assigns;
        bool clash = false;
        for (const Assigned& o : outer) clash = clash || o.name == a.name;
        if (!clash) continue;
        schema("The variable '" + a.name +
                   "' is assigned in an enclosing scope: a variable assigned inside a Parallel branch or a "
                   "Map iteration cannot have the name of an outer variable",
               a.loc);
        break;
      }
    }
  }
  // Reads: containers are built parent first, so a parent's flow is known before its
  // children need it.
  std::vector<std::vector<Names>> in(cs.size());
  std::vector<Names> entry(cs.size());
  for (size_t i = 0; i < cs.size(); ++i) {
    const VContainer& c = cs[i];
    if (c.parent >= 0) {
      const VState& owner = cs[static_cast<size_t>(c.parent)].states[static_cast<size_t>(c.parent_state)];
      if (!owner.distributed)
        entry[i] = in[static_cast<size_t>(c.parent)][static_cast<size_t>(c.parent_state)];
    }
    in[i] = flow(c, entry[i]);
    for (size_t s = 0; s < c.states.size(); ++s) {
      std::set<std::string> warned;
      for (const auto& [name, loc] : c.states[s].reads) {
        if (in[i][s].count(name) || !warned.insert(name).second) continue;
        warn("UNDEFINED_VARIABLE",
             "The variable '$" + name + "' is read before any state in its scope can have assigned it", loc);
      }
    }
  }
}

}  // namespace sg::asl::validator_detail
