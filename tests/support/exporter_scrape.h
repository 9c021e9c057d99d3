// Real exporter binaries (the Debian packages the parity tests diff
// outpost against): HttpGet reads a path of a loopback port;
// ScrapeExporter starts a binary on a free port, waits for its first
// /metrics answer, returns it and stops the binary; ExporterProcess keeps
// one running for several requests (blackbox_exporter's /probe,
// snmp_exporter's /snmp).
#ifndef OUTPOST_TESTS_SUPPORT_EXPORTER_SCRAPE_H_
#define OUTPOST_TESTS_SUPPORT_EXPORTER_SCRAPE_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

// GET http://127.0.0.1:port<path> over HTTP/1.0 (no chunked body); ""
// when not reachable or not 200.
inline std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return "";
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return "";
  }
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t body = resp.find("\r\n\r\n");
  if (resp.rfind("HTTP/1.0 200", 0) != 0 && resp.rfind("HTTP/1.1 200", 0) != 0) return "";
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

inline std::string HttpGetMetrics(int port) { return HttpGet(port, "/metrics"); }

// The environment of this process with `env` (NAME=value entries) replacing
// same-named variables.
inline std::vector<std::string> EnvironWith(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    bool replaced = false;
    for (const std::string& x : env) {
      const size_t eq = x.find('=');
      if (var.substr(0, var.find('=')) == std::string_view(x).substr(0, eq)) replaced = true;
    }
    if (!replaced) out.push_back(*e);
  }
  for (const std::string& x : env) out.push_back(x);
  return out;
}

// An exporter binary running on a free loopback port
// (--web.listen-address) for the life of the object; ready() once its
// /metrics answered (within ~10 s). A missing binary fails the test,
// naming the Debian package.
class ExporterProcess {
 public:
  ExporterProcess(const std::string& bin, std::string_view package, std::vector<std::string> args,
                  const std::vector<std::string>& env = {})
      : port_(FreePort()) {
    if (access(bin.c_str(), X_OK) != 0) {
      ADD_FAILURE() << bin << " is missing: apt-get install -y " << package << " (tests/run.sh)";
      return;
    }
    args.insert(args.begin(), bin);
    args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port_));
    SpawnOptions spawn;  // output: the test's
    spawn.env = EnvironWith(env);
    process_.emplace(args, spawn);
    for (int i = 0; i < 200 && !ready_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ready_ = !HttpGetMetrics(port_).empty();
    }
    EXPECT_TRUE(ready_) << bin << " did not answer on port " << port_;
  }

  bool ready() const { return ready_; }
  int port() const { return port_; }
  // The body of GET <path_and_query>; "" unless 200.
  std::string Get(const std::string& path_and_query) const {
    return ready_ ? HttpGet(port_, path_and_query) : "";
  }

 private:
  int port_;
  bool ready_ = false;
  std::optional<SpawnedProcess> process_;
};

// Runs `bin` with `args` plus --web.listen-address on a free loopback port
// and the environment with `env` (NAME=value entries) replacing same-named
// variables; returns its first /metrics answer (within ~10 s). Fails the
// test and returns "" when the binary is missing (`package` names the
// Debian package) or never answers.
inline std::string ScrapeExporter(const std::string& bin, std::string_view package,
                                  std::vector<std::string> args,
                                  const std::vector<std::string>& env = {}) {
  if (access(bin.c_str(), X_OK) != 0) {
    ADD_FAILURE() << bin << " is missing: apt-get install -y " << package << " (tests/run.sh)";
    return "";
  }
  const int port = FreePort();
  args.insert(args.begin(), bin);
  args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
  SpawnOptions spawn;  // output: the test's
  spawn.env = EnvironWith(env);
  SpawnedProcess exporter(args, spawn);
  std::string body;
  for (int i = 0; i < 200 && body.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    body = HttpGetMetrics(port);
  }
  exporter.Stop();
  EXPECT_FALSE(body.empty()) << bin << " did not answer on port " << port;
  return body;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_EXPORTER_SCRAPE_H_
