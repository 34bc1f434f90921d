// ApiOr<T>: a value or the ApiError AWS would answer instead (errors as values).
//
// The service calls of the API layer (registry, ARN parsing, request decoding) return
// ApiOr<T>; a handler turns the error into the response unchanged. Pure.
#pragma once

#include "api/api_error.h"
#include "common/result.h"

namespace sg::api {

template <class T>
using ApiOr = Result<T, ApiError>;

}  // namespace sg::api
