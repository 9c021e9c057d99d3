// Fuzzes the positions file reader: any bytes as a positions file must open
// without a crash, and the salvage is idempotent: what was kept, written
// out, reads back clean (no second salvage) and unchanged.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/log.h"
#include "logs/positions.h"

namespace {

// A directory of this process, removed at exit.
struct ScratchDir {
  ScratchDir() {
    // tmpfs when there is one: the salvage fsyncs its rewrite.
    std::string tmpl = std::filesystem::exists("/dev/shm") ? "/dev/shm/outpost-posfuzz-XXXXXX"
                                                           : "/tmp/outpost-posfuzz-XXXXXX";
    path = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

const std::string& Dir() {
  static const ScratchDir dir;
  return dir.path;
}

void Put(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(data.data(), data.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using outpost::logs::Positions;
  static const bool quiet = [] {
    outpost::log::SetSinkForTesting([](std::string_view) {});
    return true;
  }();
  (void)quiet;
  const std::string file = Dir() + "/positions.yml";
  const std::string corrupt = file + ".corrupt";
  ::unlink(corrupt.c_str());
  Put(file, std::string_view(reinterpret_cast<const char*>(data), size));

  const auto first = Positions::Open(file, false);
  const std::string text = first->Serialize();
  Put(file, text);
  ::unlink(corrupt.c_str());
  const auto second = Positions::Open(file, false);
  if (std::filesystem::exists(corrupt)) __builtin_trap();  // our own file was damaged
  if (second->All() != first->All() || second->Serialize() != text) __builtin_trap();
  return 0;
}
