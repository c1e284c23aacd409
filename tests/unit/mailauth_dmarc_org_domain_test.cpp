// Organizational Domains (RFC 7489 3.2) from the Public Suffix List, and the punycode needed
// to match its internationalised rules (RFC 3492).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "mailauth/dmarc/org_domain.hpp"

namespace heron::mailauth::dmarc {
namespace {

constexpr std::string_view kSmallList = R"(// A test list in the PSL format.
// ===BEGIN ICANN DOMAINS===
com
uk
co.uk
jp
kawasaki.jp
*.kawasaki.jp
!city.kawasaki.jp
*.ck
!www.ck
cn
公司.cn
NET   trailing text is ignored
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
blogspot.com
// ===END PRIVATE DOMAINS===
)";

TEST(DmarcOrgDomain, PunycodeLabels) {
  EXPECT_EQ(to_a_label("example"), "example");
  EXPECT_EQ(to_a_label("münchen"), "xn--mnchen-3ya");
  EXPECT_EQ(to_a_label("bücher"), "xn--bcher-kva");
  EXPECT_EQ(to_a_label("公司"), "xn--55qx5d");
  EXPECT_EQ(to_a_label("食狮"), "xn--85x722f");
  EXPECT_EQ(to_a_label("网络"), "xn--io0a7i");
  EXPECT_EQ(to_a_label("\xff\xfe"), "");  // not UTF-8
}

TEST(DmarcOrgDomain, SmallList) {
  const PublicSuffixList psl = PublicSuffixList::parse(kSmallList);
  EXPECT_EQ(psl.organizational_domain("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.organizational_domain("example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.organizational_domain("a.b.example.com"), "example.com");
  EXPECT_EQ(psl.organizational_domain("Mail.Example.COM."), "example.com");
  EXPECT_EQ(psl.organizational_domain("example.net"), "example.net");  // "NET" lowercased
  // Wildcard: any label under kawasaki.jp is a public suffix...
  EXPECT_EQ(psl.public_suffix("www.foo.kawasaki.jp"), "foo.kawasaki.jp");
  EXPECT_EQ(psl.organizational_domain("www.foo.kawasaki.jp"), "www.foo.kawasaki.jp");
  EXPECT_EQ(psl.organizational_domain("a.www.foo.kawasaki.jp"), "www.foo.kawasaki.jp");
  // ... except city.kawasaki.jp, which is registrable itself.
  EXPECT_EQ(psl.public_suffix("city.kawasaki.jp"), "kawasaki.jp");
  EXPECT_EQ(psl.organizational_domain("city.kawasaki.jp"), "city.kawasaki.jp");
  EXPECT_EQ(psl.organizational_domain("www.city.kawasaki.jp"), "city.kawasaki.jp");
  EXPECT_EQ(psl.organizational_domain("www.www.ck"), "www.ck");
  EXPECT_EQ(psl.organizational_domain("a.b.test.ck"), "b.test.ck");
  // The private section counts by default.
  EXPECT_EQ(psl.organizational_domain("me.blogspot.com"), "me.blogspot.com");
  // Unknown TLD: the implicit "*" rule, the last two labels.
  EXPECT_EQ(psl.organizational_domain("a.b.example.invalid"), "example.invalid");
  // A public suffix or a single label is its own Organizational Domain.
  EXPECT_EQ(psl.organizational_domain("co.uk"), "co.uk");
  EXPECT_EQ(psl.organizational_domain("localhost"), "localhost");
  EXPECT_EQ(psl.organizational_domain(""), "");
  // IDN rules match in UTF-8 and in A-label form.
  EXPECT_EQ(psl.organizational_domain("www.食狮.公司.cn"), "食狮.公司.cn");
  EXPECT_EQ(psl.organizational_domain("www.xn--85x722f.xn--55qx5d.cn"),
            "xn--85x722f.xn--55qx5d.cn");
  EXPECT_EQ(psl.public_suffix("xn--55qx5d.cn"), "xn--55qx5d.cn");
}

TEST(DmarcOrgDomain, IcannOnly) {
  const PublicSuffixList psl =
      PublicSuffixList::parse(kSmallList, PublicSuffixList::Sections::icann_only);
  EXPECT_EQ(psl.organizational_domain("me.blogspot.com"), "blogspot.com");
  EXPECT_EQ(psl.organizational_domain("www.example.co.uk"), "example.co.uk");
}

TEST(DmarcOrgDomain, EmptyListUsesTheImplicitRule) {
  const PublicSuffixList psl;
  EXPECT_EQ(psl.rule_count(), 0u);
  EXPECT_EQ(psl.organizational_domain("www.example.co.uk"), "co.uk");
  EXPECT_EQ(psl.organizational_domain("example.com"), "example.com");
}

TEST(DmarcOrgDomain, LoadFromPath) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("heron-psl-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << "// list\r\ncom\r\nco.uk\r\n";  // CRLF line ends are accepted
  }
  auto loaded = PublicSuffixList::load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->rule_count(), 2u);
  EXPECT_EQ(loaded->organizational_domain("a.example.co.uk"), "example.co.uk");
  EXPECT_FALSE(PublicSuffixList::load("/nonexistent/heron/psl.dat").ok());
}

// The test vectors of the PSL project (tests/test_psl.txt, checkPublicSuffix), against the
// Debian list. The expected value is the registrable domain, or "" where the PSL test says
// null (the domain is a public suffix): organizational_domain() then gives the domain itself.
TEST(DmarcOrgDomain, PslTestVectorsOnTheDebianList) {
  if (!std::filesystem::exists(kDefaultPublicSuffixPath)) {
    GTEST_SKIP() << "publicsuffix package not installed";
  }
  const PublicSuffixList& psl = PublicSuffixList::default_list();
  EXPECT_GT(psl.rule_count(), 5000u);
  EXPECT_EQ(&psl, &PublicSuffixList::default_list());  // loaded once
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"COM", ""},
      {"example.COM", "example.com"},
      {"WwW.example.COM", "example.com"},
      {"example.com", "example.com"},
      {"a.example.com", "example.com"},
      {"a.b.example.com", "example.com"},
      {"uk.com", ""},
      {"example.uk.com", "example.uk.com"},
      {"b.example.uk.com", "example.uk.com"},
      {"a.b.example.uk.com", "example.uk.com"},
      {"test.ac", "test.ac"},
      {"mm", ""},
      {"c.mm", ""},
      {"b.c.mm", "b.c.mm"},
      {"a.b.c.mm", "b.c.mm"},
      {"jp", ""},
      {"test.jp", "test.jp"},
      {"www.test.jp", "test.jp"},
      {"ac.jp", ""},
      {"test.ac.jp", "test.ac.jp"},
      {"www.test.ac.jp", "test.ac.jp"},
      {"kyoto.jp", ""},
      {"test.kyoto.jp", "test.kyoto.jp"},
      {"ide.kyoto.jp", ""},
      {"b.ide.kyoto.jp", "b.ide.kyoto.jp"},
      {"a.b.ide.kyoto.jp", "b.ide.kyoto.jp"},
      {"c.kobe.jp", ""},
      {"b.c.kobe.jp", "b.c.kobe.jp"},
      {"a.b.c.kobe.jp", "b.c.kobe.jp"},
      {"city.kobe.jp", "city.kobe.jp"},
      {"www.city.kobe.jp", "city.kobe.jp"},
      {"ck", ""},
      {"test.ck", ""},
      {"b.test.ck", "b.test.ck"},
      {"a.b.test.ck", "b.test.ck"},
      {"www.ck", "www.ck"},
      {"www.www.ck", "www.ck"},
      {"us", ""},
      {"test.us", "test.us"},
      {"www.test.us", "test.us"},
      {"ak.us", ""},
      {"test.ak.us", "test.ak.us"},
      {"www.test.ak.us", "test.ak.us"},
      {"k12.ak.us", ""},
      {"test.k12.ak.us", "test.k12.ak.us"},
      {"www.test.k12.ak.us", "test.k12.ak.us"},
      {"食狮.com.cn", "食狮.com.cn"},
      {"食狮.公司.cn", "食狮.公司.cn"},
      {"www.食狮.公司.cn", "食狮.公司.cn"},
      {"shishi.公司.cn", "shishi.公司.cn"},
      {"公司.cn", ""},
      {"xn--85x722f.com.cn", "xn--85x722f.com.cn"},
      {"xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
      {"www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
      {"shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"},
      {"xn--55qx5d.cn", ""},
      {"example", ""},
      {"example.example", "example.example"},
      {"b.example.example", "example.example"},
      {"a.b.example.example", "example.example"},
  };
  for (const auto& [domain, registrable] : vectors) {
    const std::string expected =
        registrable.empty() ? std::string(domain) : std::string(registrable);
    std::string lower(domain);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(psl.organizational_domain(domain), registrable.empty() ? lower : expected) << domain;
    if (registrable.empty()) {
      EXPECT_EQ(psl.public_suffix(domain), lower) << domain;
    }
  }
}

}  // namespace
}  // namespace heron::mailauth::dmarc
