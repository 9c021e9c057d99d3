#include "core/base/malloc_tuning.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace outpost {

void TuneMalloc() {
  // An operator's own setting wins.
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr) return;
  if (const char* t = std::getenv("GLIBC_TUNABLES");
      t != nullptr && std::strstr(t, "mmap_threshold") != nullptr) {
    return;
  }
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMallocMmapThreshold));
}

void ReturnFreeMemory() { malloc_trim(0); }

}  // namespace outpost
