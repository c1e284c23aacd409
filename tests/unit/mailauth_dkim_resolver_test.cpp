// DKIM verification through the dns::Resolver seam (the coroutine the MX will call): the key
// name asked for, one query per evaluable signature, and DNS failures as temperror.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "mailauth/dkim/canon.hpp"
#include "mailauth/dkim/verify.hpp"

namespace heron::mailauth::dkim {
namespace {

namespace asio = boost::asio;
using Address = asio::ip::address;

// TXT answers from a map; anything else is NXDOMAIN.
class TxtResolver final : public dns::Resolver {
 public:
  std::map<std::string, dns::Answer<std::string>> txt_answers;
  std::vector<std::string> asked;

  template <class T>
  static dns::Answer<T> nx() {
    dns::Answer<T> a;
    a.status = dns::Status::nxdomain;
    return a;
  }
  asio::awaitable<dns::Answer<std::string>> txt(std::string name) override {
    asked.push_back(name);
    auto it = txt_answers.find(name);
    co_return it == txt_answers.end() ? nx<std::string>() : it->second;
  }
  asio::awaitable<dns::Answer<dns::MxRecord>> mx(std::string) override {
    co_return nx<dns::MxRecord>();
  }
  asio::awaitable<dns::Answer<Address>> a(std::string) override { co_return nx<Address>(); }
  asio::awaitable<dns::Answer<Address>> aaaa(std::string) override { co_return nx<Address>(); }
  asio::awaitable<dns::Answer<std::string>> ptr(Address) override { co_return nx<std::string>(); }
  asio::awaitable<dns::Answer<dns::TlsaRecord>> tlsa(std::string) override {
    co_return nx<dns::TlsaRecord>();
  }
  asio::awaitable<dns::Answer<std::string>> cname(std::string) override {
    co_return nx<std::string>();
  }
};

dns::Answer<std::string> txt(std::string record) {
  dns::Answer<std::string> a;
  a.status = dns::Status::ok;
  a.records.push_back(std::move(record));
  return a;
}

std::string signed_eml() {
  std::ifstream in(std::filesystem::path(HERON_TESTDATA_DIR) / "dkim/rfc8463-appendix-a/signed.eml",
                   std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return to_crlf(buffer.str());
}

std::vector<SignatureResult> run(const std::string& message, TxtResolver& resolver) {
  asio::io_context io;
  auto future = asio::co_spawn(io, verify(message, resolver, 1700000000), asio::use_future);
  io.run();
  return future.get();
}

TEST(DkimResolver, VerifiesThroughTheResolver) {
  TxtResolver resolver;
  resolver.txt_answers["brisbane._domainkey.football.example.com"] =
      txt("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  dns::Answer<std::string> servfail;
  servfail.status = dns::Status::temp_fail;
  resolver.txt_answers["test._domainkey.football.example.com"] = servfail;
  const auto results = run(signed_eml(), resolver);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, Status::pass) << results[0].reason;
  EXPECT_EQ(results[1].status, Status::temperror);
  EXPECT_EQ(resolver.asked, (std::vector<std::string>{"brisbane._domainkey.football.example.com",
                                                      "test._domainkey.football.example.com"}));
}

TEST(DkimResolver, MalformedSignaturesAreNotLookedUp) {
  TxtResolver resolver;
  const std::string message =
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; b=AAAA\r\nFrom: a@b\r\n\r\nhi\r\n";
  const auto results = run(message, resolver);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::permerror);
  EXPECT_TRUE(resolver.asked.empty());
}

}  // namespace
}  // namespace heron::mailauth::dkim
