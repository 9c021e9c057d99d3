#include "core/base/lazy_library.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace outpost {

absl::Status LazyLibrary::Load() {
  std::call_once(once_, [this] {
    // RTLD_LOCAL: its symbols serve only the forwarding functions, never
    // another library's lookups.
    handle_ = dlopen(soname_, RTLD_LAZY | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = dlerror();
      status_ = absl::FailedPreconditionError(std::string("cannot load ") + soname_ +
                                              " (Debian package " + package_ +
                                              "): " + (why != nullptr ? why : "unknown error"));
    }
  });
  return status_;
}

void* LazyLibrary::Symbol(const char* name) {
  if (absl::Status s = Load(); !s.ok()) {
    std::fprintf(stderr, "outpost: %s\n", std::string(s.message()).c_str());
    std::abort();
  }
  dlerror();
  void* sym = dlsym(handle_, name);
  if (sym == nullptr) {
    const char* why = dlerror();
    std::fprintf(stderr, "outpost: %s has no symbol %s: %s\n", soname_, name,
                 why != nullptr ? why : "null address");
    std::abort();
  }
  return sym;
}

}  // namespace outpost
