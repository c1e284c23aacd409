// The OpenSPF RFC 7208 test suite (pyspf's rfc7208-tests.yml, release 2014.04), converted to
// JSON by tools/spf_tests_to_json.py and kept in tests/data/shared/spf/pyspf with its
// license. Each scenario's zone data feeds a FakeResolver; each case checks MAIL FROM (or
// HELO, for the null path) and compares the result, and the explanation where the case gives
// one.
//
// How the suite's zone data is read, as its own header asks of drivers: type SPF is no longer
// queried (RFC 7208 3.1), so an SPF record stands for a TXT record at a name that has no TXT
// records ("TXT: NONE" says there is none, and stops that copy); TIMEOUT makes every query at
// the name for a type it has no record of time out (temp_fail); a TXT or SPF value
// written as a list is several character-strings, concatenated (3.3). "DEFAULT" as the
// explanation means the implementation's own: we give none.

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mailauth/spf/check.hpp"
#include "support/fake_resolver.hpp"
#include "support/run_sync.hpp"

namespace heron::mailauth::spf {
namespace {

using nlohmann::json;

// Cases allowed to fail, each with the reason. Keep empty unless a case is wrong or we
// disagree with it on purpose.
const std::set<std::string> kKnownFailures = {};

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string out;  // a list of character-strings
  for (const json& part : value) out += part.get<std::string>();
  return out;
}

void load_zone(const json& zonedata, test::FakeResolver& dns) {
  using Type = test::FakeResolver::Type;
  for (const auto& [name, records] : zonedata.items()) {
    bool has_txt = false;  // "TXT: NONE" counts: it stops the SPF -> TXT copy
    bool timeout = false;
    std::set<Type> present;
    for (const json& r : records) {
      if (r.is_object() && r.contains("TXT")) has_txt = true;
      if (r.is_string()) {
        ASSERT_EQ(r.get<std::string>(), "TIMEOUT") << name;
        timeout = true;
      }
    }
    for (const json& r : records) {
      if (r.is_string()) continue;
      for (const auto& [type, value] : r.items()) {
        if (type == "TXT" && value.is_string() && value.get<std::string>() == "NONE") {
          // no TXT record at all
        } else if (type == "TXT" || (type == "SPF" && !has_txt)) {
          dns.add_txt(name, text_of(value));
          present.insert(Type::txt);
        } else if (type == "SPF") {
          // ignored: a TXT record exists at the name
        } else if (type == "A" || type == "AAAA") {
          dns.add_address(name, value.get<std::string>());
          present.insert(type == "A" ? Type::a : Type::aaaa);
        } else if (type == "MX") {
          dns.add_mx(name, value[0].get<uint16_t>(), value[1].get<std::string>());
          present.insert(Type::mx);
        } else if (type == "PTR") {
          dns.add_ptr(name, value.get<std::string>());
          present.insert(Type::ptr);
        } else if (type == "CNAME") {
          dns.add_cname(name, value.get<std::string>());
          present.insert(Type::cname);
        } else {
          FAIL() << "unknown record type " << type << " at " << name;
        }
      }
    }
    // TIMEOUT: a query at the name for a type with no record times out (spftimeout: the TXT
    // record is there, the SPF-type query timed out).
    if (timeout) {
      for (Type t :
           {Type::txt, Type::mx, Type::a, Type::aaaa, Type::ptr, Type::tlsa, Type::cname}) {
        if (present.count(t) == 0) dns.fail(name, t, dns::Status::temp_fail);
      }
    }
  }
}

bool expected(const json& result, std::string_view got) {
  if (result.is_string()) return result.get<std::string>() == got;
  for (const json& r : result) {
    if (r.get<std::string>() == got) return true;
  }
  return false;
}

TEST(SpfSuite, Rfc7208TestSuite) {
  const std::string path = std::string(HERON_TESTDATA_DIR) + "/spf/pyspf/rfc7208-tests.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const json suite = json::parse(in);
  ASSERT_EQ(suite.size(), 16u);

  int total = 0;
  int passed = 0;
  std::set<std::string> failed;
  for (const json& scenario : suite) {
    for (const auto& [name, t] : scenario["tests"].items()) {
      ++total;
      test::FakeResolver dns;
      load_zone(scenario["zonedata"], dns);
      Check check;
      check.ip = boost::asio::ip::make_address(t["host"].get<std::string>());
      check.helo = t["helo"].get<std::string>();
      check.mail_from = t["mailfrom"].get<std::string>();
      check.receiver = "receiver.example.org";
      const Outcome out = test::run_sync(check_mail_from(dns, check));
      std::string why;
      if (!expected(t["result"], verdict_name(out.verdict))) {
        why = "result " + std::string(verdict_name(out.verdict)) + ", expected " +
              t["result"].dump() + " (" + out.problem + ")";
      } else if (t.contains("explanation")) {
        const std::string want = t["explanation"].get<std::string>();
        const std::string have = want == "DEFAULT" ? std::string() : want;
        if (out.explanation != have) {
          why = "explanation '" + out.explanation + "', expected '" + want + "'";
        }
      }
      if (why.empty()) {
        ++passed;
        EXPECT_EQ(kKnownFailures.count(name), 0u) << name << " passes now: drop it from the list";
        continue;
      }
      failed.insert(name);
      if (kKnownFailures.count(name) == 0) {
        ADD_FAILURE() << scenario["description"].get<std::string>() << " / " << name << ": " << why;
      }
    }
  }
  std::cout << "[ SPF suite ] " << passed << " of " << total << " cases pass\n";
  EXPECT_EQ(total, 203);
}

}  // namespace
}  // namespace heron::mailauth::spf
