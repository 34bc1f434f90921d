// The JSONata syntax tree (internal): what jsonata_parser.cc produces and jsonata_eval.cc
// walks. It mirrors the reference's processed AST (paths as lists of steps, predicates as
// stages, tuple/ancestor annotations for %, @ and #), so the evaluator can follow the
// reference's algorithms step by step. Immutable once compiled.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/jsonata_signature.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata {

enum class NodeType : uint8_t {
  // Raw (parser) and processed forms.
  kBinary,  // value: the operator
  kUnary,   // value: "-", "[" (array constructor), "{" (object constructor)
  kName,
  kVariable,  // value: the name without '$' ("" for $, "$" for $$)
  kString,
  kNumber,
  kValue,  // true, false, null (literal)
  kRegex,
  kWildcard,
  kDescendant,
  kParent,
  kCondition,
  kBlock,
  kFunction,  // a call
  kPartial,   // a call with ? placeholders
  kLambda,
  kTransform,
  kOperator,  // raw: an operator token used as an operand ('?' placeholder, and/or/in)
  kEnd,       // raw: end of input
  // Processed only.
  kPath,
  kBind,
  kApply,
  kSort,
};

enum class BinOp : uint8_t {
  kNone,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kConcat,
  kAnd,
  kOr,
  kIn,
  kRange,
  kCoalesce,
  kElvis,
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

// An ancestor slot for the parent operator %: the label a tuple binds the parent under.
struct Slot {
  std::string label;
  int level = 1;
  int index = 0;
};

struct Stage {
  enum Type : uint8_t { kFilter, kIndex } type = kFilter;
  Node* expr = nullptr;  // kFilter
  std::string variable;  // kIndex: the name bound to the position
  int64_t position = 0;
};

struct SortTerm {
  bool descending = false;
  Node* expression = nullptr;
};

struct GroupSpec {
  std::vector<std::pair<Node*, Node*>> pairs;
  int64_t position = 0;
};

struct Node {
  NodeType type = NodeType::kEnd;
  BinOp op = BinOp::kNone;
  int64_t position = 0;  // byte offset just past the token (the reference's convention)
  std::string value;     // operator, name, variable, string literal
  JValue literal;        // kString, kNumber, kValue

  Node* lhs = nullptr;
  Node* rhs = nullptr;
  Node* expression = nullptr;  // unary minus
  Node* condition = nullptr;
  Node* then_branch = nullptr;
  Node* else_branch = nullptr;
  Node* procedure = nullptr;
  Node* body = nullptr;
  Node* pattern = nullptr;
  Node* update = nullptr;
  Node* deletion = nullptr;

  std::vector<Node*> steps;                    // kPath
  std::vector<Node*> expressions;              // kBlock, array constructor
  std::vector<Node*> arguments;                // kFunction, kPartial (kOperator '?' for a placeholder)
  std::vector<std::pair<Node*, Node*>> pairs;  // object constructor
  std::vector<SortTerm> terms;                 // kSort (and raw '^')

  // Lambdas.
  std::vector<std::string> params;  // names without '$'
  std::shared_ptr<const Signature> signature;
  bool thunk = false;

  std::shared_ptr<const Regex> regex;

  // Annotations of the post-parse stage.
  std::vector<Stage> predicate;  // filters applied to this node's value
  std::vector<Stage> stages;     // filters/index bindings applied per path step
  std::unique_ptr<GroupSpec> group;
  bool keep_array = false;
  bool keep_singleton_array = false;
  bool consarray = false;
  bool tuple = false;
  std::optional<std::string> focus;  // step@$x
  std::optional<std::string> index;  // step#$i
  std::shared_ptr<Slot> slot;        // kParent
  std::shared_ptr<Slot> ancestor;    // a step a parent operator refers to
  std::optional<std::vector<std::shared_ptr<Slot>>> seeking_parent;
};

// Owns every node of one expression (children are raw pointers between them), so the
// post-parse stage can rearrange the tree freely and freeing it never recurses.
class Arena {
 public:
  Node* make(NodeType type, int64_t position = 0) {
    nodes_.push_back(std::make_unique<Node>());
    Node* n = nodes_.back().get();
    n->type = type;
    n->position = position;
    return n;
  }
  size_t size() const { return nodes_.size(); }

 private:
  std::vector<NodePtr> nodes_;
};

}  // namespace sg::json::jsonata
