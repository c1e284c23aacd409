#include "proto/sasl/plain.hpp"

#include "base/base64.hpp"
#include "base/strings.hpp"

namespace heron::sasl {

ClientResponse decode_response(std::string_view line, bool initial) {
  ClientResponse r;
  if (line == "*") {
    r.status = ClientResponse::Status::cancelled;
    return r;
  }
  if (initial && line == "=") {
    r.status = ClientResponse::Status::data;  // RFC 5034 4: a zero-length initial response
    return r;
  }
  if (line.size() > kMaxResponseLine) return r;
  auto bytes = base64::decode(line);
  if (!bytes) return r;
  r.status = ClientResponse::Status::data;
  r.data = std::move(*bytes);
  return r;
}

PlainResult parse_plain(std::string_view message) {
  PlainResult r;
  // message = [authzid] UTF8NUL authcid UTF8NUL passwd: exactly two NULs.
  const size_t first = message.find('\0');
  if (first == std::string_view::npos) {
    r.reason = "no NUL separator";
    return r;
  }
  const size_t second = message.find('\0', first + 1);
  if (second == std::string_view::npos) {
    r.reason = "one NUL separator";
    return r;
  }
  if (message.find('\0', second + 1) != std::string_view::npos) {
    r.reason = "more than two NUL separators";
    return r;
  }
  std::string_view authzid = message.substr(0, first);
  std::string_view authcid = message.substr(first + 1, second - first - 1);
  std::string_view password = message.substr(second + 1);
  if (authzid.size() > kMaxPlainField || authcid.size() > kMaxPlainField ||
      password.size() > kMaxPlainField) {
    r.status = PlainResult::Status::too_long;
    r.reason = "a field over 255 octets";
    return r;
  }
  if (authcid.empty() || password.empty()) {
    r.reason = "empty authcid or password";
    return r;
  }
  if (!str::is_valid_utf8(authzid) || !str::is_valid_utf8(authcid) ||
      !str::is_valid_utf8(password)) {
    r.reason = "not UTF-8";
    return r;
  }
  // Addresses compare case-insensitively (store/directory.hpp), so "Bob@x" may act as "bob@x".
  if (!authzid.empty() && !str::iequals(authzid, authcid)) {
    r.status = PlainResult::Status::authzid_refused;
    r.reason = "authzid differs from authcid";
    return r;
  }
  r.status = PlainResult::Status::ok;
  r.credentials.authzid = std::string(authzid);
  r.credentials.authcid = std::string(authcid);
  r.credentials.password = std::string(password);
  return r;
}

}  // namespace heron::sasl
