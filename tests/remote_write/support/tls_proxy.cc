#include "tests/remote_write/support/tls_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace outpost::remote_write::testing {

std::unique_ptr<TlsProxy> TlsProxy::Start(const std::string& cert_file,
                                          const std::string& key_file, int backend_port) {
  std::unique_ptr<TlsProxy> p(new TlsProxy());
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return nullptr;
  p->ctx_ = ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return nullptr;
  }
  p->backend_port_ = backend_port;
  p->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(p->listen_fd_, 16) != 0) {
    return nullptr;
  }
  socklen_t len = sizeof addr;
  getsockname(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  p->port_ = ntohs(addr.sin_port);
  p->accept_thread_ = std::thread([raw = p.get()] { raw->AcceptLoop(); });
  return p;
}

TlsProxy::~TlsProxy() {
  stop_.store(true);
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  std::vector<std::thread> conns;
  {
    absl::MutexLock l(&mu_);
    conns.swap(conns_);
  }
  for (auto& t : conns) t.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

std::string TlsProxy::url() const {
  return absl::StrCat("https://127.0.0.1:", port_, "/api/v1/write");
}

void TlsProxy::AcceptLoop() {
  while (!stop_.load()) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    absl::MutexLock l(&mu_);
    conns_.emplace_back([this, fd] { Serve(fd); });
  }
}

void TlsProxy::Serve(int client_fd) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
  SSL_set_fd(ssl, client_fd);
  int backend = -1;
  if (SSL_accept(ssl) == 1) {
    backend = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(backend_port_));
    if (connect(backend, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      char buf[16384];
      while (!stop_.load()) {
        if (SSL_pending(ssl) == 0) {
          pollfd pfds[2] = {{client_fd, POLLIN, 0}, {backend, POLLIN, 0}};
          if (poll(pfds, 2, 100) < 0) break;
          if (pfds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = read(backend, buf, sizeof buf);
            if (n <= 0 || SSL_write(ssl, buf, static_cast<int>(n)) <= 0) break;
          }
          if (!(pfds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        }
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        if (write(backend, buf, static_cast<size_t>(n)) != n) break;
      }
    }
  }
  SSL_shutdown(ssl);
  SSL_free(ssl);
  if (backend >= 0) close(backend);
  close(client_fd);
}

}  // namespace outpost::remote_write::testing
