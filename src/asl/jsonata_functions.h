// The functions AWS Step Functions adds to JSONata: $partition, $range, $hash, $random,
// $uuid and $parse, as native functions for json::jsonata::Environment.
//
// aws_functions(entropy): the six entries. $random() without a seed and $uuid() draw from
// `entropy` (the execution's seeded source, so a replayed execution draws the same values);
// `entropy` must outlive every evaluation that uses the entries. Semantics (AWS-measured
// where known, see docs/compatibility.md):
// - $partition(array, size?): chunks of `size` (truncated toward zero), the last one
//   shorter; no size: one chunk; size 0 or an empty array: undefined; a negative size:
//   D3137 "Second argument must be zero or greater".
// - $range(start, end, step): start, start+step, ... up to and including end (arguments
//   truncated toward zero); no step, step 0 or a step pointing away from end: undefined;
//   one element: that number, not an array (JSONata's sequence rule).
// - $hash(value, algorithm): lowercase hex digest of the UTF-8 string; MD5, SHA-1, SHA-256,
//   SHA-384, SHA-512 (case-sensitive); no algorithm: undefined.
// - $random(seed?): a double in [0, 1); with a seed, java.util.Random(seed).nextDouble()
//   as AWS computes it (the same seed always gives the same value).
// - $uuid(): a random version-4 UUID.
// - $parse(text): the JSON value of `text` (strict JSON; D3137 "Invalid JSON" otherwise).
// Argument types are checked by the evaluator against each entry's signature (T0410).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "json/jsonata.h"
#include "json/path_roots.h"

namespace sg::asl {

std::vector<json::jsonata::NativeFunctionEntry> aws_jsonata_functions(json::Entropy* entropy);

// java.util.Random(seed).nextDouble().
double java_random_double(int64_t seed);

}  // namespace sg::asl
