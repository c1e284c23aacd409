// server/pop3 pieces that need no socket: the maildrop lock table, the UIDL format, the
// loopback test behind [auth] plaintext_on_loopback, and the policy a connection gets.

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

#include <filesystem>

#include "base/fs.hpp"
#include "server/pop3/maildrop_lock.hpp"
#include "server/pop3/server.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::server::pop3 {
namespace {

namespace ip = boost::asio::ip;

TEST(Pop3MaildropLocks, OneSessionPerAccount) {
  MaildropLocks locks;
  MaildropLease a = locks.try_lock(7);
  ASSERT_TRUE(a);
  EXPECT_TRUE(locks.locked(7));
  EXPECT_FALSE(locks.try_lock(7));      // IN-USE
  MaildropLease b = locks.try_lock(8);  // another account is independent
  EXPECT_TRUE(b);
  a.release();
  EXPECT_FALSE(locks.locked(7));
  EXPECT_TRUE(locks.try_lock(7));  // a temporary lease: released at once
  EXPECT_FALSE(locks.locked(7));
}

TEST(Pop3MaildropLocks, ReleasedWhenTheLeaseGoes) {
  MaildropLocks locks;
  {
    MaildropLease a = locks.try_lock(1);
    MaildropLease moved = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_TRUE(moved);
    EXPECT_TRUE(locks.locked(1));
    a.release();  // the moved-from lease owns nothing
    EXPECT_TRUE(locks.locked(1));
  }
  EXPECT_FALSE(locks.locked(1));
  MaildropLease x = locks.try_lock(2);
  MaildropLease y = locks.try_lock(3);
  x = std::move(y);  // assigning releases what x held
  EXPECT_FALSE(locks.locked(2));
  EXPECT_TRUE(locks.locked(3));
}

TEST(Pop3Server, UidlFormat) {
  EXPECT_EQ(uidl_of(1732330453, 17), "1732330453-17");
  EXPECT_EQ(uidl_of(4294967295u, 4294967295u), "4294967295-4294967295");  // 21 chars <= 70
}

TEST(Pop3Server, Loopback) {
  EXPECT_TRUE(is_loopback(ip::make_address("127.0.0.1")));
  EXPECT_TRUE(is_loopback(ip::make_address("127.8.9.10")));
  EXPECT_TRUE(is_loopback(ip::make_address("::1")));
  EXPECT_TRUE(is_loopback(ip::make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(is_loopback(ip::make_address("192.0.2.1")));
  EXPECT_FALSE(is_loopback(ip::make_address("::ffff:192.0.2.1")));
  EXPECT_FALSE(is_loopback(ip::make_address("2001:db8::1")));
}

TEST(Pop3Server, PolicyPerConnection) {
  const auto dir = std::filesystem::temp_directory_path() / ("heron-pop3-" + fs::random_hex(8));
  auto store = store::sqlite::SqliteStore::open(dir);
  ASSERT_TRUE(store) << store.error().message;
  net::BlockingPool pool(1);
  net::LoginThrottle throttle({});
  MaildropLocks locks;
  Settings s;
  s.listener.role = config::Role::pop3;
  s.listener.tls = config::TlsMode::starttls;
  s.hostname = "pop.example.test";
  s.auth.plaintext_on_loopback = true;
  s.tls = nullptr;
  Server server(s, Shared{**store, **store, throttle, locks, pool});
  auto local = server.policy(ip::make_address("127.0.0.1"));
  EXPECT_TRUE(local.plaintext_login);
  EXPECT_FALSE(local.stls);  // no certificate
  EXPECT_FALSE(local.tls_active);
  EXPECT_FALSE(server.policy(ip::make_address("192.0.2.7")).plaintext_login);
  EXPECT_EQ(server.idle_timeout(), std::chrono::seconds(600));  // RFC 1939 3: at least 10 min
  EXPECT_EQ(server.busy_reply(), "-ERR [SYS/TEMP] Too many connections, try again later\r\n");
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heron::server::pop3
