// A dnsmasq (Debian's dnsmasq-base, /usr/sbin/dnsmasq) DNS server for a
// test: in the foreground on a free port of 127.0.0.1, with no upstream
// servers, no /etc/hosts and no config file, serving only the records the
// test passes as options (--host-record, --txt-record, --mx-host,
// --srv-host, --auth-zone/--auth-server/--auth-soa, ...). Its log goes to
// a file in a temp dir removed with the object; stopped by SIGTERM.
// A missing binary fails the test, naming the package.
//
//   DnsmasqServer dns({"--host-record=www.test,127.0.0.10"});
//   ASSERT_TRUE(dns.ready()) << dns.Log();
//   ... query 127.0.0.1:dns.port() over udp or tcp
#ifndef OUTPOST_TESTS_SUPPORT_DNSMASQ_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_DNSMASQ_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

class DnsmasqServer {
 public:
  static constexpr char kBinary[] = "/usr/sbin/dnsmasq";

  explicit DnsmasqServer(const std::vector<std::string>& records) {
    if (access(kBinary, X_OK) != 0) {
      ADD_FAILURE() << kBinary << " is missing: apt-get install -y dnsmasq-base (tests/run.sh)";
      return;
    }
    char tmpl[] = "/tmp/outpost-dnsmasq-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    port_ = FreePort();
    std::vector<std::string> args = {kBinary,
                                     "--no-daemon",
                                     "--port=" + std::to_string(port_),
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--conf-file=/dev/null",
                                     "--log-facility=-"};
    args.insert(args.end(), records.begin(), records.end());
    process_ = std::make_unique<SpawnedProcess>(args, dir_ + "/dnsmasq.log");
    // Ready once its TCP listener accepts (it binds UDP first).
    for (int i = 0; i < 200 && !ready_ && process_->running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      ready_ = Accepts();
    }
    EXPECT_TRUE(ready_) << "dnsmasq did not start on port " << port_ << ":\n" << Log();
  }

  ~DnsmasqServer() {
    process_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  DnsmasqServer(const DnsmasqServer&) = delete;
  DnsmasqServer& operator=(const DnsmasqServer&) = delete;

  bool ready() const { return ready_; }
  // Stops dnsmasq now (a server that goes away mid-test).
  void Stop() { process_.reset(); }
  int port() const { return port_; }
  // "127.0.0.1:<port>", a probe target.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  std::string Log() const {
    std::ifstream in(dir_ + "/dnsmasq.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  bool Accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
  }

  std::string dir_;
  int port_ = -1;
  bool ready_ = false;
  std::unique_ptr<SpawnedProcess> process_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_DNSMASQ_SERVER_H_
