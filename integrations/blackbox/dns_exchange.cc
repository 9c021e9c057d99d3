#include "integrations/blackbox/dns_exchange.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox::dns {
namespace {

// miekg's MinMsgSize: the UDP read buffer when the query has no EDNS.
constexpr size_t kUdpReadSize = 512;

absl::Status Errno(std::string_view what, int err) {
  return absl::UnavailableError(Cat(what, ": ", std::strerror(err)));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status Wait(int fd, short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("i/o timeout");
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("poll", errno);
    if (n > 0) return absl::OkStatus();
  }
}

sockaddr_storage WithPort(const IpAddress& ip, int port, socklen_t* len) {
  sockaddr_storage ss = ip.addr;
  if (ip.family == AF_INET) reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(port);
  else reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(port);
  *len = ip.len;
  return ss;
}

// Binds `fd` to `source` (if any) and connects it to the server (for TCP:
// the connection established) by the deadline.
absl::Status Dial(int fd, const ExchangeRequest& req) {
  if (req.source != nullptr) {
    socklen_t len = 0;
    sockaddr_storage src = WithPort(*req.source, 0, &len);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), len) != 0) return Errno("bind", errno);
  }
  socklen_t len = 0;
  sockaddr_storage dst = WithPort(req.server, req.port, &len);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), len) == 0) return absl::OkStatus();
  if (errno != EINPROGRESS) return Errno("connect", errno);
  if (absl::Status st = Wait(fd, POLLOUT, req.deadline); !st.ok()) return st;
  int err = 0;
  socklen_t elen = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  return err == 0 ? absl::OkStatus() : Errno("connect", err);
}

// UDP: replies with another ID are skipped; any other bad reply ends it.
absl::StatusOr<Reply> UdpRoundTrip(int fd, const ExchangeRequest& req) {
  if (::send(fd, req.query.data(), req.query.size(), MSG_NOSIGNAL) < 0)
    return Errno("write", errno);
  char buf[kUdpReadSize];
  for (;;) {
    if (absl::Status st = Wait(fd, POLLIN, req.deadline); !st.ok()) return st;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Errno("read", errno);
    absl::StatusOr<Reply> r = ParseReply(std::string_view(buf, static_cast<size_t>(n)));
    if (!r.ok() || r->id == req.id) return r;
  }
}

// The 2-byte length framing of DNS over a stream, over `write(data)` and
// `read(buf, cap) -> StatusOr<size_t>`.
template <typename Write, typename Read>
absl::StatusOr<Reply> StreamRoundTrip(const ExchangeRequest& req, Write write, Read read) {
  std::string framed;
  framed += static_cast<char>(req.query.size() >> 8);
  framed += static_cast<char>(req.query.size() & 0xff);
  framed += req.query;
  if (absl::Status st = write(framed); !st.ok()) return st;
  auto read_full = [&](char* buf, size_t want) -> absl::Status {
    for (size_t got = 0; got < want;) {
      absl::StatusOr<size_t> n = read(buf + got, want - got);
      if (!n.ok()) return n.status();
      got += *n;
    }
    return absl::OkStatus();
  };
  unsigned char len[2];
  if (absl::Status st = read_full(reinterpret_cast<char*>(len), 2); !st.ok()) return st;
  std::string msg(static_cast<size_t>(len[0] << 8 | len[1]), '\0');
  if (absl::Status st = read_full(msg.data(), msg.size()); !st.ok()) return st;
  absl::StatusOr<Reply> r = ParseReply(msg);
  if (r.ok() && r->id != req.id) return absl::InvalidArgumentError("dns: id mismatch");
  return r;
}

absl::StatusOr<Reply> TcpRoundTrip(int fd, const ExchangeRequest& req) {
  auto write = [&](std::string_view data) -> absl::Status {
    while (!data.empty()) {
      if (absl::Status st = Wait(fd, POLLOUT, req.deadline); !st.ok()) return st;
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0) return Errno("write", errno);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  };
  auto read = [&](char* buf, size_t cap) -> absl::StatusOr<size_t> {
    for (;;) {
      if (absl::Status st = Wait(fd, POLLIN, req.deadline); !st.ok()) return st;
      const ssize_t n = ::recv(fd, buf, cap, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0) return Errno("read", errno);
      if (n == 0) return absl::UnavailableError("EOF");
      return static_cast<size_t>(n);
    }
  };
  return StreamRoundTrip(req, write, read);
}

}  // namespace

ExchangeResult Exchange(const ExchangeRequest& req) {
  ExchangeResult res;
  if (req.tls != nullptr) {
    StreamEndpoint ep;
    ep.host = req.server.text;
    ep.port = req.port;
    std::shared_ptr<TlsContext> tls = req.tls;
    absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(ep, tls, req.deadline);
    if (!conn.ok()) {
      res.reply = conn.status();
      return res;
    }
    Connection& c = **conn;
    const absl::Time start = absl::Now();
    res.reply = StreamRoundTrip(
        req, [&](std::string_view d) { return c.WriteAll(d, req.deadline); },
        [&](char* buf, size_t cap) { return c.ReadSome(buf, cap, req.deadline); });
    res.rtt = absl::Now() - start;
    return res;
  }
  const int type = req.tcp ? SOCK_STREAM : SOCK_DGRAM;
  Fd fd(::socket(req.server.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    res.reply = Errno("socket", errno);
    return res;
  }
  if (absl::Status st = Dial(fd.get(), req); !st.ok()) {
    res.reply = st;
    return res;
  }
  const absl::Time start = absl::Now();
  res.reply = req.tcp ? TcpRoundTrip(fd.get(), req) : UdpRoundTrip(fd.get(), req);
  res.rtt = absl::Now() - start;
  return res;
}

}  // namespace outpost::integrations::blackbox::dns
