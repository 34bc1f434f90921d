// Version 4 UUIDs in RFC 4122 text form ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") from 128
// random bits: the version and variant bits are set, the rest is printed as drawn. Pure.
#pragma once

#include <cstdint>
#include <string>

#include "json/path_roots.h"

namespace sg::json {

std::string uuid_v4(uint64_t hi, uint64_t lo);
// Draws `hi`, then `lo` from `entropy` (so a seeded source gives the same UUIDs again).
inline std::string random_uuid(Entropy& entropy) {
  uint64_t hi = entropy.next_u64();
  return uuid_v4(hi, entropy.next_u64());
}

}  // namespace sg::json
