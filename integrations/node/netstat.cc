// netstat: /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 counters
// whose "<Proto>_<Field>" matches netstat_fields, as untyped
// node_netstat_<Proto>_<Field> (node_exporter collector/netstat_linux.go;
// a missing snmp6, IPv6 disabled, is skipped; any unparsable value fails
// the collector, as upstream).
#include "integrations/node/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

absl::Status ParseNetstat(
    std::string_view text,
    absl::FunctionRef<void(std::string_view, std::string_view, std::string_view)> f) {
  std::string_view names, values;
  while (NextLine(&text, &names)) {
    if (Trim(names).empty()) continue;
    if (!NextLine(&text, &values)) {
      return absl::InvalidArgumentError(Cat("header without values: ", names));
    }
    std::string_view hn[512], hv[512];
    size_t nn = SplitFields(names, hn, 512), nv = SplitFields(values, hv, 512);
    if (nn != nv || nn == 0 || hn[0].size() < 2 || hn[0].back() != ':' || hn[0] != hv[0]) {
      return absl::InvalidArgumentError(Cat("mismatch field count in: ", names));
    }
    std::string_view proto = hn[0].substr(0, hn[0].size() - 1);
    for (size_t i = 1; i < nn; ++i) f(proto, hn[i], hv[i]);
  }
  return absl::OkStatus();
}

absl::Status ParseSnmp6(
    std::string_view text,
    absl::FunctionRef<void(std::string_view, std::string_view, std::string_view)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view p[3];
    if (SplitFields(line, p, 3) < 2) continue;
    size_t six = p[0].find('6');
    if (six == std::string_view::npos) continue;
    f(p[0].substr(0, six + 1), p[0].substr(six + 1), p[1]);
  }
  return absl::OkStatus();
}

namespace {

class NetstatCollector final : public Collector {
 public:
  NetstatCollector(const Options& o, const Paths& p)
      : netstat_(p.Proc("net/netstat")),
        snmp_(p.Proc("net/snmp")),
        snmp6_(p.Proc("net/snmp6")),
        fields_(o.netstat_fields) {}

  absl::Status Init() const {
    return fields_.ok() ? absl::OkStatus() : absl::InvalidArgumentError(fields_.error());
  }

 protected:
  absl::Status Update() override {
    absl::Status bad;
    auto emit = [&](std::string_view proto, std::string_view field, std::string_view v) {
      double value;
      if (!ParseDouble(v, &value)) {
        bad = absl::InvalidArgumentError(Cat("invalid value ", v, " in netstats"));
        return;
      }
      key_.assign(proto.data(), proto.size());
      key_.push_back('_');
      key_.append(field.data(), field.size());
      if (!match_.Matches(key_)) return;
      series_.Add(families_.Get(key_,
                                [&](std::string_view k) {
                                  return MetricFamily{Cat("node_netstat_", k), MetricType::kUnknown,
                                                      Cat("Statistic ", proto, field, "."), ""};
                                }),
                  value);
    };
    for (ProcFile* f : {&netstat_, &snmp_}) {
      absl::StatusOr<std::string_view> text = f->Read();
      if (!text.ok()) return text.status();
      if (absl::Status st = ParseNetstat(*text, emit); !st.ok()) return st;
    }
    absl::StatusOr<std::string_view> text = snmp6_.Read();
    if (text.ok()) {
      if (absl::Status st = ParseSnmp6(*text, emit); !st.ok()) return st;
    } else if (!absl::IsNotFound(text.status())) {
      return text.status();
    }
    return bad;
  }

 private:
  ProcFile netstat_, snmp_, snmp6_;
  RE2 fields_;
  MatchCache match_{&fields_};
  DynamicFamilies families_;
  std::string key_;
};

}  // namespace

CollectorOr NewNetstatCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<NetstatCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
