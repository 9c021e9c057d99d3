// TlsProxy: terminates TLS on 127.0.0.1:<port> (OpenSSL) and pipes the
// plaintext to another local port. Tests use it in front of FaultReceiver
// because Debian's civetweb cannot do TLS with OpenSSL 3 (it crashes).
// One thread per connection; test-only code.
#ifndef OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_TLS_PROXY_H_
#define OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_TLS_PROXY_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace outpost::remote_write::testing {

class TlsProxy {
 public:
  // nullptr when the certificate/key cannot be loaded or no port is free.
  static std::unique_ptr<TlsProxy> Start(const std::string& cert_file,
                                         const std::string& key_file, int backend_port);
  ~TlsProxy();
  int port() const { return port_; }
  std::string url() const;  // https://127.0.0.1:<port>/api/v1/write

 private:
  TlsProxy() = default;
  void AcceptLoop();
  void Serve(int client_fd);

  void* ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  int port_ = 0;
  int backend_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  absl::Mutex mu_;
  std::vector<std::thread> conns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outpost::remote_write::testing

#endif  // OUTPOST_TESTS_REMOTE_WRITE_SUPPORT_TLS_PROXY_H_
