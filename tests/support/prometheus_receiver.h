// Debian's Prometheus (/usr/bin/prometheus) as a remote-write receiver for
// a test: a free loopback port, its data and log in `dir`, ready (or
// failed, with the reason) when the constructor returns, stopped by the
// destructor.
#ifndef OUTPOST_TESTS_SUPPORT_PROMETHEUS_RECEIVER_H_
#define OUTPOST_TESTS_SUPPORT_PROMETHEUS_RECEIVER_H_

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/agent/http_get.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

class PrometheusReceiver {
 public:
  static constexpr char kBinary[] = "/usr/bin/prometheus";

  // `extra_flags`, e.g. "--enable-feature=exemplar-storage".
  explicit PrometheusReceiver(const std::string& dir, std::vector<std::string> extra_flags = {})
      : log_(dir + "/prometheus.log") {
    if (access(kBinary, X_OK) != 0) {
      error_ = "Debian's prometheus is required at /usr/bin/prometheus (tests/run.sh installs it)";
      return;
    }
    port_ = FreePort();
    std::ofstream(dir + "/prometheus.yml") << "global:\n  scrape_interval: 1m\n";
    std::vector<std::string> argv = {kBinary, "--config.file=" + dir + "/prometheus.yml",
                                     "--storage.tsdb.path=" + dir + "/tsdb",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--web.enable-remote-write-receiver"};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    process_ = std::make_unique<SpawnedProcess>(argv, log_);
    const auto ready_by = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (HttpRequestTo(port_, "GET", "/-/ready").status != 200) {
      if (!process_->running() || std::chrono::steady_clock::now() > ready_by) {
        error_ = "Prometheus did not become ready: " + Log();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string write_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/write";
  }
  // GET on its HTTP API, e.g. "/api/v1/query?query=" + UrlEncode(q).
  HttpResult Get(const std::string& path) const { return HttpRequestTo(port_, "GET", path); }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string log_;
  std::string error_;
  int port_ = 0;
  std::unique_ptr<SpawnedProcess> process_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_PROMETHEUS_RECEIVER_H_
