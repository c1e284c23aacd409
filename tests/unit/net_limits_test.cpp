#include <gtest/gtest.h>

#include "net/limits.hpp"

namespace heron::net {
namespace {

TEST(ConnectionLimits, PerIpAndTotal) {
  ConnectionLimits limits(3, 2);
  using V = ConnectionLimits::Verdict;
  EXPECT_EQ(limits.admit("a"), V::admitted);
  EXPECT_EQ(limits.admit("a"), V::admitted);
  EXPECT_EQ(limits.admit("a"), V::over_per_ip);
  EXPECT_EQ(limits.admit("b"), V::admitted);
  EXPECT_EQ(limits.admit("c"), V::over_total);
  limits.release("a");
  EXPECT_EQ(limits.total(), 2u);
  EXPECT_EQ(limits.admit("c"), V::admitted);
}

TEST(ConnectionLimits, SlotReleasesOnce) {
  ConnectionLimits limits(1, 1);
  {
    ASSERT_EQ(limits.admit("a"), ConnectionLimits::Verdict::admitted);
    ConnectionSlot slot(limits, "a");
    ConnectionSlot moved(std::move(slot));
  }
  EXPECT_EQ(limits.total(), 0u);
  EXPECT_EQ(limits.admit("a"), ConnectionLimits::Verdict::admitted);
}

}  // namespace
}  // namespace heron::net
