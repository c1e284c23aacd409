#include "server/http/server.hpp"

#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::server::http {

Response respond(std::string_view method, std::string_view target, const Handlers& handlers) {
  // RFC 9110 9.3.2: HEAD answers like GET without the body (the session drops it).
  if (method != "GET" && method != "HEAD") {
    return {405, "text/plain; charset=utf-8", "method not allowed\n"};
  }
  // The query string does not select anything here (a scraper may add one).
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/metrics") {
    std::string body = handlers.metrics ? handlers.metrics() : metrics::render_prometheus();
    return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)};
  }
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/status") {
    if (!handlers.status) return {404, "text/plain; charset=utf-8", "not found\n"};
    return {200, "application/json", handlers.status()};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

}  // namespace heron::server::http
