// Workflow variables (Assign): the scopes that hold them, the rules for their names and
// AWS's size limits.
//
// VariableScope: the variables of one States object in a running execution (the machine,
// one Parallel branch, one Map iteration). A scope reads its own variables first, then
// its parent's (inner scopes may read outer variables; assignments never leak out). A
// Distributed Map child would get no parent (AWS: it cannot read outer variables). The
// parent must outlive the child (the engine's frames guarantee it: a fork's children end
// before it does). Not thread-safe; a scope is owned by the one frame that writes it.
//
// is_valid_variable_name(): AWS's rule (Unicode Standard Annex #31 identifiers: the first
// code point ID_Start, the others ID_Continue, so "x.y", "x[2]", "1x" and "_x" are not
// names; at most 80 code points; "states" is reserved). Non-ASCII letters are classified
// by the C library's Unicode tables (C.UTF-8), an approximation of ID_Start/ID_Continue.
//
// check_assignment_sizes(): the limits of one Assign (each value at most 256 KiB, all values
// together at most 256 KiB; sizes are compact JSON bytes). Returns the error to raise
// (States.DataLimitExceeded), or nullopt. The engine enforces the third limit, 10 MiB of
// variables per execution, when it stores them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asl/states_error.h"
#include "json/value.h"

namespace sg::asl {

constexpr size_t kMaxVariableNameLength = 80;            // code points
constexpr size_t kMaxVariableBytes = 262144;             // one variable: 256 KiB
constexpr size_t kMaxAssignmentBytes = 262144;           // all values of one Assign: 256 KiB
constexpr size_t kMaxExecutionVariableBytes = 10485760;  // all live variables: 10 MiB

class VariableScope {
 public:
  explicit VariableScope(const VariableScope* parent = nullptr) : parent_(parent) {}

  void set_parent(const VariableScope* parent) { parent_ = parent; }
  const VariableScope* parent() const { return parent_; }

  // This scope's value, else the nearest outer scope's; nullptr when none has it.
  const json::Value* find(std::string_view name) const;
  // This scope only.
  const json::Value* find_own(std::string_view name) const;
  // Sets (or replaces) a variable of this scope. Returns the change in the bytes this
  // scope holds (json_size of the values), which the caller adds to the execution's total.
  int64_t set(std::string_view name, json::Value value);
  // Stores every member of `assigned` (an object of name -> value). Returns the change in
  // bytes, as set() does.
  int64_t assign_all(const json::Value& assigned);

  bool empty() const { return vars_.empty(); }
  size_t bytes() const { return bytes_; }
  // Every variable this scope can read, inner scopes first (an inner name hides an outer
  // one), as an object of name -> value. Null when there is none.
  json::Value visible() const;
  // Calls fn(name, value) for every readable variable, innermost scope first; names hidden
  // by an inner scope are skipped.
  template <class Fn>
  void for_each_visible(Fn&& fn) const {
    for (const VariableScope* s = this; s; s = s->parent_) {
      for (const auto& [name, value] : s->vars_) {
        bool hidden = false;
        for (const VariableScope* t = this; t != s && !hidden; t = t->parent_) hidden = t->find_own(name);
        if (!hidden) fn(name, value);
      }
    }
  }

 private:
  const VariableScope* parent_ = nullptr;
  std::vector<std::pair<std::string, json::Value>> vars_;  // few variables: linear search
  size_t bytes_ = 0;
};

bool is_valid_variable_name(std::string_view name);

// The size rules of one Assign, applied to its evaluated values (object name -> value).
std::optional<StatesError> check_assignment_sizes(const json::Value& assigned);

// The error raised when an execution's variables would exceed 10 MiB in total.
StatesError execution_variables_too_big();

}  // namespace sg::asl
