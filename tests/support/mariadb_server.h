// A throwaway MariaDB server for tests: a fresh data directory
// (mariadb-install-db), mariadbd on a free loopback port and a socket in
// that directory, binary logs on (mysql-bin.NNNNNN in the data directory),
// performance_schema on, real grants (no --skip-grant-tables), and an exporter
// user with the privileges mysqld_exporter documents. Stopped (SIGTERM,
// then SIGKILL after 20 s) and removed in the destructor.
//
// Usage:
//   outpost::testing::MariadbServer db;
//   ASSERT_TRUE(db.Start()) << db.error();
//   std::string dsn = db.Dsn();   // "exporter:...@tcp(127.0.0.1:PORT)/"
//
// Binaries: $OUTPOST_MARIADBD (default /usr/sbin/mariadbd),
// mariadb-install-db and the mariadb client from PATH (Debian package
// mariadb-server). Start() fails loudly when they are missing. Root runs
// the server with --user=root. Not thread-safe.
#ifndef OUTPOST_TESTS_SUPPORT_MARIADB_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_MARIADB_SERVER_H_

#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

class MariadbServer {
 public:
  static constexpr const char* kUser = "exporter";
  // Contains '@', ':' and '/' on purpose (DSN splitting).
  static constexpr const char* kPassword = "s3cr@t:p/w";

  MariadbServer() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-mariadb-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~MariadbServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  MariadbServer(const MariadbServer&) = delete;
  MariadbServer& operator=(const MariadbServer&) = delete;

  // Initializes the data directory (first call only), starts the server,
  // waits until it accepts connections (up to 30 s) and, the first time,
  // creates the exporter user. False with error() set on failure.
  bool Start() {
    const std::string mariadbd = Env("OUTPOST_MARIADBD", "/usr/sbin/mariadbd");
    if (access(mariadbd.c_str(), X_OK) != 0) {
      return Fail("mariadbd binary " + mariadbd +
                  " is missing: apt-get install -y mariadb-server (tests/run.sh)");
    }
    // A tmpdir of its own: mariadbd removes "#sql*" files from its tmpdir
    // at start, which breaks another server bootstrapping in /tmp at the
    // same time (ctest runs tests in parallel).
    const std::string tmp = dir_ + "/tmp";
    mkdir(tmp.c_str(), 0700);
    if (!initialized_) {
      if (Run({"mariadb-install-db", "--no-defaults", "--datadir=" + DataDir(),
               "--auth-root-authentication-method=normal", "--user=" + UserName(),
               "--skip-test-db", "--tmpdir=" + tmp},
              dir_ + "/install.log") != 0) {
        return Fail("mariadb-install-db failed: " + ReadFile(dir_ + "/install.log"));
      }
    }
    if (port_ == 0) port_ = FreePort();
    const std::vector<std::string> args = {mariadbd,
                                           "--no-defaults",
                                           "--datadir=" + DataDir(),
                                           "--tmpdir=" + tmp,
                                           "--port=" + std::to_string(port_),
                                           "--socket=" + Socket(),
                                           "--pid-file=" + dir_ + "/mariadbd.pid",
                                           "--bind-address=127.0.0.1",
                                           "--performance_schema=ON",
                                           // binlog_size needs binary logs.
                                           "--log-bin=mysql-bin",
                                           "--server-id=1",
                                           "--innodb-buffer-pool-size=16M",
                                           "--log-error=" + dir_ + "/error.log",
                                           "--user=" + UserName()};
    SpawnOptions spawn = SpawnOptions::Log("/dev/null");  // it logs to error.log
    spawn.stop_grace = std::chrono::seconds(20);
    server_ = std::make_unique<SpawnedProcess>(args, spawn);
    for (int i = 0; i < 300; ++i) {  // ~30 s
      if (Sql("SELECT 1", "root") == 0) break;
      if (!server_->running()) {
        server_.reset();
        return Fail("mariadbd exited: " + ReadFile(dir_ + "/error.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (i == 299) return Fail("mariadbd did not accept connections: " + ReadFile(dir_ + "/error.log"));
    }
    if (!initialized_) {
      const std::string pw = kPassword;
      const std::string setup =
          "DELETE FROM mysql.global_priv WHERE User=''; FLUSH PRIVILEGES; "
          "CREATE USER 'exporter'@'localhost' IDENTIFIED BY '" + pw + "'; "
          "CREATE USER 'exporter'@'127.0.0.1' IDENTIFIED BY '" + pw + "'; "
          "GRANT PROCESS, REPLICATION CLIENT, SELECT, SLAVE MONITOR ON *.* TO 'exporter'@'localhost'; "
          "GRANT PROCESS, REPLICATION CLIENT, SELECT, SLAVE MONITOR ON *.* TO 'exporter'@'127.0.0.1';";
      if (Sql(setup, "root") != 0) return Fail("creating the exporter user failed: " + last_output_);
      initialized_ = true;
    }
    return true;
  }

  // SIGTERM, wait up to 20 s, then SIGKILL. Keeps the data directory and
  // the port, so Start() brings the same server back.
  void Stop() { server_.reset(); }

  // Runs SQL with the mariadb client as `user` (root has no password);
  // returns the client's exit status. Output in last_output().
  int Sql(const std::string& sql, const std::string& user = "root") {
    return Run({"mariadb", "--no-defaults", "--socket=" + Socket(), "-u" + user, "-N", "-B",
                "-e", sql},
               dir_ + "/client.log");
  }

  int port() const { return port_; }
  std::string Socket() const { return dir_ + "/mysqld.sock"; }
  std::string DataDir() const { return dir_ + "/data"; }
  const std::string& dir() const { return dir_; }
  const std::string& error() const { return error_; }
  const std::string& last_output() const { return last_output_; }
  // A go-sql-driver DSN for the exporter user over TCP.
  std::string Dsn() const {
    return std::string(kUser) + ":" + kPassword + "@tcp(127.0.0.1:" + std::to_string(port_) + ")/";
  }

 private:
  static std::string Env(const char* name, const char* def) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : def;
  }
  static std::string UserName() { return geteuid() == 0 ? "root" : Env("USER", "nobody"); }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool Fail(std::string msg) {
    error_ = std::move(msg);
    return false;
  }
  // Runs a program from PATH with output to `log`; its exit status.
  int Run(std::vector<std::string> args, const std::string& log) {
    SpawnOptions spawn = SpawnOptions::Log(log);
    spawn.search_path = true;
    SpawnedProcess p(args, spawn);
    const int status = p.Wait(std::chrono::minutes(5)).value_or(-1);
    last_output_ = ReadFile(log);
    return status > 128 ? -1 : status;  // killed by a signal: -1, as before
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<SpawnedProcess> server_;
  bool initialized_ = false;
  std::string error_;
  std::string last_output_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_MARIADB_SERVER_H_
