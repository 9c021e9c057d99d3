// A throwaway SNMP agent for tests: Debian's /usr/sbin/snmpd (package
// snmpd) in the foreground on udp:127.0.0.1:<free port>, with only its own
// config (-C -c) and persistent files in a temp dir. It serves the whole
// MIB-II tree of this machine (IF-MIB: lo, eth0 and whatever else the
// kernel shows) to:
//   - community kCommunity ("public") from 127.0.0.1, v1 and v2c;
//   - SNMPv3 users kV3User (authPriv, SHA/AES) and kV3User256 (authPriv,
//     SHA-256/AES-256 as Blumenthal's draft);
// Start() waits (bounded) until snmpget (package snmp) gets sysUpTime; the
// destructor stops the agent. A missing binary fails Start() with the
// package to install in error(), never a skip.
#ifndef OUTPOST_TESTS_SUPPORT_SNMPD_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_SNMPD_SERVER_H_

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "tests/support/exporter_scrape.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

class SnmpdServer {
 public:
  static constexpr const char* kCommunity = "public";
  static constexpr const char* kV3User = "outpostv3";  // SHA / AES
  static constexpr const char* kV3User256 = "outpostv3x";  // SHA256 / AES256
  static constexpr const char* kAuthPassword = "authpass-0123";
  static constexpr const char* kPrivPassword = "privpass-4567";

  SnmpdServer() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-snmpd-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
  }
  ~SnmpdServer() {
    Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  SnmpdServer(const SnmpdServer&) = delete;
  SnmpdServer& operator=(const SnmpdServer&) = delete;

  bool Start() {
    if (dir_.empty()) return false;
    if (access(kBinary, X_OK) != 0) {
      error_ = std::string(kBinary) + " is missing: apt-get install -y snmpd (tests/run.sh)";
      return false;
    }
    if (access(kSnmpget, X_OK) != 0) {
      error_ = std::string(kSnmpget) + " is missing: apt-get install -y snmp (tests/run.sh)";
      return false;
    }
    // A port taken between FreeUdpPort and the bind: try another.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreeUdpPort();
      WriteConfig();
      SpawnOptions o = SpawnOptions::Log(dir_ + "/snmpd.log");
      o.env = EnvironWith({"SNMP_PERSISTENT_DIR=" + dir_ + "/persist", "MIBS=", "MIBDIRS=/nonexistent"});
      process_.emplace(std::vector<std::string>{kBinary, "-f", "-Lo", "-C", "-c", dir_ + "/snmpd.conf",
                                                "-p", dir_ + "/snmpd.pid", "udp:127.0.0.1:" + std::to_string(port_)},
                       o);
      for (int i = 0; i < 100; ++i) {
        if (!process_->running()) break;
        if (Answers()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      process_.reset();
    }
    std::ifstream log(dir_ + "/snmpd.log");
    error_ = "snmpd did not answer on udp:127.0.0.1:" + std::to_string(port_) + "; its log: " +
             std::string(std::istreambuf_iterator<char>(log), {});
    return false;
  }
  void Stop() { process_.reset(); }

  int port() const { return port_; }
  // "127.0.0.1:<port>", snmp_exporter's target form.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }

 private:
  static constexpr const char* kBinary = "/usr/sbin/snmpd";
  static constexpr const char* kSnmpget = "/usr/bin/snmpget";

  void WriteConfig() {
    std::filesystem::create_directories(dir_ + "/persist");
    std::ofstream c(dir_ + "/snmpd.conf");
    c << "rocommunity " << kCommunity << " 127.0.0.1\n"
      << "createUser " << kV3User << " SHA \"" << kAuthPassword << "\" AES \"" << kPrivPassword << "\"\n"
      << "createUser " << kV3User256 << " SHA-256 \"" << kAuthPassword << "\" AES-256 \""
      << kPrivPassword << "\"\n"
      << "rouser " << kV3User << " priv\n"
      << "rouser " << kV3User256 << " priv\n"
      << "sysLocation outpost test\n"
      << "sysContact outpost\n";
  }

  bool Answers() {
    SpawnOptions o = SpawnOptions::Log(dir_ + "/snmpget.log");
    o.stdin_null = true;
    o.env = EnvironWith({"MIBS=", "MIBDIRS=/nonexistent", "SNMP_PERSISTENT_DIR=" + dir_ + "/persist-get"});
    SpawnedProcess get({kSnmpget, "-v2c", "-c", kCommunity, "-r0", "-t0.5", "-On",
                        "udp:127.0.0.1:" + std::to_string(port_), ".1.3.6.1.2.1.1.3.0"},
                       o);
    const std::optional<int> code = get.Wait(std::chrono::seconds(5));
    return code.has_value() && *code == 0;
  }

  std::string dir_, error_;
  int port_ = -1;
  std::optional<SpawnedProcess> process_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_SNMPD_SERVER_H_
