// Organizational Domain lookup over the Public Suffix List. See org_domain.hpp.

#include "mailauth/dmarc/org_domain.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "mailauth/domain.hpp"

namespace heron::mailauth::dmarc {
namespace {

// Decodes well-formed UTF-8 (checked by the caller) into code points.
std::vector<uint32_t> code_points(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    uint32_t cp = b;
    if (b >= 0xf0) {
      len = 4;
      cp = b & 0x07;
    } else if (b >= 0xe0) {
      len = 3;
      cp = b & 0x0f;
    } else if (b >= 0xc0) {
      len = 2;
      cp = b & 0x1f;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

// RFC 3492 5: the bootstring parameters of punycode.
constexpr uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
constexpr uint32_t kInitialBias = 72, kInitialN = 128;

char digit(uint32_t d) {
  return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
}

// RFC 3492 6.1: bias adaptation.
uint32_t adapt(uint32_t delta, uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

// RFC 3492 6.3: the encoding procedure. Labels are at most 63 octets, so no overflow check is
// needed for the 32-bit arithmetic on inputs of list rules; longer input gives "".
std::string punycode(const std::vector<uint32_t>& input) {
  if (input.size() > 63) return {};
  std::string out;
  for (uint32_t c : input) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
  }
  const auto basic = static_cast<uint32_t>(out.size());
  uint32_t handled = basic;
  if (basic > 0) out.push_back('-');
  uint32_t n = kInitialN, delta = 0, bias = kInitialBias;
  while (handled < input.size()) {
    uint32_t m = UINT32_MAX;
    for (uint32_t c : input) {
      if (c >= n && c < m) m = c;
    }
    delta += (m - n) * (handled + 1);
    n = m;
    for (uint32_t c : input) {
      if (c < n) ++delta;
      if (c != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        const uint32_t t = k <= bias ? kTmin : (k >= bias + kTmax ? kTmax : k - bias);
        if (q < t) break;
        out.push_back(digit(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      out.push_back(digit(q));
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return out;
}

// The A-label form of a whole rule, "" if a label cannot be converted.
std::string to_a_labels(std::string_view rule) {
  std::string out;
  for (std::string_view label : str::split(rule, '.')) {
    const std::string a = to_a_label(label);
    if (a.empty()) return {};
    if (!out.empty()) out.push_back('.');
    out += a;
  }
  return out;
}

}  // namespace

std::string to_a_label(std::string_view label) {
  if (str::is_ascii(label)) return std::string(label);
  if (!str::is_valid_utf8(label)) return {};
  const std::string encoded = punycode(code_points(label));
  if (encoded.empty()) return {};
  return "xn--" + encoded;
}

void PublicSuffixList::add_rule(std::string_view rule) {
  auto insert = [this](std::string_view text) {
    if (text.empty()) return;
    std::string name = str::to_lower(text);
    if (name.starts_with("!")) {
      exceptions_.insert(name.substr(1));
    } else if (name.starts_with("*.")) {
      wildcards_.insert(name.substr(2));
    } else if (name != "*") {
      rules_.insert(std::move(name));
    }
  };
  insert(rule);
  if (!str::is_ascii(rule)) {
    // "!" and "*." are ASCII and survive the conversion label by label.
    insert(to_a_labels(rule));
  }
}

PublicSuffixList PublicSuffixList::parse(std::string_view text, Sections sections) {
  PublicSuffixList list;
  for (std::string_view line : str::split(text, '\n')) {
    line = str::trim(line);
    if (line.starts_with("//")) {
      if (sections == Sections::icann_only &&
          line.find("===BEGIN PRIVATE DOMAINS===") != std::string_view::npos) {
        break;
      }
      continue;
    }
    // Only the text up to the first blank is the rule (a CR of a CRLF line end is a blank).
    const size_t blank = line.find_first_of(" \t\r");
    if (blank != std::string_view::npos) line = line.substr(0, blank);
    if (!line.empty() && line.back() == '.') line.remove_suffix(1);
    list.add_rule(line);
  }
  return list;
}

Result<PublicSuffixList> PublicSuffixList::load(const std::string& path, Sections sections) {
  auto text = fs::read_file(path);
  if (!text) return make_error("public suffix list " + path + ": " + text.error().message);
  return parse(*text, sections);
}

const PublicSuffixList& PublicSuffixList::default_list() {
  // C++11 6.7: initialisation of a function-local static is thread-safe.
  static const PublicSuffixList list = [] {
    auto loaded = load(std::string(kDefaultPublicSuffixPath));
    if (!loaded) {
      log::warn("dmarc.psl.load_failed", {{"error", loaded.error().message}});
      return PublicSuffixList();
    }
    return std::move(*loaded);
  }();
  return list;
}

size_t PublicSuffixList::suffix_labels(const std::vector<std::string_view>& labels) const {
  const size_t n = labels.size();
  // suffix(i): labels i..n-1 joined with "." (a view into the normalised name).
  auto suffix = [&labels, n](size_t i) {
    const char* begin = labels[i].data();
    const char* end = labels[n - 1].data() + labels[n - 1].size();
    return std::string(begin, static_cast<size_t>(end - begin));
  };
  // An exception rule prevails over every other match: its parent is the public suffix.
  for (size_t i = 0; i < n; ++i) {
    if (exceptions_.contains(suffix(i))) return n - i - 1;
  }
  // Otherwise the matching rule with the most labels, longest first.
  for (size_t i = 0; i < n; ++i) {
    if (rules_.contains(suffix(i))) return n - i;
    if (i + 1 < n && wildcards_.contains(suffix(i + 1))) return n - i;
  }
  return 1;  // the implicit rule "*"
}

std::string PublicSuffixList::public_suffix(std::string_view domain) const {
  const std::string name = normalize_domain(domain);
  if (name.empty()) return {};
  const std::vector<std::string_view> labels = str::split(name, '.');
  const size_t keep = std::min(suffix_labels(labels), labels.size());
  if (keep == 0) return name;
  return std::string(
      name.substr(static_cast<size_t>(labels[labels.size() - keep].data() - name.data())));
}

std::string PublicSuffixList::organizational_domain(std::string_view domain) const {
  const std::string name = normalize_domain(domain);
  if (name.empty()) return {};
  const std::vector<std::string_view> labels = str::split(name, '.');
  // RFC 7489 3.2 step 4: the public suffix plus the label to its left.
  const size_t keep = suffix_labels(labels) + 1;
  if (keep >= labels.size()) return name;
  return std::string(
      name.substr(static_cast<size_t>(labels[labels.size() - keep].data() - name.data())));
}

}  // namespace heron::mailauth::dmarc
