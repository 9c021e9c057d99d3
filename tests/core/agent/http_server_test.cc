#include "core/agent/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"

namespace outpost {
namespace {

TEST(HttpServerTest, RoutesByPathAndMethod) {
  HttpServer s;
  s.Route("/-/healthy", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "ok\n"};
  });
  s.Route("/-/reload", {"GET", "POST"}, [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.method + "\n"};
  });
  s.Route("/integrations/", {"GET"}, [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.path + "?" + r.query};
  });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  ASSERT_GT(s.port(), 0);

  testing::HttpResult r = testing::HttpRequestTo(s.port(), "GET", "/-/healthy");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "POST", "/-/reload").body, "POST\n");
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "POST", "/-/healthy").status, 405);
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "GET", "/nope").status, 404);
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "GET", "/integrations/x/metrics?a=b").body,
            "/integrations/x/metrics?a=b");
  s.Stop();
}

TEST(HttpServerTest, PortInUseIsAOneLineError) {
  HttpServer a;
  ASSERT_TRUE(a.Start("127.0.0.1:0").ok());
  HttpServer b;
  const std::string addr = "127.0.0.1:" + std::to_string(a.port());
  absl::Status st = b.Start(addr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(std::string(st.message()), "listen on " + addr + ": address already in use");
}

TEST(HttpServerTest, BadAddress) {
  HttpServer s;
  absl::Status st = s.Start("localhost");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("invalid listen address \"localhost\""), std::string::npos);
}

TEST(HttpServerTest, SplitHostPort) {
  std::string h;
  int p;
  ASSERT_TRUE(SplitHostPort("127.0.0.1:12345", &h, &p));
  EXPECT_EQ(h, "127.0.0.1");
  EXPECT_EQ(p, 12345);
  ASSERT_TRUE(SplitHostPort("[::1]:80", &h, &p));
  EXPECT_EQ(h, "::1");
  ASSERT_TRUE(SplitHostPort(":9090", &h, &p));
  EXPECT_EQ(h, "");
  EXPECT_FALSE(SplitHostPort("host:99999", &h, &p));
  EXPECT_FALSE(SplitHostPort("host", &h, &p));
}

}  // namespace
}  // namespace outpost
