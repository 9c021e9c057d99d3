// The icmp prober: its `icmp:` block (config/config.go ICMPProbe) and
// echo probes of loopback over IPv4 and IPv6, with ttl, payload_size and
// dont_fragment, and of an address that never answers. The tests run as
// root (tests/run.sh), so the raw-socket fallback is available when
// net.ipv4.ping_group_range excludes the test's group.
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/icmp_prober.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"

namespace outpost::integrations::blackbox {
namespace {

using testutil::MustParse;
using testutil::Outcome;
using testutil::ParseBlock;
using testutil::Parsed;
using ::testing::HasSubstr;

const IcmpSettings& Icmp(const Parsed& p) { return static_cast<const IcmpSettings&>(*p.settings); }

Outcome Ping(const std::string& yaml, const std::string& target,
             absl::Duration timeout = absl::Seconds(5)) {
  std::unique_ptr<ProberSettings> s = MustParse(IcmpProber(), yaml);
  return testutil::RunProbe(IcmpProber(), *s, target, timeout);
}

// Whether ::1 can be bound (IPv6 loopback configured).
bool HaveIpv6Loopback() {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

const std::set<std::string> kSuccess = {"probe_dns_lookup_time_seconds", "probe_ip_protocol",
                                        "probe_ip_addr_hash", "probe_icmp_duration_seconds",
                                        "probe_icmp_reply_hop_limit"};

TEST(IcmpParse, DefaultsAndKeys) {
  Parsed d = ParseBlock(IcmpProber(), "");
  ASSERT_TRUE(d.errors.ok()) << d.AllErrors();
  EXPECT_EQ(Icmp(d).ttl, 64);
  EXPECT_TRUE(Icmp(d).ip_protocol_fallback);
  EXPECT_EQ(Icmp(d).payload_size, 0);
  Parsed p = ParseBlock(IcmpProber(),
                        "preferred_ip_protocol: ip4\nip_protocol_fallback: false\n"
                        "source_ip_address: 127.0.0.1\npayload_size: 1200\n"
                        "dont_fragment: true\nttl: 5\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const IcmpSettings& s = Icmp(p);
  EXPECT_EQ(s.preferred_ip_protocol, "ip4");
  EXPECT_FALSE(s.ip_protocol_fallback);
  EXPECT_EQ(s.payload_size, 1200);
  EXPECT_TRUE(s.dont_fragment);
  EXPECT_EQ(s.ttl, 5);
  YAML::Emitter out;
  out << YAML::BeginMap;
  s.Dump(out);
  out << YAML::EndMap;
  EXPECT_THAT(std::string(out.c_str()), HasSubstr("ttl: 5"));
  EXPECT_TRUE(ParseBlock(IcmpProber(), out.c_str()).errors.ok());
}

TEST(IcmpParse, UpstreamValidationErrors) {
  EXPECT_THAT(ParseBlock(IcmpProber(), "ttl: -1\n").AllErrors(),
              HasSubstr("blackbox.yml:1:6: modules.m.icmp.ttl: \"ttl\" cannot be negative"));
  EXPECT_THAT(ParseBlock(IcmpProber(), "ttl: 256\n").AllErrors(),
              HasSubstr("modules.m.icmp.ttl: \"ttl\" cannot exceed 255"));
  EXPECT_THAT(ParseBlock(IcmpProber(), "tll: 5\n").AllErrors(),
              HasSubstr("modules.m.icmp.tll: unknown key"));
  EXPECT_THAT(ParseBlock(IcmpProber(), "payload_size: -3\n").AllErrors(),
              HasSubstr("modules.m.icmp.payload_size"));
  EXPECT_TRUE(ParseBlock(IcmpProber(), "ttl: 0\n").errors.ok());
}

TEST(IcmpProbe, Ipv4Loopback) {
  Outcome o = Ping("", "127.0.0.1");
  ASSERT_TRUE(o.success) << o.reason;
  EXPECT_EQ(o.Names(), kSuccess);
  EXPECT_EQ(o.Value("probe_ip_protocol"), 4);
  EXPECT_EQ(o.Value("probe_ip_addr_hash"), 3668918509.0);
  EXPECT_EQ(o.Value("probe_icmp_reply_hop_limit"), 64);
  for (const char* phase : {"resolve", "setup", "rtt"}) {
    EXPECT_TRUE(o.Value("probe_icmp_duration_seconds", {{"phase", phase}}).has_value()) << phase;
  }
  EXPECT_GT(*o.Value("probe_icmp_duration_seconds", {{"phase", "rtt"}}), 0);
}

TEST(IcmpProbe, Ipv6Loopback) {
  ASSERT_TRUE(HaveIpv6Loopback())
      << "::1 is not configured: the IPv6 echo test needs IPv6 on the loopback interface";
  Outcome o = Ping("preferred_ip_protocol: ip6\n", "::1");
  ASSERT_TRUE(o.success) << o.reason;
  EXPECT_EQ(o.Names(), kSuccess);
  EXPECT_EQ(o.Value("probe_ip_protocol"), 6);
  EXPECT_EQ(o.Value("probe_icmp_reply_hop_limit"), 64);
  Outcome payload = Ping("payload_size: 600\nttl: 3\n", "::1");
  EXPECT_TRUE(payload.success) << payload.reason;
}

TEST(IcmpProbe, TtlPayloadAndDontFragment) {
  for (const char* yaml : {"ttl: 1\n", "ttl: 0\n", "payload_size: 10\n", "payload_size: 1400\n",
                           "payload_size: 3000\nttl: 7\n", "dont_fragment: true\n",
                           "dont_fragment: true\npayload_size: 1000\nttl: 9\n",
                           "source_ip_address: 127.0.0.1\n"}) {
    Outcome o = Ping(yaml, "127.0.0.1");
    EXPECT_TRUE(o.success) << yaml << o.reason;
    EXPECT_EQ(o.Value("probe_icmp_reply_hop_limit"), 64) << yaml;
  }
  // A packet larger than IP allows cannot be sent: a failure, at once.
  Outcome big = Ping("payload_size: 70000\n", "127.0.0.1", absl::Seconds(5));
  EXPECT_FALSE(big.success);
  EXPECT_LT(big.took, absl::Seconds(3));
}

TEST(IcmpProbe, FailuresKeepTheDurationGauges) {
  // No IPv4 address for ::1 and no fallback.
  Outcome unresolved =
      Ping("preferred_ip_protocol: ip4\nip_protocol_fallback: false\n", "::1");
  EXPECT_FALSE(unresolved.success);
  EXPECT_EQ(unresolved.Value("probe_ip_protocol"), 0);
  EXPECT_EQ(unresolved.Value("probe_icmp_duration_seconds", {{"phase", "rtt"}}), 0);
  EXPECT_FALSE(unresolved.Value("probe_icmp_reply_hop_limit").has_value());
  Outcome bad_source = Ping("source_ip_address: 300.1.1.1\n", "127.0.0.1");
  EXPECT_FALSE(bad_source.success);
  EXPECT_THAT(bad_source.reason, HasSubstr("300.1.1.1"));
  // A source address the host does not have cannot be bound.
  Outcome foreign = Ping("source_ip_address: 198.51.100.7\n", "127.0.0.1");
  EXPECT_FALSE(foreign.success);
}

// The unprivileged path: a thread of the test moves into a network
// namespace of its own (namespaces are per thread), brings its loopback up
// and lets every group open ICMP datagram sockets there
// (net.ipv4.ping_group_range is per namespace; the host's is untouched),
// then probes; the prober tries that socket first, as upstream.
TEST(IcmpProbe, UnprivilegedDatagramSocket) {
  std::string error;
  bool dgram4 = false, dgram6 = false;
  Outcome v4, v6;
  std::thread t([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      error = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    ::ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    const bool up = ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    ::close(s);
    if (!up) {
      error = "cannot bring lo up in the new network namespace";
      return;
    }
    std::ofstream("/proc/sys/net/ipv4/ping_group_range") << "0 2147483647\n";
    for (auto [family, proto, ok] : {std::tuple{AF_INET, int(IPPROTO_ICMP), &dgram4},
                                     std::tuple{AF_INET6, int(IPPROTO_ICMPV6), &dgram6}}) {
      const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
      *ok = fd >= 0;
      if (fd >= 0) ::close(fd);
    }
    v4 = Ping("ttl: 9\npayload_size: 300\n", "127.0.0.1");
    v6 = Ping("preferred_ip_protocol: ip6\n", "::1");
  });
  t.join();
  ASSERT_TRUE(error.empty()) << error << " (the test runs as root, see tests/run.sh)";
  ASSERT_TRUE(dgram4) << "ICMP datagram sockets are still refused";
  EXPECT_TRUE(v4.success) << v4.reason;
  EXPECT_EQ(v4.Names(), kSuccess);
  EXPECT_EQ(v4.Value("probe_icmp_reply_hop_limit"), 64);
  ASSERT_TRUE(dgram6) << "ICMPv6 datagram sockets are still refused";
  EXPECT_TRUE(v6.success) << v6.reason;
  EXPECT_EQ(v6.Value("probe_icmp_reply_hop_limit"), 64);
}

TEST(IcmpProbe, SilentTargetEndsAtTheDeadline) {
  // TEST-NET-3 (RFC 5737): routed out of the host, never answered.
  Outcome o = Ping("", "203.0.113.1", absl::Seconds(1));
  EXPECT_FALSE(o.success);
  EXPECT_GE(o.took, absl::Milliseconds(900)) << o.reason;
  EXPECT_LT(o.took, absl::Milliseconds(2500)) << o.reason;
  EXPECT_EQ(o.Value("probe_icmp_duration_seconds", {{"phase", "rtt"}}), 0);
  EXPECT_FALSE(o.Value("probe_icmp_reply_hop_limit").has_value());
}

}  // namespace
}  // namespace outpost::integrations::blackbox
