// The dns prober against servers that misbehave, started by the test on
// loopback: one that never answers (udp and tcp) must end the probe at its
// deadline; one that answers garbage, truncated or mismatched replies must
// fail it without a crash (the sanitizer phase runs this file).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/dns_prober.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"

namespace outpost::integrations::blackbox {
namespace {

using testutil::Outcome;

// A loopback socket (udp or a tcp listener) on an ephemeral port; with a
// reply function, a thread answers each query (udp datagram, or the first
// framed query of each tcp connection) with reply(query) until destroyed.
// Without one, nothing is ever read or answered.
class FakeServer {
 public:
  using Reply = std::function<std::string(const std::string& query)>;

  FakeServer(bool tcp, Reply reply) : tcp_(tcp), reply_(std::move(reply)) {
    fd_ = testutil::LoopbackSocket(tcp ? SOCK_STREAM : SOCK_DGRAM, &port_);
    if (fd_ < 0) return;
    if (reply_) thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 50) > 0;
  }
  void Serve() {
    char buf[2048];
    while (!stop_) {
      if (!Readable(fd_)) continue;
      if (!tcp_) {
        sockaddr_in peer{};
        socklen_t len = sizeof(peer);
        const ssize_t n =
            ::recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&peer), &len);
        if (n <= 0) continue;
        const std::string out = reply_(std::string(buf, static_cast<size_t>(n)));
        ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&peer), len);
        continue;
      }
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string in;
      while (!stop_ && (in.size() < 2 || in.size() < 2u + (uint8_t(in[0]) << 8 | uint8_t(in[1])))) {
        if (!Readable(c)) continue;
        const ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
      if (in.size() > 2) {
        const std::string out = reply_(in.substr(2));
        ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }

  bool tcp_;
  Reply reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string Framed(const std::string& msg) {
  std::string f;
  f += static_cast<char>(msg.size() >> 8);
  f += static_cast<char>(msg.size() & 0xff);
  return f + msg;
}

// The query's ID and question echoed back with `flags` and the given
// counts, followed by `rest`.
std::string Echo(const std::string& q, uint16_t an, const std::string& rest) {
  std::string r = q.substr(0, 2);
  r += "\x81\x80";
  r += std::string("\x00\x01", 2);
  r += static_cast<char>(an >> 8);
  r += static_cast<char>(an & 0xff);
  r += std::string(4, '\0');
  r += q.substr(12);
  return r + rest;
}

// The module block for udp or tcp, plus `extra` lines.
std::string Block(bool tcp, std::string_view extra = "") {
  return absl::StrCat("query_name: example.test\ntransport_protocol: ", tcp ? "tcp" : "udp", "\n",
                      absl::string_view(extra.data(), extra.size()));
}

Outcome ProbeAt(const std::string& target, const std::string& yaml, absl::Duration timeout) {
  std::unique_ptr<ProberSettings> s = testutil::MustParse(DnsProber(), yaml);
  return testutil::RunProbe(DnsProber(), *s, target, timeout);
}

TEST(DnsBadServer, NeverAnsweringServerEndsAtTheDeadline) {
  for (bool tcp : {false, true}) {
    FakeServer silent(tcp, nullptr);
    Outcome o = ProbeAt(silent.address(), Block(tcp), absl::Seconds(1));
    EXPECT_FALSE(o.success) << (tcp ? "tcp" : "udp");
    EXPECT_EQ(o.Value("probe_dns_query_succeeded"), 0);
    EXPECT_GE(o.took, absl::Milliseconds(900)) << (tcp ? "tcp" : "udp");
    EXPECT_LT(o.took, absl::Milliseconds(2500)) << (tcp ? "tcp" : "udp");
    EXPECT_GT(*o.Value("probe_dns_duration_seconds", {{"phase", "request"}}), 0.8);
  }
}

TEST(DnsBadServer, GarbageRepliesFailTheProbe) {
  const std::string kA("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x05\x00\x04\x7f\x00\x00\x01", 16);
  const std::pair<const char*, FakeServer::Reply> replies[] = {
      {"too short", [](const std::string&) { return std::string("\x12\x34\x81", 3); }},
      {"random bytes",
       [](const std::string& q) { return q.substr(0, 2) + std::string(40, '\xc7'); }},
      {"answer cut inside its rdata",
       [&](const std::string& q) { return Echo(q, 1, kA.substr(0, 14)); }},
      {"rdlength past the end",
       [](const std::string& q) {
         return Echo(q, 1, std::string("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x05\xff\xff\x7f", 13));
       }},
      {"compression loop",
       [](const std::string& q) {
         std::string r = Echo(q, 1, "");
         const size_t at = r.size();
         r += static_cast<char>(0xc0);
         r += static_cast<char>(at);
         return r + std::string("\x00\x01\x00\x01\x00\x00\x00\x05\x00\x04\x7f\x00\x00\x01", 14);
       }},
  };
  for (const auto& item : replies) {
    const char* name = item.first;
    const FakeServer::Reply& reply = item.second;
    for (bool tcp : {false, true}) {
      FakeServer bad(tcp, [&, r = reply](const std::string& q) {
        const std::string out = r(q);
        return tcp ? Framed(out) : out;
      });
      Outcome o = ProbeAt(bad.address(), Block(tcp), absl::Seconds(5));
      EXPECT_FALSE(o.success) << name << (tcp ? " (tcp)" : " (udp)");
      EXPECT_EQ(o.Value("probe_dns_query_succeeded"), 0) << name;
      // Each is rejected when it arrives, not at the deadline.
      EXPECT_LT(o.took, absl::Seconds(3)) << name << (tcp ? " (tcp)" : " (udp)");
    }
  }
}

TEST(DnsBadServer, WellFormedRepliesOfTheFakeServerPass) {
  // The fake server itself is sound: a proper reply succeeds.
  const std::string kA("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x05\x00\x04\x7f\x00\x00\x01", 16);
  for (bool tcp : {false, true}) {
    FakeServer good(tcp, [&](const std::string& q) {
      const std::string out = Echo(q, 1, kA);
      return tcp ? Framed(out) : out;
    });
    Outcome o = ProbeAt(good.address(),
                        Block(tcp,
                              "validate_answer_rrs: {fail_if_not_matches_regexp: "
                              "['^example\\.test\\.\\t5\\tIN\\tA\\t127\\.0\\.0\\.1$']}"),
                        absl::Seconds(2));
    EXPECT_TRUE(o.success) << o.reason;
    EXPECT_EQ(o.Value("probe_dns_answer_rrs"), 1);
  }
}

TEST(DnsBadServer, MismatchedIds) {
  // udp: a reply with another ID is skipped, so the probe waits for the
  // deadline; tcp: it is an error at once.
  for (bool tcp : {false, true}) {
    FakeServer other(tcp, [&](const std::string& q) {
      std::string out = Echo(q, 0, "");
      out[0] = static_cast<char>(out[0] ^ 0x55);
      return tcp ? Framed(out) : out;
    });
    Outcome o = ProbeAt(other.address(), Block(tcp), absl::Seconds(3));
    EXPECT_FALSE(o.success);
    if (tcp) {
      EXPECT_LT(o.took, absl::Seconds(2));
    } else {
      EXPECT_GE(o.took, absl::Milliseconds(2900));
    }
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
