// A throwaway PostgreSQL server for tests: `initdb` into a fresh temporary
// directory (the newest /usr/lib/postgresql/*/bin, Debian's `postgresql`
// package), `postgres` on a free loopback port with its unix socket in
// that directory, the superuser `postgres` trusted on the socket, password
// (scram-sha-256) authentication over TCP, and a monitoring role `outpost`
// in pg_monitor with a password. Stopped (SIGINT: fast shutdown, which
// does not wait for open sessions; SIGKILL after 20 s) and removed in the
// destructor.
//
// initdb and postgres refuse to run as root: as root they run as the
// `postgres` system user (else `nobody`) through setpriv, with the
// directory chowned to it.
//
// Usage:
//   outpost::testing::PostgresServer pg;
//   ASSERT_TRUE(pg.Start()) << pg.error();
//   std::string dsn = pg.Dsn();   // postgresql://outpost:...@127.0.0.1:PORT/postgres
//   ASSERT_TRUE(pg.Sql("CREATE DATABASE shop")) << pg.error();
//
// Not thread-safe.
#ifndef OUTPOST_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <libpq-fe.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
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

class PostgresServer {
 public:
  static constexpr const char* kUser = "outpost";
  // Contains '@', ':' and '/' on purpose (URL escaping, masking).
  static constexpr const char* kPassword = "s3cr@t:p/w";
  static constexpr const char* kPasswordInUrl = "s3cr%40t%3Ap%2Fw";

  PostgresServer() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-pg-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~PostgresServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Initializes the data directory (first call only), starts the server,
  // waits until it accepts connections (up to 60 s) and, the first time,
  // creates the monitoring role. False with error() set on failure.
  bool Start() {
    const std::string bin = BinDir();
    if (bin.empty()) {
      return Fail("no /usr/lib/postgresql/*/bin/postgres: apt-get install -y postgresql "
                  "(tests/run.sh)");
    }
    if (!initialized_) {
      if (!DropRoot()) return false;
      std::vector<std::string> args = Prefix();
      const std::vector<std::string> initdb_args = {
          bin + "/initdb", "--pgdata=" + DataDir(), "--auth-local=trust",
          "--auth-host=scram-sha-256", "--no-sync", "--username=postgres", "--encoding=UTF8",
          "--locale=C"};
      args.insert(args.end(), initdb_args.begin(), initdb_args.end());
      if (Run(args, dir_ + "/initdb.log") != 0) {
        return Fail("initdb failed: " + ReadFile(dir_ + "/initdb.log"));
      }
    }
    if (port_ == 0) port_ = FreePort();
    std::vector<std::string> args = Prefix();
    const std::vector<std::string> server_args = {
        bin + "/postgres", "-D" + DataDir(), "-p", std::to_string(port_), "-k", dir_,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "shared_buffers=16MB",
        "-c", "max_connections=50"};
    args.insert(args.end(), server_args.begin(), server_args.end());
    SpawnOptions spawn = SpawnOptions::Log(dir_ + "/server.log");
    spawn.stop_signal = SIGINT;
    spawn.stop_grace = std::chrono::seconds(20);
    spawn.cwd = dir_;
    server_ = std::make_unique<SpawnedProcess>(args, spawn);
    const std::string ping = AdminConninfo();
    for (int i = 0;; ++i) {  // ~60 s
      if (PQping(ping.c_str()) == PQPING_OK) break;
      if (!server_->running()) {
        server_.reset();
        return Fail("postgres exited: " + ReadFile(dir_ + "/server.log"));
      }
      if (i == 600) return Fail("postgres did not accept connections: " + ReadFile(dir_ + "/server.log"));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!initialized_) {
      if (!Sql(std::string("CREATE ROLE ") + kUser + " LOGIN PASSWORD '" + kPassword +
               "' IN ROLE pg_monitor")) {
        return Fail("creating the monitoring role failed: " + error_);
      }
      initialized_ = true;
    }
    return true;
  }

  // Fast shutdown; keeps the data directory and the port, so Start()
  // brings the same server back.
  void Stop() { server_.reset(); }

  // Runs `sql` as the superuser over the socket, in database `db`; the
  // first column of the first row of the last result goes to *first (when
  // given). False with error() set on failure.
  bool Sql(const std::string& sql, std::string* first = nullptr,
           const std::string& db = "postgres") {
    PGconn* c = PQconnectdb(AdminConninfo(db).c_str());
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // "... skipping"
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (!ok) error_ = PQerrorMessage(c);
    if (ok) {
      PGresult* r = PQexec(c, sql.c_str());
      const ExecStatusType st = PQresultStatus(r);
      ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
      if (!ok) error_ = PQresultErrorMessage(r);
      if (ok && first != nullptr) {
        *first = PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "";
      }
      PQclear(r);
    }
    PQfinish(c);
    return ok;
  }

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }  // also the socket directory
  std::string DataDir() const { return dir_ + "/data"; }
  const std::string& error() const { return error_; }
  // The monitoring role over TCP, as a URL and as a key=value conninfo.
  std::string Dsn(const std::string& db = "postgres") const {
    return std::string("postgresql://") + kUser + ":" + kPasswordInUrl + "@127.0.0.1:" +
           std::to_string(port_) + "/" + db + "?sslmode=disable";
  }
  std::string Conninfo(const std::string& db = "postgres") const {
    return std::string("host=127.0.0.1 port=") + std::to_string(port_) + " user=" + kUser +
           " password='" + kPassword + "' dbname=" + db + " sslmode=disable";
  }

 private:
  // The newest installed server's bin directory, or "".
  static std::string BinDir() {
    std::string best;
    int best_major = -1;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const std::string name = e.path().filename().string();
      const int major = std::atoi(name.c_str());
      if (major > best_major && access((e.path() / "bin/postgres").c_str(), X_OK) == 0) {
        best_major = major;
        best = (e.path() / "bin").string();
      }
    }
    return best;
  }
  std::string AdminConninfo(const std::string& db = "postgres") const {
    return "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=" + db +
           " application_name=outpost-test connect_timeout=5";
  }
  // As root, the server runs as an unprivileged user that owns dir_.
  bool DropRoot() {
    if (geteuid() != 0) return true;
    const struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr) pw = getpwnam("nobody");
    if (pw == nullptr) return Fail("running as root and there is no postgres or nobody user");
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    if (chown(dir_.c_str(), uid_, gid_) != 0) return Fail("cannot chown " + dir_);
    return true;
  }
  std::vector<std::string> Prefix() const {
    if (geteuid() != 0) return {};
    return {"/usr/bin/setpriv", "--reuid=" + std::to_string(uid_),
            "--regid=" + std::to_string(gid_), "--clear-groups", "--"};
  }
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
  // Runs a program with output to `log`; its exit status.
  int Run(const std::vector<std::string>& args, const std::string& log) const {
    SpawnOptions spawn = SpawnOptions::Log(log);
    spawn.cwd = dir_;
    SpawnedProcess p(args, spawn);
    return p.Wait(std::chrono::minutes(5)).value_or(-1);
  }

  std::string dir_;
  int port_ = 0;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::unique_ptr<SpawnedProcess> server_;
  bool initialized_ = false;
  std::string error_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_POSTGRES_SERVER_H_
