// Pure parser tests of the storage, RPC and hardware collectors added for
// node_exporter's full default set (nfs, nfsd, xfs, zfs, bcache, ipvs,
// infiniband, rapl): well-formed, malformed and truncated input.
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr char kNfsClient[] =
    "net 70 70 69 45\n"
    "rpc 1218785755 374636 1218815394\n"
    "proc2 18 16 57 74 52 71 73 45 86 0 52 83 61 17 53 50 23 70 82\n"
    "proc3 22 0 1061909262 48906 4077635 117661341 5 29391916 2570425 2993289 590 0 0 7815 15 "
    "1130 0 3983 92385 13332 2 1 23729\n"
    "proc4 3 1 2 3\n";

TEST(NfsParse, ClientStatsAndShortV4LineIsPadded) {
  NfsRpcStats s;
  ASSERT_TRUE(ParseNfsRpcStats(kNfsClient, /*server=*/false, &s).ok());
  EXPECT_EQ(s.net[2], 69u);
  EXPECT_EQ(s.client_rpc[1], 374636u);
  EXPECT_EQ(s.v2[0], 16u);  // Null
  EXPECT_EQ(s.v2[17], 82u);  // FsStat
  EXPECT_EQ(s.v3[1], 1061909262u);  // GetAttr
  EXPECT_EQ(s.client_v4[0], 1u);
  EXPECT_EQ(s.client_v4[2], 3u);
  EXPECT_EQ(s.client_v4[58], 0u);  // absent on older kernels
  EXPECT_STREQ(kNfsClientV4Procs[58], "Clone");
}

TEST(NfsParse, MalformedClient) {
  NfsRpcStats s;
  EXPECT_FALSE(ParseNfsRpcStats("net 1 2 3\n", false, &s).ok());  // 3 values, not 4
  EXPECT_FALSE(ParseNfsRpcStats("rpc 1 2 x\n", false, &s).ok());
  EXPECT_FALSE(ParseNfsRpcStats("proc2 18 1 2\n", false, &s).ok());  // count mismatch
  EXPECT_FALSE(ParseNfsRpcStats("proc3 2 1 2\n", false, &s).ok());   // fewer than 22
  EXPECT_FALSE(ParseNfsRpcStats("bogus 1 2\n", false, &s).ok());
  EXPECT_FALSE(ParseNfsRpcStats("rc 1 2 3\n", false, &s).ok());  // server-only line
  EXPECT_FALSE(ParseNfsRpcStats("net\n", false, &s).ok());
  EXPECT_FALSE(ParseNfsRpcStats("rpc -1 2 3\n", false, &s).ok());
  EXPECT_TRUE(ParseNfsRpcStats("", false, &s).ok());
}

TEST(NfsParse, ServerStats) {
  NfsRpcStats s;
  ASSERT_TRUE(ParseNfsRpcStats("rc 0 6 18622\n"
                               "fh 0 0 0 0 0\n"
                               "io 157286400 72864\n"
                               "th 8 0 0.000 0.000\n"
                               "ra 32 0 0 0 0 0 0 0 0 0 0 7\n"
                               "net 972 55 917 1\n"
                               "rpc 18628 3 1 2 0\n"
                               "proc4 2 2 10853\n",
                               /*server=*/true, &s)
                  .ok());
  EXPECT_EQ(s.reply_cache[2], 18622u);
  EXPECT_EQ(s.io[0], 157286400u);
  EXPECT_EQ(s.threads[0], 8u);  // only the first two th values are read
  EXPECT_EQ(s.read_ahead[11], 7u);
  EXPECT_EQ(s.server_rpc[4], 0u);
  EXPECT_EQ(s.server_v4[1], 10853u);
}

TEST(NfsParse, MalformedServer) {
  NfsRpcStats s;
  EXPECT_FALSE(ParseNfsRpcStats("th 8\n", true, &s).ok());
  EXPECT_FALSE(ParseNfsRpcStats("proc4 3 1 2 3\n", true, &s).ok());  // must be exactly 2
  EXPECT_FALSE(ParseNfsRpcStats("proc4ops 2 1 2\n", true, &s).ok());  // fewer than 39
  EXPECT_FALSE(ParseNfsRpcStats("ra 1 2\n", true, &s).ok());
  EXPECT_FALSE(ParseNfsRpcStats("rpc 1 2 3\n", true, &s).ok());  // server rpc has 5
}

TEST(XfsParse, ValuesAndLengthChecks) {
  std::map<std::string, double> got;
  auto f = [&](std::string_view line, size_t i, double v) {
    got[std::string(line) + "." + std::to_string(i)] = v;
  };
  ASSERT_TRUE(ParseXfsStats("extent_alloc 1 872 0 0\n"
                            "rw 28 7\n"
                            "vnodes 62 0 0 0 23 3 0\n"
                            "xpc 399724544 92823103 86219234\n"
                            "rmapbt 0 0\n"
                            "lonely\n",
                            f)
                  .ok());
  EXPECT_EQ(got["extent_alloc.1"], 872);
  EXPECT_EQ(got["rw.0"], 28);
  EXPECT_EQ(got["vnodes.4"], 23);
  EXPECT_EQ(got["xpc.0"], 399724544);
  EXPECT_FALSE(ParseXfsStats("extent_alloc 1 2 3\n", f).ok());        // wrong length
  EXPECT_FALSE(ParseXfsStats("vnodes 1 2 3 4 5 6 7 8 9\n", f).ok());  // 7 or 8 only
  EXPECT_FALSE(ParseXfsStats("rw 4294967296 1\n", f).ok());           // over uint32
  EXPECT_FALSE(ParseXfsStats("unknown 1 x\n", f).ok());               // any line must parse
  EXPECT_TRUE(ParseXfsStats("xpc 4294967296 1 2\n", f).ok());         // uint64 there
}

TEST(ZfsParse, KstatNeedsItsHeaderAndSkipsOtherTypes) {
  std::map<std::string, uint64_t> got;
  auto f = [&](std::string_view n, uint64_t v) { got[std::string(n)] = v; };
  ASSERT_TRUE(ParseZfsKstat("13 1 0x01 96 26112 4312845101 3489934583398\n"
                            "name                            type data\n"
                            "hits                            4    8772612\n"
                            "arc_no_grow                     1    0\n"
                            "short 4\n",
                            f)
                  .ok());
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(got["hits"], 8772612u);
  EXPECT_FALSE(ParseZfsKstat("hits 4 1\n", f).ok());  // no header
  EXPECT_FALSE(ParseZfsKstat("name type data\nhits 4 x\n", f).ok());
}

TEST(ZfsParse, PoolIoAndObjset) {
  std::map<std::string, uint64_t> io;
  ASSERT_TRUE(ParseZfsPoolIo("12 3 0x00 1 80 79205351707403 395818011156865\n"
                             "nread nwritten reads writes wtime wlentime wupdate rtime rlentime "
                             "rupdate wcnt rcnt\n"
                             "1 2 3 4 5 6 7 8 9 10 11 12\n",
                             [&](std::string_view n, uint64_t v) { io[std::string(n)] = v; })
                  .ok());
  EXPECT_EQ(io["nread"], 1u);
  EXPECT_EQ(io["rcnt"], 12u);
  EXPECT_FALSE(ParseZfsPoolIo("nread nwritten reads writes wtime wlentime wupdate rtime "
                              "rlentime rupdate wcnt rcnt\n1 2 3\n",
                              [](std::string_view, uint64_t) {})
                   .ok());  // truncated values line
  std::vector<std::string> rows;
  ASSERT_TRUE(ParseZfsObjset("name type data\n"
                             "dataset_name 7 pool1/ds\n"
                             "writes 4 4\n",
                             [&](std::string_view d, std::string_view n, uint64_t v) {
                               rows.push_back(std::string(d) + ":" + std::string(n) + "=" +
                                              std::to_string(v));
                             })
                  .ok());
  EXPECT_EQ(rows, std::vector<std::string>{"pool1/ds:writes=4"});
  EXPECT_FALSE(ParseZfsObjset("writes 4 4\n", [](auto, auto, auto) {}).ok());
}

TEST(BcacheParse, Dehumanize) {
  uint64_t v;
  ASSERT_TRUE(BcacheDehumanize("542", &v));
  EXPECT_EQ(v, 542u);
  ASSERT_TRUE(BcacheDehumanize("1.5k", &v));
  EXPECT_EQ(v, static_cast<uint64_t>((1 + 5 / 10.24) * 1024));
  ASSERT_TRUE(BcacheDehumanize("2.0M", &v));
  EXPECT_EQ(v, 2u << 20);
  ASSERT_TRUE(BcacheDehumanize("3x", &v));  // unknown suffix: times 0, as upstream
  EXPECT_EQ(v, 0u);
  EXPECT_FALSE(BcacheDehumanize("", &v));
  EXPECT_FALSE(BcacheDehumanize("k", &v));
  EXPECT_FALSE(BcacheDehumanize("1.xk", &v));
  int64_t s;
  ASSERT_TRUE(BcacheDehumanizeSigned("-2.0k", &s));
  EXPECT_EQ(s, -2048);
}

TEST(BcacheParse, WritebackRateDebugAndPriorityStats) {
  BcacheWriteback wb;
  ASSERT_TRUE(ParseBcacheWritebackRateDebug("rate:\t\t1.1M/sec\ndirty:\t\t20.4G\n"
                                            "target:\t\t20.4G\nproportional:\t0\n"
                                            "integral:\t-2.0k\nchange:\t\t-1.5k/sec\n"
                                            "next io:\t-20ms\n",
                                            &wb)
                  .ok());
  EXPECT_EQ(wb.integral, -2048);
  EXPECT_EQ(wb.next_io, -20);
  EXPECT_GT(wb.rate, 1u << 20);
  EXPECT_FALSE(ParseBcacheWritebackRateDebug("rate: fast/sec\n", &wb).ok());
  EXPECT_FALSE(ParseBcacheWritebackRateDebug("next io: soonms\n", &wb).ok());
  uint64_t unused, meta;
  ASSERT_TRUE(ParseBcachePriorityStats("Unused:\t\t99%\nClean:\t\t0%\nMetadata:\t3%\n", &unused,
                                       &meta)
                  .ok());
  EXPECT_EQ(unused, 99u);
  EXPECT_EQ(meta, 3u);
  EXPECT_FALSE(ParseBcachePriorityStats("Unused: lots\n", &unused, &meta).ok());
}

TEST(IpvsParse, StatsAndBackends) {
  std::array<uint64_t, 5> t;
  ASSERT_TRUE(ParseIpvsStats("   Total Incoming\n   Conns  Packets\n 16AA370 E33656E5 0 "
                             "51D8C8883AB3 0\n\n",
                             &t)
                  .ok());
  EXPECT_EQ(t[0], 0x16AA370u);
  EXPECT_EQ(t[3], 0x51D8C8883AB3u);
  EXPECT_FALSE(ParseIpvsStats("a\nb\n", &t).ok());                      // too short
  EXPECT_FALSE(ParseIpvsStats("a\nb\n1 2 3 4\n", &t).ok());             // 4 fields
  EXPECT_FALSE(ParseIpvsStats("a\nb\n1 2 3 4 zz\n", &t).ok());          // not hex
  std::vector<IpvsBackend> b;
  ASSERT_TRUE(ParseIpvsBackends(
                  "IP Virtual Server version 1.2.1 (size=4096)\n"
                  "Prot LocalAddress:Port Scheduler Flags\n"
                  "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
                  "TCP  C0A80016:0CEA wlc\n"
                  "  -> C0A85216:0CEA      Tunnel  100    248        2\n"
                  "FWM  10001000 wrr\n"
                  "  -> C0A8321A:0CEA      Route   0      0          1\n"
                  "UDP  [2620:0000:0000:0000:0000:0000:0000:0001]:0050 sh\n"
                  "  -> [0000:0000:0000:0000:0000:ffff:c0a8:0001]:0050 Route 1 0 0\n"
                  "  -> C0A8321A:0CEA short\n",
                  &b)
                  .ok());
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].local_address, "192.168.0.22");
  EXPECT_EQ(b[0].local_port, 3306);
  EXPECT_EQ(b[0].remote_address, "192.168.82.22");
  EXPECT_EQ(b[0].active, 248u);
  EXPECT_EQ(b[1].local_address, "");
  EXPECT_EQ(b[1].local_mark, "10001000");
  EXPECT_EQ(b[2].local_address, "2620::1");
  EXPECT_EQ(b[2].remote_address, "192.168.0.1");  // v4-mapped prints as IPv4 (Go)
  EXPECT_EQ(b[2].local_port, 80);
  EXPECT_FALSE(ParseIpvsBackends("TCP  C0A800:0CEA wlc\n", &b).ok());
  EXPECT_FALSE(ParseIpvsBackends("TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA T x 1 2\n", &b).ok());
  EXPECT_FALSE(ParseIpvsBackends("TCP  ZZA80016:0CEA wlc\n", &b).ok());
}

TEST(IpvsParse, BackendLabels) {
  EXPECT_EQ(*IpvsBackendLabels({}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(*IpvsBackendLabels({"proto", "local_address"}), (std::vector<int>{0, 4}));
  absl::StatusOr<std::vector<int>> bad = IpvsBackendLabels({"b", "a", "proto"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("\"a, b\""), std::string::npos);
}

TEST(InfinibandParse, StateAndRate) {
  uint64_t v;
  ASSERT_TRUE(ParseIbState("4: ACTIVE\n", &v));
  EXPECT_EQ(v, 4u);
  EXPECT_FALSE(ParseIbState("ACTIVE", &v));
  EXPECT_FALSE(ParseIbState("4: A: B", &v));
  EXPECT_FALSE(ParseIbState("x: ACTIVE", &v));
  ASSERT_TRUE(ParseIbRate("40 Gb/sec (4X QDR)\n", &v));
  EXPECT_EQ(v, 5000000000u);
  ASSERT_TRUE(ParseIbRate("2.5 Gb/sec (1X SDR)", &v));
  EXPECT_EQ(v, 312500000u);
  EXPECT_FALSE(ParseIbRate("40", &v));
  EXPECT_FALSE(ParseIbRate("fast Gb/sec", &v));
}

TEST(RaplParse, ZoneIndexes) {
  std::map<std::string, int, std::less<>> uses;
  int index;
  std::string zone;
  RaplZoneIndex("package-0", &uses, &index, &zone);
  EXPECT_EQ(zone, "package");
  EXPECT_EQ(index, 0);
  RaplZoneIndex("dram", &uses, &index, &zone);
  EXPECT_EQ(index, 0);
  RaplZoneIndex("dram", &uses, &index, &zone);
  EXPECT_EQ(index, 1);  // a repeated plain name counts up
  RaplZoneIndex("package-1", &uses, &index, &zone);
  EXPECT_EQ(index, 1);
  RaplZoneIndex("a-b-c", &uses, &index, &zone);
  EXPECT_EQ(zone, "a-b-c");
  EXPECT_EQ(SanitizeMetricName("a-b.c_1"), "a_b_c_1");
}

TEST(ProcessesParse, ProcStat) {
  const std::string tail =
      " 0 1 1 0 -1 4194560 36426 9812730 130 4053 2 13 24 80 20 0 7 0 23 172400640 2905 "
      "18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 17 0 0 0 0 0 0\n";
  std::string_view state;
  int64_t threads;
  const std::string line = "42 (a (b) c) D" + tail;
  ASSERT_TRUE(ParseProcStat(line, &state, &threads).ok());
  EXPECT_EQ(state, "D");
  EXPECT_EQ(threads, 7);
  EXPECT_FALSE(ParseProcStat("42 no comm S" + tail, &state, &threads).ok());
  EXPECT_FALSE(ParseProcStat("42 (x) S 0 1 1\n", &state, &threads).ok());  // truncated
  EXPECT_FALSE(ParseProcStat("42 (x)", &state, &threads).ok());
  EXPECT_FALSE(ParseProcStat("42 (x) S x" + tail, &state, &threads).ok());
}

TEST(BuddyinfoParse, ZonesAndMalformed) {
  std::vector<std::string> got;
  auto f = [&](std::string_view n, std::string_view z, size_t o, double v) {
    got.push_back(std::string(n) + "/" + std::string(z) + "/" + std::to_string(o) + "=" +
                  std::to_string(static_cast<int>(v)));
  };
  ASSERT_TRUE(ParseBuddyinfo("Node 0, zone DMA 1 2\nNode 1, zone Normal 3 4\n", f).ok());
  EXPECT_EQ(got, (std::vector<std::string>{"0/DMA/0=1", "0/DMA/1=2", "1/Normal/0=3",
                                           "1/Normal/1=4"}));
  EXPECT_FALSE(ParseBuddyinfo("Node 0, zone DMA 1 2\nNode 1, zone Normal 3\n", f).ok());
  EXPECT_FALSE(ParseBuddyinfo("Node 0, zone\n", f).ok());
  EXPECT_FALSE(ParseBuddyinfo("Node 0, zone DMA 1 x\n", f).ok());
}

TEST(InterruptsParse, NumberedNamedShortAndRepeated) {
  std::vector<InterruptLine> l;
  ASSERT_TRUE(ParseInterrupts("           CPU0       CPU1\n"
                              " 27:   15   32  PCI-MSIX-0000:00:04.0   1-edge   virtio0-input.0\n"
                              "LOC:   92   81   Local timer   interrupts\n"
                              "ERR:    0\n"
                              "LOC:   93   82   Local timer interrupts\n",
                              &l)
                  .ok());
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "27");
  EXPECT_EQ(l[0].info_joined, "PCI-MSIX-0000:00:04.0");
  EXPECT_EQ(l[0].devices_joined, "1-edge virtio0-input.0");
  EXPECT_EQ(l[1].name, "LOC");
  EXPECT_EQ(l[1].values[0], "93");  // the last line of a name wins
  EXPECT_EQ(l[1].info_joined, "Local timer interrupts");
  EXPECT_EQ(l[1].devices_joined, "");
  EXPECT_FALSE(ParseInterrupts("", &l).ok());
  EXPECT_TRUE(ParseInterrupts("CPU0\n", &l).ok());
  EXPECT_TRUE(l.empty());
}

TEST(MeminfoNumaParse, LinesAndMalformed) {
  std::map<std::string, double> got;
  ASSERT_TRUE(ParseMeminfoNuma("Node 1 MemTotal: 2 kB\nNode 1 HugePages_Total: 3\n\n",
                               [&](std::string_view n, std::string_view k, double v) {
                                 got[std::string(n) + "/" + std::string(k)] = v;
                               })
                  .ok());
  EXPECT_EQ(got["1/MemTotal"], 2048);
  EXPECT_EQ(got["1/HugePages_Total"], 3);
  auto ignore = [](std::string_view, std::string_view, double) {};
  EXPECT_FALSE(ParseMeminfoNuma("Node 1 MemTotal:\n", ignore).ok());
  EXPECT_FALSE(ParseMeminfoNuma("Node 1 MemTotal: 2 MB\n", ignore).ok());
  EXPECT_FALSE(ParseMeminfoNuma("Node 1 MemTotal: x kB\n", ignore).ok());
  EXPECT_TRUE(ParseNumastat("numa_hit 5\n", [](std::string_view, double) {}).ok());
  EXPECT_FALSE(ParseNumastat("numa_hit 5 6\n", [](std::string_view, double) {}).ok());
  EXPECT_FALSE(ParseNumastat("numa_hit\n", [](std::string_view, double) {}).ok());
}

TEST(GoParse, Uint64Base0) {
  uint64_t v;
  ASSERT_TRUE(ParseGoUint64Base0("0xffffffffffffffff", &v));
  EXPECT_EQ(v, UINT64_MAX);
  ASSERT_TRUE(ParseGoUint64Base0("0x13", &v));
  EXPECT_EQ(v, 0x13u);
  ASSERT_TRUE(ParseGoUint64Base0("017", &v));
  EXPECT_EQ(v, 15u);
  ASSERT_TRUE(ParseGoUint64Base0("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_FALSE(ParseGoUint64Base0("0x10000000000000000", &v));
  EXPECT_FALSE(ParseGoUint64Base0("-1", &v));
  EXPECT_FALSE(ParseGoUint64Base0("+1", &v));
  EXPECT_FALSE(ParseGoUint64Base0("", &v));
  EXPECT_FALSE(ParseGoUint64Base0("N/A (no PMA)", &v));
}

}  // namespace
}  // namespace outpost::integrations::node
