// loki_receiver: the test Loki receiver (loki_receiver.h) as a process, for
// tests that need it outside their own process.
//
//   loki_receiver [--port N] [--counts FILE] [--strict-order] [--basic-auth USER:PASS]
//
// Prints its push URL on stdout once listening (port N, or a free one). On
// SIGTERM or SIGINT it stops and writes the ledger's counts to FILE as JSON:
// {"requests", "accepted", "distinct_lines", "duplicates" (copies beyond the
// first), "duplicated" (line -> count, first 1000), "streams" (stream ->
// entries), "rejected" (reason -> entries), "errors" (first 1000)}.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "nlohmann/json.hpp"
#include "tests/logs/support/loki_receiver.h"

namespace {

constexpr size_t kListMax = 1000;

int Usage(const std::string& why) {
  std::cerr << "loki_receiver: " << why
            << "\nusage: loki_receiver [--port N] [--counts FILE] [--strict-order]"
               " [--basic-auth USER:PASS]\n";
  return 2;
}

nlohmann::json Counts(const outpost::testing::LokiReceiver& rx) {
  nlohmann::json j;
  j["requests"] = rx.request_count();
  j["accepted"] = rx.accepted();
  const auto counts = rx.line_counts();
  j["distinct_lines"] = counts.size();
  size_t duplicates = 0;
  nlohmann::json duplicated = nlohmann::json::object();
  for (const auto& [line, n] : counts) {
    if (n < 2) continue;
    duplicates += n - 1;
    if (duplicated.size() < kListMax) duplicated[line] = n;
  }
  j["duplicates"] = duplicates;
  j["duplicated"] = duplicated;
  nlohmann::json streams = nlohmann::json::object();
  for (const auto& e : rx.entries()) {
    streams[e.stream] = streams.value(e.stream, size_t{0}) + 1;
  }
  j["streams"] = streams;
  j["rejected"] = rx.rejected();
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : rx.errors()) {
    if (errors.size() == kListMax) break;
    errors.push_back(e);
  }
  j["errors"] = errors;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string counts_file;
  std::string basic_auth;
  outpost::testing::LokiReceiverOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--port" && has_value) {
      char* end = nullptr;
      const long p = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || p < 0 || p > 65535)
        return Usage("--port: not a port: " + std::string(argv[i]));
      port = static_cast<int>(p);
    } else if (arg == "--counts" && has_value) {
      counts_file = argv[++i];
    } else if (arg == "--basic-auth" && has_value) {
      basic_auth = argv[++i];
      if (basic_auth.find(':') == std::string::npos) return Usage("--basic-auth: want USER:PASS");
    } else if (arg == "--strict-order") {
      options.strict_order = true;
    } else {
      return Usage("unknown or incomplete argument " + arg);
    }
  }
  // Block the stop signals before civetweb starts its threads, so that
  // they reach sigwait() below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  outpost::testing::LokiReceiver rx(options);
  if (!basic_auth.empty()) {
    const size_t colon = basic_auth.find(':');
    rx.set_basic_auth(basic_auth.substr(0, colon), basic_auth.substr(colon + 1));
  }
  if (!rx.Start(port)) {
    std::cerr << "loki_receiver: cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  std::cout << rx.url() << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  rx.Stop();
  if (!counts_file.empty()) {
    // Written aside, then renamed: a reader never sees half of it.
    const std::string tmp = counts_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << Counts(rx).dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      if (!out.flush()) {
        std::cerr << "loki_receiver: cannot write " << tmp << "\n";
        return 1;
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, counts_file, ec);
    if (ec) {
      std::cerr << "loki_receiver: cannot rename " << tmp << " to " << counts_file << ": "
                << ec.message() << "\n";
      return 1;
    }
  }
  return 0;
}
