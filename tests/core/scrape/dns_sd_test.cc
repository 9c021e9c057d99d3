// dns_sd_configs against a real DNS server: dnsmasq (Debian's
// dnsmasq-base) on a free loopback port, authoritative for outpost.test,
// serving SRV, A and AAAA records.
#include "core/scrape/dns_sd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/scrape/refresh_sd.h"
#include "prometheus/registry.h"
#include "tests/support/dnsmasq_server.h"

namespace outpost::scrape {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class DnsSdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::DnsmasqServer>(std::vector<std::string>{
        "--pid-file=", "--user=root", "--local=/outpost.test/",
        "--srv-host=_node._tcp.outpost.test,host1.outpost.test,9100",
        "--srv-host=_node._tcp.outpost.test,host2.outpost.test,9200",
        "--host-record=host1.outpost.test,127.0.0.1",
        "--host-record=dual.outpost.test,127.0.0.2,::1"});
    ASSERT_TRUE(server_->ready()) << server_->Log();
    nameserver_ = server_->address();
  }
  static std::vector<std::string> Rendered(const std::vector<Labels>& ls) {
    std::vector<std::string> out;
    for (const Labels& l : ls) out.push_back(l.ToString());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string nameserver_;
  std::unique_ptr<testing::DnsmasqServer> server_;
};

TEST_F(DnsSdTest, SrvRecords) {
  config::DnsSdConfig c;
  c.names = {"_node._tcp.outpost.test"};
  prometheus::Registry reg;
  ScrapeMetrics m(reg);
  DnsSd d(c, &m, nameserver_);
  absl::StatusOr<std::vector<Labels>> got = d.Fetch();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Rendered(*got),
              ElementsAre("{__address__=\"host1.outpost.test:9100\", "
                          "__meta_dns_name=\"_node._tcp.outpost.test\", "
                          "__meta_dns_srv_record_port=\"9100\", "
                          "__meta_dns_srv_record_target=\"host1.outpost.test.\"}",
                          "{__address__=\"host2.outpost.test:9200\", "
                          "__meta_dns_name=\"_node._tcp.outpost.test\", "
                          "__meta_dns_srv_record_port=\"9200\", "
                          "__meta_dns_srv_record_target=\"host2.outpost.test.\"}"));
  EXPECT_EQ(m.sd_dns_lookups.Value(), 1);
  EXPECT_EQ(m.sd_dns_lookup_failures.Value(), 0);
}

TEST_F(DnsSdTest, AAndAaaaRecordsUseTheConfiguredPort) {
  config::DnsSdConfig c;
  c.names = {"dual.outpost.test", "host1.outpost.test"};
  c.type = "A";
  c.port = 9100;
  DnsSd a(c, nullptr, nameserver_);
  absl::StatusOr<std::vector<Labels>> got = a.Fetch();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Rendered(*got),
              ElementsAre("{__address__=\"127.0.0.1:9100\", __meta_dns_name=\"host1.outpost.test\"}",
                          "{__address__=\"127.0.0.2:9100\", __meta_dns_name=\"dual.outpost.test\"}"));
  c.names = {"dual.outpost.test"};
  c.type = "AAAA";
  DnsSd aaaa(c, nullptr, nameserver_);
  got = aaaa.Fetch();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Rendered(*got),
              ElementsAre("{__address__=\"[::1]:9100\", __meta_dns_name=\"dual.outpost.test\"}"));
}

TEST_F(DnsSdTest, UnknownNameHasNoTargetsAndAFailureKeepsTheLastGoodOnes) {
  config::DnsSdConfig c;
  c.names = {"nothing.outpost.test"};
  DnsSd nx(c, nullptr, nameserver_);
  absl::StatusOr<std::vector<Labels>> got = nx.Fetch();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, IsEmpty());

  c.names = {"_node._tcp.outpost.test"};
  c.refresh_interval = absl::Milliseconds(100);
  prometheus::Registry reg;
  ScrapeMetrics m(reg);
  auto d = std::make_shared<DnsSd>(c, &m, nameserver_);
  RefreshSd r("dns", "job", c.refresh_interval, [d] { return d->Fetch(); });
  for (int i = 0; i < 100 && r.fetches() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(r.TakeChanged());
  ASSERT_EQ(r.Targets().size(), 2u);
  // The server goes away: lookups fail, the targets stay.
  server_->Stop();
  const uint64_t before = r.fetches();
  for (int i = 0; i < 3000 && r.fetches() < before + 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(r.fetches(), before + 2);
  EXPECT_EQ(r.Targets().size(), 2u);
  EXPECT_FALSE(r.TakeChanged());
  EXPECT_GE(m.sd_dns_lookup_failures.Value(), 1);
}

TEST(DnsAnswerTest, GarbageIsAnErrorNotACrash) {
  const unsigned char empty[1] = {0};
  EXPECT_FALSE(ParseDnsAnswer(empty, 0, "x", 1).ok());
  // A header claiming one answer that is not there.
  const unsigned char truncated[12] = {0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(ParseDnsAnswer(truncated, sizeof(truncated), "x", 1).ok());
}

}  // namespace
}  // namespace outpost::scrape
