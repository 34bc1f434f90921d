// The registry of the API's resources: state machines, their versions and aliases,
// activities, and the tags of state machines and activities (reference §5, §6.2-6.5).
//
// It is the service layer behind the registry actions (registry_actions.h) and what the
// engine asks which definition to run. It keeps every resource in memory and writes each
// change through a store::ResourceStore (one JSON document per resource, under its ARN)
// before returning; load() rebuilds it all from the store at start-up.
//
// Behaviour is AWS's: names, idempotency (§6.3), revisions, version numbers that are never
// reused, alias routing rules, tag limits, and AWS's error codes and wording. Request
// shapes (types, lengths, ranges, enums) are checked before, by the actions, with
// request_fields.h; the registry checks what needs its state or the service's rules.
//
// Time and randomness are injected (now_ms, random_u64): revision ids, alias routing
// picks and every date come from them. No threads, no clock, no I/O of its own.
// Thread safety: none; one thread (the engine's) calls it. Pointers it returns stay valid
// until the next call that changes the registry.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/api_error_or.h"
#include "api/arn.h"
#include "asl/diagnostics.h"
#include "asl/state_machine.h"
#include "json/value.h"
#include "store/resource_store.h"

namespace sg::api {

inline constexpr std::string_view kStandard = "STANDARD";
inline constexpr std::string_view kExpress = "EXPRESS";
inline constexpr size_t kMaxTagsPerResource = 50;
inline constexpr size_t kMaxVersionsPerStateMachine = 1000;
inline constexpr size_t kMaxAliasesPerStateMachine = 100;
// PublishStateMachineVersion's revisionId for a state machine never updated since its
// creation (AWS shows no revisionId for it).
inline constexpr std::string_view kInitialRevision = "INITIAL";

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// What a revision of a state machine (and each version published from it) runs with.
// The JSON members are normalised as DescribeStateMachine shows them.
struct StateMachineConfig {
  std::string definition;  // byte for byte as given
  std::string role_arn;
  json::Value logging;     // {"level": "OFF", "includeExecutionData": false[, "destinations": [...]]}
  json::Value tracing;     // {"enabled": false}
  json::Value encryption;  // {"type": "AWS_OWNED_KEY"} unless given
  bool operator==(const StateMachineConfig&) const = default;
};

struct StateMachineRecord {
  std::string arn;  // unqualified
  std::string name;
  std::string type;  // "STANDARD" | "EXPRESS"; never changes
  StateMachineConfig config;
  // The compiled definition. Null only when load() could not compile a stored definition.
  std::shared_ptr<const asl::StateMachine> machine;
  int64_t creation_ms = 0;
  int64_t update_ms = 0;    // when the current revision began (creation for the first)
  std::string revision_id;  // a UUID per effective update; empty for the first revision
  int64_t next_version = 1;
  std::vector<Tag> tags;
  // CreateStateMachine's idempotency also compares these (reference §6.3).
  bool published_at_creation = false;
  std::string version_description_at_creation;
};

// An immutable snapshot of a revision.
struct VersionRecord {
  std::string arn;  // "<state machine arn>:<number>"
  std::string state_machine_arn;
  std::string name;
  std::string type;
  int64_t number = 0;
  StateMachineConfig config;
  std::shared_ptr<const asl::StateMachine> machine;
  std::string description;
  int64_t creation_ms = 0;
  std::string revision_id;  // the revision it was published from (empty: the first)
};

struct RoutingTarget {
  std::string version_arn;
  int64_t weight = 0;
  bool operator==(const RoutingTarget&) const = default;
};

struct AliasRecord {
  std::string arn;  // "<state machine arn>:<alias name>"
  std::string state_machine_arn;
  std::string name;
  std::string description;
  std::vector<RoutingTarget> routing;  // 1 or 2 versions of the state machine, weights summing to 100
  int64_t creation_ms = 0;
  int64_t update_ms = 0;
};

struct ActivityRecord {
  std::string arn;
  std::string name;
  int64_t creation_ms = 0;
  json::Value encryption;  // {"type": "AWS_OWNED_KEY"} unless given
  std::vector<Tag> tags;
};

// What StartExecution runs: the state machine a (qualified or not) ARN designates now.
struct ResolvedStateMachine {
  std::string state_machine_arn;  // always unqualified: executions are named after it
  std::string name;
  std::string type;  // "STANDARD" | "EXPRESS"
  std::string definition;
  std::shared_ptr<const asl::StateMachine> machine;  // never null
  std::string role_arn;
  std::string revision_id;  // empty for a first revision
  std::string version_arn;  // set when started through a version or an alias
  std::string alias_arn;    // set when started through an alias
  json::Value logging;      // the loggingConfiguration to log the execution with
  json::Value tracing;
  int64_t update_ms = 0;  // DescribeStateMachineForExecution's updateDate
};

struct CreateStateMachineInput {
  std::string name;
  std::string definition;
  std::string role_arn;
  std::string type{kStandard};
  json::Value logging;     // null when not given
  json::Value tracing;     // null when not given
  json::Value encryption;  // null when not given
  std::vector<Tag> tags;
  bool publish = false;
  std::optional<std::string> version_description;
};

struct CreateStateMachineOutput {
  std::string state_machine_arn;
  int64_t creation_ms = 0;
  std::string version_arn;  // empty unless published
};

struct UpdateStateMachineInput {
  std::string state_machine_arn;
  std::optional<std::string> definition;
  std::optional<std::string> role_arn;
  json::Value logging;     // null when not given
  json::Value tracing;     // null when not given
  json::Value encryption;  // null when not given
  bool publish = false;
  std::optional<std::string> version_description;
};

struct UpdateStateMachineOutput {
  int64_t update_ms = 0;
  std::string revision_id;  // empty while the state machine is in its first revision
  std::string version_arn;  // empty unless published
};

struct PublishedVersion {
  std::string arn;
  int64_t creation_ms = 0;
};

class Registry {
 public:
  Registry(ApiContext ctx, store::ResourceStore& store, std::function<int64_t()> now_ms,
           std::function<uint64_t()> random_u64);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Forgets everything and reads every resource back from the store, compiling the
  // definitions again. Returns one line per resource it could not restore (kept out of
  // the registry, or, for a definition that no longer compiles, kept with a null machine);
  // empty when all came back.
  std::vector<std::string> load();

  const ApiContext& context() const { return ctx_; }
  int64_t now_ms() const { return now_ms_(); }
  // A random (version 4) UUID from random_u64.
  std::string new_uuid();

  // ---- What the engine needs -------------------------------------------------------

  // The state machine StartExecution / StartSyncExecution run for `arn`:
  // - unqualified: the current revision;
  // - a version ARN: that version;
  // - an alias ARN: one of its versions, picked by weight with random_u64.
  // Errors: InvalidArn (not a state machine ARN of this server), ValidationException
  // (reason API_DOES_NOT_SUPPORT_LABELED_ARNS) for "name/label" ARNs,
  // StateMachineDoesNotExist "State Machine Does Not Exist: '<arn>'" for a missing state
  // machine, version or alias, InternalFailure if its definition could not be compiled.
  ApiOr<ResolvedStateMachine> resolve_for_start(std::string_view arn);

  // Lookups by exact ARN; nullptr when there is none (or the ARN is of another kind).
  const StateMachineRecord* find_state_machine(std::string_view unqualified_arn) const;
  const VersionRecord* find_version(std::string_view version_arn) const;
  const AliasRecord* find_alias(std::string_view alias_arn) const;
  const ActivityRecord* find_activity(std::string_view activity_arn) const;

  // Called after a state machine (with its versions and aliases) was deleted, with its
  // unqualified ARN, so the engine can stop its running executions. May be empty.
  std::function<void(const std::string& state_machine_arn)> on_deleted;
  // Called after an activity was deleted (its pollers and scheduled tasks end). May be empty.
  std::function<void(const std::string& activity_arn)> on_activity_deleted;

  // ---- State machines -----------------------------------------------------------------

  // CreateStateMachine after the request's shape was checked. Idempotent (§6.3): the same
  // name, definition, type, logging, tracing, encryption, publish and versionDescription
  // answer the original ARN and creationDate (roleArn and tags ignored); otherwise
  // StateMachineAlreadyExists. Also: ValidationException (versionDescription without
  // publish), InvalidName, InvalidArn (roleArn), InvalidLoggingConfiguration,
  // ValidationException / TooManyTags (tags), InvalidDefinition.
  ApiOr<CreateStateMachineOutput> create_state_machine(const CreateStateMachineInput& in);

  // UpdateStateMachine. A change of definition, roleArn, logging, tracing or encryption
  // starts a new revision (new revisionId); none keeps the current one. publish makes a
  // version of the resulting revision (the existing one if that revision has one).
  // Errors: StateMachineDoesNotExist (also for version and alias ARNs, as AWS answers),
  // ValidationException for labelled ARNs, MissingRequiredParameter, ValidationException
  // (versionDescription without publish), InvalidArn, InvalidLoggingConfiguration,
  // InvalidDefinition, ServiceQuotaExceededException.
  ApiOr<UpdateStateMachineOutput> update_state_machine(const UpdateStateMachineInput& in);

  // DeleteStateMachine of an unqualified ARN: deletes it, its versions and its aliases,
  // then calls on_deleted. A missing state machine is not an error.
  void delete_state_machine(std::string_view unqualified_arn);

  // Every state machine, sorted by name (byte order), as ListStateMachines lists them.
  std::vector<const StateMachineRecord*> state_machines() const;

  // ---- Versions -------------------------------------------------------------------------

  // PublishStateMachineVersion of an unqualified ARN. Idempotent: the current revision's
  // existing version is answered again (description ignored). `revision_id`, when given,
  // must be the current one (kInitialRevision for a first revision), else
  // ConflictException "Failed to publish the State Machine version for revision <r>. The
  // current State Machine revision is <r2>."; also StateMachineDoesNotExist,
  // ServiceQuotaExceededException (1000 versions).
  ApiOr<PublishedVersion> publish_version(std::string_view state_machine_arn,
                                          const std::optional<std::string>& revision_id,
                                          const std::string& description);

  // DeleteStateMachineVersion: ConflictException while an alias routes to it ("Version to
  // be deleted must not be referenced by an alias. Current list of aliases referencing
  // this version: [a, b]"); a missing version is not an error. Its number is never reused.
  std::optional<ApiError> delete_version(std::string_view version_arn);

  // The versions of a state machine, newest first.
  std::vector<const VersionRecord*> versions_of(std::string_view state_machine_arn) const;

  // ---- Aliases --------------------------------------------------------------------------

  // CreateStateMachineAlias. Routing rules (ValidationException, reason
  // INVALID_ROUTING_CONFIGURATION): distinct version ARNs of one state machine, weights
  // summing to 100 ("Sum of routing configuration weights must equal 100. Received: [70,
  // 29]"). ResourceNotFound when the state machine or a version does not exist.
  // Idempotent on (name, description, routing); a different one is ConflictException
  // "Failed to create alias because an alias with the same name and a different routing
  // configuration already exists."; ServiceQuotaExceededException beyond 100 aliases.
  ApiOr<const AliasRecord*> create_alias(const std::string& name, const std::string& description,
                                         const std::vector<RoutingTarget>& routing);

  // UpdateStateMachineAlias: new description and/or routing (same rules as create; the
  // versions must be of the alias's state machine). ValidationException (reason
  // MISSING_REQUIRED_PARAMETER) when neither is given, ResourceNotFound for a missing alias.
  ApiOr<const AliasRecord*> update_alias(std::string_view alias_arn,
                                         const std::optional<std::string>& description,
                                         const std::optional<std::vector<RoutingTarget>>& routing);

  // DeleteStateMachineAlias; a missing alias is not an error. Versions are kept.
  void delete_alias(std::string_view alias_arn);

  // The aliases of a state machine (oldest first, as AWS lists them), or of one version
  // (the aliases routing to it) when given a version ARN.
  std::vector<const AliasRecord*> aliases_of(std::string_view state_machine_or_version_arn) const;

  // ---- Activities -----------------------------------------------------------------------

  // CreateActivity: idempotent by name (tags ignored); a different encryption
  // configuration is ActivityAlreadyExists. Also InvalidName, ValidationException /
  // TooManyTags for tags.
  ApiOr<const ActivityRecord*> create_activity(const std::string& name, const std::vector<Tag>& tags,
                                               const json::Value& encryption);
  // DeleteActivity, then on_activity_deleted; a missing activity is not an error.
  void delete_activity(std::string_view activity_arn);
  // Every activity, sorted by name.
  std::vector<const ActivityRecord*> activities() const;

  // ---- Tags (state machines and activities) ---------------------------------------------

  // Adds or replaces tags. ResourceNotFound "Resource not found: '<arn>'" for anything
  // but an existing state machine (unqualified) or activity; ValidationException for a
  // key or value outside the allowed characters or an "aws:" key; TooManyTags beyond 50.
  std::optional<ApiError> tag_resource(std::string_view arn, const std::vector<Tag>& tags);
  // Removes tags by key (unknown keys are ignored); ResourceNotFound as above.
  std::optional<ApiError> untag_resource(std::string_view arn, const std::vector<std::string>& keys);
  // The tags in the order they were first added; ResourceNotFound as above.
  ApiOr<std::vector<Tag>> tags_of(std::string_view arn) const;

 private:
  using Versions = std::map<int64_t, VersionRecord>;
  using Aliases = std::map<std::string, AliasRecord>;

  // Shared rules (registry.cc).
  ApiOr<std::shared_ptr<const asl::StateMachine>> compile(const std::string& definition,
                                                          std::string_view type) const;
  std::string new_revision_id() { return new_uuid(); }
  StateMachineRecord* mutable_state_machine(std::string_view unqualified_arn);
  // The tags of the resource `arn` names, or the error TagResource & co. answer.
  ApiOr<std::vector<Tag>*> mutable_tags(std::string_view arn);
  // `existing` with `added` set (same key: new value), checked; into *out.
  static std::optional<ApiError> merge_tags(std::string_view arn, const std::vector<Tag>& existing,
                                            const std::vector<Tag>& added, std::vector<Tag>* out);
  // Rewrites the document of the resource whose tags changed.
  void save_tags_owner(std::string_view arn);
  ApiOr<PublishedVersion> publish_current(StateMachineRecord& sm, const std::string& description);
  std::optional<ApiError> check_routing(const std::vector<RoutingTarget>& routing,
                                        std::string* state_machine_arn) const;

  // Persistence (registry_store.cc): one document per resource.
  void save(const StateMachineRecord& sm);
  void save(const VersionRecord& v);
  void save(const AliasRecord& a);
  void save(const ActivityRecord& a);

  ApiContext ctx_;
  store::ResourceStore& store_;
  std::function<int64_t()> now_ms_;
  std::function<uint64_t()> random_u64_;

  std::map<std::string, StateMachineRecord, std::less<>> state_machines_;  // by unqualified ARN
  std::map<std::string, Versions, std::less<>> versions_;                  // by state machine ARN
  std::map<std::string, Aliases, std::less<>> aliases_;                    // by state machine ARN
  std::map<std::string, ActivityRecord, std::less<>> activities_;          // by ARN
};

// The checks of a logging configuration (already shape-checked) and its normal form:
// level defaults to OFF, includeExecutionData to false. InvalidLoggingConfiguration
// "Invalid Logging Configuration: Must specify exactly one Log Destination." for a level
// other than OFF without exactly one destination, or more than one destination.
ApiOr<json::Value> normalize_logging(const json::Value& logging);
// {"enabled": false} unless given.
json::Value normalize_tracing(const json::Value& tracing);
// {"type": "AWS_OWNED_KEY"} unless given.
json::Value normalize_encryption(const json::Value& encryption);

// InvalidDefinition "Invalid State Machine Definition: '<CODE>: <message> at <location>,
// ...'" from the ERROR diagnostics of a definition ("at null" when one has no location).
ApiError invalid_definition(const std::vector<asl::Diagnostic>& diagnostics);

}  // namespace sg::api
