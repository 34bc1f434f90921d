#include "events/rule_index.h"

#include <algorithm>
#include <cstring>

namespace sg::events {
namespace {

using json::Value;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

void append_number_key(double d, std::string& out) {
  if (d == 0) d = 0;  // -0.0 equals 0.0
  char bytes[sizeof d];
  std::memcpy(bytes, &d, sizeof d);
  out.push_back('n');
  out.append(bytes, sizeof bytes);
}

bool matcher_key(const Matcher& m, std::string& out) {
  out.clear();
  switch (m.kind) {
    case Matcher::Kind::kString:
      out.push_back('s');
      out.append(m.text);
      return true;
    case Matcher::Kind::kNumber:
      append_number_key(m.number.as_double(), out);
      return true;
    case Matcher::Kind::kBool:
      out.append(m.flag ? "b1" : "b0");
      return true;
    case Matcher::Kind::kNull:
      out.push_back('z');
      return true;
    default:
      return false;
  }
}

// A way to file a rule: (path, value key) pairs, at least one of which every matching
// event has.
struct Option {
  std::vector<std::pair<std::vector<std::string>, std::string>> entries;
};

}  // namespace

bool exact_value_key(const Value& v, std::string& out) {
  out.clear();
  switch (v.type()) {
    case json::Type::kString:
      out.push_back('s');
      out.append(v.as_string());
      return true;
    case json::Type::kInt:
    case json::Type::kDouble:
      append_number_key(v.as_double(), out);
      return true;
    case json::Type::kBool:
      out.append(v.as_bool() ? "b1" : "b0");
      return true;
    case json::Type::kNull:
      out.push_back('z');
      return true;
    default:
      return false;
  }
}

struct RuleIndex::PathNode {
  std::unordered_map<std::string, std::unique_ptr<PathNode>, StringHash, std::equal_to<>> children;
  std::unordered_map<std::string, std::unique_ptr<Group>, StringHash, std::equal_to<>> buckets;

  const PathNode* find(const std::vector<std::string>& path) const {
    const PathNode* n = this;
    for (const std::string& k : path) {
      auto it = n->children.find(k);
      if (it == n->children.end()) return nullptr;
      n = it->second.get();
    }
    return n;
  }
  PathNode* make(const std::vector<std::string>& path) {
    PathNode* n = this;
    for (const std::string& k : path) {
      auto& child = n->children[k];
      if (!child) child = std::make_unique<PathNode>();
      n = child.get();
    }
    return n;
  }
};

struct RuleIndex::Group {
  size_t count = 0;             // filings that pass through this group
  std::vector<uint32_t> rules;  // rules with no further condition to file them under
  PathNode paths;
};

namespace {

using Group = RuleIndex::Group;
using PathNode = RuleIndex::PathNode;

size_t option_cost(const Group& g, const Option& o) {
  size_t cost = 0;
  for (const auto& [path, key] : o.entries) {
    if (const PathNode* n = g.paths.find(path)) {
      auto it = n->buckets.find(key);
      if (it != n->buckets.end()) cost += it->second->count;
    }
  }
  return cost;
}

size_t best_option(const Group& g, const std::vector<Option>& options) {
  size_t best = options.size();
  size_t best_cost = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    size_t cost = option_cost(g, options[i]);
    if (best == options.size() || cost < best_cost ||
        (cost == best_cost && options[i].entries.size() < options[best].entries.size())) {
      best = i;
      best_cost = cost;
    }
  }
  return best;
}

// Every necessary exact-value condition of a pattern node (see the header).
void collect_options(const PatternNode& node, std::vector<std::string>& path, std::vector<Option>& out) {
  std::string key;
  for (const PatternField& field : node.fields) {
    path.push_back(field.key);
    if (field.child) {
      collect_options(*field.child, path, out);
    } else {
      Option o;
      bool exact = true;
      for (const Matcher& m : field.matchers) {
        if (!matcher_key(m, key)) {
          exact = false;
          break;
        }
        o.entries.emplace_back(path, key);
      }
      if (exact) out.push_back(std::move(o));
    }
    path.pop_back();
  }
  for (const auto& group : node.ors) {
    Option combined;
    bool ok = true;
    for (const PatternNode& branch : group) {
      std::vector<Option> branch_options;
      collect_options(branch, path, branch_options);
      if (branch_options.empty()) {
        ok = false;
        break;
      }
      // The branch's condition with the fewest values.
      auto fewest = std::min_element(
          branch_options.begin(), branch_options.end(),
          [](const Option& a, const Option& b) { return a.entries.size() < b.entries.size(); });
      combined.entries.insert(combined.entries.end(), fewest->entries.begin(), fewest->entries.end());
    }
    if (ok) out.push_back(std::move(combined));
  }
  for (Option& o : out) {
    std::sort(o.entries.begin(), o.entries.end());
    o.entries.erase(std::unique(o.entries.begin(), o.entries.end()), o.entries.end());
  }
}

void file(Group& g, uint32_t slot, const std::vector<Option>& options, int depth, std::vector<Group*>& chain,
          std::vector<std::vector<Group*>>& filings) {
  chain.push_back(&g);
  size_t best = depth < RuleIndex::kMaxDepth ? best_option(g, options) : options.size();
  if (best == options.size()) {
    g.rules.push_back(slot);
    for (Group* c : chain) ++c->count;
    filings.push_back(chain);
  } else {
    std::vector<Option> rest;
    rest.reserve(options.size() - 1);
    for (size_t i = 0; i < options.size(); ++i) {
      if (i != best) rest.push_back(options[i]);
    }
    for (const auto& [path, key] : options[best].entries) {
      auto& sub = g.paths.make(path)->buckets[key];
      if (!sub) sub = std::make_unique<Group>();
      file(*sub, slot, rest, depth + 1, chain, filings);
    }
  }
  chain.pop_back();
}

}  // namespace

RuleIndex::RuleIndex() : root_(std::make_unique<Group>()) {}
RuleIndex::~RuleIndex() = default;
RuleIndex::RuleIndex(RuleIndex&&) noexcept = default;
RuleIndex& RuleIndex::operator=(RuleIndex&&) noexcept = default;

void RuleIndex::add(std::string id, EventPattern pattern) {
  remove(id);
  std::vector<Option> options;
  std::vector<std::string> path;
  collect_options(pattern.root(), path, options);
  // New rules always take a fresh slot so that slot order is insertion order (dead slots
  // are reclaimed by the compaction in remove()).
  uint32_t slot = static_cast<uint32_t>(slots_.size());
  slots_.push_back(Slot{id, std::move(pattern), {}, true});
  by_id_.emplace(std::move(id), slot);
  std::vector<Group*> chain;
  file(*root_, slot, options, 0, chain, slots_[slot].filings);
}

void RuleIndex::unfile(uint32_t slot) {
  Slot& s = slots_[slot];
  for (const auto& chain : s.filings) {
    for (Group* g : chain) --g->count;
    auto& rules = chain.back()->rules;
    auto it = std::find(rules.begin(), rules.end(), slot);
    if (it != rules.end()) rules.erase(it);
  }
  s.filings.clear();
  s.live = false;
}

bool RuleIndex::remove(std::string_view id) {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return false;
  unfile(it->second);
  by_id_.erase(it);
  // Dead slots (and emptied groups) stay until they dominate; then rebuild.
  if (slots_.size() > 64 && by_id_.size() * 2 < slots_.size()) {
    std::vector<std::pair<std::string, EventPattern>> live;
    live.reserve(by_id_.size());
    for (Slot& s : slots_) {
      if (s.live) live.emplace_back(std::move(s.id), std::move(s.pattern));
    }
    slots_.clear();
    by_id_.clear();
    root_ = std::make_unique<Group>();
    for (auto& [rid, pattern] : live) add(std::move(rid), std::move(pattern));
  }
  return true;
}

namespace {

void collect_group(const Group& g, const Value& event, std::string& key, std::vector<uint32_t>& out);
void visit(const PathNode& node, const Value& v, const Value& event, std::string& key,
           std::vector<uint32_t>& out);

void walk(const PathNode& node, const Value& obj, const Value& event, std::string& key,
          std::vector<uint32_t>& out) {
  if (node.children.empty()) return;
  if (node.children.size() <= obj.size()) {
    for (const auto& [name, child] : node.children) {
      if (const Value* v = obj.find(name)) visit(*child, *v, event, key, out);
    }
    return;
  }
  for (const json::Member& m : obj.members()) {
    auto it = node.children.find(m.name());
    if (it != node.children.end()) visit(*it->second, m.value, event, key, out);
  }
}

void visit(const PathNode& node, const Value& v, const Value& event, std::string& key,
           std::vector<uint32_t>& out) {
  if (v.is_array()) {
    for (const Value& item : v.items()) visit(node, item, event, key, out);
  } else if (v.is_object()) {
    walk(node, v, event, key, out);
  } else if (!node.buckets.empty() && exact_value_key(v, key)) {
    auto it = node.buckets.find(key);
    if (it != node.buckets.end()) collect_group(*it->second, event, key, out);
  }
}

void collect_group(const Group& g, const Value& event, std::string& key, std::vector<uint32_t>& out) {
  out.insert(out.end(), g.rules.begin(), g.rules.end());
  if (event.is_object()) walk(g.paths, event, event, key, out);
}

}  // namespace

void RuleIndex::collect(const Value& event, std::vector<uint32_t>& out) const {
  out.clear();
  std::string key;
  collect_group(*root_, event, key, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::vector<std::string> RuleIndex::match(const Value& event) const {
  std::vector<uint32_t> candidates;
  collect(event, candidates);
  std::vector<std::string> ids;
  for (uint32_t slot : candidates) {
    const Slot& s = slots_[slot];
    if (s.live && s.pattern.matches(event)) ids.push_back(s.id);
  }
  return ids;
}

std::vector<std::string> RuleIndex::match_brute_force(const Value& event) const {
  std::vector<std::string> ids;
  for (const Slot& s : slots_) {
    if (s.live && s.pattern.matches(event)) ids.push_back(s.id);
  }
  return ids;
}

size_t RuleIndex::candidate_count(const Value& event) const {
  std::vector<uint32_t> candidates;
  collect(event, candidates);
  return candidates.size();
}

size_t RuleIndex::fallback_size() const { return root_->rules.size(); }

}  // namespace sg::events
