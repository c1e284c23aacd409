// net/drain: sessions enroll, start() and force() tell each once, enrollment ends with scope.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "net/drain.hpp"

namespace heron::net {
namespace {

TEST(NetDrain, StartTellsEverySessionOnce) {
  Drain drain;
  std::vector<int> told;
  auto a = drain.enroll([&](bool force) { told.push_back(force ? 10 : 1); });
  auto b = drain.enroll([&](bool force) { told.push_back(force ? 20 : 2); });
  EXPECT_EQ(drain.active(), 2u);
  EXPECT_FALSE(drain.draining());
  drain.start();
  drain.start();  // idempotent
  EXPECT_TRUE(drain.draining());
  EXPECT_EQ(told, (std::vector<int>{1, 2}));
  drain.force();
  EXPECT_EQ(told, (std::vector<int>{1, 2, 10, 20}));
}

TEST(NetDrain, EnrollmentLeavesWhenDestroyedOrReset) {
  Drain drain;
  int calls = 0;
  {
    auto a = drain.enroll([&](bool) { ++calls; });
    auto b = drain.enroll([&](bool) { ++calls; });
    b.reset();
    EXPECT_EQ(drain.active(), 1u);
    Drain::Enrollment moved = std::move(a);
    EXPECT_EQ(drain.active(), 1u);
  }
  EXPECT_EQ(drain.active(), 0u);
  drain.start();
  EXPECT_EQ(calls, 0);
}

TEST(NetDrain, LateSessionIsToldAtOnce) {
  Drain drain;
  drain.start();
  bool told = false;
  auto a = drain.enroll([&](bool force) { told = !force; });
  EXPECT_TRUE(told);
  EXPECT_EQ(drain.active(), 1u);
}

TEST(NetDrain, EnrollmentMayOutliveTheDrain) {
  // A session frame destroyed after its server (io_context teardown) must not touch freed
  // memory: the enrollment shares the drain's state.
  auto drain = std::make_unique<Drain>();
  auto a = drain->enroll([](bool) {});
  drain.reset();
  a.reset();
  SUCCEED();
}

}  // namespace
}  // namespace heron::net
