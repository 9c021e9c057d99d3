// LazyLibrary (core/base/lazy_library.h): a library that is not there is a
// one-line error naming it and its package; one that is gives the same
// function the dynamic linker gives.
#include "core/base/lazy_library.h"

#include <dlfcn.h>

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace outpost {
namespace {

TEST(LazyLibraryTest, MissingLibraryIsAnErrorNamingItAndItsPackage) {
  LazyLibrary lib("libnot-there-outpost.so.7", "libnot-there7");
  absl::Status s = lib.Load();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  const std::string msg(s.message());
  EXPECT_NE(msg.find("cannot load libnot-there-outpost.so.7 (Debian package libnot-there7): "),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  // The first result stands.
  EXPECT_EQ(lib.Load(), s);
  EXPECT_DEATH(lib.Symbol("anything"), "cannot load libnot-there-outpost.so.7");
}

TEST(LazyLibraryTest, SymbolIsTheLibrarysOwnFunction) {
  LazyLibrary lib("libm.so.6", "libc6");
  ASSERT_TRUE(lib.Load().ok());
  using Fn = double (*)(double, double);
  auto fn = reinterpret_cast<Fn>(lib.Symbol("atan2"));
  void* handle = dlopen("libm.so.6", RTLD_LAZY | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(reinterpret_cast<void*>(fn), dlsym(handle, "atan2"));
  dlclose(handle);
  EXPECT_DOUBLE_EQ(fn(1.0, 1.0), std::atan2(1.0, 1.0));
  EXPECT_DEATH(lib.Symbol("no_such_function_outpost"), "libm.so.6 has no symbol no_such_function_outpost");
}

}  // namespace
}  // namespace outpost
