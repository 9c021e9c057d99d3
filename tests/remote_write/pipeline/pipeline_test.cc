// Watcher + queue + client end to end: a WAL written with core/wal's Writer
// and record encoders, shipped to the FaultReceiver.
#include <algorithm>
#include <filesystem>
#include <set>

#include "core/wal/records.h"
#include "core/wal/writer.h"
#include "gtest/gtest.h"
#include "remote_write/endpoint.h"
#include "tests/remote_write/support/fault_receiver.h"

namespace outpost::remote_write {
namespace {

using testing::Action;
using testing::FaultReceiver;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/rw_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto w = wal::Writer::Open(wal::Env::Default(), dir_, {});
    ASSERT_TRUE(w.ok()) << w.status();
    writer_ = std::move(*w);
    rx_ = FaultReceiver::Start();
    ASSERT_NE(rx_, nullptr);
  }

  config::RemoteWriteConfig Config() {
    config::RemoteWriteConfig c;
    c.url = rx_->url();
    c.name = "rx";
    c.remote_timeout = absl::Seconds(5);
    c.queue_config.batch_send_deadline = absl::Milliseconds(50);
    c.queue_config.min_backoff = absl::Milliseconds(10);
    c.queue_config.max_backoff = absl::Milliseconds(200);
    c.queue_config.max_samples_per_send = 100;
    c.queue_config.min_shards = 2;
    c.queue_config.max_shards = 2;
    c.metadata_config.send = false;
    return c;
  }

  std::unique_ptr<Endpoint> Start(const config::RemoteWriteConfig& c,
                                  std::map<std::string, std::string> ext = {}) {
    EndpointOptions o;
    o.poll_interval = absl::Milliseconds(100);
    o.progress_interval = absl::Milliseconds(100);
    auto e = Endpoint::Create(c, dir_, ext, registry_, o);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? std::move(*e) : nullptr;
  }

  // Series refs 1..n: {__name__="m<i % 3>", i="<i>", job="node"}.
  void WriteSeries(int n) {
    std::vector<wal::RefSeries> s;
    for (int i = 1; i <= n; ++i) {
      s.push_back({static_cast<uint64_t>(i),
                   Labels{{"__name__", "m" + std::to_string(i % 3)},
                          {"i", std::to_string(i)}, {"job", "node"}}});
    }
    std::string rec;
    wal::EncodeSeries(s, &rec);
    ASSERT_TRUE(writer_->AddRecord(rec).ok());
    nseries_ = n;
  }
  // One sample per series at t for each t in [from, to).
  void WriteSamples(int64_t from, int64_t to) {
    for (int64_t t = from; t < to; ++t) {
      std::vector<wal::RefSample> s;
      for (int i = 1; i <= nseries_; ++i) {
        s.push_back({static_cast<uint64_t>(i), t * 1000, static_cast<double>(t * i)});
      }
      std::string rec;
      wal::EncodeSamples(s, &rec);
      ASSERT_TRUE(writer_->AddRecord(rec).ok());
    }
  }

  // Every series has exactly timestamps [from, to) * 1000 (duplicates
  // allowed), in order.
  void ExpectComplete(int64_t from, int64_t to) {
    auto got = rx_->series();
    EXPECT_EQ(got.size(), static_cast<size_t>(nseries_));
    for (const auto& [key, samples] : got) {
      std::set<int64_t> ts;
      for (const auto& [t, v] : samples) ts.insert(t);
      EXPECT_EQ(ts.size(), static_cast<size_t>(to - from)) << key;
      if (!ts.empty()) {
        EXPECT_EQ(*ts.begin(), from * 1000) << key;
        EXPECT_EQ(*ts.rbegin(), (to - 1) * 1000) << key;
      }
    }
    for (const auto& e : rx_->errors()) ADD_FAILURE() << e;
  }

  // Sum of a counter or gauge family in registry_.
  double Metric(const std::string& name) {
    double sum = 0;
    for (const auto& f : registry_.Collect()) {
      if (f.name != name) continue;
      for (const auto& m : f.metric) sum += m.counter.value + m.gauge.value;
    }
    return sum;
  }

  std::string dir_;
  std::unique_ptr<wal::Writer> writer_;
  std::unique_ptr<FaultReceiver> rx_;
  prometheus::Registry registry_;
  int nseries_ = 0;
};

TEST_F(PipelineTest, EverySampleArrivesInOrderAcrossSegments) {
  WriteSeries(30);
  WriteSamples(0, 20);
  auto e = Start(Config(), {{"cluster", "c1"}, {"job", "not-used"}});
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(writer_->NextSegment().ok());
  WriteSamples(20, 40);
  e->Notify();
  ASSERT_TRUE(writer_->NextSegment().ok());
  WriteSamples(40, 60);
  e->Notify();
  ASSERT_TRUE(rx_->WaitForSamples(30 * 60, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  ExpectComplete(0, 60);
  auto got = rx_->series();
  // External labels added; the series' own job wins.
  EXPECT_TRUE(got.count("{__name__=\"m1\",cluster=\"c1\",i=\"1\",job=\"node\"}"));
  // Progress reached the end of the last record.
  auto p = ReadProgress(e->progress_path());
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked.segment, writer_->segment());
  EXPECT_EQ((*p)->acked.offset, writer_->segment_offset());
  EXPECT_TRUE((*p)->done.empty());
}

TEST_F(PipelineTest, WriteRelabelConfigsApplied) {
  WriteSeries(30);
  WriteSamples(0, 5);
  auto c = Config();
  relabel::Config drop;
  drop.source_labels = {"__name__"};
  drop.regex = "m0";
  drop.action = relabel::Action::kDrop;
  relabel::Config add;
  add.target_label = "env";
  add.replacement = "prod";
  c.write_relabel_configs = {drop, add};
  // External labels are in the relabeled sets (the rules see them), and are
  // not merged in a second time when encoding.
  auto e = Start(c, {{"cluster", "c1"}});
  ASSERT_TRUE(rx_->WaitForSamples(20 * 5, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  auto got = rx_->series();
  EXPECT_EQ(got.size(), 20u);
  for (const auto& [key, s] : got) {
    EXPECT_EQ(key.find("m0"), std::string::npos) << key;
    EXPECT_NE(key.find("env=\"prod\""), std::string::npos) << key;
    const size_t cluster = key.find("cluster=\"c1\"");
    EXPECT_NE(cluster, std::string::npos) << key;
    EXPECT_EQ(key.find("cluster=", cluster + 1), std::string::npos) << key;
    EXPECT_EQ(s.size(), 5u);
  }
  // Dropped series' samples still count as done: progress moved to the end.
  EXPECT_EQ(e->acked().offset, writer_->segment_offset());
}

TEST_F(PipelineTest, First500IsRetriedNothingLost) {
  rx_->Push({500, "", absl::ZeroDuration(), ""});
  WriteSeries(10);
  WriteSamples(0, 30);
  auto e = Start(Config());
  ASSERT_TRUE(rx_->WaitForSamples(300, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  ExpectComplete(0, 30);
  auto reqs = rx_->requests();
  ASSERT_GE(reqs.size(), 2u);
  // Shards send in parallel, so the 500 is not always the first recorded.
  EXPECT_EQ(std::count_if(reqs.begin(), reqs.end(), [](const auto& r) { return r.status == 500; }), 1);
  EXPECT_GE(Metric("prometheus_remote_storage_samples_retried_total"), 1);
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_failed_total"), 0);
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_pending"), 0);
  bool retried = false;
  for (const auto& r : reqs) retried |= r.retry_attempt == 1;
  EXPECT_TRUE(retried);
}

TEST_F(PipelineTest, Http429HonoursRetryAfter) {
  rx_->Push({429, "2", absl::ZeroDuration(), ""});
  WriteSeries(5);
  WriteSamples(0, 4);  // 20 samples: one batch
  auto c = Config();
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  auto e = Start(c);
  ASSERT_TRUE(rx_->WaitForSamples(20, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  auto reqs = rx_->requests();
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].status, 429);
  EXPECT_GE(reqs[1].at - reqs[0].at, absl::Seconds(2));
  EXPECT_EQ(reqs[1].retry_attempt, 1);
  ExpectComplete(0, 4);
}

// A receiver that refuses a request for one old sample and takes none of
// it (Prometheus): the refused samples are dropped, counted and never
// sent again; the samples that shared their requests all arrive.
TEST_F(PipelineTest, Http400DropsOnlyRefusedSamplesCountedNeverResent) {
  testing::ReceiverOptions ro;
  ro.reject_out_of_order = true;
  rx_ = FaultReceiver::Start(ro);
  ASSERT_NE(rx_, nullptr);
  WriteSeries(5);
  WriteSamples(4, 8);
  auto c = Config();
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  auto e = Start(c);
  ASSERT_TRUE(rx_->WaitForSamples(20, absl::Seconds(20)));
  // Older than what the receiver holds, then new ones: one batch each
  // round (one sample per series per request).
  for (int64_t t = 0; t < 4; ++t) {
    WriteSamples(t, t + 1);
    WriteSamples(8 + t, 9 + t);
  }
  e->Notify();
  ASSERT_TRUE(rx_->WaitForSamples(40, absl::Seconds(20)));
  absl::SleepFor(absl::Milliseconds(300));
  e->Stop(absl::Seconds(5));
  ExpectComplete(4, 12);  // the refused samples never came back
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_failed_total"), 20);
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_total"), 40);
  EXPECT_FALSE(rx_->refused().empty());
  for (const auto& r : rx_->requests()) EXPECT_EQ(r.retry_attempt, 0);
  EXPECT_EQ(e->acked().offset, writer_->segment_offset());
}

TEST_F(PipelineTest, SlowReceiverBeyondTimeoutIsRetried) {
  WriteSeries(5);
  WriteSamples(0, 4);
  auto c = Config();
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  c.remote_timeout = absl::Milliseconds(400);
  rx_->Push({204, "", absl::Milliseconds(1500), ""});
  auto e = Start(c);
  ASSERT_TRUE(rx_->WaitForRequests(2, absl::Seconds(20)));
  ASSERT_TRUE(rx_->WaitForSamples(20, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  ExpectComplete(0, 4);
  bool retried = false;
  for (const auto& r : rx_->requests()) retried |= r.retry_attempt >= 1;
  EXPECT_TRUE(retried);
}

// "Connection refused for 60 s": the receiver stays down through many
// max_backoff cycles (max_backoff 1 s, ~10 s down) while scrapes keep
// arriving; afterwards everything arrives and the retries were counted.
TEST_F(PipelineTest, ReceiverDownThroughManyBackoffCyclesEverythingArrives) {
  rx_->Down();
  WriteSeries(20);
  WriteSamples(0, 30);
  auto c = Config();
  c.queue_config.max_backoff = absl::Seconds(1);
  auto e = Start(c);
  for (int64_t t = 30; t < 40; ++t) {  // one scrape a second while down
    absl::SleepFor(absl::Seconds(1));
    WriteSamples(t, t + 1);
    e->Notify();
  }
  EXPECT_EQ(rx_->requests().size(), 0u);  // refused, never reached it
  const double retried_while_down = Metric("prometheus_remote_storage_samples_retried_total");
  rx_->Up();
  ASSERT_TRUE(rx_->WaitForSamples(20 * 40, absl::Seconds(30)));
  e->Stop(absl::Seconds(5));
  ExpectComplete(0, 40);
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_failed_total"), 0);
  EXPECT_EQ(e->acked(), (Position{writer_->segment(), writer_->segment_offset()}));
  // Backoff reaches 1 s after 7 retries (10 ms doubling); 10 s down at
  // waits of at most 1 s is >= 10 retries per shard. Each retry counts the
  // batch's samples.
  int max_attempt = 0;
  for (const auto& r : rx_->requests()) max_attempt = std::max(max_attempt, r.retry_attempt);
  EXPECT_GE(max_attempt, 8);
  EXPECT_GE(retried_while_down, 8 * 2);
}

TEST_F(PipelineTest, RestartResumesFromProgress) {
  WriteSeries(10);
  WriteSamples(0, 10);
  const uint64_t first_part = writer_->segment_offset();
  auto c = Config();
  {
    auto e = Start(c);
    ASSERT_TRUE(rx_->WaitForSamples(100, absl::Seconds(20)));
    // Received is not acknowledged yet: wait for the answers to arrive.
    for (int i = 0; i < 200 && e->acked().offset < first_part; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(e->acked().offset, first_part);
    rx_->Down();
    WriteSamples(10, 20);  // not acknowledged: the receiver is down
    e->Notify();
    absl::SleepFor(absl::Milliseconds(500));
    e->Stop(absl::Milliseconds(300));
    EXPECT_LT(e->acked().offset, writer_->segment_offset());
  }
  WriteSamples(20, 25);  // written while the agent was "down"
  rx_->Up();
  auto e2 = Start(c);
  ASSERT_TRUE(rx_->WaitForSamples(250, absl::Seconds(20)));
  e2->Stop(absl::Seconds(5));
  ExpectComplete(0, 25);
  // Resumed, not restarted: the first 10 scrapes were not sent twice.
  size_t total = rx_->accepted_samples();
  EXPECT_LT(total, 350u);
}

TEST_F(PipelineTest, ProgressPastTheEndOfAReplacedWalStartsOver) {
  WriteSeries(4);
  WriteSamples(0, 5);
  auto c = Config();
  ASSERT_TRUE(WriteProgress(ProgressPath(dir_, c.name), Progress{Position{99, 4096}, {}}).ok());
  auto e = Start(c);
  ASSERT_TRUE(rx_->WaitForSamples(20, absl::Seconds(20)));
  e->Stop(absl::Seconds(5));
  ExpectComplete(0, 5);
  EXPECT_EQ(e->acked(), (Position{writer_->segment(), writer_->segment_offset()}));
}

TEST_F(PipelineTest, MetadataIsSentEverySendInterval) {
  WriteSeries(6);  // families m0, m1, m2
  std::vector<wal::RefMetadata> md = {{1, MetricType::kCounter, "seconds", "help one"},
                                      {2, MetricType::kGauge, "", "help two"},
                                      {4, MetricType::kCounter, "seconds", "help one"}};
  std::string rec;
  wal::EncodeMetadata(md, &rec);
  ASSERT_TRUE(writer_->AddRecord(rec).ok());
  WriteSamples(0, 2);
  auto c = Config();
  c.metadata_config.send = true;
  c.metadata_config.send_interval = absl::Milliseconds(200);
  auto e = Start(c);
  ASSERT_TRUE(rx_->WaitForSamples(12, absl::Seconds(20)));
  for (int i = 0; i < 100 && rx_->metadata_received() < 4; ++i) absl::SleepFor(absl::Milliseconds(50));
  e->Stop(absl::Seconds(5));
  // Two families (m1 from refs 1 and 4, m2 from ref 2), sent at least twice.
  EXPECT_GE(rx_->metadata_received(), 4u);
  bool seen = false;
  for (const auto& r : rx_->requests()) {
    if (r.metadata > 0) {
      EXPECT_EQ(r.metadata, 2u);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_GE(Metric("prometheus_remote_storage_metadata_total"), 4);
}

TEST_F(PipelineTest, ManagerLowestNeededSegment) {
  WriteSeries(3);
  WriteSamples(0, 3);
  ASSERT_TRUE(writer_->NextSegment().ok());
  WriteSamples(3, 6);
  auto c1 = Config();
  auto c2 = Config();
  c2.name = "second";
  c2.url = "http://127.0.0.1:1/unreachable";
  EndpointOptions o;
  o.poll_interval = absl::Milliseconds(100);
  auto m = Manager::Create({c1, c2}, dir_, {}, registry_, o);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE(rx_->WaitForSamples(18, absl::Seconds(20)));
  // The unreachable endpoint still needs the first segment.
  EXPECT_EQ((*m)->LowestNeededSegment(), std::optional<uint64_t>(writer_->segment() - 1));
  (*m)->Stop(absl::Milliseconds(200));
  EXPECT_FALSE(Manager::Create({c1, c1}, dir_, {}, registry_, o).ok());
}

}  // namespace
}  // namespace outpost::remote_write

namespace outpost::remote_write {
namespace {

TEST(ShipperFactoryTest, BuildsAWalShipperAndRejectsBadConfigs) {
  const std::string dir = ::testing::TempDir() + "/rw_factory";
  std::filesystem::remove_all(dir);
  prometheus::Registry reg;
  ShipperFactory f = MakeShipperFactory();
  config::RemoteWriteConfig c;
  c.url = "http://127.0.0.1:1/api/v1/write";
  c.name = "a";
  c.metadata_config.send = false;
  auto s = f({c}, dir, {}, reg);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->LowestNeededSegment(), std::optional<uint64_t>(0));
  (*s)->Notify();
  (*s)->Stop(absl::ZeroDuration());
  c.url = "ftp://nope";
  EXPECT_FALSE(f({c}, dir, {}, reg).ok());
  auto none = f({}, dir, {}, reg);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->LowestNeededSegment(), std::nullopt);
}

}  // namespace
}  // namespace outpost::remote_write
