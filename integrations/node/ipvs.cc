// ipvs: IPVS totals from <procfs>/net/ip_vs_stats and per-backend
// connections and weights from <procfs>/net/ip_vs, summed over backends
// with the same label values (node_exporter 1.5.0 collector/ipvs_linux.go
// with prometheus/procfs v0.8.0 ipvs.go). ipvs_backend_labels selects the
// backend labels (default: all six). A missing ip_vs_stats is no data.
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseIpvsStats(std::string_view text, std::array<uint64_t, 5>* out) {
  // strings.SplitN(text, "\n", 4) must give 4 parts; the third line holds
  // the five hexadecimal totals.
  std::string_view lines[3];
  std::string_view rest = text;
  for (int i = 0; i < 3; ++i) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return absl::InvalidArgumentError("ip_vs_stats corrupt: too short");
    lines[i] = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  std::string_view f[6];
  if (SplitFields(lines[2], f, 6) != 5) {
    return absl::InvalidArgumentError("ip_vs_stats corrupt: unexpected number of fields");
  }
  for (int i = 0; i < 5; ++i) {
    double d;
    if (f[i].size() > 16 || !ParseHexAsDouble(f[i], &d)) {
      return absl::InvalidArgumentError(Cat("ip_vs_stats: bad value ", f[i]));
    }
    uint64_t v = 0;
    for (char c : f[i]) {
      v = v * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    (*out)[i] = v;
  }
  return absl::OkStatus();
}

namespace {

// procfs' parseIPPort: "0A000001:0050" or "[2620:...:0001]:0050", as Go's
// net.IP.String() prints the address.
bool ParseIpPort(std::string_view s, std::string* ip, uint16_t* port) {
  unsigned char b[16];
  if (s.size() == 13) {
    for (int i = 0; i < 4; ++i) {
      double d;
      if (!ParseHexAsDouble(s.substr(2 * i, 2), &d)) return false;
      b[i] = static_cast<unsigned char>(d);
    }
    *ip = Cat(b[0], ".", b[1], ".", b[2], ".", b[3]);
  } else if (s.size() == 46) {
    const std::string addr(s.substr(1, 39));
    if (inet_pton(AF_INET6, addr.c_str(), b) != 1) return false;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, b)) {
      *ip = Cat(b[12], ".", b[13], ".", b[14], ".", b[15]);
    } else {
      char buf[INET6_ADDRSTRLEN];
      if (inet_ntop(AF_INET6, b, buf, sizeof(buf)) == nullptr) return false;
      *ip = buf;
    }
  } else {
    return false;
  }
  double p;
  if (!ParseHexAsDouble(s.substr(s.size() - 4), &p)) return false;
  *port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

absl::Status ParseIpvsBackends(std::string_view text, std::vector<IpvsBackend>* out) {
  out->clear();
  std::string proto, mark, local;
  uint16_t local_port = 0;
  std::string_view line;
  std::string_view f[8];
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, f, 8);
    if (n == 0) continue;
    // (procfs indexes fields[1] unchecked here; a lone field is skipped.)
    if (f[0] == "IP" || f[0] == "Prot" || n < 2 || f[1] == "RemoteAddress:Port") continue;
    if (f[0] == "TCP" || f[0] == "UDP") {
      proto = std::string(f[0]);
      mark.clear();
      if (!ParseIpPort(f[1], &local, &local_port)) {
        return absl::InvalidArgumentError(Cat("unexpected IP:Port: ", f[1]));
      }
    } else if (f[0] == "FWM") {
      proto = std::string(f[0]);
      mark = std::string(f[1]);
      local.clear();
      local_port = 0;
    } else if (f[0] == "->") {
      if (n < 6) continue;
      IpvsBackend b;
      if (!ParseIpPort(f[1], &b.remote_address, &b.remote_port)) {
        return absl::InvalidArgumentError(Cat("unexpected IP:Port: ", f[1]));
      }
      if (!ParseUint(f[3], &b.weight) || !ParseUint(f[4], &b.active) ||
          !ParseUint(f[5], &b.inactive)) {
        return absl::InvalidArgumentError(Cat("bad ip_vs backend line: ", line));
      }
      b.local_address = local;
      b.local_port = local_port;
      b.local_mark = mark;
      b.proto = proto;
      out->push_back(std::move(b));
    }
  }
  return absl::OkStatus();
}

namespace {

constexpr const char* kIpvsLabels[] = {"local_address", "local_port", "remote_address",
                                       "remote_port",   "proto",      "local_mark"};

class IpvsCollector final : public Collector {
 public:
  IpvsCollector(std::vector<int> labels, const Paths& p)
      : labels_(std::move(labels)),
        stats_file_(p.Proc("net/ip_vs_stats")),
        backends_file_(p.Proc("net/ip_vs")) {
    auto c = [](const char* n, const char* help) {
      return MetricFamily{Cat("node_ipvs_", n), MetricType::kCounter, help, ""};
    };
    totals_[0] = c("connections_total", "The total number of connections made.");
    totals_[1] = c("incoming_packets_total", "The total number of incoming packets.");
    totals_[2] = c("outgoing_packets_total", "The total number of outgoing packets.");
    totals_[3] = c("incoming_bytes_total", "The total amount of incoming data.");
    totals_[4] = c("outgoing_bytes_total", "The total amount of outgoing data.");
    active_ = {"node_ipvs_backend_connections_active", MetricType::kGauge,
               "The current active connections by local and remote address.", ""};
    inactive_ = {"node_ipvs_backend_connections_inactive", MetricType::kGauge,
                 "The current inactive connections by local and remote address.", ""};
    weight_ = {"node_ipvs_backend_weight", MetricType::kGauge,
               "The current backend weight by local and remote address.", ""};
    for (int l : labels_) names_.push_back(kIpvsLabels[l]);
  }

 protected:
  absl::Status Update() override {
    std::string_view body;
    if (int e = stats_file_.ReadErrno(&body); e != 0) {
      return e == ENOENT ? no_data_ : ErrnoToStatus(e, "read", stats_file_.path());
    }
    absl::StatusOr<std::string_view> text = body;
    std::array<uint64_t, 5> totals;
    if (absl::Status st = ParseIpvsStats(*text, &totals); !st.ok()) return st;
    for (int i = 0; i < 5; ++i) series_.Add(totals_[i], static_cast<double>(totals[i]));
    text = backends_file_.Read();
    if (!text.ok()) return text.status();
    if (absl::Status st = ParseIpvsBackends(*text, &backends_); !st.ok()) return st;
    std::map<std::vector<std::string>, std::array<uint64_t, 3>> sums;
    for (const IpvsBackend& b : backends_) {
      std::vector<std::string> kv;
      for (int l : labels_) {
        switch (l) {
          case 0: kv.push_back(b.local_address); break;
          case 1: kv.push_back(Cat(b.local_port)); break;
          case 2: kv.push_back(b.remote_address); break;
          case 3: kv.push_back(Cat(b.remote_port)); break;
          case 4: kv.push_back(b.proto); break;
          default: kv.push_back(b.local_mark); break;
        }
      }
      std::array<uint64_t, 3>& s = sums[kv];
      s[0] += b.active;
      s[1] += b.inactive;
      s[2] += b.weight;
    }
    for (const auto& [kv, s] : sums) {
      values_.assign(kv.begin(), kv.end());
      series_.Add(active_, names_, values_, static_cast<double>(s[0]));
      series_.Add(inactive_, names_, values_, static_cast<double>(s[1]));
      series_.Add(weight_, names_, values_, static_cast<double>(s[2]));
    }
    return absl::OkStatus();
  }

 private:
  std::vector<int> labels_;
  std::vector<std::string_view> names_, values_;
  ProcFile stats_file_, backends_file_;
  const absl::Status no_data_ = NoData("no ip_vs_stats");
  std::vector<IpvsBackend> backends_;
  std::array<MetricFamily, 5> totals_;
  MetricFamily active_, inactive_, weight_;
};

}  // namespace

absl::StatusOr<std::vector<int>> IpvsBackendLabels(const std::vector<std::string>& requested) {
  std::vector<int> out;
  if (requested.empty()) return std::vector<int>{0, 1, 2, 3, 4, 5};
  std::vector<std::string> unknown;
  for (const std::string& r : requested) {
    bool known = false;
    for (int i = 0; i < 6; ++i) known = known || r == kIpvsLabels[i];
    if (!known && !r.empty()) unknown.push_back(r);
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
    std::string joined;
    for (const std::string& u : unknown) joined += (joined.empty() ? "" : ", ") + u;
    return absl::InvalidArgumentError(Cat("unknown IPVS backend labels: \"", joined, "\""));
  }
  for (int i = 0; i < 6; ++i) {
    if (std::find(requested.begin(), requested.end(), kIpvsLabels[i]) != requested.end()) {
      out.push_back(i);
    }
  }
  return out;
}

CollectorOr NewIpvsCollector(const Options& o, const Paths& p) {
  absl::StatusOr<std::vector<int>> labels = IpvsBackendLabels(o.ipvs_backend_labels);
  if (!labels.ok()) return labels.status();
  return std::make_unique<IpvsCollector>(*std::move(labels), p);
}

}  // namespace outpost::integrations::node
