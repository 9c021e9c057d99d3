// The whole integration against Debian's memcached started by the test
// (8 MiB, items in several slab classes, evictions), one kept connection,
// a server that goes away and comes back, TLS (-Z with a throwaway CA),
// and fake servers that answer junk, flood, or never answer.
#include <set>
#include <string>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/memcached/client.h"
#include "integrations/memcached/memcached.h"
#include "tests/integrations/memcached/fake_server.h"
#include "tests/support/log_capture.h"
#include "tests/support/memcached_server.h"
#include "tests/support/shared_server.h"

namespace outpost::integrations::memcached {
namespace {

using outpost::testing::FakeMemcached;
using outpost::testing::MemcachedServer;
using ::testing::HasSubstr;

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

double Get(const MemoryAppender& app, const std::string& name, const Labels& l = {}) {
  const double* v = app.Find(name, l);
  EXPECT_NE(v, nullptr) << name << l.ToString() << "\n" << app.Render();
  return v == nullptr ? -12345 : *v;
}

std::unique_ptr<Integration> Make(const Options& o) {
  auto i = NewMemcachedIntegration(o);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? std::move(*i) : nullptr;
}

std::unique_ptr<Integration> MakeFor(const std::string& addr,
                                     absl::Duration timeout = absl::Seconds(5)) {
  Options o;
  o.memcached_address = addr;
  o.timeout = timeout;
  return Make(o);
}

// The shared server, loaded once: ~12 MiB of values of six sizes into
// 8 MiB (evictions in several slab classes), then hits and misses.
MemcachedServer* Loaded() {
  MemcachedServer* s = outpost::testing::SharedServerOf<MemcachedServer>("memcached");
  static bool loaded = [s] {
    if (s == nullptr) return false;
    std::string reads;
    for (int i = 1700; i < 1800; ++i) reads += "get k" + std::to_string(i) + "\r\n";
    for (int i = 0; i < 20; ++i) reads += "get absent" + std::to_string(i) + "\r\n";
    return s->SetMany(1800, reads);
  }();
  EXPECT_TRUE(loaded);
  return s;
}

TEST(MemcachedServerTest, CollectsEverything) {
  MemcachedServer* server = Loaded();
  ASSERT_NE(server, nullptr);
  auto integ = MakeFor(server->addr());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  absl::Status st = integ->Collect(app, Deadline());
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(Get(app, "memcached_up"), 1);
  EXPECT_EQ(Get(app, "memcached_max_connections"), 64);
  EXPECT_EQ(Get(app, "memcached_limit_bytes"), 8 << 20);
  EXPECT_GT(Get(app, "memcached_items_evicted_total"), 0);
  EXPECT_GE(Get(app, "memcached_commands_total", {{"command", "get"}, {"status", "hit"}}), 1);
  EXPECT_GE(Get(app, "memcached_commands_total", {{"command", "get"}, {"status", "miss"}}), 20);
  EXPECT_GE(Get(app, "memcached_commands_total", {{"command", "set"}, {"status", "hit"}}), 1800);
  EXPECT_EQ(Get(app, "memcached_lru_crawler_enabled"), 1);
  EXPECT_GT(Get(app, "memcached_malloced_bytes"), 0);
  std::set<std::string> slabs, evicting;
  for (const CollectedSample& s : app.Samples()) {
    if (s.name == "memcached_slab_current_items") slabs.insert(std::string(s.labels.Get("slab")));
    if (s.name == "memcached_slab_items_evicted_total" && s.value > 0)
      evicting.insert(std::string(s.labels.Get("slab")));
    if (s.name == "memcached_version") {
      EXPECT_THAT(std::string(s.labels.Get("version")), HasSubstr("1.6"));
    }
  }
  EXPECT_GE(slabs.size(), 4u) << app.Render();
  EXPECT_GE(evicting.size(), 1u) << app.Render();
  double build_info = 0;
  for (const CollectedSample& s : app.Samples()) {
    if (s.name == "memcached_exporter_build_info") build_info = s.value;
  }
  EXPECT_EQ(build_info, 1);
}

TEST(MemcachedServerTest, KeepsOneConnection) {
  MemcachedServer* server = Loaded();
  ASSERT_NE(server, nullptr);
  auto integ = MakeFor(server->addr());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  const double first = Get(app, "memcached_connections_total");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "memcached_connections_total"), first);
}

TEST(MemcachedServerTest, ServerGoesAwayAndComesBack) {
  MemcachedServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto integ = MakeFor(server.addr(), absl::Seconds(2));
  ASSERT_NE(integ, nullptr);
  outpost::testing::LogCapture logs;
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "memcached_up"), 1);

  server.Stop();
  for (int i = 0; i < 3; ++i) {
    app.Clear();
    absl::Status st = integ->Collect(app, Deadline());
    EXPECT_TRUE(IsTargetDown(st)) << st;
    EXPECT_EQ(Get(app, "memcached_up"), 0);
    EXPECT_EQ(app.Find("memcached_uptime_seconds", {}), nullptr);
  }
  EXPECT_EQ(logs.Count("failed to collect stats from memcached"), 1) << logs.text();

  ASSERT_TRUE(server.Start()) << server.error();
  app.Clear();
  absl::Status st = integ->Collect(app, Deadline());
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(Get(app, "memcached_up"), 1);
  EXPECT_EQ(logs.Count("memcached reachable again"), 1) << logs.text();
}

TEST(MemcachedServerTest, RestartBetweenCollectionsReconnectsAtOnce) {
  MemcachedServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto integ = MakeFor(server.addr());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  server.Stop();
  ASSERT_TRUE(server.Start()) << server.error();
  app.Clear();
  // The kept connection is dead; the collection opens a new one.
  absl::Status st = integ->Collect(app, Deadline());
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(Get(app, "memcached_up"), 1);
}

TEST(MemcachedServerTest, NothingListening) {
  MemcachedServer server;  // a free port with nothing on it
  auto integ = MakeFor(server.addr(), absl::Milliseconds(500));
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  EXPECT_TRUE(IsTargetDown(integ->Collect(app, Deadline())));
  EXPECT_EQ(Get(app, "memcached_up"), 0);
}

void ExpectDownWithin(const std::string& addr, absl::Duration limit, const std::string& why) {
  auto integ = MakeFor(addr, absl::Milliseconds(300));
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  const absl::Time start = absl::Now();
  absl::Status st = integ->Collect(app, Deadline());
  EXPECT_LT(absl::Now() - start, limit);
  EXPECT_TRUE(IsTargetDown(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr(why));
  EXPECT_EQ(Get(app, "memcached_up"), 0);
  // And again: no crash, no growth.
  app.Clear();
  EXPECT_TRUE(IsTargetDown(integ->Collect(app, Deadline())));
}

TEST(MemcachedFakeServerTest, JunkWithoutEndTimesOut) {
  FakeMemcached fake(FakeMemcached::kAnswer, "\x01\x02junk junk\r\nmore junk");
  ExpectDownWithin(fake.addr(), absl::Seconds(5), "timeout");
}

TEST(MemcachedFakeServerTest, ErrorRepliesAreDown) {
  FakeMemcached fake(FakeMemcached::kAnswer, "ERROR\r\nERROR\r\nERROR\r\nERROR\r\n");
  ExpectDownWithin(fake.addr(), absl::Seconds(1), "parse");
}

TEST(MemcachedFakeServerTest, HugeReplyIsCapped) {
  FakeMemcached fake(FakeMemcached::kFlood, std::string(60000, 'A') + "\r\nSTAT x 1\r\n");
  ExpectDownWithin(fake.addr(), absl::Seconds(5), "larger than");
}

TEST(MemcachedFakeServerTest, NeverAnswersTimesOut) {
  FakeMemcached fake(FakeMemcached::kSilent, "");
  ExpectDownWithin(fake.addr(), absl::Seconds(5), "timeout");
}

TEST(MemcachedFakeServerTest, ExtraBytesAfterTheRepliesReconnect) {
  FakeMemcached fake(
      FakeMemcached::kAnswer,
      "STAT cmd_set 1\r\nSTAT cas_misses 0\r\nSTAT cas_hits 0\r\nSTAT cas_badval 0\r\n"
      "END\r\nEND\r\nEND\r\nSTAT maxconns 9\r\nEND\r\ntrailing\r\n");
  auto integ = MakeFor(fake.addr());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  for (int i = 0; i < 3; ++i) {
    absl::Status st = integ->Collect(app, Deadline());
    EXPECT_TRUE(st.ok()) << st;
    EXPECT_EQ(Get(app, "memcached_max_connections"), 9);
  }
  EXPECT_EQ(fake.connections(), 3);
}

TEST(MemcachedTlsTest, TlsWithTheServersCa) {
  MemcachedServer::Options so;
  so.tls = true;
  MemcachedServer server(so);
  ASSERT_TRUE(server.Start()) << server.error();
  Options o;
  o.memcached_address = server.addr();
  o.timeout = absl::Seconds(5);
  o.tls_config = TlsOptions{};
  o.tls_config->files.ca_file = server.ca_file();
  auto integ = Make(o);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  absl::Status st = integ->Collect(app, Deadline());
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(Get(app, "memcached_up"), 1);
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());

  // Another CA: the handshake fails; insecure_skip_verify accepts it.
  o.tls_config->files.ca_file = server.other_ca_file();
  auto wrong = Make(o);
  ASSERT_NE(wrong, nullptr);
  app.Clear();
  st = wrong->Collect(app, Deadline());
  EXPECT_TRUE(IsTargetDown(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("certificate verify failed"));
  o.tls_config->files.insecure_skip_verify = true;
  auto skip = Make(o);
  ASSERT_NE(skip, nullptr);
  app.Clear();
  EXPECT_TRUE(skip->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "memcached_up"), 1);

  // server_name replaces the address's host in verification.
  o.tls_config->files.insecure_skip_verify = false;
  o.tls_config->files.ca_file = server.ca_file();
  o.tls_config->files.server_name = "not-the-server.example";
  auto named = Make(o);
  ASSERT_NE(named, nullptr);
  app.Clear();
  EXPECT_TRUE(IsTargetDown(named->Collect(app, Deadline())));
}

}  // namespace
}  // namespace outpost::integrations::memcached
