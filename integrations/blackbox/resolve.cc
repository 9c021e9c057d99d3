// chooseProtocol over c-ares (Debian's libc-ares-dev): ares_getaddrinfo
// reads /etc/hosts and resolv.conf as Go's resolver does, and its sockets
// are polled here, so resolution ends at the probe's deadline.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "ares.h"
#include "integrations/blackbox/prober.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kLookupTime{"probe_dns_lookup_time_seconds", MetricType::kGauge,
                               "Returns the time taken for probe dns lookup in seconds", ""};
const MetricFamily kIpProtocol{"probe_ip_protocol", MetricType::kGauge,
                               "Specifies whether probe ip protocol is IP4 or IP6", ""};
const MetricFamily kIpAddrHash{
    "probe_ip_addr_hash", MetricType::kGauge,
    "Specifies the hash of IP address. It's useful to detect if the IP address changes.", ""};

void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

IpAddress FromSockaddr(const sockaddr* sa, socklen_t len) {
  IpAddress ip;
  std::memcpy(&ip.addr, sa, std::min<size_t>(len, sizeof(ip.addr)));
  ip.len = len;
  ip.family = sa->sa_family;
  char buf[INET6_ADDRSTRLEN] = {};
  if (ip.family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ip.addr);
    in->sin_port = 0;
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ip.addr);
    in6->sin6_port = 0;
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
  }
  ip.text = buf;
  return ip;
}

// An IPv4-mapped IPv6 address is IPv4 to Go (net.IP.To4).
bool IsV4(const IpAddress& ip) {
  if (ip.family == AF_INET) return true;
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ip.addr);
  return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr);
}

struct Lookup {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<IpAddress> ips;
};

void OnResult(void* arg, int status, int /*timeouts*/, ares_addrinfo* res) {
  auto* l = static_cast<Lookup*>(arg);
  l->done = true;
  l->status = status;
  if (res == nullptr) return;
  for (ares_addrinfo_node* n = res->nodes; n != nullptr; n = n->ai_next) {
    if (n->ai_family != AF_INET && n->ai_family != AF_INET6) continue;
    l->ips.push_back(FromSockaddr(n->ai_addr, n->ai_addrlen));
  }
  ares_freeaddrinfo(res);
}

// All addresses of `host` of `family` (AF_UNSPEC: both).
absl::StatusOr<std::vector<IpAddress>> LookupHost(const std::string& host, int family,
                                                  absl::Time deadline) {
  // An IP literal needs no resolver.
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET, host.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    if (family == AF_INET6) return absl::NotFoundError(Cat("no ip6 address for ", host));
    return std::vector<IpAddress>{FromSockaddr(reinterpret_cast<sockaddr*>(&in), sizeof(in))};
  }
  if (inet_pton(AF_INET6, host.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    if (family == AF_INET) return absl::NotFoundError(Cat("no ip4 address for ", host));
    return std::vector<IpAddress>{FromSockaddr(reinterpret_cast<sockaddr*>(&in6), sizeof(in6))};
  }

  InitLibrary();
  ares_channel channel = nullptr;
  ares_options opts{};
  int optmask = 0;
  if (int rc = ares_init_options(&channel, &opts, optmask); rc != ARES_SUCCESS) {
    return absl::UnavailableError(Cat("resolver: ", ares_strerror(rc)));
  }
  Lookup lookup;
  ares_addrinfo_hints hints{};
  hints.ai_family = family;
  ares_getaddrinfo(channel, host.c_str(), nullptr, &hints, OnResult, &lookup);
  while (!lookup.done) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> socks{};
    const int bits = ares_getsock(channel, socks.data(), ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short ev = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) ev |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) ev |= POLLOUT;
      if (ev != 0) fds.push_back(pollfd{socks[i], ev, 0});
    }
    timeval max_tv = absl::ToTimeval(left);
    timeval tv{};
    timeval* next = ares_timeout(channel, &max_tv, &tv);
    const int ms = static_cast<int>(next->tv_sec * 1000 + next->tv_usec / 1000) + 1;
    const int n = poll(fds.data(), fds.size(), ms);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (const pollfd& p : fds) {
      ares_process_fd(channel, (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD,
                      (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD);
    }
  }
  // Cancelling runs the callback (ARES_ECANCELLED) if the lookup is still
  // pending, so `lookup` is not touched after this function returns.
  ares_destroy(channel);
  if (!lookup.done || lookup.status == ARES_ECANCELLED || lookup.status == ARES_EDESTRUCTION) {
    return absl::DeadlineExceededError(Cat("lookup ", host, ": timed out"));
  }
  if (lookup.status != ARES_SUCCESS) {
    return absl::NotFoundError(Cat("lookup ", host, ": ", ares_strerror(lookup.status)));
  }
  if (lookup.ips.empty()) return absl::NotFoundError(Cat("lookup ", host, ": no such host"));
  return lookup.ips;
}

}  // namespace

double IpHash(const IpAddress& ip) {
  const uint8_t* p;
  size_t n;
  if (ip.family == AF_INET) {
    p = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&ip.addr)->sin_addr);
    n = 4;
  } else {
    p = reinterpret_cast<const uint8_t*>(
        &reinterpret_cast<const sockaddr_in6*>(&ip.addr)->sin6_addr);
    n = 16;
    if (IsV4(ip)) {  // net.IP.To4 of a mapped address
      p += 12;
      n = 4;
    }
  }
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 16777619u;
  }
  return static_cast<double>(h);
}

absl::StatusOr<IpAddress> ChooseProtocol(std::string_view host_view, std::string_view ip_protocol,
                                         bool fallback, absl::Time deadline, SeriesCache& out) {
  const bool want4 = ip_protocol == "ip4";
  const std::string host(host_view);
  const absl::Time start = absl::Now();
  double protocol = 0;
  double hash = 0;
  absl::StatusOr<IpAddress> chosen = absl::NotFoundError("unable to find ip; no fallback");
  if (!fallback) {
    // resolver.LookupIP(ctx, "ip4"|"ip6", target): the first address.
    auto ips = LookupHost(host, want4 ? AF_INET : AF_INET6, deadline);
    if (ips.ok()) {
      chosen = ips->front();
    } else {
      chosen = ips.status();
    }
  } else {
    auto ips = LookupHost(host, AF_UNSPEC, deadline);
    if (!ips.ok()) {
      chosen = ips.status();
    } else {
      // The first address of the preferred family, else the last one of
      // the other (upstream keeps overwriting its fallback).
      const IpAddress* other = nullptr;
      for (const IpAddress& ip : *ips) {
        if (IsV4(ip) == want4) {
          chosen = ip;
          other = nullptr;
          break;
        }
        other = &ip;
      }
      if (other != nullptr) chosen = *other;
    }
  }
  if (chosen.ok()) {
    protocol = IsV4(*chosen) ? 4 : 6;
    hash = IpHash(*chosen);
  }
  out.Add(kIpProtocol, protocol);
  out.Add(kLookupTime, absl::ToDoubleSeconds(absl::Now() - start));
  out.Add(kIpAddrHash, hash);
  return chosen;
}

}  // namespace outpost::integrations::blackbox
