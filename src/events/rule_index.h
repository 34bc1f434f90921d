// RuleIndex: the rules of one event bus, indexed so that matching an event costs about the
// number of rules that could match it, not the number of rules on the bus.
//
// How: a pattern's exact-value conditions are necessary conditions: a leaf whose values
// are all exact strings/numbers/booleans/null (at any depth outside `$or`), or a `$or`
// whose every branch has one (one bucket per branch). The index is a tree of groups:
// a group files a rule under one such condition — the (field path, value) buckets it
// names — and each bucket is a group again, which files the rule under another of its
// conditions, up to kMaxDepth levels; where the rule runs out of conditions it is kept in
// that group's list (the root's list holds rules with none: only prefix, numeric, exists,
// ...). Each group picks the condition whose buckets are least crowded. So a rule on
// source S and detail-type T lands in root/source=S/detail-type=T (or the reverse), and an
// event reaches only the groups its own values name. match() walks the event along each
// reached group's indexed paths (arrays flattened, as matching does), collects the lists
// of the groups it reaches, and verifies each candidate with the full matcher: it returns
// exactly what a scan of every rule would.
//
// Exact numbers are filed by their double value (300 and 300.0 share a bucket), matching
// the matcher's numeric equality.
//
// Contract: add() replaces a rule with the same id; remove() returns false for an unknown
// id; match() returns the ids of the matching rules in the order they were added (a
// replaced rule counts as newly added).
// Not synchronised: const calls may run concurrently, writes need external locking.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event_pattern.h"
#include "json/value.h"

namespace sg::events {

class RuleIndex {
 public:
  RuleIndex();
  ~RuleIndex();
  RuleIndex(RuleIndex&&) noexcept;
  RuleIndex& operator=(RuleIndex&&) noexcept;

  void add(std::string id, EventPattern pattern);
  bool remove(std::string_view id);
  size_t size() const { return by_id_.size(); }

  std::vector<std::string> match(const json::Value& event) const;
  // The same answer by testing every rule (tests and the bench compare the two).
  std::vector<std::string> match_brute_force(const json::Value& event) const;
  // How many candidates match() verifies for this event (tests and the bench).
  size_t candidate_count(const json::Value& event) const;
  size_t fallback_size() const;

  static constexpr int kMaxDepth = 4;

  struct PathNode;  // internal: a node of a group's trie of indexed field paths
  struct Group;     // internal: see above

 private:
  struct Slot {
    std::string id;
    EventPattern pattern;
    std::vector<std::vector<Group*>> filings;  // each: groups from the root to a list
    bool live = false;
  };

  void collect(const json::Value& event, std::vector<uint32_t>& out) const;
  void unfile(uint32_t slot);

  std::vector<Slot> slots_;
  std::unordered_map<std::string, uint32_t> by_id_;
  std::unique_ptr<Group> root_;
};

// The bucket key of an exact leaf value: 's'+text, 'n'+double bits, 'b0'/'b1', 'z'.
// Returns false for containers.
bool exact_value_key(const json::Value& v, std::string& out);

}  // namespace sg::events
