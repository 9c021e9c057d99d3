// LokiClient against a small civetweb push receiver on loopback that
// answers by script and decodes with the test's own reader (mini_proto.h).
#include "logs/loki_client.h"

#include <CivetServer.h>
#include <strings.h>

#include <atomic>
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "snappy.h"
#include "tests/logs/client/mini_proto.h"
#include "tests/support/free_port.h"

namespace outpost::logs {
namespace {

struct Request {
  std::map<std::string, std::string> headers;  // lowercase names
  std::string raw_body;
  std::vector<testing::StreamMsg> streams;
  absl::Time at;
  size_t entries() const {
    size_t n = 0;
    for (const auto& s : streams) n += s.entries.size();
    return n;
  }
};

struct Answer {
  int status = 204;
  std::string retry_after;
};

class Receiver : public CivetHandler {
 public:
  static std::unique_ptr<Receiver> Start() {
    auto r = std::make_unique<Receiver>();
    std::vector<std::string> opts = {"listening_ports", "127.0.0.1:0", "num_threads", "2"};
    r->server_ = std::make_unique<CivetServer>(opts);
    r->server_->addHandler("/loki/api/v1/push", r.get());
    r->port_ = r->server_->getListeningPorts().at(0);
    return r;
  }
  ~Receiver() override {
    Release();
    server_.reset();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/loki/api/v1/push"); }
  std::string host() const { return absl::StrCat("127.0.0.1:", port_); }

  // Forgets requests and script (one receiver serves every test: civetweb
  // takes seconds to stop).
  void Reset() {
    absl::MutexLock l(&mu_);
    script_.clear();
    always_ = 0;
    hold_ = false;
    requests_.clear();
    ++generation_;  // a request still held from an earlier test is not recorded
  }
  // Answers for the next requests, in order; then 204.
  void Script(std::vector<Answer> answers) {
    absl::MutexLock l(&mu_);
    for (auto& a : answers) script_.push_back(std::move(a));
  }
  void AlwaysAnswer(int status) {
    absl::MutexLock l(&mu_);
    always_ = status;
  }
  // Requests wait for Release() before being answered.
  void Hold() {
    absl::MutexLock l(&mu_);
    hold_ = true;
  }
  void Release() {
    absl::MutexLock l(&mu_);
    hold_ = false;
  }
  bool WaitRequests(size_t n, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto enough = [&] { return requests_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::vector<Request> requests() {
    absl::MutexLock l(&mu_);
    return requests_;
  }
  // Every line received, in order.
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    for (const Request& r : requests()) {
      for (const auto& s : r.streams) {
        for (const auto& e : s.entries) out.push_back(e.line);
      }
    }
    return out;
  }

  bool handlePost(CivetServer*, mg_connection* c) override {
    const mg_request_info* ri = mg_get_request_info(c);
    Request req;
    req.at = absl::Now();
    for (int i = 0; i < ri->num_headers; ++i) {
      std::string name = ri->http_headers[i].name;
      for (char& ch : name) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
      req.headers[name] = ri->http_headers[i].value;
    }
    char buf[16384];
    for (int n; (n = mg_read(c, buf, sizeof buf)) > 0;) req.raw_body.append(buf, n);
    std::string raw;
    int status = 400;
    if (snappy::Uncompress(req.raw_body.data(), req.raw_body.size(), &raw)) {
      auto streams = testing::DecodePush(raw);
      if (streams.ok()) req.streams = std::move(*streams);
      status = streams.ok() ? 204 : 400;
    }
    Answer a{status, ""};
    {
      absl::MutexLock l(&mu_);
      const uint64_t generation = generation_;
      mu_.Await(absl::Condition(+[](bool* h) { return !*h; }, &hold_));
      if (!script_.empty()) {
        a = script_.front();
        script_.pop_front();
      } else if (always_ != 0) {
        a.status = always_;
      }
      if (generation == generation_) requests_.push_back(std::move(req));
    }
    std::string head = absl::StrCat("HTTP/1.1 ", a.status, " X\r\nContent-Length: 0\r\n");
    if (!a.retry_after.empty()) absl::StrAppend(&head, "Retry-After: ", a.retry_after, "\r\n");
    head += "\r\n";
    mg_write(c, head.data(), head.size());
    return true;
  }

 private:
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
  absl::Mutex mu_;
  std::deque<Answer> script_;
  int always_ = 0;
  bool hold_ = false;
  uint64_t generation_ = 0;
  std::vector<Request> requests_;
};

// The value of a series of `name` whose labels include `want`; -1 if none.
double Value(prometheus::Registry& reg, const std::string& name,
             const std::map<std::string, std::string>& want) {
  for (const auto& f : reg.Collect()) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      size_t hits = 0;
      for (const auto& l : m.label) {
        auto it = want.find(l.name);
        if (it != want.end() && it->second == l.value) ++hits;
      }
      if (hits != want.size()) continue;
      if (f.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(m.histogram.sample_count);
      }
      return m.counter.value;
    }
  }
  return -1;
}

struct Done {
  absl::Mutex mu;
  std::vector<std::vector<EntrySource>> calls;
  LokiClient::Hooks Hooks() {
    return {[this](const std::vector<EntrySource>& d) {
      absl::MutexLock l(&mu);
      calls.push_back(d);
    }};
  }
  size_t count() {
    absl::MutexLock l(&mu);
    return calls.size();
  }
};

class LokiClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rx_ = Receiver::Start().release(); }
  static void TearDownTestSuite() {
    delete rx_;
    rx_ = nullptr;
  }
  void SetUp() override {
    rx_->Reset();
    cfg_.http.url = rx_->url();
    cfg_.http.remote_timeout = absl::Seconds(10);
    cfg_.batchwait = absl::Milliseconds(50);
    cfg_.min_backoff = absl::Milliseconds(10);
    cfg_.max_backoff = absl::Milliseconds(40);
  }
  std::unique_ptr<LokiClient> Make() {
    auto c = LokiClient::Create(cfg_, limits_, "inst", reg_, done_.Hooks());
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }
  // Pushes, waiting out back-pressure.
  static void PushAll(LokiClient& c, const Stream& s, const std::vector<std::string>& lines,
                      uint64_t source = 1) {
    int64_t off = 0;
    for (const std::string& l : lines) {
      const EntrySource src{source, off, off + static_cast<int64_t>(l.size()) + 1};
      off = src.end;
      LokiClient::PushResult r;
      const absl::Time give_up = absl::Now() + absl::Seconds(20);
      while ((r = c.Push(s, 1'700'000'000'000'000'000 + off, l, src)) ==
                 LokiClient::PushResult::kFull &&
             absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(2));
      }
      ASSERT_EQ(r, LokiClient::PushResult::kOk);
    }
  }
  static std::vector<std::string> Lines(int n, size_t len, const std::string& prefix = "line") {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      std::string l = absl::StrCat(prefix, i, " ");
      l.resize(std::max(len, l.size()), 'x');
      out.push_back(l);
    }
    return out;
  }
  bool WaitFor(const std::function<bool()>& f, absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time end = absl::Now() + timeout;
    while (!f()) {
      if (absl::Now() > end) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  static inline Receiver* rx_ = nullptr;
  config::LokiClientConfig cfg_;
  config::LogsLimitsConfig limits_;
  prometheus::Registry reg_;
  Done done_;
  Stream stream_{1, Labels{{"job", "varlogs"}, {"filename", "/var/log/a.log"}}};
};

TEST_F(LokiClientTest, WireFormatHeadersAndExternalLabels) {
  cfg_.tenant_id = "team-a";
  cfg_.external_labels = {{"job", "external"}, {"cluster", "eu"}};
  cfg_.http.headers = {{"X-Custom", "1"}, {"Content-Type", "text/plain"}};
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"first", "second \"quoted\""});
  ASSERT_TRUE(rx_->WaitRequests(1));
  Request r = rx_->requests()[0];
  EXPECT_EQ(r.headers["content-type"], "application/x-protobuf");
  EXPECT_EQ(r.headers["x-scope-orgid"], "team-a");
  EXPECT_EQ(r.headers["x-custom"], "1");
  EXPECT_EQ(r.headers.count("content-encoding"), 0u);
  EXPECT_EQ(r.headers["user-agent"].rfind("outpost/", 0), 0u);
  // A raw snappy block, not the framed format.
  EXPECT_NE(r.raw_body.rfind("\xff\x06\x00\x00sNaPpY", 0), 0u);
  ASSERT_EQ(r.streams.size(), 1u);
  // external_labels under the entry's: job stays the entry's.
  EXPECT_EQ(r.streams[0].labels, R"({cluster="eu", filename="/var/log/a.log", job="varlogs"})");
  ASSERT_EQ(r.streams[0].entries.size(), 2u);
  EXPECT_EQ(r.streams[0].entries[0].line, "first");
  EXPECT_EQ(r.streams[0].entries[1].line, "second \"quoted\"");
  EXPECT_EQ(r.streams[0].entries[0].seconds, 1'700'000'000);
  EXPECT_EQ(r.streams[0].entries[0].nanos, 6);
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));
  EXPECT_EQ(done_.calls[0].size(), 1u);
  EXPECT_EQ(done_.calls[0][0].source, 1u);
  EXPECT_EQ(done_.calls[0][0].end, 22);
  EXPECT_TRUE(WaitFor([&] { return c->Idle(); }));
}

TEST_F(LokiClientTest, BatchesBySizeInOrder) {
  cfg_.batchsize = 1000;
  cfg_.batchwait = absl::Seconds(30);
  auto c = Make();
  ASSERT_NE(c, nullptr);
  const auto lines = Lines(25, 100);
  PushAll(*c, stream_, lines);
  // 10 lines of 100 bytes fill a batch; the 11th makes it ready.
  ASSERT_TRUE(rx_->WaitRequests(2));
  for (const Request& r : rx_->requests()) EXPECT_EQ(r.entries(), 10u);
  EXPECT_EQ(rx_->requests().size(), 2u);  // the rest waits for batchwait (30s)
  c->Stop(absl::Seconds(20));              // ... or Stop, which flushes
  ASSERT_EQ(rx_->requests().size(), 3u);
  EXPECT_EQ(rx_->requests()[2].entries(), 5u);
  EXPECT_EQ(rx_->lines(), lines);
  EXPECT_EQ(done_.count(), 3u);
  EXPECT_EQ(Value(reg_, "promtail_sent_entries_total", {{"host", rx_->host()}}), 25);
}

TEST_F(LokiClientTest, SendsAfterBatchwait) {
  cfg_.batchwait = absl::Milliseconds(300);
  auto c = Make();
  ASSERT_NE(c, nullptr);
  const absl::Time start = absl::Now();
  PushAll(*c, stream_, {"one"});
  ASSERT_TRUE(rx_->WaitRequests(1));
  EXPECT_GE(rx_->requests()[0].at - start, absl::Milliseconds(290));
  EXPECT_EQ(rx_->lines(), std::vector<std::string>{"one"});
}

TEST_F(LokiClientTest, RetriesServerErrorsAnd429HonouringRetryAfter) {
  rx_->Script({{500, ""}, {429, "1"}});
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a", "b"});
  ASSERT_TRUE(rx_->WaitRequests(3));
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));
  const auto reqs = rx_->requests();
  EXPECT_EQ(reqs.size(), 3u);
  EXPECT_GE(reqs[2].at - reqs[1].at, absl::Milliseconds(950));  // Retry-After: 1 > backoff
  EXPECT_EQ(reqs[2].entries(), 2u);
  EXPECT_EQ(reqs[0].raw_body, reqs[2].raw_body);
  EXPECT_EQ(reqs[2].headers.count("retry-attempt"), 0u);
  const std::map<std::string, std::string> l = {{"host", rx_->host()}, {"tenant", ""},
                                                {"logs_config", "inst"}};
  EXPECT_EQ(Value(reg_, "promtail_batch_retries_total", l), 2);
  EXPECT_EQ(Value(reg_, "promtail_sent_entries_total", {{"host", rx_->host()}}), 2);
  EXPECT_EQ(Value(reg_, "promtail_request_duration_seconds", {{"status_code", "500"}}), 1);
  EXPECT_EQ(Value(reg_, "promtail_request_duration_seconds", {{"status_code", "429"}}), 1);
  EXPECT_EQ(Value(reg_, "promtail_request_duration_seconds", {{"status_code", "204"}}), 1);
}

TEST_F(LokiClientTest, BadRequestIsDroppedCountedAndDone) {
  rx_->Script({{400, ""}});
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a", "b", "c"});
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));
  EXPECT_EQ(rx_->requests().size(), 1u);
  EXPECT_EQ(done_.calls[0][0].end, 6);
  EXPECT_EQ(Value(reg_, "promtail_dropped_entries_total", {{"reason", "ingester_error"}}), 3);
  EXPECT_GT(Value(reg_, "promtail_dropped_bytes_total", {{"reason", "ingester_error"}}), 0);
  EXPECT_EQ(Value(reg_, "promtail_batch_retries_total", {}), 0);
  EXPECT_EQ(Value(reg_, "promtail_sent_entries_total", {}), 0);
}

TEST_F(LokiClientTest, DropRateLimitedBatches) {
  cfg_.drop_rate_limited_batches = true;
  rx_->Script({{429, "1"}});
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a"});
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));
  EXPECT_EQ(rx_->requests().size(), 1u);
  EXPECT_EQ(Value(reg_, "promtail_dropped_entries_total", {{"reason", "rate_limited"}}), 1);
}

TEST_F(LokiClientTest, GivesUpAfterMaxRetriesAndRewinds) {
  cfg_.max_retries = 3;
  cfg_.min_backoff = cfg_.max_backoff = absl::Seconds(1);  // time to build the next batch
  rx_->AlwaysAnswer(503);
  auto c = Make();
  ASSERT_NE(c, nullptr);
  // Batch 1 (source 1, bytes [0, 6)) goes out; then source 2 is being built.
  PushAll(*c, stream_, {"a", "b", "c"});
  ASSERT_TRUE(rx_->WaitRequests(1));
  Stream other{2, Labels{{"job", "other"}}};
  ASSERT_EQ(c->Push(other, 1, "x", EntrySource{2, 100, 102}), LokiClient::PushResult::kOk);
  ASSERT_EQ(c->Push(stream_, 1, "d", EntrySource{1, 6, 8}), LokiClient::PushResult::kOk);
  ASSERT_TRUE(WaitFor([&] {
    return Value(reg_, "promtail_dropped_entries_total", {{"reason", "ingester_error"}}) == 5;
  }));
  EXPECT_EQ(c->Push(stream_, 1, "e", EntrySource{1, 8, 10}), LokiClient::PushResult::kRewind);
  EXPECT_EQ(rx_->requests().size(), 3u);  // max_retries attempts in all
  EXPECT_EQ(Value(reg_, "promtail_batch_retries_total", {}), 3);
  EXPECT_EQ(done_.count(), 0u);
  std::vector<EntrySource> rw = c->TakeRewind();
  ASSERT_EQ(rw.size(), 2u);
  std::sort(rw.begin(), rw.end(), [](auto& a, auto& b) { return a.source < b.source; });
  EXPECT_EQ(rw[0].source, 1u);
  EXPECT_EQ(rw[0].start, 0);
  EXPECT_EQ(rw[0].end, 8);
  EXPECT_EQ(rw[1].source, 2u);
  EXPECT_EQ(rw[1].start, 100);
  EXPECT_TRUE(c->TakeRewind().empty());
  EXPECT_TRUE(c->Idle());
  // Accepting again; the endpoint is back.
  rx_->AlwaysAnswer(204);
  PushAll(*c, stream_, {"a", "b"});
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));
  EXPECT_EQ(rx_->requests().back().entries(), 2u);
}

TEST_F(LokiClientTest, BackPressureWhileBatchInFlight) {
  cfg_.batchsize = 100;
  cfg_.batchwait = absl::Seconds(30);
  rx_->Hold();
  auto c = Make();
  ASSERT_NE(c, nullptr);
  const auto lines = Lines(3, 60);
  const Stream& s = stream_;
  EXPECT_EQ(c->Push(s, 1, lines[0], {1, 0, 61}), LokiClient::PushResult::kOk);
  EXPECT_EQ(c->Push(s, 2, lines[1], {1, 61, 122}), LokiClient::PushResult::kOk);  // hands over
  EXPECT_EQ(c->Push(s, 3, lines[2], {1, 122, 183}), LokiClient::PushResult::kFull);
  EXPECT_FALSE(c->Idle());
  rx_->Release();
  ASSERT_TRUE(WaitFor([&] {
    return c->Push(s, 3, lines[2], {1, 122, 183}) == LokiClient::PushResult::kOk;
  }));
  c->Stop(absl::Seconds(20));
  EXPECT_EQ(rx_->lines(), lines);
  ASSERT_EQ(done_.count(), 3u);
  EXPECT_EQ(done_.calls[2][0].end, 183);
}

TEST_F(LokiClientTest, StopFlushesAndRefusesAfterwards) {
  cfg_.batchwait = absl::Seconds(60);
  auto c = Make();
  ASSERT_NE(c, nullptr);
  const auto lines = Lines(5, 20);
  PushAll(*c, stream_, lines);
  EXPECT_FALSE(c->Idle());
  c->Stop(absl::Seconds(20));
  EXPECT_EQ(rx_->lines(), lines);
  EXPECT_EQ(done_.count(), 1u);
  EXPECT_TRUE(c->Idle());
  EXPECT_EQ(c->Push(stream_, 1, "late", {1, 0, 5}), LokiClient::PushResult::kFull);
}

TEST_F(LokiClientTest, StopGivesUpOnAHangingEndpoint) {
  rx_->Hold();
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a"});
  ASSERT_TRUE(WaitFor([&] { return !c->Idle(); }));
  const absl::Time start = absl::Now();
  c->Stop(absl::Milliseconds(200));
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));  // not the 10s timeout
  EXPECT_EQ(done_.count(), 0u);                       // not acknowledged: re-read later
  rx_->Release();
}

TEST_F(LokiClientTest, LineAndStreamLimits) {
  limits_.max_line_size = 10;
  limits_.max_streams = 1;
  cfg_.batchwait = absl::Seconds(60);
  auto c = Make();
  ASSERT_NE(c, nullptr);
  Stream other{2, Labels{{"job", "other"}}};
  EXPECT_EQ(c->Push(stream_, 1, "short", {1, 0, 6}), LokiClient::PushResult::kOk);
  EXPECT_EQ(c->Push(stream_, 2, "much too long line", {1, 6, 25}), LokiClient::PushResult::kOk);
  EXPECT_EQ(c->Push(other, 3, "other", {2, 0, 6}), LokiClient::PushResult::kOk);
  c->Stop(absl::Seconds(20));
  EXPECT_EQ(rx_->lines(), std::vector<std::string>{"short"});
  EXPECT_EQ(Value(reg_, "promtail_dropped_entries_total", {{"reason", "line_too_long"}}), 1);
  EXPECT_EQ(Value(reg_, "promtail_dropped_bytes_total", {{"reason", "line_too_long"}}), 18);
  EXPECT_EQ(Value(reg_, "promtail_dropped_entries_total", {{"reason", "stream_limited"}}), 1);
  // Dropped lines are done too: both sources advance.
  ASSERT_EQ(done_.count(), 1u);
  EXPECT_EQ(done_.calls[0].size(), 2u);

  // Truncation instead of dropping.
  limits_.max_line_size_truncate = true;
  limits_.max_streams = 0;
  prometheus::Registry reg2;
  auto t = LokiClient::Create(cfg_, limits_, "inst", reg2, {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->Push(stream_, 1, "much too long line", {1, 0, 19}),
            LokiClient::PushResult::kOk);
  (*t)->Stop(absl::Seconds(20));
  EXPECT_EQ(rx_->lines().back(), "much too l");
  EXPECT_EQ(Value(reg2, "promtail_mutated_entries_total", {{"reason", "line_too_long"}}), 1);
  EXPECT_EQ(Value(reg2, "promtail_mutated_bytes_total", {{"reason", "line_too_long"}}), 8);
}

TEST_F(LokiClientTest, BatchOfDroppedLinesIsDoneWithoutARequest) {
  limits_.max_line_size = 4;
  auto c = Make();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->Push(stream_, 1, "too long", {1, 0, 9}), LokiClient::PushResult::kOk);
  ASSERT_TRUE(WaitFor([&] { return done_.count() == 1; }));  // after batchwait
  EXPECT_EQ(done_.calls[0][0].end, 9);
  EXPECT_TRUE(rx_->requests().empty());
  EXPECT_TRUE(WaitFor([&] { return c->Idle(); }));
}

TEST_F(LokiClientTest, MetricsCarryPromtailLabels) {
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a", "bb"});
  c->Stop(absl::Seconds(20));
  const std::map<std::string, std::string> l = {{"host", rx_->host()}, {"logs_config", "inst"}};
  const double sent = Value(reg_, "promtail_sent_bytes_total", l);
  EXPECT_EQ(sent, static_cast<double>(rx_->requests()[0].raw_body.size()));
  EXPECT_EQ(Value(reg_, "promtail_encoded_bytes_total", l), sent);
  EXPECT_EQ(Value(reg_, "promtail_sent_entries_total", l), 2);
  EXPECT_EQ(Value(reg_, "promtail_request_duration_seconds",
                  {{"status_code", "204"}, {"host", rx_->host()}, {"logs_config", "inst"}}),
            1);
  // Every reason is exported from the start, as Promtail initialises them.
  for (const char* reason : {"ingester_error", "rate_limited", "stream_limited", "line_too_long"}) {
    EXPECT_EQ(Value(reg_, "promtail_dropped_entries_total",
                    {{"reason", reason}, {"tenant", ""}, {"host", rx_->host()}}),
              0);
  }
}

TEST_F(LokiClientTest, ConnectionRefusedIsRetried) {
  const int port = outpost::testing::FreePort();  // nobody listens there
  ASSERT_GT(port, 0);
  cfg_.http.url = absl::StrCat("http://127.0.0.1:", port, "/loki/api/v1/push");
  cfg_.max_retries = 2;
  auto c = Make();
  ASSERT_NE(c, nullptr);
  PushAll(*c, stream_, {"a"});
  ASSERT_TRUE(WaitFor([&] {
    return Value(reg_, "promtail_dropped_entries_total", {{"reason", "ingester_error"}}) == 1;
  }));
  EXPECT_EQ(Value(reg_, "promtail_request_duration_seconds", {{"status_code", "-1"}}), 2);
  EXPECT_EQ(c->Push(stream_, 1, "b", {1, 2, 4}), LokiClient::PushResult::kRewind);
}

TEST(LokiClientCreateTest, RejectsBadUrl) {
  config::LokiClientConfig cfg;
  cfg.http.url = "ftp://loki/loki/api/v1/push";
  prometheus::Registry reg;
  auto c = LokiClient::Create(cfg, {}, "inst", reg, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("loki client url"), std::string::npos);
}

TEST(LokiProtocolTest, ReservedHeaders) {
  const auto with = LokiProtocol("t");
  EXPECT_TRUE(with.reserved("content-type"));
  EXPECT_TRUE(with.reserved("X-Scope-OrgID"));
  EXPECT_FALSE(with.reserved("X-Custom"));
  EXPECT_FALSE(with.retry_attempt_header);
  const auto without = LokiProtocol("");
  EXPECT_FALSE(without.reserved("X-Scope-OrgID"));
  ASSERT_EQ(without.headers.size(), 1u);
}

}  // namespace
}  // namespace outpost::logs
