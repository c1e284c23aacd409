#include <gtest/gtest.h>

#include "delivery/local/local_delivery.hpp"

namespace heron::delivery::local {
namespace {

store::Account account(int64_t id, std::string address) {
  store::Account a;
  a.id = id;
  a.address = std::move(address);
  return a;
}

TEST(LocalDelivery, OneTargetPerAccountWithTracePrefix) {
  std::vector<Recipient> rcpts = {
      {"team@example.test", {account(1, "alice@example.test"), account(2, "bob@example.test")}},
      {"Alice@Example.test", {account(1, "alice@example.test")}},
  };
  store::Delivery d = build("sender@remote.test", "body", rcpts, 42);
  EXPECT_EQ(d.body, "body");
  EXPECT_EQ(d.internal_date, 42);
  ASSERT_EQ(d.targets.size(), 2u);
  EXPECT_EQ(d.targets[0].account_id, 1);
  EXPECT_EQ(d.targets[0].mailbox, "INBOX");
  EXPECT_EQ(d.targets[0].header_prefix,
            "Return-Path: <sender@remote.test>\r\nDelivered-To: alice@example.test\r\n");
  EXPECT_EQ(d.targets[1].header_prefix,
            "Return-Path: <sender@remote.test>\r\nDelivered-To: bob@example.test\r\n");
}

TEST(LocalDelivery, PlusAddressKeepsItsTag) {
  std::vector<Recipient> rcpts = {{"Alice+Lists@Example.TEST", {account(1, "alice@example.test")}}};
  store::Delivery d = build("", "b", rcpts, 1);
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(d.targets[0].header_prefix,
            "Return-Path: <>\r\nDelivered-To: alice+lists@example.test\r\n");
}

TEST(LocalDelivery, AliasNamesTheAccount) {
  std::vector<Recipient> rcpts = {{"postmaster@example.test", {account(3, "carol@example.test")}}};
  store::Delivery d = build("a@b", "b", rcpts, 1);
  EXPECT_EQ(d.targets[0].header_prefix, "Return-Path: <a@b>\r\nDelivered-To: carol@example.test\r\n");
}

}  // namespace
}  // namespace heron::delivery::local
