// nfsd: NFS server statistics from <procfs>/net/rpc/nfsd (node_exporter
// 1.5.0 collector/nfsd_linux.go; parser in nfs.cc). The NFSv2/v3 "Null"
// procedures and the unused/PutPubFH/PutRootFH v4 operations are not
// reported, as upstream. A missing file is no data.
#include <cerrno>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

bool SkippedV4Op(std::string_view op) {
  return op == "Op0Unused" || op == "Op1Unused" || op == "Op2Future" || op == "PutPubFH" ||
         op == "PutRootFH";
}

class NfsdCollector final : public Collector {
 public:
  explicit NfsdCollector(const Paths& p) : file_(p.Proc("net/rpc/nfsd")) {
    auto c = [](const char* name, const char* help) {
      return MetricFamily{Cat("node_nfsd_", name), MetricType::kCounter, help, ""};
    };
    requests_ = c("requests_total", "Total number NFSd Requests by method and protocol.");
    rc_hits_ = c("reply_cache_hits_total",
                 "Total number of NFSd Reply Cache hits (client lost server response).");
    rc_misses_ = c("reply_cache_misses_total",
                   "Total number of NFSd Reply Cache an operation that requires caching "
                   "(idempotent).");
    rc_nocache_ = c("reply_cache_nocache_total",
                    "Total number of NFSd Reply Cache non-idempotent operations "
                    "(rename/delete/\xe2\x80\xa6).");
    stale_ = c("file_handles_stale_total", "Total number of NFSd stale file handles");
    read_ = c("disk_bytes_read_total", "Total NFSd bytes read.");
    written_ = c("disk_bytes_written_total", "Total NFSd bytes written.");
    threads_ = {"node_nfsd_server_threads", MetricType::kGauge,
                "Total number of NFSd kernel threads that are running.", ""};
    ra_size_ = {"node_nfsd_read_ahead_cache_size_blocks", MetricType::kGauge,
                "How large the read ahead cache is in blocks.", ""};
    ra_not_found_ = c("read_ahead_cache_not_found_total",
                      "Total number of NFSd read ahead cache not found.");
    packets_ = c("packets_total", "Total NFSd network packets (sent+received) by protocol type.");
    connections_ = c("connections_total", "Total number of NFSd TCP connections.");
    rpc_errors_ = c("rpc_errors_total", "Total number of NFSd RPC errors by error type.");
    rpcs_ = c("server_rpcs_total", "Total number of NFSd RPCs.");
  }

 protected:
  absl::Status Update() override {
    std::string_view body;
    if (int e = file_.ReadErrno(&body); e != 0) {
      return e == ENOENT ? no_data_ : ErrnoToStatus(e, "read", file_.path());
    }
    absl::StatusOr<std::string_view> text = body;
    if (absl::Status st = ParseNfsRpcStats(*text, /*server=*/true, &s_); !st.ok()) return st;
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    series_.Add(rc_hits_, d(s_.reply_cache[0]));
    series_.Add(rc_misses_, d(s_.reply_cache[1]));
    series_.Add(rc_nocache_, d(s_.reply_cache[2]));
    series_.Add(stale_, d(s_.file_handles[0]));
    series_.Add(read_, d(s_.io[0]));
    series_.Add(written_, d(s_.io[1]));
    series_.Add(threads_, d(s_.threads[0]));
    series_.Add(ra_size_, d(s_.read_ahead[0]));
    series_.Add(ra_not_found_, d(s_.read_ahead[11]));
    series_.Add(packets_, {{"proto", "udp"}}, d(s_.net[1]));
    series_.Add(packets_, {{"proto", "tcp"}}, d(s_.net[2]));
    series_.Add(connections_, d(s_.net[3]));
    series_.Add(rpc_errors_, {{"error", "fmt"}}, d(s_.server_rpc[2]));
    series_.Add(rpc_errors_, {{"error", "auth"}}, d(s_.server_rpc[3]));
    series_.Add(rpc_errors_, {{"error", "cInt"}}, d(s_.server_rpc[4]));
    series_.Add(rpcs_, d(s_.server_rpc[0]));
    for (size_t i = 1; i < s_.v2.size(); ++i) {
      series_.Add(requests_, {{"proto", "2"}, {"method", kNfsV2Procs[i]}}, d(s_.v2[i]));
    }
    for (size_t i = 1; i < s_.v3.size(); ++i) {
      series_.Add(requests_, {{"proto", "3"}, {"method", kNfsV3Procs[i]}}, d(s_.v3[i]));
    }
    for (size_t i = 0; i < s_.v4_ops.size(); ++i) {
      if (SkippedV4Op(kNfsV4Ops[i])) continue;
      series_.Add(requests_, {{"proto", "4"}, {"method", kNfsV4Ops[i]}}, d(s_.v4_ops[i]));
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  const absl::Status no_data_ = NoData("no /proc/net/rpc/nfsd");
  NfsRpcStats s_;
  MetricFamily requests_, rc_hits_, rc_misses_, rc_nocache_, stale_, read_, written_, threads_,
      ra_size_, ra_not_found_, packets_, connections_, rpc_errors_, rpcs_;
};

}  // namespace

CollectorOr NewNfsdCollector(const Options&, const Paths& p) {
  return std::make_unique<NfsdCollector>(p);
}

}  // namespace outpost::integrations::node
