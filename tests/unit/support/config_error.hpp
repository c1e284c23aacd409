#pragma once
// Test support for the config tests: the error message config::parse gives for a text that
// must not load (a test failure, and "", when it loads).

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace heron::config {

inline std::string error_of(std::string_view text) {
  auto r = parse(text, "heron.toml");
  if (r) {
    ADD_FAILURE() << "parsed, expected an error:\n" << text;
    return {};
  }
  return r.error().message;
}

}  // namespace heron::config
