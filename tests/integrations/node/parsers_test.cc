// Pure parser tests of the node collectors, on fixture text including
// malformed and truncated input.
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

TEST(CpuParse, PerCpuLinesInSecondsSkippingTheTotal) {
  std::vector<CpuTimes> t;
  ASSERT_TRUE(ParseCpuTimes("cpu  300 0 20 1000 4 0 6 7 0 0\n"
                            "cpu0 100 1 10 500 2 3 4 5 6 7\n"
                            "cpu3 200 0 10 500 2 0 2 2\n"
                            "intr 5 0\n",
                            &t)
                  .ok());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].cpu, 0);
  EXPECT_DOUBLE_EQ(t[0].user, 1.0);
  EXPECT_DOUBLE_EQ(t[0].nice, 0.01);
  EXPECT_DOUBLE_EQ(t[0].idle, 5.0);
  EXPECT_DOUBLE_EQ(t[0].guest_nice, 0.07);
  EXPECT_EQ(t[1].cpu, 3);
  EXPECT_DOUBLE_EQ(t[1].steal, 0.02);
  EXPECT_DOUBLE_EQ(t[1].guest, 0);  // old kernel: absent columns are 0
}

TEST(CpuParse, Malformed) {
  std::vector<CpuTimes> t;
  EXPECT_FALSE(ParseCpuTimes("cpu0 100 x 10 500\n", &t).ok());
  EXPECT_FALSE(ParseCpuTimes("cpu0 100 1\n", &t).ok());  // truncated
  EXPECT_FALSE(ParseCpuTimes("cpu0 -5 1 2 3\n", &t).ok());
  EXPECT_TRUE(ParseCpuTimes("", &t).ok());
  EXPECT_TRUE(t.empty());
}

TEST(StatParse, Fields) {
  StatSummary s;
  ASSERT_TRUE(ParseStat("cpu 1 2 3 4\nintr 627225 0 1\nctxt 99\nbtime 1700000000\n"
                        "processes 1234\nprocs_running 3\nprocs_blocked 1\nsoftirq 5 1\n",
                        &s)
                  .ok());
  EXPECT_EQ(s.interrupts, 627225);
  EXPECT_EQ(s.context_switches, 99);
  EXPECT_EQ(s.boot_time, 1700000000);
  EXPECT_EQ(s.forks, 1234);
  EXPECT_EQ(s.procs_running, 3);
  EXPECT_EQ(s.procs_blocked, 1);
  EXPECT_FALSE(ParseStat("ctxt lots\n", &s).ok());
}

TEST(MeminfoParse, UnitsAndNames) {
  std::map<std::string, std::pair<double, bool>> got;
  ASSERT_TRUE(ParseMeminfo("MemTotal:       16312428 kB\nActive(anon):     1 kB\n"
                           "HugePages_Total:       0\n",
                           [&](std::string_view k, double v, bool kb) {
                             got[std::string(k)] = {v, kb};
                           })
                  .ok());
  EXPECT_EQ(got["MemTotal"], std::make_pair(16312428.0, true));
  EXPECT_EQ(got["HugePages_Total"], std::make_pair(0.0, false));
  std::string name;
  MeminfoKeyToName("Active(anon)", &name);
  EXPECT_EQ(name, "Active_anon");
}

TEST(MeminfoParse, Malformed) {
  auto nop = [](std::string_view, double, bool) {};
  EXPECT_FALSE(ParseMeminfo("MemTotal 12 kB\n", nop).ok());  // no colon
  EXPECT_FALSE(ParseMeminfo("MemTotal: x kB\n", nop).ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal:\n", nop).ok());  // truncated
  EXPECT_FALSE(ParseMeminfo("MemTotal: 1 kB extra\n", nop).ok());
}

TEST(LoadavgParse, ThreeValues) {
  std::array<double, 3> v;
  ASSERT_TRUE(ParseLoadavg("0.15 0.20 1.50 1/234 5678\n", &v).ok());
  EXPECT_DOUBLE_EQ(v[0], 0.15);
  EXPECT_DOUBLE_EQ(v[2], 1.5);
  EXPECT_FALSE(ParseLoadavg("0.15 0.20\n", &v).ok());
  EXPECT_FALSE(ParseLoadavg("a b c\n", &v).ok());
  EXPECT_FALSE(ParseLoadavg("", &v).ok());
}

TEST(DiskstatsParse, FieldCountsAndErrors) {
  std::vector<DiskStatsLine> got;
  std::vector<std::string> names;
  auto collect = [&](const DiskStatsLine& d) {
    got.push_back(d);
    names.emplace_back(d.device);
  };
  ASSERT_TRUE(ParseDiskstats("   8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
                             " 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
                             " 253 1 dm-0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n",
                             collect)
                  .ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(names, (std::vector<std::string>{"sda", "nvme0n1", "dm-0"}));
  EXPECT_EQ(got[0].count, 11);
  EXPECT_EQ(got[1].count, 17);
  EXPECT_EQ(got[2].count, 15);
  EXPECT_EQ(got[1].major, 259u);
  EXPECT_EQ(got[1].v[16], 17);
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3\n", collect).ok());  // truncated
  EXPECT_FALSE(ParseDiskstats("8 x sda 1 2 3 4 5 6 7 8 9 10 11\n", collect).ok());
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 -1\n", collect).ok());
}

TEST(MountsParse, EscapesReadOnlyAndRootfs) {
  std::vector<MountEntry> m;
  ASSERT_TRUE(ParseMounts("/dev/vda / ext4 rw,relatime 0 0\n"
                          "srv:/x /mnt/a\\040b\\011c nfs4 ro,relatime 0 0\n",
                          "/", &m)
                  .ok());
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].mount_point, "/");
  EXPECT_FALSE(m[0].read_only);
  EXPECT_EQ(m[1].mount_point, "/mnt/a b\tc");
  EXPECT_TRUE(m[1].read_only);
  EXPECT_EQ(m[1].fs_type, "nfs4");

  ASSERT_TRUE(ParseMounts("/dev/vda /host ext4 rw 0 0\n/dev/vdb /host/data xfs rw 0 0\n"
                          "/dev/vdc /other xfs rw 0 0\n",
                          "/host", &m)
                  .ok());
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].mount_point, "/");
  EXPECT_EQ(m[1].mount_point, "/data");
  EXPECT_EQ(m[2].mount_point, "/other");
  EXPECT_FALSE(ParseMounts("/dev/vda / ext4\n", "/", &m).ok());
}

TEST(NetDevParse, SixteenCounters) {
  std::vector<std::string> devs;
  double eth_tx_bytes = -1;
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0\n"
      "  eth0: 5000 40 1 2 3 4 5 6 7000 50 7 8 9 10 11 12\n";
  ASSERT_TRUE(ParseNetDev(text, [&](const NetDevLine& d) {
                devs.emplace_back(d.device);
                if (d.device == "eth0") eth_tx_bytes = d.v[8];
              }).ok());
  EXPECT_EQ(devs, (std::vector<std::string>{"lo", "eth0"}));
  EXPECT_EQ(eth_tx_bytes, 7000);
  auto nop = [](const NetDevLine&) {};
  EXPECT_FALSE(ParseNetDev("h\nh\n eth0: 1 2 3\n", nop).ok());
  EXPECT_FALSE(ParseNetDev("h\nh\n eth0 1 2 3\n", nop).ok());
}

TEST(NetstatParse, HeaderValuePairs) {
  std::map<std::string, std::string> got;
  auto put = [&](std::string_view p, std::string_view f, std::string_view v) {
    got[std::string(p) + "_" + std::string(f)] = std::string(v);
  };
  ASSERT_TRUE(ParseNetstat("Tcp: RtoAlgorithm CurrEstab\nTcp: 1 5\n"
                           "Udp: InDatagrams\nUdp: 77\n",
                           put)
                  .ok());
  EXPECT_EQ(got["Tcp_CurrEstab"], "5");
  EXPECT_EQ(got["Udp_InDatagrams"], "77");
  EXPECT_FALSE(ParseNetstat("Tcp: A B\nTcp: 1\n", put).ok());  // count mismatch
  EXPECT_FALSE(ParseNetstat("Tcp: A B\n", put).ok());          // truncated
  got.clear();
  ASSERT_TRUE(
      ParseSnmp6("Ip6InReceives 12\nIcmp6InMsgs 3\nUdpLite6InErrors 0\nnosix 1\n", put).ok());
  EXPECT_EQ(got["Ip6_InReceives"], "12");
  EXPECT_EQ(got["Icmp6_InMsgs"], "3");
  EXPECT_EQ(got["UdpLite6_InErrors"], "0");
  EXPECT_EQ(got.size(), 3u);
}

TEST(SockstatParse, PairsAndErrors) {
  std::map<std::string, double> got;
  auto put = [&](std::string_view p, std::string_view f, double v) {
    got[std::string(p) + "_" + std::string(f)] = v;
  };
  ASSERT_TRUE(ParseSockstat("sockets: used 13\nTCP: inuse 1 orphan 0 tw 2 alloc 3 mem 237\n"
                            "FRAG: inuse 0 memory 0\n",
                            put)
                  .ok());
  EXPECT_EQ(got["sockets_used"], 13);
  EXPECT_EQ(got["TCP_mem"], 237);
  EXPECT_EQ(got["TCP_tw"], 2);
  EXPECT_EQ(got.count("FRAG_memory"), 1u);
  EXPECT_FALSE(ParseSockstat("TCP: inuse\n", put).ok());
  EXPECT_FALSE(ParseSockstat("TCP: inuse x\n", put).ok());
}

TEST(PressureParse, SomeAndFull) {
  PressureTotals t;
  ASSERT_TRUE(ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=4109545\n"
                            "full avg10=0.00 avg60=0.00 avg300=0.00 total=12\n",
                            &t)
                  .ok());
  EXPECT_TRUE(t.has_some);
  EXPECT_EQ(t.some_us, 4109545);
  EXPECT_EQ(t.full_us, 12);
  EXPECT_FALSE(ParsePressure("some avg10=0.00\n", &t).ok());
  EXPECT_FALSE(ParsePressure("weird total=1\n", &t).ok());
  EXPECT_FALSE(ParsePressure("some total=x\n", &t).ok());
}

TEST(FileNrParse, ThreeFields) {
  double a, m;
  ASSERT_TRUE(ParseFileNr("1024\t0\t9223372036854775807\n", &a, &m).ok());
  EXPECT_EQ(a, 1024);
  EXPECT_EQ(m, 9223372036854775807.0);
  EXPECT_FALSE(ParseFileNr("1024\t0\n", &a, &m).ok());
  EXPECT_FALSE(ParseFileNr("x 0 1\n", &a, &m).ok());
}

TEST(SoftnetParse, HexColumnsPerCpu) {
  std::vector<SoftnetLine> l;
  ASSERT_TRUE(ParseSoftnet("0000002d 00000001 0000000a 0 0 0 0 0 0 0 0\n"
                           "00000534 00000000 00000000 0 0 0 0 0 0\n",
                           &l)
                  .ok());
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].processed, 45);
  EXPECT_EQ(l[0].dropped, 1);
  EXPECT_EQ(l[0].time_squeezed, 10);
  EXPECT_EQ(l[1].processed, 0x534);
  EXPECT_FALSE(ParseSoftnet("0000002d 00000001\n", &l).ok());
  EXPECT_FALSE(ParseSoftnet("zz 0 0 0 0 0 0 0 0\n", &l).ok());
}

TEST(UdpQueuesParse, SumsHexQueues) {
  double tx, rx;
  ASSERT_TRUE(ParseUdpQueues("  sl  local_address rem_address   st tx_queue:rx_queue ...\n"
                             "  0: 00000000:0044 00000000:0000 07 00000010:00000001 00:0 0\n"
                             "  1: 00000000:0045 00000000:0000 07 00000001:00000002 00:0 0\n",
                             &tx, &rx)
                  .ok());
  EXPECT_EQ(tx, 17);
  EXPECT_EQ(rx, 3);
  EXPECT_FALSE(ParseUdpQueues("h\n 0: a b 07 zz:1\n", &tx, &rx).ok());
  EXPECT_FALSE(ParseUdpQueues("h\n 0: a b\n", &tx, &rx).ok());
}

TEST(ConntrackStatParse, SumsColumnsOverCpus) {
  std::map<std::string, double> got;
  ASSERT_TRUE(ParseConntrackStat("entries found drop\n00000001 0000000a 00000001\n"
                                 "00000001 00000005 00000002\n",
                                 [&](std::string_view f, double v) { got[std::string(f)] = v; })
                  .ok());
  EXPECT_EQ(got["found"], 15);
  EXPECT_EQ(got["drop"], 3);
  auto nop = [](std::string_view, double) {};
  EXPECT_FALSE(ParseConntrackStat("entries found\n1\n", nop).ok());
  EXPECT_FALSE(ParseConntrackStat("", nop).ok());
}

TEST(ArpParse, DevicesAndShortLines) {
  std::vector<std::string> devs;
  ASSERT_TRUE(ParseArp("IP address HW type Flags HW address Mask Device\n"
                       "192.0.2.1 0x1 0x2 02:fc:00:00:00:05 * eth0\n"
                       "192.0.2.2 0x1 0x2 02:fc:00:00:00:06 * eth1\n",
                       [&](std::string_view d) { devs.emplace_back(d); })
                  .ok());
  EXPECT_EQ(devs, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_FALSE(ParseArp("192.0.2.1 0x1 eth0\n", [](std::string_view) {}).ok());
}

TEST(OsReleaseParse, QuotingAndComments) {
  std::map<std::string, std::string> env;
  ParseOsRelease(
      "# comment\nNAME=\"Debian GNU/Linux\"\nID=debian\nVERSION='12 (bookworm)'\n"
      "PRETTY_NAME=\"A \\\"quoted\\\" name\"\nexport VARIANT=x\nbroken line\n",
      [&](std::string_view k, std::string v) { env[std::string(k)] = v; });
  EXPECT_EQ(env["NAME"], "Debian GNU/Linux");
  EXPECT_EQ(env["ID"], "debian");
  EXPECT_EQ(env["VERSION"], "12 (bookworm)");
  EXPECT_EQ(env["PRETTY_NAME"], "A \"quoted\" name");
  EXPECT_EQ(env["VARIANT"], "x");
  EXPECT_EQ(env.size(), 5u);
}

TEST(KeyValueParse, VmstatLines) {
  std::map<std::string, std::string> got;
  ASSERT_TRUE(
      ParseKeyValue("nr_free_pages 123\npgfault 9\n", [&](std::string_view k, std::string_view v) {
        got[std::string(k)] = std::string(v);
      }).ok());
  EXPECT_EQ(got["pgfault"], "9");
  EXPECT_FALSE(ParseKeyValue("pgfault\n", [](std::string_view, std::string_view) {}).ok());
}

}  // namespace
}  // namespace outpost::integrations::node

namespace outpost::integrations::node {
namespace {

TEST(HwmonFilename, TypeNumberProperty) {
  std::string_view type, prop;
  int64_t n = -1;
  ASSERT_TRUE(ExplodeHwmonFilename("temp1_crit_alarm", &type, &n, &prop));
  EXPECT_EQ(type, "temp");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(prop, "crit_alarm");
  ASSERT_TRUE(ExplodeHwmonFilename("update_interval", &type, &n, &prop));
  EXPECT_EQ(type, "update_interval");
  EXPECT_EQ(n, 0);
  EXPECT_EQ(prop, "");
  ASSERT_TRUE(ExplodeHwmonFilename("temp01", &type, &n, &prop));
  EXPECT_EQ(n, 1);  // the sensor key is re-formatted: temp01 -> temp1
  EXPECT_FALSE(ExplodeHwmonFilename("1temp", &type, &n, &prop));
  EXPECT_FALSE(ExplodeHwmonFilename("temp1x", &type, &n, &prop));
  EXPECT_FALSE(ExplodeHwmonFilename("temp1_", &type, &n, &prop));
  EXPECT_FALSE(ExplodeHwmonFilename("", &type, &n, &prop));
  EXPECT_FALSE(ExplodeHwmonFilename("temp99999999999999999999_input", &type, &n, &prop));
}

TEST(HwmonCleanName, LowerReplaceTrim) {
  EXPECT_EQ(CleanHwmonName("coretemp\n"), "coretemp");
  EXPECT_EQ(CleanHwmonName("applesmc.768"), "applesmc_768");
  EXPECT_EQ(CleanHwmonName("Package id 0"), "package_id_0");
  EXPECT_EQ(CleanHwmonName("__a:B__"), "a:b");
  EXPECT_EQ(CleanHwmonName("a\xc3\xa9t\xff\xfe" "b"), "a_t__b");  // one _ per rune or bad byte
  EXPECT_EQ(CleanHwmonName("\xc3\xa9t\xff"), "t");
  EXPECT_EQ(CleanHwmonName("---"), "");
}

TEST(GoParseInt, Base0) {
  int64_t v;
  ASSERT_TRUE(ParseGoInt64Base0("0x10", &v));
  EXPECT_EQ(v, 16);
  ASSERT_TRUE(ParseGoInt64Base0("010", &v));
  EXPECT_EQ(v, 8);
  ASSERT_TRUE(ParseGoInt64Base0("-1", &v));
  EXPECT_EQ(v, -1);
  ASSERT_TRUE(ParseGoInt64Base0("1_000", &v));
  EXPECT_EQ(v, 1000);
  ASSERT_TRUE(ParseGoInt64Base0("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseGoInt64Base0("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseGoInt64Base0("9223372036854775808", &v));
  EXPECT_FALSE(ParseGoInt64Base0("08", &v));
  EXPECT_FALSE(ParseGoInt64Base0("0x", &v));
  EXPECT_FALSE(ParseGoInt64Base0("1_", &v));
  EXPECT_FALSE(ParseGoInt64Base0("_1", &v));
  EXPECT_FALSE(ParseGoInt64Base0("", &v));
  EXPECT_FALSE(ParseGoInt64Base0("12 ", &v));
  EXPECT_FALSE(ParseGoInt64Base0("Unknown", &v));
}

TEST(MdstatParse, StatesDisksAndSync) {
  std::vector<MdStat> md;
  ASSERT_TRUE(ParseMdstat("Personalities : [raid1]\n"
                          "md6 : active raid1 sdb2[2](F) sdc[1](S) sda2[0]\n"
                          "      195310144 blocks [2/1] [U_]\n"
                          "      [=>....]  recovery =  8.5% (16775552/195310144) finish=17.0min "
                          "speed=259783K/sec\n"
                          "\n"
                          "md10 : active raid0 sda1[0] sdb1[1]\n"
                          "      314159265 blocks 64k chunks\n"
                          "\n"
                          "md4 : inactive raid1 sda3[0](F)\n"
                          "      4883648 blocks [2/2] [UU]\n"
                          "\n"
                          "md9 : active raid1 sda[0] sdb[1]\n"
                          "      523968 blocks [2/2] [UU]\n"
                          "      bitmap: 0/30 pages\n"
                          "      resync=DELAYED\n"
                          "\n"
                          "unused devices: <none>\n",
                          &md)
                  .ok());
  ASSERT_EQ(md.size(), 4u);
  EXPECT_EQ(md[0].name, "md6");
  EXPECT_EQ(md[0].state, "recovering");
  EXPECT_EQ(md[0].disks_active, 1);
  EXPECT_EQ(md[0].disks_total, 2);
  EXPECT_EQ(md[0].disks_failed, 1);
  EXPECT_EQ(md[0].disks_spare, 1);
  EXPECT_EQ(md[0].blocks_synced, 16775552);
  EXPECT_EQ(md[1].disks_active, 2);  // raid0: bracketed devices
  EXPECT_EQ(md[1].blocks_synced, 314159265);
  EXPECT_EQ(md[2].state, "inactive");
  EXPECT_EQ(md[2].disks_total, 0);
  EXPECT_EQ(md[3].state, "resyncing");
  EXPECT_EQ(md[3].blocks_synced, 0);
}

TEST(MdstatParse, Malformed) {
  std::vector<MdStat> md;
  EXPECT_TRUE(ParseMdstat("", &md).ok());
  EXPECT_TRUE(md.empty());
  // Too few fields, too few lines, bad size, no [n/m] status, bad sync line.
  EXPECT_FALSE(ParseMdstat("md0 : \n  1 blocks [1/1] [U]\n\n\n", &md).ok());
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda[0]\n  1 blocks [1/1] [U]\n", &md).ok());
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda[0]\n  x blocks [1/1] [U]\n\n\n", &md).ok());
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda[0]\n  1 blocks\n\n\n", &md).ok());
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda[0]\n  1 blocks [1/1] [U]\n  resync = 5%\n\n",
                           &md)
                   .ok());
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda[0]\n   \n\n\n", &md).ok());
}

}  // namespace
}  // namespace outpost::integrations::node
