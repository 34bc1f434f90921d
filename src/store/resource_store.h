// Persistence of the API's resources (state machines, versions, aliases, activities and
// their tags): each is one JSON document under its ARN. The registry keeps every resource
// in memory and writes through this interface; at start-up it loads them all back.
//
// Writes join the store's current group-commit transaction: they are durable once the
// batch commits, which happens before the API answers the request that made them.
// Called from the engine thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace sg::store {

struct StoredResource {
  std::string kind;  // "stateMachine", "version", "alias", "activity"
  std::string arn;
  json::Value doc;
};

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;
  // Inserts or replaces the document of `arn`.
  virtual void put_resource(std::string_view kind, std::string_view arn, const json::Value& doc) = 0;
  // Removes `arn`; removing a missing one does nothing.
  virtual void delete_resource(std::string_view arn) = 0;
  // Every stored resource, in insertion order.
  virtual std::vector<StoredResource> load_resources() = 0;
};

// An in-memory ResourceStore for tests (and for a server started without a data directory).
class MemoryResourceStore : public ResourceStore {
 public:
  void put_resource(std::string_view kind, std::string_view arn, const json::Value& doc) override {
    for (auto& r : items_)
      if (r.arn == arn) {
        r.kind = std::string(kind);
        r.doc = doc;
        return;
      }
    items_.push_back(StoredResource{std::string(kind), std::string(arn), doc});
  }
  void delete_resource(std::string_view arn) override {
    std::erase_if(items_, [&](const StoredResource& r) { return r.arn == arn; });
  }
  std::vector<StoredResource> load_resources() override { return items_; }

 private:
  std::vector<StoredResource> items_;
};

}  // namespace sg::store
