// kill -9 while batches are in flight, then restart: every sample committed
// before the kill arrives (duplicates allowed, loss not), and nothing is
// re-sent behind a newer sample of its series (a receiver that rolls such
// a request back, as Prometheus does, answers no request 400).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/wal/records.h"
#include "core/wal/writer.h"
#include "gtest/gtest.h"
#include "remote_write/endpoint.h"
#include "tests/remote_write/kill_child/kill_config.h"
#include "tests/remote_write/support/fault_receiver.h"

extern char** environ;

namespace outpost::remote_write {
namespace {

void WriteScrapes(wal::Writer* w, int nseries, int64_t from, int64_t to) {
  for (int64_t t = from; t < to; ++t) {
    std::vector<wal::RefSample> s;
    for (int i = 1; i <= nseries; ++i) s.push_back({static_cast<uint64_t>(i), t, 1.0 * i});
    std::string rec;
    wal::EncodeSamples(s, &rec);
    ASSERT_TRUE(w->AddRecord(rec).ok());
  }
}

TEST(KillTest, Kill9WhileSendingThenRestartLosesNothing) {
  const std::string dir = ::testing::TempDir() + "/rw_kill9";
  std::filesystem::remove_all(dir);
  auto w = wal::Writer::Open(wal::Env::Default(), dir, {});
  ASSERT_TRUE(w.ok());
  constexpr int kSeries = 20;
  std::vector<wal::RefSeries> series;
  for (int i = 1; i <= kSeries; ++i) {
    series.push_back({static_cast<uint64_t>(i), Labels{{"__name__", "m"}, {"i", std::to_string(i)}}});
  }
  std::string rec;
  wal::EncodeSeries(series, &rec);
  ASSERT_TRUE((*w)->AddRecord(rec).ok());
  WriteScrapes(w->get(), kSeries, 1, 2001);  // 40000 samples

  testing::ReceiverOptions ro;
  ro.reject_out_of_order = true;
  auto rx = testing::FaultReceiver::Start(ro);
  ASSERT_NE(rx, nullptr);
  // Slow answers keep batches in flight when the kill comes.
  for (int i = 0; i < 1000; ++i) rx->Push({204, "", absl::Milliseconds(20), ""});
  const config::RemoteWriteConfig c = testing::KillConfig(rx->url());
  const EndpointOptions o = testing::KillOptions();

  // The "agent" is another program (RW_KILL_CHILD) shipping until killed.
  const std::string child = RW_KILL_CHILD;
  const std::string url = rx->url();
  char* argv[] = {const_cast<char*>(child.c_str()), const_cast<char*>(dir.c_str()),
                  const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, child.c_str(), nullptr, nullptr, argv, environ), 0) << child;
  const bool shipping = rx->WaitForSamples(10000, absl::Seconds(30));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(shipping) << "the child did not ship 10000 samples in 30 s";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited by itself: " << status;
  const size_t before = rx->accepted_samples();
  EXPECT_LT(before, 40000u);  // killed mid-way
  auto saved = ReadProgress(ProgressPath(dir, c.name));
  ASSERT_TRUE(saved.ok() && saved->has_value());

  // The receiver answers after 20 ms: let it finish the killed agent's
  // last requests (they land, unanswered) before the restart sends newer
  // samples of the same series, as a real restart (seconds) would.
  absl::SleepFor(absl::Milliseconds(200));
  WriteScrapes(w->get(), kSeries, 2001, 2101);  // written after the crash
  prometheus::Registry reg;
  auto e = Endpoint::Create(c, dir, {}, reg, o);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(rx->WaitForSamples(before + 1, absl::Seconds(30)));
  for (int i = 0; i < 600 && (*e)->acked().offset < (*w)->segment_offset(); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  (*e)->Stop(absl::Seconds(5));
  auto got = rx->series();
  ASSERT_EQ(got.size(), static_cast<size_t>(kSeries));
  for (const auto& [key, samples] : got) {
    std::set<int64_t> ts;
    for (const auto& [t, v] : samples) ts.insert(t);
    EXPECT_EQ(ts.size(), 2100u) << key;
  }
  // Resumed from the saved position, not from the start.
  EXPECT_LT(rx->accepted_samples(), 2 * 42000u);
  // Resent samples are duplicates, never out of order.
  for (const auto& err : rx->errors()) ADD_FAILURE() << err;
  for (const auto& r : rx->refused()) ADD_FAILURE() << "request refused (out of order): " << r;
}

}  // namespace
}  // namespace outpost::remote_write
