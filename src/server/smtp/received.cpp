#include "server/smtp/received.hpp"

#include "base/clock.hpp"

namespace heron::server::smtp {
namespace {

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool ok = c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\' && c != ';';
    out += ok ? static_cast<char>(c) : '_';
  }
  return out.empty() ? std::string("unknown") : out;
}

}  // namespace

std::string received_header(const ReceivedInfo& info) {
  std::string h = "Received:";
  if (!info.hide_client) {
    h += " from ";
    h += printable(info.helo);
    h += " (";
    if (!info.client_host.empty()) {
      h += info.client_host;
      h += ' ';
    }
    h += '[';
    h += info.client_ip;
    h += "])\r\n\t";
  } else {
    h += ' ';
  }
  h += "by ";
  h += info.by_host;
  h += " (Heron) with ";
  h += info.protocol;
  h += " id ";
  h += info.id;
  if (!info.auth_user.empty()) {
    h += "\r\n\t(Authenticated sender: ";
    h += printable(info.auth_user);
    h += ')';
  }
  if (!info.tls.empty()) {
    h += "\r\n\t(";
    h += info.tls;
    h += ')';
  }
  if (!info.for_recipient.empty()) {
    h += "\r\n\tfor <";
    h += info.for_recipient;
    h += '>';
  }
  h += ";\r\n\t";
  h += rfc5322_date(info.unix_time);
  h += "\r\n";
  return h;
}

}  // namespace heron::server::smtp
