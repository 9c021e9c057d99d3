#include "integrations/blackbox/tcp_prober.h"

#include <arpa/inet.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/relabel/expand.h"
#include "integrations/blackbox/probe_socket.h"
#include "integrations/blackbox/tls_metrics.h"
#include "integrations/common/stream_connection.h"
#include "integrations/common/text.h"
#include "integrations/common/tls_options.h"
#include "re2/re2.h"

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kFailedDueToRegex{"probe_failed_due_to_regex", MetricType::kGauge,
                                     "Indicates if probe failed due to regex", ""};

struct QueryResponse {
  std::string expect_text;
  std::shared_ptr<const RE2> expect;  // null: no expect
  std::string send;
  bool starttls = false;
};

// config/config.go TCPProbe with DefaultTCPProbe.
struct TcpSettings final : ProberSettings {
  std::string ip_protocol;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  std::vector<QueryResponse> query_response;
  bool tls = false;
  TlsOptions tls_config;

  void Dump(YAML::Emitter& out) const override {
    if (!ip_protocol.empty()) out << YAML::Key << "preferred_ip_protocol" << YAML::Value << ip_protocol;
    out << YAML::Key << "ip_protocol_fallback" << YAML::Value << ip_protocol_fallback;
    if (!source_ip_address.empty())
      out << YAML::Key << "source_ip_address" << YAML::Value << source_ip_address;
    if (!query_response.empty()) {
      out << YAML::Key << "query_response" << YAML::Value << YAML::BeginSeq;
      for (const QueryResponse& q : query_response) {
        out << YAML::BeginMap;
        if (q.expect != nullptr) out << YAML::Key << "expect" << YAML::Value << q.expect_text;
        if (!q.send.empty()) out << YAML::Key << "send" << YAML::Value << q.send;
        if (q.starttls) out << YAML::Key << "starttls" << YAML::Value << true;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::Key << "tls" << YAML::Value << tls;
    out << YAML::Key << "tls_config" << YAML::Value;
    DumpTlsOptions(tls_config, out);
  }
};

std::unique_ptr<ProberSettings> ParseTcp(config::MapReader& m) {
  auto s = std::make_unique<TcpSettings>();
  m.String("preferred_ip_protocol", &s->ip_protocol);
  m.Bool("ip_protocol_fallback", &s->ip_protocol_fallback);
  m.String("source_ip_address", &s->source_ip_address);
  if (!s->source_ip_address.empty()) {
    in6_addr a{};
    if (inet_pton(AF_INET, s->source_ip_address.c_str(), &a) != 1 &&
        inet_pton(AF_INET6, s->source_ip_address.c_str(), &a) != 1)
      m.ValueError("source_ip_address", Cat("not an IP address: ", s->source_ip_address));
  }
  for (config::MapReader& q : m.MapList("query_response")) {
    QueryResponse qr;
    q.Regex("expect", &qr.expect_text);
    if (!qr.expect_text.empty()) qr.expect = std::make_shared<RE2>(qr.expect_text);
    q.String("send", &qr.send);
    q.Bool("starttls", &qr.starttls);
    q.Finish();
    s->query_response.push_back(std::move(qr));
  }
  m.Bool("tls", &s->tls);
  if (m.Has("tls_config")) {
    config::MapReader t = m.Map("tls_config");
    ReadTlsOptions(t, &s->tls_config);
  }
  return s;
}

absl::StatusOr<std::shared_ptr<TlsContext>> MakeContext(const TlsOptions& t) {
  absl::StatusOr<TlsSettings> s = ToTlsSettings(t);
  if (!s.ok()) return s.status();
  return TlsContext::Create(*s);
}

// TLS over `sock`, the TLS gauges' values into *info.
absl::Status Handshake(const TcpSettings& s, const std::string& host, ProbeSocket& sock,
                       absl::Time deadline, std::optional<TlsInfo>* info) {
  absl::StatusOr<std::shared_ptr<TlsContext>> ctx = MakeContext(s.tls_config);
  if (!ctx.ok()) return ctx.status();
  const std::string& name = s.tls_config.files.server_name.empty() ? host : s.tls_config.files.server_name;
  const bool verify = !s.tls_config.files.insecure_skip_verify;
  if (absl::Status st = sock.StartTls((*ctx)->get(), name, verify, deadline); !st.ok()) return st;
  *info = ReadTlsInfo(sock.ssl(), verify);
  return absl::OkStatus();
}

struct TcpRun {
  const TcpSettings& s;
  Probe& probe;
  double failed_due_to_regex = 0;
  std::optional<TlsInfo> tls;

  bool Fail(std::string reason) {
    probe.reason = std::move(reason);
    return false;
  }

  bool Run() {
    std::string host, port, error;
    if (!SplitHostPort(probe.target, &host, &port, &error))
      return Fail(Cat("error splitting target address and port: ", error));
    absl::StatusOr<IpAddress> ip = ChooseProtocol(host, s.ip_protocol, s.ip_protocol_fallback,
                                                  probe.deadline, probe.out);
    if (!ip.ok()) return Fail(Cat("error resolving address: ", ToStd(ip.status().message())));
    uint64_t port_num = 0;
    if (!ParseUint(port, &port_num) || port_num > 65535)
      return Fail(Cat("dial tcp: unknown port ", port));
    ProbeSocket sock;
    absl::Status st =
        sock.Connect(*ip, static_cast<int>(port_num), s.source_ip_address, probe.deadline);
    if (st.ok() && s.tls) st = Handshake(s, host, sock, probe.deadline, &tls);
    if (!st.ok()) return Fail(Cat("error dialing TCP: ", ToStd(st.message())));
    std::string line;
    for (const QueryResponse& qr : s.query_response) {
      std::string send = qr.send;
      if (qr.expect != nullptr) {
        bool matched = false;
        for (;;) {
          st = sock.ReadLine(probe.deadline, &line);
          if (!st.ok()) break;
          if (ExpectLine(*qr.expect, line, qr.send, &send)) {
            matched = true;
            break;
          }
        }
        if (!st.ok() && !absl::IsNotFound(st))
          return Fail(Cat("error reading from connection: ", ToStd(st.message())));
        if (!matched) {
          failed_due_to_regex = 1;
          return Fail(Cat("regexp did not match: ", qr.expect_text));
        }
        failed_due_to_regex = 0;
      }
      if (!send.empty()) {
        st = sock.WriteAll(send + "\n", probe.deadline);
        if (!st.ok()) return Fail(Cat("failed to send: ", ToStd(st.message())));
      }
      if (qr.starttls) {
        st = Handshake(s, host, sock, probe.deadline, &tls);
        if (!st.ok()) return Fail(Cat("TLS handshake (client) failed: ", ToStd(st.message())));
      }
    }
    return true;
  }
};

bool RunTcp(const ProberSettings& settings, Probe& probe) {
  TcpRun run{static_cast<const TcpSettings&>(settings), probe, 0, std::nullopt};
  const bool ok = run.Run();
  probe.out.Add(kFailedDueToRegex, run.failed_due_to_regex);
  if (run.tls.has_value()) AddTlsMetrics(*run.tls, probe.out);
  return ok;
}

}  // namespace

bool ExpectLine(const RE2& expect, std::string_view line, std::string_view send_template,
                std::string* send) {
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(expect.NumberOfCapturingGroups()) + 1);
  if (!expect.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                    pieces.data(), static_cast<int>(pieces.size())))
    return false;
  std::vector<std::string_view> groups;
  groups.reserve(pieces.size());
  for (const re2::StringPiece& p : pieces) groups.emplace_back(p.data(), p.size());
  send->clear();
  relabel::ExpandTemplate(expect, send_template, groups, *send);
  return true;
}

bool SplitHostPort(std::string_view hp, std::string* host, std::string* port, std::string* error) {
  const size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos) {
    *error = Cat("address ", hp, ": missing port in address");
    return false;
  }
  std::string_view h = hp.substr(0, colon);
  if (!h.empty() && h.front() == '[') {
    if (h.back() != ']') {
      *error = Cat("address ", hp, ": missing ']' in address");
      return false;
    }
    h = h.substr(1, h.size() - 2);
  } else if (h.find_first_of(":[]") != std::string_view::npos) {
    *error = Cat("address ", hp, ": too many colons in address");
    return false;
  }
  *host = std::string(h);
  *port = std::string(hp.substr(colon + 1));
  return true;
}

const Prober& TcpProber() {
  static const Prober p{"tcp", ParseTcp, RunTcp};
  return p;
}

}  // namespace outpost::integrations::blackbox
