// Errors as values: Result<T> holds either a T or an Error (code + message). Layers with an
// error type of their own use Result<T, E> (the API's ApiOr<T> is Result<T, ApiError>).
//
// Used for every expected failure in the pure layers (parsing, paths, intrinsics,
// validation). ASL runtime errors (States.*, task errors) are a separate, richer type
// (asl::StatesError) because Retry/Catch inspect them; Result is for "this input is bad".
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sg {

struct Error {
  std::string code;     // machine-readable, e.g. "INVALID_JSON"
  std::string message;  // human-readable, in AWS's wording where one is known
};

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  static Result Fail(std::string code, std::string message) {
    return Result(Error{std::move(code), std::move(message)});
  }

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

  const E& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, E> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }
  static Status Fail(std::string code, std::string message) {
    return Status(Error{std::move(code), std::move(message)});
  }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace sg
