// One scrape of a real exporter binary (the Debian packages the parity
// tests diff outpost against): HttpGetMetrics reads /metrics of a loopback
// port; ScrapeExporter starts the binary on a free port, waits for its
// first answer, returns it and stops the binary.
#ifndef OUTPOST_TESTS_SUPPORT_EXPORTER_SCRAPE_H_
#define OUTPOST_TESTS_SUPPORT_EXPORTER_SCRAPE_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

// GET http://127.0.0.1:port/metrics over HTTP/1.0 (no chunked body); ""
// when not reachable or not 200.
inline std::string HttpGetMetrics(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return "";
  }
  const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
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
  spawn.env.emplace();
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    bool replaced = false;
    for (const std::string& x : env) {
      const size_t eq = x.find('=');
      if (var.substr(0, var.find('=')) == std::string_view(x).substr(0, eq)) replaced = true;
    }
    if (!replaced) spawn.env->push_back(*e);
  }
  for (const std::string& x : env) spawn.env->push_back(x);
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
