// server/http: the routing of the operator endpoint (respond(), no I/O).

#include <gtest/gtest.h>

#include "base/metrics.hpp"
#include "server/http/server.hpp"

namespace heron::server::http {
namespace {

Handlers handlers() {
  Handlers h;
  h.metrics = [] { return std::string("heron_x_total 1\n"); };
  h.status = [] { return std::string("{\"version\":\"1\"}\n"); };
  return h;
}

TEST(ServerHttp, MetricsAreTextFormat004) {
  auto r = respond("GET", "/metrics", handlers());
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "heron_x_total 1\n");
  // A scraper's query string does not change the answer.
  EXPECT_EQ(respond("GET", "/metrics?x=1", handlers()).body, "heron_x_total 1\n");
}

TEST(ServerHttp, MetricsDefaultToTheRegistry) {
  metrics::inc("heron_test_http_default_total");
  auto r = respond("GET", "/metrics", Handlers{});
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("heron_test_http_default_total 1\n"), std::string::npos);
}

TEST(ServerHttp, HealthzAndStatus) {
  auto health = respond("GET", "/healthz", handlers());
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.body, "ok\n");
  auto status = respond("HEAD", "/status", handlers());
  EXPECT_EQ(status.status, 200u);
  EXPECT_EQ(status.content_type, "application/json");
  EXPECT_EQ(status.body, "{\"version\":\"1\"}\n");  // the session drops it for HEAD
  EXPECT_EQ(respond("GET", "/status", Handlers{}).status, 404u);
}

TEST(ServerHttp, UnknownPathsAndMethods) {
  EXPECT_EQ(respond("GET", "/", handlers()).status, 404u);
  EXPECT_EQ(respond("GET", "/metrics/", handlers()).status, 404u);
  EXPECT_EQ(respond("GET", "../metrics", handlers()).status, 404u);
  EXPECT_EQ(respond("POST", "/metrics", handlers()).status, 405u);
  EXPECT_EQ(respond("DELETE", "/healthz", handlers()).status, 405u);
  EXPECT_EQ(respond("get", "/healthz", handlers()).status, 405u);  // methods are case-sensitive
}

}  // namespace
}  // namespace heron::server::http
