// Fuzzes the WAL segment reader and the tail repair done by Writer::Open.
//
// Input: the bytes of a segment. Checks, beyond "no crash, no sanitizer
// report": (1) reading never returns more bytes than the input holds
// uncompressed-or-not bounds aside, positions stay inside the segment;
// (2) after Writer::Open repairs the segment, it is page-aligned, reading it
// again yields at least the records that ended before the first damage,
// unchanged, reports no more damage than the original had (damage followed
// by whole records is kept, as in any other segment: core/wal/writer.cc
// RepairTail), ends cleanly (read as the last segment it yields the same
// records as read as an older one), and repairing it again changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/wal/format.h"
#include "core/wal/mem_env.h"
#include "core/wal/reader.h"
#include "core/wal/writer.h"

namespace outpost::wal {
namespace {

class CountingReporter : public Reporter {
 public:
  void Report(const Corruption& c) override {
    if (c.kind != CorruptionKind::kUnsupported) ++damage;
  }
  int damage = 0;
};

struct Pass {
  std::vector<std::string> records;
  std::vector<uint64_t> ends;
  uint64_t good_end = 0;
  bool damaged = false;
  int damage = 0;
};

Pass ReadSegment(MemEnv& env, const std::string& path, bool last) {
  Pass p;
  CountingReporter rep;
  auto f = env.NewSequentialFile(path);
  if (!f.ok()) __builtin_trap();
  SegmentReader r(f->get(), 0, last, &rep);
  std::string_view rec;
  while (r.ReadRecord(&rec)) {
    if (r.end_offset() <= r.record_offset()) __builtin_trap();
    p.records.emplace_back(rec);
    p.ends.push_back(r.end_offset());
  }
  p.good_end = r.good_end();
  p.damaged = r.damaged();
  p.damage = rep.damage;
  return p;
}

}  // namespace
}  // namespace outpost::wal

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace outpost::wal;
  if (size > 8 * kPageSize) return 0;
  MemEnv env;
  const std::string dir = "/w";
  const std::string seg = JoinPath(dir, SegmentName(0));
  if (!env.CreateDirs(dir).ok()) __builtin_trap();
  env.SetContents(seg, std::string(reinterpret_cast<const char*>(data), size));

  Pass not_last = ReadSegment(env, seg, /*last=*/false);
  Pass first = ReadSegment(env, seg, /*last=*/true);
  if (first.records.size() < not_last.records.size()) __builtin_trap();
  if (first.good_end > size) __builtin_trap();

  // Records that end before the first damage survive the repair.
  size_t kept = 0;
  while (kept < first.ends.size() && first.ends[kept] <= first.good_end) ++kept;
  {
    auto w = Writer::Open(&env, dir, {.segment_size = 8 * kPageSize});
    if (!w.ok()) __builtin_trap();
  }
  const std::string repaired = env.Contents(seg);
  if (repaired.size() % kPageSize != 0) __builtin_trap();
  Pass after = ReadSegment(env, seg, /*last=*/false);
  if (after.damage > not_last.damage || after.records.size() < kept) __builtin_trap();
  for (size_t i = 0; i < kept; ++i) {
    if (after.records[i] != first.records[i]) __builtin_trap();
  }
  Pass after_last = ReadSegment(env, seg, /*last=*/true);
  if (after_last.records != after.records) __builtin_trap();
  {
    auto w = Writer::Open(&env, dir, {.segment_size = 8 * kPageSize});
    if (!w.ok()) __builtin_trap();
  }
  if (env.Contents(seg) != repaired) __builtin_trap();
  return 0;
}
