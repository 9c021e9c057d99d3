// The libraries only some integrations use (libpq, net-snmp, ldns, c-ares,
// libsystemd) are not loaded at start-up but when the first integration or
// journal target that needs them is made (core/base/lazy_library.h; issue
// 23: each loaded library costs resident memory in every process). Through
// the binary: a config without them maps none of them; a reload that adds a
// postgres, an snmp and a blackbox integration and a journal target maps
// them, and those integrations run (their `up` series reach the WAL).
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

const char* const kLazy[] = {"libpq.so", "libnetsnmp.so", "libldns.so", "libcares.so",
                             "libsystemd.so"};

std::string Maps(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Base(const std::string& dir) {
  return "metrics:\n"
         "  wal_directory: " + dir + "/data\n"
         "  global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
         "integrations:\n"
         "  agent: {enabled: true}\n";
}

TEST(LazyLibrariesE2eTest, OpenedWhenAnIntegrationFirstNeedsThem) {
  TempDir d;
  WriteFile(d / "agent.yaml", Base(d.path()));
  const int port = FreePort();
  Process p({"-config.file=" + (d / "agent.yaml"),
             "-server.http.address=127.0.0.1:" + std::to_string(port)},
            d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();

  std::string maps = Maps(p.pid());
  // The check can see a library: libcurl is linked and loaded at start-up.
  ASSERT_NE(maps.find("/libcurl.so"), std::string::npos) << maps;
  for (const char* lib : kLazy) EXPECT_EQ(maps.find(lib), std::string::npos) << lib << " at start-up";

  // Servers that are not there: each integration reports up 0, none fails.
  const std::string closed = "127.0.0.1:" + std::to_string(FreePort());
  const std::string closed_udp = "127.0.0.1:" + std::to_string(FreeUdpPort());
  const std::string loki = "http://127.0.0.1:" + std::to_string(FreePort()) + "/loki/api/v1/push";
  std::filesystem::create_directories(d / "journal");
  WriteFile(d / "agent.yaml",
            Base(d.path()) +
                "  postgres_exporter:\n"
                "    enabled: true\n"
                "    data_source_names: [\"postgresql://u@" + closed + "/postgres?sslmode=disable\"]\n"
                "  snmp:\n"
                "    enabled: true\n"
                "    snmp_targets:\n"
                "      - {name: sw1, address: \"" + closed_udp + "\", module: if_mib}\n"
                "  blackbox:\n"
                "    enabled: true\n"
                "    blackbox_config: {modules: {tcp_connect: {prober: tcp, timeout: 1s}}}\n"
                "    blackbox_targets:\n"
                "      - {name: down, address: \"" + closed + "\", module: tcp_connect}\n"
                "logs:\n"
                "  positions_directory: " + d / "positions" + "\n"
                "  configs:\n"
                "  - name: default\n"
                "    clients: [{url: \"" + loki + "\"}]\n"
                "    scrape_configs:\n"
                "    - job_name: journal\n"
                "      journal: {path: " + d / "journal" + ", labels: {job: journal}}\n");
  HttpResult reload = HttpRequestTo(port, "GET", "/-/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;

  maps = Maps(p.pid());
  for (const char* lib : kLazy) EXPECT_NE(maps.find(lib), std::string::npos) << lib << " after the reload";

  // Each integration ran through its library: its `up` reached the WAL.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();
  const WalContent wal = ReadWal(d / "data/integrations/wal");
  std::set<std::string> up_jobs;
  for (const auto& [ref, l] : wal.series) {
    if (l.Get("__name__") == "up") up_jobs.insert(std::string(l.Get("job")));
  }
  for (const char* job : {"integrations/postgres_exporter", "integrations/snmp/sw1",
                          "integrations/blackbox/down"}) {
    EXPECT_EQ(up_jobs.count(job), 1u) << job;
  }
}

}  // namespace
}  // namespace outpost::testing
