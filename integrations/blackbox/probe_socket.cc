#include "integrations/blackbox/probe_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

constexpr size_t kMaxLine = 64 * 1024;  // bufio.MaxScanTokenSize

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

ProbeSocket::~ProbeSocket() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) close(fd_);
}

absl::Status ProbeSocket::Wait(short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("i/o timeout");
    pollfd p{fd_, events, 0};
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    const int n = poll(&p, 1, ms);
    if (n > 0) return absl::OkStatus();
    if (n < 0 && errno != EINTR) return absl::UnavailableError(Cat("poll: ", strerror(errno)));
  }
}

absl::Status ProbeSocket::Connect(const IpAddress& ip, int port, const std::string& source_ip,
                                  absl::Time deadline) {
  fd_ = socket(ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return absl::UnavailableError(Cat("socket: ", strerror(errno)));
  if (!source_ip.empty()) {
    sockaddr_storage src{};
    socklen_t len = 0;
    auto* in = reinterpret_cast<sockaddr_in*>(&src);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&src);
    if (inet_pton(AF_INET, source_ip.c_str(), &in->sin_addr) == 1 && ip.family == AF_INET) {
      in->sin_family = AF_INET;
      len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, source_ip.c_str(), &in6->sin6_addr) == 1) {
      in6->sin6_family = AF_INET6;
      len = sizeof(sockaddr_in6);
    } else {
      return absl::InvalidArgumentError(Cat("error parsing source ip address: ", source_ip));
    }
    if (bind(fd_, reinterpret_cast<sockaddr*>(&src), len) != 0)
      return absl::UnavailableError(Cat("bind ", source_ip, ": ", strerror(errno)));
  }
  sockaddr_storage dst = ip.addr;
  if (ip.family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&dst)->sin_port = htons(static_cast<uint16_t>(port));
  } else {
    reinterpret_cast<sockaddr_in6*>(&dst)->sin6_port = htons(static_cast<uint16_t>(port));
  }
  if (connect(fd_, reinterpret_cast<sockaddr*>(&dst), ip.len) != 0) {
    if (errno != EINPROGRESS) return absl::UnavailableError(Cat("connect: ", strerror(errno)));
    if (absl::Status st = Wait(POLLOUT, deadline); !st.ok()) return st;
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return absl::UnavailableError(Cat("connect: ", strerror(err)));
  }
  return absl::OkStatus();
}

absl::Status ProbeSocket::StartTls(SSL_CTX* ctx, const std::string& server_name, bool verify,
                                   absl::Time deadline) {
  buf_.clear();
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr) return absl::InternalError(Cat("SSL_new: ", OpenSslError()));
  SSL_set_fd(ssl_, fd_);
  in6_addr any{};
  const bool is_ip = inet_pton(AF_INET, server_name.c_str(), &any) == 1 ||
                     inet_pton(AF_INET6, server_name.c_str(), &any) == 1;
  // Go's crypto/tls sends no SNI for an IP address.
  if (!is_ip && !server_name.empty()) SSL_set_tlsext_host_name(ssl_, server_name.c_str());
  if (verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
    }
    SSL_set_verify(ssl_, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_set_verify(ssl_, SSL_VERIFY_NONE, nullptr);
  }
  for (;;) {
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return absl::OkStatus();
    const int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline); !st.ok())
        return st;
      continue;
    }
    const long v = SSL_get_verify_result(ssl_);
    if (v != X509_V_OK)
      return absl::UnavailableError(Cat("tls: ", X509_verify_cert_error_string(v)));
    return absl::UnavailableError(Cat("tls handshake: ", OpenSslError()));
  }
}

absl::StatusOr<bool> ProbeSocket::Fill(absl::Time deadline) {
  char chunk[4096];
  for (;;) {
    if (ssl_ != nullptr) {
      const int n = SSL_read(ssl_, chunk, sizeof(chunk));
      if (n > 0) {
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      const int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_ZERO_RETURN) return false;
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
            !st.ok())
          return st;
        continue;
      }
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return false;  // closed
      return absl::UnavailableError(Cat("read: ", OpenSslError()));
    }
    const ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return absl::UnavailableError(Cat("read: ", strerror(errno)));
    if (absl::Status st = Wait(POLLIN, deadline); !st.ok()) return st;
  }
}

absl::Status ProbeSocket::ReadLine(absl::Time deadline, std::string* line) {
  for (;;) {
    const size_t nl = buf_.find('\n');
    if (nl != std::string::npos || (eof_ && !buf_.empty())) {
      const size_t end = nl != std::string::npos ? nl : buf_.size();
      size_t len = end;
      if (len > 0 && buf_[len - 1] == '\r') --len;
      line->assign(buf_, 0, len);
      buf_.erase(0, nl != std::string::npos ? nl + 1 : end);
      return absl::OkStatus();
    }
    if (eof_) return absl::NotFoundError("EOF");
    if (buf_.size() >= kMaxLine) return absl::ResourceExhaustedError("token too long");
    absl::StatusOr<bool> more = Fill(deadline);
    if (!more.ok()) return more.status();
    if (!*more) eof_ = true;
  }
}

absl::Status ProbeSocket::WriteAll(std::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      const int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (absl::Status st = Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
            !st.ok())
          return st;
        continue;
      }
      return absl::UnavailableError(Cat("write: ", OpenSslError()));
    }
    const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return absl::UnavailableError(Cat("write: ", strerror(errno)));
    if (absl::Status st = Wait(POLLOUT, deadline); !st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace outpost::integrations::blackbox
