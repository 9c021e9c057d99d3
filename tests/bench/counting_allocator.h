// A counting global allocator for benchmarks that report heap allocations:
// include it in exactly one translation unit of a benchmark binary (it
// defines the global operator new/delete). AllocationCount() is the number
// of operator new calls so far (the array and nothrow forms go through
// these in libstdc++).
#ifndef OUTPOST_TESTS_BENCH_COUNTING_ALLOCATOR_H_
#define OUTPOST_TESTS_BENCH_COUNTING_ALLOCATOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace outpost::bench {

inline std::atomic<uint64_t> g_allocations{0};

inline uint64_t AllocationCount() { return g_allocations.load(std::memory_order_relaxed); }

// Out of line so that GCC, after inlining operator delete, does not pair
// free() with operator new (-Wmismatched-new-delete false positive).
[[gnu::noinline]] inline void* CountedAlloc(std::size_t n, std::size_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(n == 0 ? 1 : n)
                : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
[[gnu::noinline]] inline void Release(void* p) noexcept { std::free(p); }

}  // namespace outpost::bench

void* operator new(std::size_t n) { return outpost::bench::CountedAlloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) {
  return outpost::bench::CountedAlloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { outpost::bench::Release(p); }
void operator delete(void* p, std::size_t) noexcept { outpost::bench::Release(p); }
void operator delete(void* p, std::align_val_t) noexcept { outpost::bench::Release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  outpost::bench::Release(p);
}

#endif  // OUTPOST_TESTS_BENCH_COUNTING_ALLOCATOR_H_
