#include "integrations/process/procfs.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "integrations/process/matcher.h"

namespace outpost::integrations::process {
namespace {

TEST(ProcfsParsers, Stat) {
  Stat st;
  ASSERT_TRUE(ParseStat(
      "42 (a (weird) name) R 7 42 42 0 -1 4194560 11 0 3 0 150 25 0 0 20 0 4 0 987 123456 78 "
      "18446744073709551615 1 1 0 0\n",
      &st));
  EXPECT_EQ(st.comm, "a (weird) name");
  EXPECT_EQ(st.state, 'R');
  EXPECT_EQ(st.ppid, 7);
  EXPECT_EQ(st.minflt, 11u);
  EXPECT_EQ(st.majflt, 3u);
  EXPECT_EQ(st.utime, 150u);
  EXPECT_EQ(st.stime, 25u);
  EXPECT_EQ(st.num_threads, 4);
  EXPECT_EQ(st.starttime, 987u);
  EXPECT_EQ(st.vsize, 123456u);
  EXPECT_EQ(st.rss, 78);
  EXPECT_FALSE(ParseStat("", &st));
  EXPECT_FALSE(ParseStat("1 (x) S 1 2", &st));
  EXPECT_FALSE(ParseStat("1 x) S", &st));
  EXPECT_FALSE(ParseStat("1 (x", &st));
}

TEST(ProcfsParsers, StatusIoLimitsSmaps) {
  Status s;
  ASSERT_TRUE(ParseStatus(
      "Name:\tx\nUid:\t1000\t1001\t1000\t1000\nVmSwap:\t    12 kB\n"
      "voluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t6\n",
      &s));
  EXPECT_EQ(s.effective_uid, 1001);
  EXPECT_EQ(s.vm_swap_bytes, 12u * 1024);
  EXPECT_EQ(s.ctx_voluntary, 5u);
  EXPECT_EQ(s.ctx_nonvoluntary, 6u);
  EXPECT_FALSE(ParseStatus("Name:\tx\n", &s));  // no Uid: GetStatic fails upstream

  uint64_t r = 0, w = 0;
  EXPECT_TRUE(ParseIo("rchar: 1\nread_bytes: 4096\nwrite_bytes: 8192\n", &r, &w));
  EXPECT_EQ(r, 4096u);
  EXPECT_EQ(w, 8192u);
  EXPECT_FALSE(ParseIo("read_bytes: x\nwrite_bytes: 1\n", &r, &w));

  uint64_t limit = 0;
  EXPECT_TRUE(ParseOpenFilesLimit(
      "Limit  Soft Limit  Hard Limit  Units\nMax open files            1024                 "
      "524288               files     \n",
      &limit));
  EXPECT_EQ(limit, 1024u);
  EXPECT_TRUE(ParseOpenFilesLimit("Max open files   unlimited   unlimited   files\n", &limit));
  EXPECT_EQ(limit, UINT64_MAX);
  EXPECT_FALSE(ParseOpenFilesLimit("Max cpu time  unlimited unlimited seconds\n", &limit));

  uint64_t pss = 0, swap_pss = 0;
  EXPECT_TRUE(ParseSmapsRollup("5555-6666 ---p 0 00:00 0  [rollup]\nRss:  10 kB\nPss:  7 kB\n"
                               "SwapPss:  2 kB\nVmFlags: rd\n",
                               &pss, &swap_pss));
  EXPECT_EQ(pss, 7u * 1024);
  EXPECT_EQ(swap_pss, 2u * 1024);
  EXPECT_TRUE(ParseSmapsRollup("", &pss, &swap_pss));  // a kernel thread
  EXPECT_EQ(pss, 0u);
  EXPECT_FALSE(ParseSmapsRollup("hdr\nPss 7\n", &pss, &swap_pss));
}

TEST(ProcfsParsers, CmdlineCgroupWchanBoot) {
  std::vector<std::string> v;
  ParseCmdline(std::string("/bin/sh\0-c\0sleep 5\0", 20), &v);
  EXPECT_EQ(v, (std::vector<std::string>{"/bin/sh", "-c", "sleep 5"}));
  ParseCmdline("", &v);
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(ParseCgroups("0::/system.slice/x.service\n1:cpu:/a:b\n", &v));
  EXPECT_EQ(v, (std::vector<std::string>{"/system.slice/x.service", "/a:b"}));
  EXPECT_FALSE(ParseCgroups("garbage\n", &v));
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(ParseWchan("0"), "");
  EXPECT_EQ(ParseWchan("do_wait"), "do_wait");
  uint64_t bt = 0;
  EXPECT_TRUE(ParseBootTime("cpu 1 2\nbtime 1700000000\n", &bt));
  EXPECT_EQ(bt, 1700000000u);
  EXPECT_FALSE(ParseBootTime("cpu 1 2\n", &bt));
}

TEST(ProcfsParsers, GarbageNeverCrashes) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789 ()\n\t:kBabcRSDZ-";
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 200, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    Stat st;
    Status status;
    uint64_t a, b;
    std::vector<std::string> v;
    ParseStat(s, &st);
    ParseStatus(s, &status);
    ParseIo(s, &a, &b);
    ParseOpenFilesLimit(s, &a);
    ParseSmapsRollup(s, &a, &b);
    ParseCmdline(s, &v);
    ParseCgroups(s, &v);
    ParseBootTime(s, &a);
  }
}

TEST(GoFormatting, TimeAndStrings) {
  EXPECT_EQ(FormatGoTimeUtc(1700000001, 0), "2023-11-14 22:13:21 +0000 UTC");
  EXPECT_EQ(FormatGoTimeUtc(1700000001, 500000000), "2023-11-14 22:13:21.5 +0000 UTC");
  EXPECT_EQ(FormatGoTimeUtc(1700000001, 120000000), "2023-11-14 22:13:21.12 +0000 UTC");
  EXPECT_EQ(FormatGoStrings({}), "[]");
  EXPECT_EQ(FormatGoStrings({"/a", "/b c"}), "[/a /b c]");
}

}  // namespace
}  // namespace outpost::integrations::process
