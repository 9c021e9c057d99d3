// http_sd_configs against a real HTTP server on loopback: the request
// upstream sends, the answers it accepts and rejects, and targets that come
// and go through the scrape manager (with staleness markers and the
// prometheus_sd_* / prometheus_target_* self-metrics).
#include "core/scrape/http_sd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/agent/http_server.h"
#include "core/base/memory_sink.h"
#include "core/scrape/scrape_manager.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace outpost::scrape {
namespace {

using ::testing::HasSubstr;

class HttpSdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/sd", {"GET"}, [this](const HttpRequest& r) {
      std::lock_guard<std::mutex> l(mu_);
      last_ = r;
      return HttpResponse{status_, content_type_, body_};
    });
    server_.Route("/metrics", {"GET"}, [](const HttpRequest&) {
      return HttpResponse{200, "text/plain; version=0.0.4", "hits_total 5\n"};
    });
    ASSERT_TRUE(server_.Start("127.0.0.1:0").ok());
    addr_ = absl::StrCat("127.0.0.1:", server_.port());
    url_ = absl::StrCat("http://", addr_, "/sd");
  }
  void Serve(int status, std::string content_type, std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    status_ = status;
    content_type_ = std::move(content_type);
    body_ = std::move(body);
  }
  template <typename P>
  bool WaitFor(P pred) {
    for (int i = 0; i < 200; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  HttpServer server_;
  std::string addr_, url_;
  std::mutex mu_;
  HttpRequest last_;
  int status_ = 200;
  std::string content_type_ = "application/json";
  std::string body_ = "[]";
};

TEST(HttpSdContentTypeTest, AsUpstreamsMatchContentType) {
  EXPECT_TRUE(IsHttpSdContentType("application/json"));
  EXPECT_TRUE(IsHttpSdContentType(" Application/JSON "));
  EXPECT_TRUE(IsHttpSdContentType("application/json; charset=utf-8"));
  EXPECT_TRUE(IsHttpSdContentType("application/json;charset=\"UTF-8\""));
  EXPECT_FALSE(IsHttpSdContentType(""));
  EXPECT_FALSE(IsHttpSdContentType("text/plain"));
  EXPECT_FALSE(IsHttpSdContentType("application/jsonx"));
  EXPECT_FALSE(IsHttpSdContentType("application/json; charset=latin1"));
}

TEST_F(HttpSdTest, FetchesTargetGroupsWithMetaUrl) {
  Serve(200, "application/json; charset=utf-8",
        absl::StrCat(R"([{"targets": [")", addr_, R"(", "b:9"], "labels": {"env": "prod"}}])"));
  config::HttpSdConfig c;
  c.url = url_;
  c.refresh_interval = absl::Seconds(30);
  HttpSd sd(c, nullptr);
  absl::StatusOr<std::vector<Labels>> got = sd.Fetch();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].ToString(), absl::StrCat("{__address__=\"", addr_,
                                               "\", __meta_url=\"", url_, "\", env=\"prod\"}"));
  std::lock_guard<std::mutex> l(mu_);
  EXPECT_EQ(last_.headers["accept"], "application/json");
  EXPECT_EQ(last_.headers["x-prometheus-refresh-interval-seconds"], "30");
}

TEST_F(HttpSdTest, BadAnswersFailAndCount) {
  config::HttpSdConfig c;
  c.url = url_;
  prometheus::Registry reg;
  ScrapeMetrics m(reg);
  HttpSd sd(c, &m);
  Serve(200, "text/plain", "[]");
  EXPECT_EQ(sd.Fetch().status().message(), "unsupported content type \"text/plain\"");
  Serve(500, "application/json", "[]");
  EXPECT_EQ(sd.Fetch().status().message(), "server returned HTTP status 500");
  Serve(200, "application/json", "{\"targets\": []}");
  EXPECT_THAT(sd.Fetch().status().message(), HasSubstr("expected a list of target groups"));
  EXPECT_EQ(m.sd_http_failures.Value(), 3);
  Serve(200, "application/json", "[]");
  EXPECT_TRUE(sd.Fetch().ok());
  EXPECT_EQ(m.sd_http_failures.Value(), 3);
}

TEST_F(HttpSdTest, TargetsComeAndGoThroughTheManager) {
  Serve(200, "application/json", absl::StrCat(R"([{"targets": [")", addr_, R"("]}])"));
  auto sink = std::make_shared<MemorySink>();
  prometheus::Registry reg;
  ScrapeMetrics metrics(reg);
  ScrapeManager mgr("default", sink, {}, &metrics);
  config::ScrapeConfig c;
  c.job_name = "viahttp";
  c.scrape_interval = absl::Milliseconds(200);
  c.scrape_timeout = absl::Milliseconds(150);
  config::HttpSdConfig h;
  h.url = url_;
  h.refresh_interval = absl::Milliseconds(200);
  c.http_sd_configs = {h};
  mgr.ApplyConfig({c});
  auto up = [&] {
    auto f = sink->Find(Labels{{"__name__", "up"}, {"instance", addr_}});
    return f.empty() ? std::vector<MemorySink::Point>{} : f.front().second;
  };
  ASSERT_TRUE(WaitFor([&] { return up().size() >= 2; }));
  EXPECT_EQ(up().back().value, 1.0);
  ASSERT_EQ(mgr.Targets().size(), 1u);
  EXPECT_EQ(mgr.Targets()[0].target.discovered.Get("__meta_url"), url_);

  std::string text = prometheus::TextSerializer().Serialize(reg.Collect());
  EXPECT_THAT(text, HasSubstr("prometheus_sd_discovered_targets{config=\"viahttp\","
                              "instance_name=\"default\",name=\"scrape\"} 1"));
  EXPECT_THAT(text, HasSubstr("prometheus_target_scrape_pool_targets{instance_name=\"default\","
                              "scrape_job=\"viahttp\"} 1"));
  EXPECT_THAT(text, HasSubstr("prometheus_target_scrape_pools_total 1"));
  EXPECT_THAT(text, HasSubstr("prometheus_target_interval_length_seconds_count{interval=\"200ms\"}"));

  // The SD server drops the target: its series go stale.
  Serve(200, "application/json", "[]");
  ASSERT_TRUE(WaitFor([&] { return IsStaleNaN(up().back().value); }));
  EXPECT_TRUE(mgr.Targets().empty());
  mgr.Stop();
}

}  // namespace
}  // namespace outpost::scrape
