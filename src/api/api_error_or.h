// ApiOr<T>: a value or the ApiError AWS would answer instead (errors as values).
//
// The service calls of the API layer (registry, ARN parsing, request decoding) return
// ApiOr<T>; a handler turns the error into the response unchanged. Pure.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "api/api_error.h"

namespace sg::api {

template <class T>
class [[nodiscard]] ApiOr {
 public:
  ApiOr(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  ApiOr(ApiError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const ApiError& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  ApiError&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace sg::api
