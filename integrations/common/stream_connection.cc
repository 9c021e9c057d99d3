#include "integrations/common/stream_connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace outpost::integrations {
namespace {

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

int RemainingMs(absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
}

absl::Status Errno(std::string_view what, int err) {
  return absl::UnavailableError(absl::StrCat(std::string(what), ": ", strerror(err)));
}

// A non-blocking socket connected to `addr` by `deadline`, or an error.
absl::StatusOr<int> ConnectSocket(int family, const sockaddr* addr, socklen_t len,
                                  absl::Time deadline) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  if (::connect(fd, addr, len) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      int err = errno;
      ::close(fd);
      return Errno("connect", err);
    }
    pollfd p{fd, POLLOUT, 0};
    int n;
    do {
      n = ::poll(&p, 1, RemainingMs(deadline));
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      ::close(fd);
      return absl::DeadlineExceededError("connect: timeout");
    }
    int err = 0;
    socklen_t elen = sizeof(err);
    if (n < 0) err = errno;
    else ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    if (err != 0) {
      ::close(fd);
      return Errno("connect", err);
    }
  }
  if (family != AF_UNIX) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsSettings& s) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return absl::InternalError(absl::StrCat("TLS: ", OpenSslError()));
  std::shared_ptr<TlsContext> out(new TlsContext(ctx, s));
  SSL_CTX_set_min_proto_version(ctx, s.min_version != 0 ? s.min_version : TLS1_2_VERSION);
  if (!s.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1)
      return absl::InvalidArgumentError(
          absl::StrCat("TLS: cannot load CA file ", s.ca_file, ": ", OpenSslError()));
  } else {
    SSL_CTX_set_default_verify_paths(ctx);
  }
  if (!s.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, s.cert_file.c_str()) != 1)
      return absl::InvalidArgumentError(
          absl::StrCat("TLS: cannot load client certificate ", s.cert_file, ": ", OpenSslError()));
    if (SSL_CTX_use_PrivateKey_file(ctx, s.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
      return absl::InvalidArgumentError(
          absl::StrCat("TLS: cannot load client key ", s.key_file, ": ", OpenSslError()));
    if (SSL_CTX_check_private_key(ctx) != 1)
      return absl::InvalidArgumentError("TLS: client key does not match the certificate");
  }
  SSL_CTX_set_verify(ctx, s.skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  return out;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const StreamEndpoint& ep,
                                                             std::shared_ptr<TlsContext> tls,
                                                             absl::Time deadline) {
  int fd = -1;
  if (ep.unix_socket) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (ep.path.size() >= sizeof(sa.sun_path))
      return absl::InvalidArgumentError(absl::StrCat("unix socket path too long: ", ep.path));
    memcpy(sa.sun_path, ep.path.data(), ep.path.size());
    absl::StatusOr<int> r =
        ConnectSocket(AF_UNIX, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa), deadline);
    if (!r.ok()) return r.status();
    fd = *r;
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string port = std::to_string(ep.port);
    int rc = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0)
      return absl::UnavailableError(absl::StrCat("resolve ", ep.host, ": ", gai_strerror(rc)));
    absl::Status last = absl::UnavailableError("no address");
    for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
      absl::StatusOr<int> r = ConnectSocket(ai->ai_family, ai->ai_addr, ai->ai_addrlen, deadline);
      if (r.ok()) fd = *r;
      else last = r.status();
    }
    ::freeaddrinfo(res);
    if (fd < 0) return last;
  }
  SSL* ssl = nullptr;
  if (tls != nullptr) {
    ssl = SSL_new(tls->get());
    if (ssl == nullptr) {
      ::close(fd);
      return absl::InternalError(absl::StrCat("TLS: ", OpenSslError()));
    }
    SSL_set_fd(ssl, fd);
  }
  std::unique_ptr<Connection> c(new Connection(fd, std::move(tls), ssl));
  if (ssl != nullptr) {
    absl::Status st =
        c->Handshake(c->tls_->server_name().empty() ? ep.host : c->tls_->server_name(), deadline);
    if (!st.ok()) return st;
  }
  return c;
}

Connection::~Connection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

absl::Status Connection::Wait(short events, absl::Time deadline) {
  pollfd p{fd_, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, RemainingMs(deadline));
  } while (n < 0 && errno == EINTR);
  if (n == 0) return absl::DeadlineExceededError("i/o timeout");
  if (n < 0) return Errno("poll", errno);
  return absl::OkStatus();
}

absl::Status Connection::Handshake(const std::string& host, absl::Time deadline) {
  // SNI for names only, as Go's crypto/tls; verify the peer's name.
  in6_addr a6;
  in_addr a4;
  const bool is_ip = inet_pton(AF_INET, host.c_str(), &a4) == 1 ||
                     inet_pton(AF_INET6, host.c_str(), &a6) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(ssl_, host.c_str());
  if (!tls_->skip_verify()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  for (;;) {
    ERR_clear_error();
    int rc = SSL_connect(ssl_);
    if (rc == 1) return absl::OkStatus();
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
      if (!st.ok()) return st;
      continue;
    }
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK)
      return absl::UnavailableError(absl::StrCat("TLS handshake: certificate verify failed: ",
                                                 X509_verify_cert_error_string(verify)));
    return absl::UnavailableError(absl::StrCat("TLS handshake: ", OpenSslError()));
  }
}

absl::Status Connection::WriteAll(std::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (!st.ok()) return st;
        continue;
      }
      return absl::UnavailableError(absl::StrCat("TLS write: ", OpenSslError()));
    }
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      absl::Status st = Wait(POLLOUT, deadline);
      if (!st.ok()) return st;
      continue;
    }
    return Errno("write", errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Connection::ReadSome(char* buf, size_t cap, absl::Time deadline) {
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(cap, 1 << 30)));
      if (n > 0) return static_cast<size_t>(n);
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (!st.ok()) return st;
        continue;
      }
      if (err == SSL_ERROR_ZERO_RETURN) return absl::UnavailableError("connection closed");
      return absl::UnavailableError(absl::StrCat("TLS read: ", OpenSslError()));
    }
    ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n > 0) return static_cast<size_t>(n);
    if (n == 0) return absl::UnavailableError("connection closed by the server");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      absl::Status st = Wait(POLLIN, deadline);
      if (!st.ok()) return st;
      continue;
    }
    return Errno("read", errno);
  }
}

}  // namespace outpost::integrations
