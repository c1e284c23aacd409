#include "app/ops.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <iostream>
#include <system_error>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

namespace heron::app {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using nlohmann::json;

QueueSummary summarize_queue(store::QueueStore& queue, int64_t now) {
  QueueSummary s;
  auto list = queue.list();
  if (!list) {
    s.error = list.error().message;
    return s;
  }
  int64_t oldest = 0;
  for (const store::QueuedMessage& m : *list) {
    ++s.messages;
    if (m.held) ++s.held;
    for (const auto& r : m.recipients) {
      if (r.state == store::RecipientState::queued) ++s.recipients;
    }
    if (oldest == 0 || m.arrival < oldest) oldest = m.arrival;
  }
  if (oldest != 0) s.oldest_age_seconds = std::max<int64_t>(0, now - oldest);
  return s;
}

uint64_t directory_bytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(
      dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

std::string status_json(const ServerStatus& status) {
  json doc;
  doc["version"] = status.version;
  doc["hostname"] = status.hostname;
  doc["uptime_seconds"] = status.uptime_seconds;
  doc["shutting_down"] = status.shutting_down;
  json listeners = json::array();
  uint64_t connections = 0;
  for (const auto& l : status.listeners) {
    listeners.push_back({{"name", l.name},
                         {"role", l.role},
                         {"address", l.address},
                         {"port", l.port},
                         {"connections", l.connections}});
    connections += l.connections;
  }
  doc["listeners"] = std::move(listeners);
  doc["connections"] = connections;
  json queue = {{"messages", status.queue.messages},
                {"recipients", status.queue.recipients},
                {"held", status.queue.held},
                {"oldest_age_seconds", status.queue.oldest_age_seconds}};
  if (!status.queue.error.empty()) queue["error"] = status.queue.error;
  doc["queue"] = std::move(queue);
  doc["store"] = {{"data_dir", status.data_dir}, {"bytes", status.store_bytes}};
  // Replace, not throw, on invalid UTF-8 (a listener name or path from the config).
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

std::string duration_text(int64_t seconds) {
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h{}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d{}h", seconds / 86400, seconds % 86400 / 3600);
}

std::string bytes_text(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace

std::string format_status(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return {};
  try {
    std::string out;
    out += fmt::format("heron {} on {}, up {}{}\n", doc.value("version", "?"),
                       doc.value("hostname", "?"), duration_text(doc.value("uptime_seconds", 0)),
                       doc.value("shutting_down", false) ? " (shutting down)" : "");
    out += fmt::format("connections: {}\n", doc.value("connections", 0));
    out += "listeners:\n";
    for (const auto& l : doc.value("listeners", json::array())) {
      out += fmt::format("  {:<14} {:<12} {}:{}  {} connections\n", l.value("name", ""),
                         l.value("role", ""), l.value("address", ""), l.value("port", 0),
                         l.value("connections", 0));
    }
    const json queue = doc.value("queue", json::object());
    if (queue.contains("error")) {
      out += fmt::format("queue: unreadable: {}\n", queue.value("error", ""));
    } else {
      out +=
          fmt::format("queue: {} messages, {} recipients to deliver, {} held, oldest {}\n",
                      queue.value("messages", 0), queue.value("recipients", 0),
                      queue.value("held", 0), duration_text(queue.value("oldest_age_seconds", 0)));
    }
    const json store = doc.value("store", json::object());
    out += fmt::format("store: {} in {}\n", bytes_text(store.value("bytes", uint64_t{0})),
                       store.value("data_dir", ""));
    return out;
  } catch (const json::exception&) {
    return {};
  }
}

int status(const config::Config& config, bool as_json) {
  if (!config.http.enabled) {
    std::cerr << "heron status: " << config.source.string()
              << " has no [http] table: the server has no status endpoint\n";
    return 2;
  }
  const std::string where = config.http.address + ":" + std::to_string(config.http.port);
  try {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.http.address), config.http.port);
    socket.connect(endpoint, ec);
    if (ec) {
      std::cerr << "heron status: cannot reach the server at " << where << " (" << ec.message()
                << "): is it running?\n";
      return 1;
    }
    // A server that accepts but never answers must not hang the command.
    timeval timeout{10, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/status", 11};
    req.set(bhttp::field::host, where);
    req.set(bhttp::field::connection, "close");
    bhttp::write(socket, req);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    if (res.result() != bhttp::status::ok) {
      std::cerr << "heron status: " << where << " answered " << res.result_int() << "\n";
      return 1;
    }
    if (as_json) {
      std::cout << res.body();
      return 0;
    }
    std::string text = format_status(res.body());
    if (text.empty()) {
      std::cerr << "heron status: " << where << " did not answer with a status document\n";
      return 1;
    }
    std::cout << text;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "heron status: " << where << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace heron::app
