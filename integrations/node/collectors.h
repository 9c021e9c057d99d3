// Factories of the implemented node collectors (one .cc file each) and the
// pure parsing functions they use, exposed for unit tests.
//
// Parsers take the file's text and never allocate per value: they fill
// caller-owned structs or call back with views into the text. A malformed
// or truncated file is an InvalidArgument error naming the problem.
#ifndef OUTPOST_INTEGRATIONS_NODE_COLLECTORS_H_
#define OUTPOST_INTEGRATIONS_NODE_COLLECTORS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "integrations/node/collector.h"

namespace outpost::integrations::node {

using CollectorOr = absl::StatusOr<std::unique_ptr<Collector>>;

CollectorOr NewArpCollector(const Options& o, const Paths& p);
CollectorOr NewBcacheCollector(const Options& o, const Paths& p);
CollectorOr NewBondingCollector(const Options& o, const Paths& p);
CollectorOr NewBuddyinfoCollector(const Options& o, const Paths& p);
CollectorOr NewBtrfsCollector(const Options& o, const Paths& p);
CollectorOr NewConntrackCollector(const Options& o, const Paths& p);
CollectorOr NewCpuCollector(const Options& o, const Paths& p);
CollectorOr NewCpufreqCollector(const Options& o, const Paths& p);
CollectorOr NewDiskstatsCollector(const Options& o, const Paths& p);
CollectorOr NewDmiCollector(const Options& o, const Paths& p);
CollectorOr NewEdacCollector(const Options& o, const Paths& p);
CollectorOr NewEntropyCollector(const Options& o, const Paths& p);
CollectorOr NewFibreChannelCollector(const Options& o, const Paths& p);
CollectorOr NewFilefdCollector(const Options& o, const Paths& p);
CollectorOr NewFilesystemCollector(const Options& o, const Paths& p);
CollectorOr NewHwmonCollector(const Options& o, const Paths& p);
CollectorOr NewInfiniBandCollector(const Options& o, const Paths& p);
CollectorOr NewInterruptsCollector(const Options& o, const Paths& p);
CollectorOr NewIpvsCollector(const Options& o, const Paths& p);
CollectorOr NewKsmdCollector(const Options& o, const Paths& p);
CollectorOr NewLoadavgCollector(const Options& o, const Paths& p);
CollectorOr NewMdadmCollector(const Options& o, const Paths& p);
CollectorOr NewMeminfoCollector(const Options& o, const Paths& p);
CollectorOr NewMeminfoNumaCollector(const Options& o, const Paths& p);
CollectorOr NewNetclassCollector(const Options& o, const Paths& p);
CollectorOr NewNetdevCollector(const Options& o, const Paths& p);
CollectorOr NewNetstatCollector(const Options& o, const Paths& p);
CollectorOr NewNfsCollector(const Options& o, const Paths& p);
CollectorOr NewNfsdCollector(const Options& o, const Paths& p);
CollectorOr NewNvmeCollector(const Options& o, const Paths& p);
CollectorOr NewOsCollector(const Options& o, const Paths& p);
CollectorOr NewPowerSupplyClassCollector(const Options& o, const Paths& p);
CollectorOr NewPressureCollector(const Options& o, const Paths& p);
CollectorOr NewProcessesCollector(const Options& o, const Paths& p);
CollectorOr NewRaplCollector(const Options& o, const Paths& p);
CollectorOr NewSchedstatCollector(const Options& o, const Paths& p);
CollectorOr NewSelinuxCollector(const Options& o, const Paths& p);
CollectorOr NewSockstatCollector(const Options& o, const Paths& p);
CollectorOr NewSoftnetCollector(const Options& o, const Paths& p);
CollectorOr NewStatCollector(const Options& o, const Paths& p);
CollectorOr NewTapestatsCollector(const Options& o, const Paths& p);
CollectorOr NewTextfileCollector(const Options& o, const Paths& p);
CollectorOr NewThermalZoneCollector(const Options& o, const Paths& p);
CollectorOr NewTimeCollector(const Options& o, const Paths& p);
CollectorOr NewTimexCollector(const Options& o, const Paths& p);
CollectorOr NewUdpQueuesCollector(const Options& o, const Paths& p);
CollectorOr NewUnameCollector(const Options& o, const Paths& p);
CollectorOr NewVmstatCollector(const Options& o, const Paths& p);
CollectorOr NewXfsCollector(const Options& o, const Paths& p);
CollectorOr NewZfsCollector(const Options& o, const Paths& p);

// --- cpu, stat (/proc/stat) ---
struct CpuTimes {
  int cpu = -1;
  // Seconds (jiffies / USER_HZ), in /proc/stat's column order.
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0,
         guest = 0, guest_nice = 0;
};
// The per-CPU "cpuN" lines, in file order, into *out (reused).
absl::Status ParseCpuTimes(std::string_view text, std::vector<CpuTimes>* out);

struct StatSummary {
  double boot_time = 0, context_switches = 0, forks = 0, interrupts = 0, procs_running = 0,
         procs_blocked = 0;
};
absl::Status ParseStat(std::string_view text, StatSummary* out);

// --- meminfo: f(key with "(x)" as "_x", value in the file's unit, has kB) ---
absl::Status ParseMeminfo(std::string_view text,
                          absl::FunctionRef<void(std::string_view key, double value, bool kb)> f);
// "Active(anon)" -> "Active_anon" into *out.
void MeminfoKeyToName(std::string_view key, std::string* out);

// --- loadavg ---
absl::Status ParseLoadavg(std::string_view text, std::array<double, 3>* out);

// --- diskstats ---
inline constexpr int kDiskStatFields = 17;
struct DiskStatsLine {
  uint32_t major = 0, minor = 0;
  std::string_view device;
  int count = 0;  // number of stat fields present (11, 15 or 17)
  std::array<double, kDiskStatFields> v{};
};
absl::Status ParseDiskstats(std::string_view text, absl::FunctionRef<void(const DiskStatsLine&)> f);

// --- filesystem (/proc/1/mounts) ---
struct MountEntry {
  std::string device, mount_point, fs_type;
  bool read_only = false;
};
// Mount points have \040 and \011 unescaped and `rootfs` stripped.
absl::Status ParseMounts(std::string_view text, std::string_view rootfs,
                         std::vector<MountEntry>* out);

// --- netdev (/proc/net/dev): 16 counters, receive then transmit ---
struct NetDevLine {
  std::string_view device;
  std::array<double, 16> v{};
};
absl::Status ParseNetDev(std::string_view text, absl::FunctionRef<void(const NetDevLine&)> f);

// --- vmstat and other "key value" files ---
absl::Status ParseKeyValue(std::string_view text,
                           absl::FunctionRef<void(std::string_view key, std::string_view v)> f);

// --- netstat: /proc/net/netstat and /proc/net/snmp (header/value pairs) ---
absl::Status ParseNetstat(
    std::string_view text,
    absl::FunctionRef<void(std::string_view proto, std::string_view field, std::string_view v)> f);
// /proc/net/snmp6: "Ip6InReceives 12" lines; proto is the part up to the '6'.
absl::Status ParseSnmp6(
    std::string_view text,
    absl::FunctionRef<void(std::string_view proto, std::string_view field, std::string_view v)> f);

// --- sockstat: "TCP: inuse 1 orphan 0 ..." ---
absl::Status ParseSockstat(
    std::string_view text,
    absl::FunctionRef<void(std::string_view proto, std::string_view field, double v)> f);

// --- pressure: the "total=" of the "some" and "full" lines, in µs ---
struct PressureTotals {
  bool has_some = false, has_full = false;
  double some_us = 0, full_us = 0;
};
absl::Status ParsePressure(std::string_view text, PressureTotals* out);

// --- filefd (/proc/sys/fs/file-nr) ---
absl::Status ParseFileNr(std::string_view text, double* allocated, double* maximum);

// --- softnet (/proc/net/softnet_stat), hex columns per CPU ---
struct SoftnetLine {
  double processed = 0, dropped = 0, time_squeezed = 0;
};
absl::Status ParseSoftnet(std::string_view text, std::vector<SoftnetLine>* out);

// --- udp_queues (/proc/net/udp, udp6): summed tx and rx queues ---
absl::Status ParseUdpQueues(std::string_view text, double* tx, double* rx);

// --- conntrack (/proc/net/stat/nf_conntrack): named hex columns summed over
// CPUs ---
absl::Status ParseConntrackStat(std::string_view text,
                                absl::FunctionRef<void(std::string_view field, double v)> f);

// --- arp (/proc/net/arp): entries per device, in first-seen order ---
absl::Status ParseArp(std::string_view text, absl::FunctionRef<void(std::string_view device)> f);

// --- schedstat (/proc/schedstat) ---
struct SchedstatCpu {
  std::string_view cpu;  // the N of "cpuN"
  double running_ns = 0, waiting_ns = 0, timeslices = 0;
};
absl::Status ParseSchedstat(std::string_view text, std::vector<SchedstatCpu>* out);

// --- os-release: KEY=value with shell quoting ---
void ParseOsRelease(std::string_view text,
                    absl::FunctionRef<void(std::string_view key, std::string value)> f);

// --- hwmon: "<type><n>[_<property>]" sensor file names (upstream's
// ^([^0-9]+)([0-9]*)?(_(.+))?$); false when the name does not match ---
bool ExplodeHwmonFilename(std::string_view name, std::string_view* type, int64_t* num,
                          std::string_view* property);
// Lower-cased, [^a-z0-9:_] runes as '_', '_' trimmed (cleanMetricName).
std::string CleanHwmonName(std::string_view s);

// --- powersupplyclass: Go's strconv.ParseInt(s, 0, 64) ---
bool ParseGoInt64Base0(std::string_view s, int64_t* out);
// Go's strconv.ParseUint(s, 0, 64) (procfs' ValueParser.PUInt64): no sign.
bool ParseGoUint64Base0(std::string_view s, uint64_t* out);

// --- mdadm (/proc/mdstat) ---
struct MdStat {
  std::string name;
  std::string state;  // active, inactive, recovering, resyncing, checking, ...
  int64_t disks_active = 0, disks_total = 0, disks_failed = 0, disks_spare = 0;
  int64_t blocks_total = 0, blocks_synced = 0;
};
absl::Status ParseMdstat(std::string_view text, std::vector<MdStat>* out);

// --- rapl: a zone's index and name from its "name" file (getIndexAndName);
// *uses counts plain names ---
void RaplZoneIndex(std::string_view name, std::map<std::string, int, std::less<>>* uses,
                   int* index, std::string* zone);
// node_exporter's SanitizeMetricName: [^a-zA-Z0-9_] -> '_'.
std::string SanitizeMetricName(std::string_view s);

// --- infiniband: "4: ACTIVE" state files and "100 Gb/sec (4X EDR)" rates ---
bool ParseIbState(std::string_view s, uint64_t* id);
bool ParseIbRate(std::string_view s, uint64_t* bytes_per_second);

// --- nfs, nfsd: /proc/net/rpc/nfs and /proc/net/rpc/nfsd (procfs' nfs
// parser): every line must be known and have the right number of values ---
struct NfsRpcStats {
  std::array<uint64_t, 4> net{};         // net: count, udp, tcp, tcp connections
  std::array<uint64_t, 3> client_rpc{};  // rpc (client): calls, retrans, auth refreshes
  std::array<uint64_t, 5> server_rpc{};  // rpc (server): calls, bad, badfmt, badauth, badclnt
  std::array<uint64_t, 3> reply_cache{};
  std::array<uint64_t, 5> file_handles{};
  std::array<uint64_t, 2> io{};
  std::array<uint64_t, 2> threads{};
  std::array<uint64_t, 12> read_ahead{};
  std::array<uint64_t, 18> v2{};         // kNfsV2Procs
  std::array<uint64_t, 22> v3{};         // kNfsV3Procs
  std::array<uint64_t, 59> client_v4{};  // kNfsClientV4Procs
  std::array<uint64_t, 2> server_v4{};
  std::array<uint64_t, 38> v4_ops{};     // kNfsV4Ops
};
absl::Status ParseNfsRpcStats(std::string_view text, bool server, NfsRpcStats* out);
extern const char* const kNfsV2Procs[18];
extern const char* const kNfsV3Procs[22];
extern const char* const kNfsClientV4Procs[59];
extern const char* const kNfsV4Ops[38];

// --- ipvs: /proc/net/ip_vs_stats totals (connections, packets in/out,
// bytes in/out) and /proc/net/ip_vs backends ---
absl::Status ParseIpvsStats(std::string_view text, std::array<uint64_t, 5>* out);
struct IpvsBackend {
  std::string local_address, remote_address, local_mark, proto;  // address "" for FWM
  uint16_t local_port = 0, remote_port = 0;
  uint64_t active = 0, inactive = 0, weight = 0;
};
absl::Status ParseIpvsBackends(std::string_view text, std::vector<IpvsBackend>* out);
// ipvs_backend_labels as indexes into local_address, local_port,
// remote_address, remote_port, proto, local_mark (that order); empty = all.
absl::StatusOr<std::vector<int>> IpvsBackendLabels(const std::vector<std::string>& requested);

// --- zfs: kstat files ("name type data" header, uint64 rows of type 4),
// pool io files (header line starting "nread", then values) and objset
// files (dataset_name row, then uint64 rows) ---
absl::Status ParseZfsKstat(std::string_view text,
                           absl::FunctionRef<void(std::string_view name, uint64_t v)> f);
absl::Status ParseZfsPoolIo(std::string_view text,
                            absl::FunctionRef<void(std::string_view field, uint64_t v)> f);
absl::Status ParseZfsObjset(
    std::string_view text,
    absl::FunctionRef<void(std::string_view dataset, std::string_view name, uint64_t v)> f);

// --- bcache: humanized sizes ("1.5k": the fraction is in 1/1024 units;
// an unknown suffix gives 0), writeback_rate_debug and priority_stats ---
bool BcacheDehumanize(std::string_view s, uint64_t* out);
bool BcacheDehumanizeSigned(std::string_view s, int64_t* out);
struct BcacheWriteback {
  uint64_t rate = 0, dirty = 0, target = 0;
  int64_t proportional = 0, integral = 0, change = 0, next_io = 0;
};
absl::Status ParseBcacheWritebackRateDebug(std::string_view text, BcacheWriteback* out);
absl::Status ParseBcachePriorityStats(std::string_view text, uint64_t* unused,
                                      uint64_t* metadata);

// --- processes: a /proc/[pid]/stat line: the state letter and num_threads
// (procfs requires the 40 values after the comm) ---
absl::Status ParseProcStat(std::string_view text, std::string_view* state, int64_t* threads);

// --- buddyinfo: "Node 0, zone DMA32 1 2 ..." lines ---
absl::Status ParseBuddyinfo(
    std::string_view text,
    absl::FunctionRef<void(std::string_view node, std::string_view zone, size_t order, double v)>
        f);

// --- interrupts: /proc/interrupts rows (views into the text, except the
// joined details) ---
struct InterruptLine {
  std::string_view name, info, devices;
  std::vector<std::string_view> values;  // one per CPU of the header
  std::string info_joined, devices_joined;  // Go's strings.Join(fields, " ")
};
absl::Status ParseInterrupts(std::string_view text, std::vector<InterruptLine>* out);
// Words of `s` joined by one space.
std::string JoinFields(std::string_view s);

// --- meminfo_numa: "Node 0 MemTotal: 11364556 kB" lines (kB scaled to
// bytes) and numastat "numa_hit 12" lines ---
absl::Status ParseMeminfoNuma(
    std::string_view text,
    absl::FunctionRef<void(std::string_view node, std::string_view key, double v)> f);
absl::Status ParseNumastat(std::string_view text,
                           absl::FunctionRef<void(std::string_view key, double v)> f);

// --- xfs: a stats/stats file; f(line label, value index, value) for every
// value. Values must be uint32 (uint64 on "xpc"); known lines must have
// their length ---
absl::Status ParseXfsStats(std::string_view text,
                           absl::FunctionRef<void(std::string_view line, size_t index, double v)> f);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_COLLECTORS_H_
