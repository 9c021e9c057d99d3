// What the dns and icmp prober tests share: a module's prober block parsed
// from YAML as the blackbox.yml loader would hand it over, and one probe
// run into an in-memory Appender.
#ifndef OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "core/base/memory_appender.h"
#include "core/config/map_reader.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/prober.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::blackbox::testutil {

struct Parsed {
  std::unique_ptr<ProberSettings> settings;
  config::Errors errors;
  std::string AllErrors() const {
    std::string s;
    for (const std::string& e : errors.errors) s += e + "\n";
    return s;
  }
  std::string AllWarnings() const {
    std::string s;
    for (const std::string& e : errors.warnings) s += e + "\n";
    return s;
  }
};

// `yaml` is the module's `dns:` / `icmp:` block ("" = the module has none);
// errors read "blackbox.yml:LINE:COL: modules.m.<prober>.<key>: ...".
inline Parsed ParseBlock(const Prober& p, const std::string& yaml) {
  Parsed out;
  out.errors.file = "blackbox.yml";
  YAML::Node node = YAML::Load(yaml);
  config::MapReader m(node, "modules.m." + std::string(p.name), &out.errors);
  out.settings = p.parse(m);
  m.Finish();
  return out;
}

// The settings of a block that must parse cleanly (a failure fails the test).
inline std::unique_ptr<ProberSettings> MustParse(const Prober& p, const std::string& yaml) {
  Parsed parsed = ParseBlock(p, yaml);
  EXPECT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
  return std::move(parsed.settings);
}

struct Outcome {
  bool success = false;
  std::string reason;
  std::vector<CollectedSample> samples;
  absl::Duration took;

  // The value of name{labels} (labels as "k=v" pairs), nullopt if absent.
  std::optional<double> Value(std::string_view name, const Labels& labels = {}) const {
    for (const CollectedSample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  std::set<std::string> Names() const {
    std::set<std::string> n;
    for (const CollectedSample& s : samples) n.insert(s.name);
    return n;
  }
  std::string Text() const { return RenderCollected(samples); }
};

inline Outcome RunProbe(const Prober& p, const ProberSettings& settings, std::string_view target,
                        absl::Duration timeout = absl::Seconds(5)) {
  MemoryAppender app;
  SeriesCache cache;
  cache.Begin(app);
  Probe probe{target, absl::Now() + timeout, cache, ""};
  const absl::Time start = absl::Now();
  Outcome o;
  o.success = p.run(settings, probe);
  o.took = absl::Now() - start;
  o.reason = probe.reason;
  o.samples = app.Samples();
  return o;
}

// A socket of `type` (SOCK_DGRAM, or SOCK_STREAM then listening) bound to
// an ephemeral port of 127.0.0.1, for the tests' own servers; -1 (and a
// test failure) when that fails.
inline int LoopbackSocket(int type, int* port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      (type == SOCK_STREAM && ::listen(fd, 16) != 0) ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ADD_FAILURE() << "cannot open a loopback socket";
    if (fd >= 0) ::close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

// The records of the tests' dnsmasq (tests/support/dnsmasq_server.h):
//   local.test (a --local domain; TTL 0):
//     MX 10 mail.local.test  -> answer 1, additional 1 (mail's A)
//     _x._tcp SRV 0 0 80 www -> answer 1, additional 2 (www's A and AAAA)
//     www A 127.0.0.10, AAAA ::10; txt TXT "v=spf1 -all" "second"
//     nope.local.test        -> NXDOMAIN
//   outpost.test (authoritative):
//     SOA serial 2026120701  -> answer 1, authority 1 (NS ns.outpost.test)
inline std::vector<std::string> TestZoneRecords() {
  return {"--local=/local.test/",
          "--host-record=www.local.test,127.0.0.10,::10",
          "--host-record=mail.local.test,127.0.0.25",
          "--mx-host=local.test,mail.local.test,10",
          "--srv-host=_x._tcp.local.test,www.local.test,80",
          "--txt-record=txt.local.test,v=spf1 -all,second",
          "--auth-server=ns.outpost.test,127.0.0.2",
          "--auth-zone=outpost.test",
          "--auth-soa=2026120701,hostmaster.outpost.test,1200,120,604800",
          "--host-record=ns.outpost.test,127.0.0.1"};
}

}  // namespace outpost::integrations::blackbox::testutil

#endif  // OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_UTIL_H_
