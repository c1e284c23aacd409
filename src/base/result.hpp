#pragma once
// Result<T>: the one way data-path code reports failure (STYLE.md principle 4).
//
// A Result holds either a value or an Error. It is a small type of our own rather than
// std::expected because clang 14 with libstdc++ 12 (the fuzz build) has no std::expected.
// Input: trusted (built by our own code). Thread: any. Failure: value() on an error is a
// programming bug and aborts through assert in debug builds.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace heron {

struct Error {
  std::string message;
  int code = 0;  // errno, or 0 when the failure is not a system call's
};

inline Error make_error(std::string message, int code = 0) { return Error{std::move(message), code}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace heron
