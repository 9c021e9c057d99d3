// sockstat: /proc/net/sockstat and sockstat6 as node_sockstat_<PROTO>_<field>
// gauges, plus node_sockstat_sockets_used (IPv4 only) and <PROTO>_mem_bytes
// (mem pages * page size). Model: node_exporter collector/sockstat_linux.go
// with prometheus/procfs net_sockstat.go: only inuse, orphan, tw, alloc,
// mem and memory are reported; a missing file (IP version disabled) is
// skipped.
#include <unistd.h>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseSockstat(std::string_view text,
                           absl::FunctionRef<void(std::string_view, std::string_view, double)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view p[32];
    size_t n = SplitFields(line, p, 32);
    if (n == 0) continue;
    if (n % 2 != 1 || p[0].size() < 2 || p[0].back() != ':') {
      return absl::InvalidArgumentError(Cat("malformed sockstat line: ", line));
    }
    std::string_view proto = p[0].substr(0, p[0].size() - 1);
    for (size_t i = 1; i + 1 < n; i += 2) {
      double v;
      if (!ParseUintAsDouble(p[i + 1], &v)) {
        return absl::InvalidArgumentError(Cat("bad sockstat value: ", line));
      }
      f(proto, p[i], v);
    }
  }
  return absl::OkStatus();
}

namespace {

bool KnownField(std::string_view f) {
  return f == "inuse" || f == "orphan" || f == "tw" || f == "alloc" || f == "mem" || f == "memory";
}

class SockstatCollector final : public Collector {
 public:
  explicit SockstatCollector(const Paths& p)
      : v4_(p.Proc("net/sockstat")),
        v6_(p.Proc("net/sockstat6")),
        page_size_(static_cast<double>(::sysconf(_SC_PAGESIZE))) {
    used_ = {"node_sockstat_sockets_used", MetricType::kGauge, "Number of IPv4 sockets in use.",
             ""};
  }

 protected:
  absl::Status Update() override {
    for (ProcFile* f : {&v4_, &v6_}) {
      const bool v6 = f == &v6_;
      absl::StatusOr<std::string_view> text = f->Read();
      if (!text.ok()) {
        if (absl::IsNotFound(text.status())) continue;
        return text.status();
      }
      absl::Status st =
          ParseSockstat(*text, [&](std::string_view proto, std::string_view field, double v) {
            if (proto == "sockets") {
              if (field == "used" && !v6) series_.Add(used_, v);
              return;
            }
            if (!KnownField(field)) return;
            Emit(proto, field, v);
            if (field == "mem") Emit(proto, "mem_bytes", v * page_size_);
          });
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  void Emit(std::string_view proto, std::string_view field, double v) {
    key_.assign(proto.data(), proto.size());
    key_.push_back('_');
    key_.append(field.data(), field.size());
    series_.Add(families_.Get(key_,
                              [&](std::string_view k) {
                                return MetricFamily{
                                    Cat("node_sockstat_", k), MetricType::kGauge,
                                    Cat("Number of ", proto, " sockets in state ", field, "."), ""};
                              }),
                v);
  }

  ProcFile v4_, v6_;
  double page_size_;
  MetricFamily used_;
  DynamicFamilies families_;
  std::string key_;
};

}  // namespace

CollectorOr NewSockstatCollector(const Options&, const Paths& p) {
  return std::make_unique<SockstatCollector>(p);
}

}  // namespace outpost::integrations::node
