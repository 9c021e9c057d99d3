// glibc malloc settings for a long-running agent whose memory should follow
// its steady-state work (issue 23).
//
// glibc raises its mmap threshold each time a large mmapped block is freed
// (up to 32 MiB on 64-bit, malloc/malloc.c "dynamic mmap threshold"): after
// the first large transient buffer (the Series records of a new 100k-series
// target, a backlog request) every later one comes from the heap, where a
// freed block rarely reaches the top and is never given back. A fixed
// threshold keeps large buffers mmapped, so freeing them returns the pages.
#ifndef OUTPOST_CORE_BASE_MALLOC_TUNING_H_
#define OUTPOST_CORE_BASE_MALLOC_TUNING_H_

#include <cstddef>

namespace outpost {

// The threshold TuneMalloc sets, kept fixed. Above snappy's working memory:
// every snappy::Compress allocates and frees ~171 KiB (a 32 KiB hash table,
// a 64 KiB input block and its 75 KiB worst-case output; snappy.cc
// WorkingMemory), once per remote-write request. Mmapped at glibc's
// initial 128 KiB, each request paid an mmap and a munmap whose TLB
// shootdown (an IPI to every CPU) was ~20 % of outpost's CPU on the 100k
// target (perf, tests/bench/README.md); from the heap the block is reused.
inline constexpr size_t kMallocMmapThreshold = 256 << 10;

// Sets the threshold (unless MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES says
// otherwise). Call once, early in main, before threads start.
void TuneMalloc();

// Gives the free pages inside malloc's heaps back to the kernel (glibc
// malloc_trim): a heap only shrinks from its top on its own, so the memory
// freed when the WAL garbage-collects churned series (their labels, table
// entries, watcher nodes: small blocks spread through the heap) would stay
// resident until reused. Called after each WAL truncation; it walks the
// free lists, a few milliseconds at 100k series.
void ReturnFreeMemory();

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_MALLOC_TUNING_H_
