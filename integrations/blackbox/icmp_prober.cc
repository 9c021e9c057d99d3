#include "integrations/blackbox/icmp_prober.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>
#include <vector>

#include "core/base/absl_compat.h"
#include "integrations/blackbox/source_address.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kDuration{"probe_icmp_duration_seconds", MetricType::kGauge,
                             "Duration of icmp request by phase", ""};
const MetricFamily kHopLimit{"probe_icmp_reply_hop_limit", MetricType::kGauge,
                             "Replied packet hop limit (TTL for ipv4)", ""};

constexpr std::string_view kPayload = "Prometheus Blackbox Exporter";
constexpr uint8_t kEchoV4 = 8, kEchoReplyV4 = 0, kEchoV6 = 128, kEchoReplyV6 = 129;

// The echo ID and the sequence counter, shared by every probe of the
// process as upstream's package variables (icmp.go init): the ID is the
// pid, or random in a container where the pid is 1; the sequence starts
// at a random value.
struct EchoIds {
  std::mutex mu;
  int id;
  uint16_t seq;
  EchoIds() {
    std::mt19937 rng{std::random_device{}()};
    const int pid = static_cast<int>(::getpid());
    id = pid == 1 ? static_cast<int>(rng() & 0xffff) : (pid & 0xffff);
    seq = static_cast<uint16_t>(rng());
  }
  uint16_t NextSeq() {
    std::lock_guard<std::mutex> l(mu);
    return ++seq;
  }
};

EchoIds& Ids() {
  static EchoIds ids;
  return ids;
}

class Fd {
 public:
  Fd() = default;
  ~Fd() { Reset(-1); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void Reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// An ICMP socket of `type` (SOCK_DGRAM: unprivileged; SOCK_RAW) bound to
// `src`, or -1 with errno set.
int OpenSocket(int family, int type, const IpAddress& src) {
  const int proto = family == AF_INET ? static_cast<int>(IPPROTO_ICMP) : IPPROTO_ICMPV6;
  const int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&src.addr), src.len) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

uint16_t Checksum(const std::vector<uint8_t>& b) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < b.size(); i += 2) sum += static_cast<uint32_t>(b[i] << 8 | b[i + 1]);
  if (b.size() % 2 == 1) sum += static_cast<uint32_t>(b.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// An echo message as golang.org/x/net/icmp Message.Marshal(nil) writes
// it: the checksum is computed for ICMPv4 only (the kernel fills in
// ICMPv6's).
std::vector<uint8_t> Marshal(uint8_t type, bool v4, int id, uint16_t seq,
                             const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b(8 + data.size());
  b[0] = type;
  b[4] = static_cast<uint8_t>(id >> 8);
  b[5] = static_cast<uint8_t>(id);
  b[6] = static_cast<uint8_t>(seq >> 8);
  b[7] = static_cast<uint8_t>(seq);
  std::copy(data.begin(), data.end(), b.begin() + 8);
  if (v4) {
    const uint16_t c = Checksum(b);
    b[2] = static_cast<uint8_t>(c >> 8);
    b[3] = static_cast<uint8_t>(c);
  }
  return b;
}

bool SameAddress(const sockaddr_storage& a, const IpAddress& b) {
  if (a.ss_family != b.family) return false;
  if (b.family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b.addr).sin_addr.s_addr;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6&>(b.addr).sin6_addr, 16) == 0;
}

std::unique_ptr<ProberSettings> Parse(config::MapReader& m) {
  auto s = std::make_unique<IcmpSettings>();
  m.String("preferred_ip_protocol", &s->preferred_ip_protocol);
  m.Bool("ip_protocol_fallback", &s->ip_protocol_fallback);
  m.String("source_ip_address", &s->source_ip_address);
  m.Int("payload_size", &s->payload_size);
  m.Bool("dont_fragment", &s->dont_fragment);
  m.Int("ttl", &s->ttl);
  // config.go ICMPProbe.UnmarshalYAML.
  if (s->ttl < 0) m.ValueError("ttl", "\"ttl\" cannot be negative");
  if (s->ttl > 255) m.ValueError("ttl", "\"ttl\" cannot exceed 255");
  // Upstream would panic making the payload.
  if (s->payload_size < 0) m.ValueError("payload_size", "\"payload_size\" cannot be negative");
  return s;
}

struct IcmpGauges {
  double resolve = 0, setup = 0, rtt = 0;
  double hop_limit = -1;  // exported when >= 0 on success, as upstream

  bool Emit(SeriesCache& out, bool success) const {
    out.Add(kDuration, {{"phase", "resolve"}}, resolve);
    out.Add(kDuration, {{"phase", "setup"}}, setup);
    out.Add(kDuration, {{"phase", "rtt"}}, rtt);
    if (success && hop_limit >= 0) out.Add(kHopLimit, hop_limit);
    return success;
  }
};

// The socket a probe uses and how (icmp.go's branches).
struct EchoSocket {
  Fd fd;
  bool privileged = true;    // raw
  bool hop_flag_set = true;  // IP_RECVTTL / IPV6_RECVHOPLIMIT accepted
};

absl::Status OpenEchoSocket(const IcmpSettings& s, const IpAddress& dst, const IpAddress& src,
                            EchoSocket* sock) {
  const bool v4 = dst.family == AF_INET;
  const int on = 1;
  if (!v4 || !s.dont_fragment) {
    // "udp" here means unprivileged -- an ICMP datagram socket.
    const int fd = OpenSocket(dst.family, SOCK_DGRAM, src);
    if (fd >= 0) {
      sock->fd.Reset(fd);
      sock->privileged = false;
    }
  }
  if (sock->privileged) {
    const int fd = OpenSocket(dst.family, SOCK_RAW, src);
    if (fd < 0) return absl::PermissionDeniedError(Cat("listen icmp: ", std::strerror(errno)));
    sock->fd.Reset(fd);
  }
  const int fd = sock->fd.get();
  if (v4) {
    sock->hop_flag_set = ::setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)) == 0;
  } else {
    sock->hop_flag_set = ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) == 0;
  }
  if (v4 && s.dont_fragment) {
    // Upstream writes its own IPv4 header with DF set and the module's TTL
    // (64 when 0); the kernel does the same here.
    const int pmtu = IP_PMTUDISC_DO;
    const int ttl = s.ttl > 0 ? s.ttl : 64;
    ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
    ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
  } else if (s.ttl > 0) {
    if (v4) ::setsockopt(fd, IPPROTO_IP, IP_TTL, &s.ttl, sizeof(s.ttl));
    else ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &s.ttl, sizeof(s.ttl));
  }
  return absl::OkStatus();
}

// Reads one packet: its ICMP bytes into `buf` (IPv4 raw sockets deliver
// the IP header, which is skipped), the sender into `peer` and the hop
// limit (-1 without one). Returns the byte count, 0 to read again, or -1
// at the deadline.
ssize_t ReadPacket(const EchoSocket& sock, bool v4, absl::Time deadline, std::vector<uint8_t>& buf,
                   sockaddr_storage* peer, double* hop_limit) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return -1;
  pollfd p{sock.fd.get(), POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
  if (ready <= 0) return 0;
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[256];
  msghdr msg{};
  msg.msg_name = peer;
  msg.msg_namelen = sizeof(*peer);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = ::recvmsg(sock.fd.get(), &msg, 0);
  if (n < 0) return 0;  // upstream logs other read errors and reads on
  // x/net's control message is non-nil whenever it was asked for, so a
  // missing TTL reads as 0.
  *hop_limit = sock.hop_flag_set ? 0 : -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr && sock.hop_flag_set;
       c = CMSG_NXTHDR(&msg, c)) {
    const bool ttl = (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
                     (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT);
    if (ttl && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int v = 0;
      std::memcpy(&v, CMSG_DATA(c), sizeof(v));
      *hop_limit = v;
    }
  }
  if (v4 && sock.privileged) {
    const size_t ihl = n > 0 ? static_cast<size_t>(buf[0] & 0x0f) * 4 : 0;
    if (static_cast<size_t>(n) < ihl) return 0;
    std::memmove(buf.data(), buf.data() + ihl, static_cast<size_t>(n) - ihl);
    n -= static_cast<ssize_t>(ihl);
  }
  return n;
}

bool Run(const ProberSettings& base, Probe& probe) {
  const auto& s = static_cast<const IcmpSettings&>(base);
  IcmpGauges g;
  const absl::Time resolve_start = absl::Now();
  absl::StatusOr<IpAddress> dst = ChooseProtocol(probe.target, s.preferred_ip_protocol,
                                                 s.ip_protocol_fallback, probe.deadline, probe.out);
  if (!dst.ok()) {
    probe.reason = Cat("error resolving address: ", dst.status().message());
    return g.Emit(probe.out, false);
  }
  g.resolve = absl::ToDoubleSeconds(absl::Now() - resolve_start);
  const bool v4 = dst->family == AF_INET;

  absl::StatusOr<IpAddress> src = ParseSourceIp(v4 ? "0.0.0.0" : "::");
  if (!s.source_ip_address.empty()) src = ParseSourceIp(s.source_ip_address);
  if (!src.ok()) {
    probe.reason = ToStd(src.status().message());
    return g.Emit(probe.out, false);
  }

  const absl::Time setup_start = absl::Now();
  EchoSocket sock;
  if (absl::Status st = OpenEchoSocket(s, *dst, *src, &sock); !st.ok()) {
    probe.reason = ToStd(st.message());
    return g.Emit(probe.out, false);
  }
  std::vector<uint8_t> data(kPayload.begin(), kPayload.end());
  if (s.payload_size != 0) {
    data.assign(static_cast<size_t>(s.payload_size), 0);
    std::memcpy(data.data(), kPayload.data(), std::min(data.size(), kPayload.size()));
  }
  const int id = Ids().id;
  const uint16_t seq = Ids().NextSeq();
  const std::vector<uint8_t> request = Marshal(v4 ? kEchoV4 : kEchoV6, v4, id, seq, data);
  g.setup = absl::ToDoubleSeconds(absl::Now() - setup_start);

  const absl::Time rtt_start = absl::Now();
  if (::sendto(sock.fd.get(), request.data(), request.size(), 0,
               reinterpret_cast<const sockaddr*>(&dst->addr), dst->len) < 0) {
    probe.reason = Cat("error writing to socket: ", std::strerror(errno));
    return g.Emit(probe.out, false);
  }
  // The reply is the request with the reply type; a datagram socket's ID
  // (and so its checksum) is the kernel's, and ICMPv6's checksum is left
  // out of the comparison.
  const bool id_unknown = !sock.privileged;
  std::vector<uint8_t> want =
      Marshal(v4 ? kEchoReplyV4 : kEchoReplyV6, v4 && !id_unknown, id_unknown ? 0 : id, seq, data);
  std::vector<uint8_t> buf(65536);
  for (;;) {
    sockaddr_storage peer{};
    double hop_limit = -1;
    const ssize_t n = ReadPacket(sock, v4, probe.deadline, buf, &peer, &hop_limit);
    if (n < 0) {
      probe.reason = "timeout reading from socket";
      return g.Emit(probe.out, false);
    }
    if (n == 0 || !SameAddress(peer, *dst)) continue;
    if (id_unknown) buf[4] = buf[5] = 0;
    if (id_unknown || !v4) buf[2] = buf[3] = 0;
    if (static_cast<size_t>(n) == want.size() &&
        std::equal(want.begin(), want.end(), buf.begin())) {
      g.rtt = absl::ToDoubleSeconds(absl::Now() - rtt_start);
      g.hop_limit = hop_limit;
      return g.Emit(probe.out, true);
    }
  }
}

}  // namespace

void IcmpSettings::Dump(YAML::Emitter& out) const {
  out << YAML::Key << "preferred_ip_protocol" << YAML::Value << preferred_ip_protocol;
  out << YAML::Key << "ip_protocol_fallback" << YAML::Value << ip_protocol_fallback;
  out << YAML::Key << "source_ip_address" << YAML::Value << source_ip_address;
  out << YAML::Key << "payload_size" << YAML::Value << payload_size;
  out << YAML::Key << "dont_fragment" << YAML::Value << dont_fragment;
  out << YAML::Key << "ttl" << YAML::Value << ttl;
}

const Prober& IcmpProber() {
  static const Prober p{"icmp", &Parse, &Run};
  return p;
}

}  // namespace outpost::integrations::blackbox
