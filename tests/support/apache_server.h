// A throwaway Apache httpd for tests: Debian's apache2 (/usr/sbin/apache2,
// or $OUTPOST_APACHE2) in the foreground on a free loopback port, with its
// own config file, ServerRoot, PidFile, ErrorLog, Mutex and runtime
// directory in a fresh temporary directory. Loaded from
// /usr/lib/apache2/modules: mpm_event, authz_core, status (ExtendedStatus
// On, ProxyStatus On, /server-status), proxy, proxy_http, proxy_balancer,
// slotmem_shm and lbmethod_byrequests, with balancer://backends of two
// members (closed loopback ports: requests to /app/ fail with 503 but are
// counted) proxied at /app/. As root the workers run as www-data.
//
// With Options::tls the listener speaks TLS only (mod_ssl), with a
// self-signed certificate for 127.0.0.1 made by the openssl CLI, or the
// given cert_file/key_file. Options::extra_config is appended to the
// config file.
//
// Start() waits (bounded) until /server-status?auto answers 200; Stop()
// stops it (SIGTERM, SIGKILL after 10 s), and Start() again reuses the
// port. A missing binary fails loudly (error()), never skips.
//
//   outpost::testing::ApacheServer httpd;
//   ASSERT_TRUE(httpd.Start()) << httpd.error();
//   httpd.Get("/index.html");  // some traffic (no mod_dir: no "/")
//   std::string uri = httpd.StatusUri();  // http://127.0.0.1:PORT/server-status?auto
#ifndef OUTPOST_TESTS_SUPPORT_APACHE_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_APACHE_SERVER_H_

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "tests/core/agent/http_get.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {

class ApacheServer {
 public:
  struct Options {
    bool tls = false;
    // With tls: the server's certificate and key (e.g. signed by the test
    // CA of test_certificates.h); empty: a self-signed one is made.
    std::string cert_file, key_file;
    // Lines appended to apache2.conf (more modules, Redirect, rewrites).
    std::string extra_config;
  };

  ApacheServer() : ApacheServer(Options{}) {}
  explicit ApacheServer(Options o) : o_(o) {
    const char* env = std::getenv("OUTPOST_APACHE2");
    binary_ = env != nullptr ? env : "/usr/sbin/apache2";
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-apache-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    chmod(dir_.c_str(), 0755);  // the workers (www-data) read htdocs
    port_ = FreePort();
  }
  ~ApacheServer() {
    Stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  ApacheServer(const ApacheServer&) = delete;
  ApacheServer& operator=(const ApacheServer&) = delete;

  // Starts (again) on the same port; true once the status page answers.
  bool Start() {
    if (server_ != nullptr) return true;
    if (dir_.empty()) return false;
    if (access(binary_.c_str(), X_OK) != 0) {
      error_ = binary_ + " not found (apt-get install -y apache2; tests/run.sh)";
      return false;
    }
    if (!WriteConfig()) return false;
    if (o_.tls && o_.cert_file.empty() && !MakeCertificate()) return false;
    SpawnOptions spawn = SpawnOptions::Log(dir_ + "/stdout.log");
    spawn.stop_grace = std::chrono::seconds(10);
    server_ = std::make_unique<SpawnedProcess>(
        std::vector<std::string>{binary_, "-f", dir_ + "/apache2.conf", "-DFOREGROUND"}, spawn);
    for (int i = 0; i < 300; ++i) {  // up to 15 s
      if (o_.tls ? Connects() : Get("/server-status?auto") == 200) {
        error_.clear();
        return true;
      }
      if (!server_->running()) {
        server_.reset();
        error_ = "apache2 exited at start; see " + dir_ + "/stdout.log and error.log";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "apache2 did not answer /server-status; see " + dir_ + "/error.log";
    return false;
  }
  void Stop() { server_.reset(); }

  // GET `path`; the status code, 0 when nothing answered.
  int Get(const std::string& path, std::string* body = nullptr) const {
    HttpResult r = HttpRequestTo(port_, "GET", path);
    if (body != nullptr) *body = std::move(r.body);
    return r.status;
  }

  const std::string& error() const { return error_; }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string StatusUri() const {
    return std::string(o_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
           "/server-status?auto";
  }

 private:
  // A TCP connection to the port succeeds (TLS: the plain-HTTP GET cannot
  // tell that the server is up).
  bool Connects() const {
    const int fd = ConnectLoopback(port_);
    if (fd < 0) return false;
    close(fd);
    return true;
  }
  bool MakeCertificate() {
    const std::string cmd =
        "cd '" + dir_ + "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
        " -nodes -keyout server.key -out server.crt -days 2 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 >openssl.log 2>&1";
    if (std::system(cmd.c_str()) == 0) return true;
    error_ = "openssl req failed (is the openssl CLI installed?); see " + dir_ + "/openssl.log";
    return false;
  }
  bool WriteConfig() {
    std::filesystem::create_directories(dir_ + "/htdocs");
    std::ofstream(dir_ + "/htdocs/index.html") << "outpost test page\n";
    const std::string m = "/usr/lib/apache2/modules/";
    std::ofstream c(dir_ + "/apache2.conf");
    c << "ServerRoot \"" << dir_ << "\"\n"
      << "ServerName 127.0.0.1\n"
      << "Listen 127.0.0.1:" << port_ << "\n"
      << "PidFile " << dir_ << "/apache2.pid\n"
      << "ErrorLog " << dir_ << "/error.log\n"
      << "LogLevel warn\n"
      << "Mutex file:" << dir_ << " default\n"
      << "DefaultRuntimeDir " << dir_ << "\n";
    if (geteuid() == 0) c << "User www-data\nGroup www-data\n";
    if (o_.tls) {
      c << "LoadModule ssl_module " << m << "mod_ssl.so\n"
        << "SSLEngine on\nSSLCertificateFile "
        << (o_.cert_file.empty() ? dir_ + "/server.crt" : o_.cert_file) << "\n"
        << "SSLCertificateKeyFile "
        << (o_.key_file.empty() ? dir_ + "/server.key" : o_.key_file) << "\n";
    }
    for (const char* mod : {"mpm_event", "authz_core", "status", "proxy", "proxy_http",
                            "proxy_balancer", "slotmem_shm", "lbmethod_byrequests"}) {
      c << "LoadModule " << mod << "_module " << m << "mod_" << mod << ".so\n";
    }
    // Two closed loopback ports as members: the proxy answers 503 at once.
    const int member1 = FreePort();
    int member2 = FreePort();
    if (member2 == member1) member2 = member1 == 65535 ? member1 - 1 : member1 + 1;
    c << "DocumentRoot " << dir_ << "/htdocs\n"
      << "<Directory " << dir_ << "/htdocs>\n  Require all granted\n</Directory>\n"
      << "StartServers 1\nServerLimit 2\nThreadsPerChild 5\nMaxRequestWorkers 10\n"
      << "MinSpareThreads 1\nMaxSpareThreads 10\n"
      << "ExtendedStatus On\nProxyStatus On\n"
      << "<Location /server-status>\n  SetHandler server-status\n  Require all granted\n"
      << "</Location>\n"
      << "<Proxy balancer://backends>\n"
      << "  BalancerMember http://127.0.0.1:" << member1 << " route=a\n"
      << "  BalancerMember http://127.0.0.1:" << member2 << " route=b\n"
      << "</Proxy>\n"
      << "ProxyPass /app/ balancer://backends/\n"
      << o_.extra_config << "\n";
    if (!c) {
      error_ = "cannot write " + dir_ + "/apache2.conf";
      return false;
    }
    return true;
  }

  Options o_;
  std::string binary_;
  std::string dir_;
  std::string error_;
  int port_ = -1;
  std::unique_ptr<SpawnedProcess> server_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_APACHE_SERVER_H_
