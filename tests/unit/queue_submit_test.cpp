// queue::submit(): validation, canonical form, arrival time from the clock, and the
// durable hand-off to the store.

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <future>

#include "base/clock.hpp"
#include "base/fs.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/submit.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::queue {
namespace {

class QueueSubmit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-queue-submit-" + fs::random_hex(8));
    auto q = store::sqlite::SqliteQueue::open(dir_);
    ASSERT_TRUE(q);
    store_ = std::move(*q);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Submission basic() {
    Submission s;
    s.sender = "alice@example.org";
    s.recipients = {{"bob@example.net", "", 0}};
    s.origin = "test";
    s.body = "Subject: hi\r\n\r\nhello\r\n";
    return s;
  }
  int error_code(Submission s) {
    auto r = submit(*store_, std::move(s), clock_);
    EXPECT_FALSE(r);
    return r ? 0 : r.error().code;
  }
  store::QueuedMessage stored(int64_t id) {
    auto m = store_->get(id);
    EXPECT_TRUE(m && *m);
    return m && *m ? **m : store::QueuedMessage{};
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000};
  std::unique_ptr<store::sqlite::SqliteQueue> store_;
};

TEST_F(QueueSubmit, EnqueuesWithArrivalFromTheClock) {
  Submission s = basic();
  s.ret = store::DsnRet::headers;
  s.envid = "ENV-1";
  s.recipients[0].orcpt = "rfc822;Bob@example.net";
  s.recipients[0].notify = smtp::notify::kFailure | smtp::notify::kDelay;
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id) << id.error().message;
  const store::QueuedMessage m = stored(*id);
  EXPECT_EQ(m.sender, "alice@example.org");
  EXPECT_EQ(m.arrival, 1'700'000'000);
  EXPECT_EQ(m.recipients.at(0).next_attempt, 1'700'000'000);
  EXPECT_EQ(m.recipients[0].orcpt, "rfc822;Bob@example.net");
  EXPECT_EQ(m.recipients[0].notify, smtp::notify::kFailure | smtp::notify::kDelay);
  EXPECT_EQ(m.ret, store::DsnRet::headers);
  EXPECT_EQ(m.envid, "ENV-1");
  EXPECT_EQ(m.origin, "test");
  EXPECT_FALSE(m.eightbit);
  EXPECT_EQ(*store_->read_body(m), "Subject: hi\r\n\r\nhello\r\n");
}

TEST_F(QueueSubmit, NullSenderIsAllowed) {
  Submission s = basic();
  s.sender = "";
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id);
  EXPECT_EQ(stored(*id).sender, "");
}

TEST_F(QueueSubmit, MalformedEnvelopesAreRefused) {
  Submission s = basic();
  s.sender = "not an address";
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.sender = "postmaster";  // a reverse-path needs a domain
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients.clear();
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients[0].address = "bob@";
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients[0].address = "<bob@example.net>";  // bare addresses only
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients[0].notify = smtp::notify::kNever | smtp::notify::kSuccess;
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients[0].orcpt = "no-type-here";
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.envid = std::string(101, 'x');
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.envid = "line\r\nbreak";
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.body.clear();
  EXPECT_EQ(error_code(s), EINVAL);
  s = basic();
  s.recipients.assign(kMaxRecipients + 1, Recipient{"bob@example.net", "", 0});
  for (size_t i = 0; i < s.recipients.size(); ++i)
    s.recipients[i].address = "r" + std::to_string(i) + "@example.net";
  EXPECT_EQ(error_code(s), EINVAL);
  auto list = store_->list();
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());  // nothing of a refused submission is stored
}

TEST_F(QueueSubmit, NonAsciiAddressNeedsSmtputf8) {
  Submission s = basic();
  s.recipients[0].address = "m\xc3\xbcller@example.net";
  EXPECT_EQ(error_code(s), EINVAL);
  s.smtputf8 = true;
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_TRUE(stored(*id).smtputf8);
}

TEST_F(QueueSubmit, DuplicateRecipientsAreKeptOnce) {
  Submission s = basic();
  s.recipients = {{"bob@example.net", "", 0},
                  {"Bob@example.net", "", 0},
                  {"bob@EXAMPLE.net", "", 0},
                  {"carol@example.net", "", 0}};
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id);
  const auto m = stored(*id);
  ASSERT_EQ(m.recipients.size(), 3u);  // the local part is case-sensitive, the domain not
  EXPECT_EQ(m.recipients[0].address, "bob@example.net");
  EXPECT_EQ(m.recipients[1].address, "Bob@example.net");
  EXPECT_EQ(m.recipients[2].address, "carol@example.net");
}

TEST_F(QueueSubmit, BodiesAreCanonicalCrlfAndEightBitIsDetected) {
  Submission s = basic();
  s.body = "Subject: x\n\nline one\rline two\r\n.\nend";
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id);
  auto m = stored(*id);
  EXPECT_EQ(*store_->read_body(m), "Subject: x\r\n\r\nline one\r\nline two\r\n.\r\nend\r\n");
  EXPECT_FALSE(m.eightbit);

  s = basic();
  s.body = "Subject: caf\xc3\xa9\r\n\r\nx\r\n";
  id = submit(*store_, s, clock_);
  ASSERT_TRUE(id);
  EXPECT_TRUE(stored(*id).eightbit);  // even though the caller did not say so
}

TEST_F(QueueSubmit, AsyncCallsBackAfterTheCommit) {
  std::promise<Result<int64_t>> done;
  submit_async(
      *store_, basic(), [&done](Result<int64_t> id) { done.set_value(std::move(id)); }, clock_);
  auto id = done.get_future().get();
  ASSERT_TRUE(id);
  EXPECT_EQ(stored(*id).recipients.size(), 1u);  // visible once the callback ran
  std::promise<Result<int64_t>> refused;
  Submission bad = basic();
  bad.recipients.clear();
  submit_async(
      *store_, bad, [&refused](Result<int64_t> r) { refused.set_value(std::move(r)); }, clock_);
  EXPECT_FALSE(refused.get_future().get());
}

}  // namespace
}  // namespace heron::queue
