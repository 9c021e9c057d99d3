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
    server_.Route("/lines", {"GET"}, [](const HttpRequest&) {
      std::string body;
      for (int i = 0; i < 20000; ++i) absl::StrAppend(&body, "series_", i, " ", i, "\n");
      return HttpResponse{200, "text/plain; version=0.0.4", body};
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

// The body handed over piece by piece as it arrives (the scrape loop's
// way): the pieces make the body, the Content-Type is known at the first,
// an error answer's body is not handed over, and the reader can stop.
TEST_F(HttpScraperTest, StreamsTheBodyInPieces) {
  HttpScraper s(config::HttpClientConfig{}, 0);
  std::string ct, got, ct_at_first;
  int pieces = 0;
  ASSERT_TRUE(s.Scrape(base_ + "/lines", absl::Seconds(5),
                       [&](std::string_view piece) {
                         if (pieces++ == 0) ct_at_first = ct;
                         got.append(piece);
                         return true;
                       },
                       &ct)
                  .ok());
  std::string body, ct2;
  ASSERT_TRUE(s.Scrape(base_ + "/lines", absl::Seconds(5), &body, &ct2).ok());
  EXPECT_EQ(got, body);
  EXPECT_GT(body.size(), 200000u);
  EXPECT_GT(pieces, 1);
  EXPECT_EQ(ct_at_first, "text/plain; version=0.0.4");

  pieces = 0;
  absl::Status st = s.Scrape(base_ + "/fail", absl::Seconds(5),
                             [&](std::string_view) { return ++pieces > 0; }, &ct);
  EXPECT_EQ(st.message(), "server returned HTTP status 503");
  EXPECT_EQ(pieces, 0);

  st = s.Scrape(base_ + "/lines", absl::Seconds(5),
                [&](std::string_view) { return ++pieces < 1; }, &ct);
  EXPECT_TRUE(absl::IsCancelled(st)) << st;
  EXPECT_EQ(pieces, 1);
  // The scraper works again after a stopped transfer.
  EXPECT_TRUE(s.Scrape(base_ + "/lines", absl::Seconds(5), &body, &ct).ok());
}

}  // namespace
}  // namespace outpost::scrape
