#include "core/scrape/http_scraper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "core/agent/http_server.h"

namespace outpost::scrape {
namespace {

using ::testing::HasSubstr;

class HttpScraperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/metrics", {"GET"}, [this](const HttpRequest& r) {
      std::lock_guard<std::mutex> l(mu_);
      last_ = r;
      return HttpResponse{200, "application/openmetrics-text; version=1.0.0", "a 1\n# EOF\n"};
    });
    server_.Route("/big", {"GET"}, [](const HttpRequest&) {
      return HttpResponse{200, "text/plain", std::string(100000, '#')};
    });
    server_.Route("/fail", {"GET"}, [](const HttpRequest&) {
      return HttpResponse{503, "text/plain", "down"};
    });
    ASSERT_TRUE(server_.Start("127.0.0.1:0").ok());
    base_ = absl::StrCat("http://127.0.0.1:", server_.port());
  }
  HttpRequest Last() {
    std::lock_guard<std::mutex> l(mu_);
    return last_;
  }
  HttpServer server_;
  std::string base_;
  std::mutex mu_;
  HttpRequest last_;
};

TEST_F(HttpScraperTest, GetsBodyWithPrometheusHeaders) {
  config::HttpClientConfig h;
  config::Authorization a;
  a.credentials = config::Secret("tok");
  h.authorization = a;
  HttpScraper s(h, 0);
  std::string body, ct;
  ASSERT_TRUE(s.Scrape(base_ + "/metrics?x=1", absl::Seconds(5), &body, &ct).ok());
  EXPECT_EQ(body, "a 1\n# EOF\n");
  EXPECT_EQ(ct, "application/openmetrics-text; version=1.0.0");
  HttpRequest r = Last();
  EXPECT_EQ(r.query, "x=1");
  EXPECT_EQ(r.headers["accept"], kScrapeAccept);
  EXPECT_EQ(r.headers["x-prometheus-scrape-timeout-seconds"], "5");
  EXPECT_EQ(r.headers["authorization"], "Bearer tok");
  EXPECT_THAT(r.headers["accept-encoding"], HasSubstr("gzip"));
  // The connection is reused and the scraper works again.
  ASSERT_TRUE(s.Scrape(base_ + "/metrics", absl::Seconds(5), &body, &ct).ok());
}

TEST_F(HttpScraperTest, Errors) {
  HttpScraper s(config::HttpClientConfig{}, 1000);
  std::string body, ct;
  absl::Status st = s.Scrape(base_ + "/fail", absl::Seconds(5), &body, &ct);
  EXPECT_EQ(st.message(), "server returned HTTP status 503");
  st = s.Scrape(base_ + "/big", absl::Seconds(5), &body, &ct);
  EXPECT_EQ(st.message(), "body size limit exceeded (limit: 1000 bytes)");
  st = s.Scrape("http://127.0.0.1:1/metrics", absl::Seconds(5), &body, &ct);
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  config::HttpClientConfig basic;
  basic.basic_auth = config::BasicAuth{"u", config::Secret{}, "/nonexistent/pw"};
  HttpScraper b(basic, 0);
  EXPECT_EQ(b.Scrape(base_ + "/metrics", absl::Seconds(5), &body, &ct).message(),
            "unable to read file /nonexistent/pw");
}

}  // namespace
}  // namespace outpost::scrape
