// nfs: NFS client RPC statistics from <procfs>/net/rpc/nfs (node_exporter
// 1.5.0 collector/nfs_linux.go with prometheus/procfs v0.8.0 nfs/parse.go
// and parse_nfs.go), and the /proc/net/rpc/nfs{,d} parser shared with nfsd.
// Every line must be known and well formed, else the collection fails;
// a missing file is no data.
#include <cerrno>
#include <algorithm>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

// procfs' struct field names, which node_exporter uses as method labels.
const char* const kNfsV2Procs[18] = {"Null",   "GetAttr", "SetAttr", "Root",    "Lookup",
                                     "ReadLink", "Read",  "WrCache", "Write",   "Create",
                                     "Remove", "Rename",  "Link",    "SymLink", "MkDir",
                                     "RmDir",  "ReadDir", "FsStat"};
const char* const kNfsV3Procs[22] = {
    "Null",   "GetAttr", "SetAttr", "Lookup", "Access",  "ReadLink",    "Read",   "Write",
    "Create", "MkDir",   "SymLink", "MkNod",  "Remove",  "RmDir",       "Rename", "Link",
    "ReadDir", "ReadDirPlus", "FsStat", "FsInfo", "PathConf", "Commit"};
const char* const kNfsClientV4Procs[59] = {
    "Null",          "Read",          "Write",          "Commit",
    "Open",          "OpenConfirm",   "OpenNoattr",     "OpenDowngrade",
    "Close",         "Setattr",       "FsInfo",         "Renew",
    "SetClientID",   "SetClientIDConfirm", "Lock",      "Lockt",
    "Locku",         "Access",        "Getattr",        "Lookup",
    "LookupRoot",    "Remove",        "Rename",         "Link",
    "Symlink",       "Create",        "Pathconf",       "StatFs",
    "ReadLink",      "ReadDir",       "ServerCaps",     "DelegReturn",
    "GetACL",        "SetACL",        "FsLocations",    "ReleaseLockowner",
    "Secinfo",       "FsidPresent",   "ExchangeID",     "CreateSession",
    "DestroySession", "Sequence",     "GetLeaseTime",   "ReclaimComplete",
    "LayoutGet",     "GetDeviceInfo", "LayoutCommit",   "LayoutReturn",
    "SecinfoNoName", "TestStateID",   "FreeStateID",    "GetDeviceList",
    "BindConnToSession", "DestroyClientID", "Seek",     "Allocate",
    "DeAllocate",    "LayoutStats",   "Clone"};
const char* const kNfsV4Ops[38] = {
    "Op0Unused", "Op1Unused",   "Op2Future", "Access",    "Close",    "Commit",
    "Create",    "DelegPurge",  "DelegReturn", "GetAttr", "GetFH",    "Link",
    "Lock",      "Lockt",       "Locku",     "Lookup",    "LookupRoot", "Nverify",
    "Open",      "OpenAttr",    "OpenConfirm", "OpenDgrd", "PutFH",   "PutPubFH",
    "PutRootFH", "Read",        "ReadDir",   "ReadLink",  "Remove",   "Rename",
    "Renew",     "RestoreFH",   "SaveFH",    "SecInfo",   "SetAttr",  "Verify",
    "Write",     "RelLockOwner"};

namespace {

template <size_t N>
bool Exactly(const std::vector<uint64_t>& v, std::array<uint64_t, N>* out) {
  if (v.size() != N) return false;
  std::copy(v.begin(), v.end(), out->begin());
  return true;
}

// A "procN" line: v[0] is the count of the values that follow; at least
// `min` of them (procfs checks "values < min" on the count); fills the
// first N fields (zero when fewer).
template <size_t N>
bool Procs(const std::vector<uint64_t>& v, size_t min, bool exact, std::array<uint64_t, N>* out) {
  const uint64_t count = v[0];
  if (v.size() - 1 != count || count < min || (exact && count != min)) return false;
  out->fill(0);
  for (size_t i = 0; i < N && i + 1 < v.size(); ++i) (*out)[i] = v[i + 1];
  return true;
}

}  // namespace

absl::Status ParseNfsRpcStats(std::string_view text, bool server, NfsRpcStats* out) {
  constexpr size_t kMaxFields = 256;
  *out = NfsRpcStats{};
  std::string_view line;
  std::vector<uint64_t> v;
  std::string_view f[kMaxFields];
  const char* what = server ? "NFSd" : "NFS";
  while (NextLine(&text, &line)) {
    size_t n = SplitFields(line, f, kMaxFields);
    if (n < 2) return absl::InvalidArgumentError(Cat("invalid ", what, " metric line: ", line));
    if (n == kMaxFields) return absl::InvalidArgumentError(Cat("too many fields: ", line));
    const std::string_view label = f[0];
    size_t last = n;
    if (server && label == "th") {
      if (n < 3) return absl::InvalidArgumentError(Cat("invalid NFSd th metric line: ", line));
      last = 3;
    }
    v.clear();
    for (size_t i = 1; i < last; ++i) {
      uint64_t u;
      if (!ParseUint(f[i], &u)) {
        return absl::InvalidArgumentError(Cat("error parsing ", what, " metric line: ", line));
      }
      v.push_back(u);
    }
    bool ok;
    if (label == "net") {
      ok = Exactly(v, &out->net);
    } else if (label == "rpc") {
      ok = server ? Exactly(v, &out->server_rpc) : Exactly(v, &out->client_rpc);
    } else if (label == "proc2") {
      ok = Procs(v, 18, false, &out->v2);
    } else if (label == "proc3") {
      ok = Procs(v, 22, false, &out->v3);
    } else if (label == "proc4" && !server) {
      ok = Procs(v, 0, false, &out->client_v4);
    } else if (label == "proc4" && server) {
      ok = Procs(v, 2, true, &out->server_v4);
    } else if (label == "proc4ops" && server) {
      ok = Procs(v, 39, false, &out->v4_ops);
    } else if (server && label == "rc") {
      ok = Exactly(v, &out->reply_cache);
    } else if (server && label == "fh") {
      ok = Exactly(v, &out->file_handles);
    } else if (server && label == "io") {
      ok = Exactly(v, &out->io);
    } else if (server && label == "th") {
      ok = Exactly(v, &out->threads);
    } else if (server && label == "ra") {
      ok = Exactly(v, &out->read_ahead);
    } else {
      return absl::InvalidArgumentError(Cat("unknown ", what, " metric line: ", label));
    }
    if (!ok) return absl::InvalidArgumentError(Cat("errors parsing ", what, " metric line: ", line));
  }
  return absl::OkStatus();
}

namespace {

class NfsCollector final : public Collector {
 public:
  explicit NfsCollector(const Paths& p) : file_(p.Proc("net/rpc/nfs")) {
    packets_ = {"node_nfs_packets_total", MetricType::kCounter,
                "Total NFSd network packets (sent+received) by protocol type.", ""};
    connections_ = {"node_nfs_connections_total", MetricType::kCounter,
                    "Total number of NFSd TCP connections.", ""};
    rpcs_ = {"node_nfs_rpcs_total", MetricType::kCounter, "Total number of RPCs performed.", ""};
    retrans_ = {"node_nfs_rpc_retransmissions_total", MetricType::kCounter,
                "Number of RPC transmissions performed.", ""};
    refreshes_ = {"node_nfs_rpc_authentication_refreshes_total", MetricType::kCounter,
                  "Number of RPC authentication refreshes performed.", ""};
    requests_ = {"node_nfs_requests_total", MetricType::kCounter,
                 "Number of NFS procedures invoked.", ""};
  }

 protected:
  absl::Status Update() override {
    std::string_view body;
    if (int e = file_.ReadErrno(&body); e != 0) {
      return e == ENOENT ? no_data_ : ErrnoToStatus(e, "read", file_.path());
    }
    absl::StatusOr<std::string_view> text = body;
    if (absl::Status st = ParseNfsRpcStats(*text, /*server=*/false, &s_); !st.ok()) return st;
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    series_.Add(packets_, {{"protocol", "udp"}}, d(s_.net[1]));
    series_.Add(packets_, {{"protocol", "tcp"}}, d(s_.net[2]));
    series_.Add(connections_, d(s_.net[3]));
    series_.Add(rpcs_, d(s_.client_rpc[0]));
    series_.Add(retrans_, d(s_.client_rpc[1]));
    series_.Add(refreshes_, d(s_.client_rpc[2]));
    for (size_t i = 0; i < s_.v2.size(); ++i) {
      series_.Add(requests_, {{"proto", "2"}, {"method", kNfsV2Procs[i]}}, d(s_.v2[i]));
    }
    for (size_t i = 0; i < s_.v3.size(); ++i) {
      series_.Add(requests_, {{"proto", "3"}, {"method", kNfsV3Procs[i]}}, d(s_.v3[i]));
    }
    for (size_t i = 0; i < s_.client_v4.size(); ++i) {
      series_.Add(requests_, {{"proto", "4"}, {"method", kNfsClientV4Procs[i]}},
                  d(s_.client_v4[i]));
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  const absl::Status no_data_ = NoData("no /proc/net/rpc/nfs");
  NfsRpcStats s_;
  MetricFamily packets_, connections_, rpcs_, retrans_, refreshes_, requests_;
};

}  // namespace

CollectorOr NewNfsCollector(const Options&, const Paths& p) {
  return std::make_unique<NfsCollector>(p);
}

}  // namespace outpost::integrations::node
