// The "agent" kill_test kills with SIGKILL: ships the WAL in argv[1] to the
// receiver at argv[2] until killed. A separate program, not a fork of the
// test, because forking a process whose threads are running can deadlock
// the child on allocator locks (seen under ASan).
#include <unistd.h>

#include <cstdio>

#include "prometheus/registry.h"
#include "tests/remote_write/kill_child/kill_config.h"

int main(int argc, char** argv) {
  namespace rw = outpost::remote_write;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s WAL_DIR RECEIVER_URL\n", argv[0]);
    return 2;
  }
  prometheus::Registry reg;
  auto e = rw::Endpoint::Create(rw::testing::KillConfig(argv[2]), argv[1], {}, reg,
                                rw::testing::KillOptions());
  if (!e.ok()) {
    std::fprintf(stderr, "%s\n", e.status().ToString().c_str());
    return 2;
  }
  for (;;) pause();
}
