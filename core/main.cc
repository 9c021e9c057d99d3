// outpost: the composition root. It hands the built-in integrations,
// remote write and logs to RunMain (core/agent/cli.cc), which loads the config and
// runs the agent. Only this file sees integrations/, remote_write/ and
// logs/ together (DESIGN.md, "Dependencies point one way").
#include <string>
#include <vector>

#include "core/agent/cli.h"
#include "core/base/malloc_tuning.h"
#include "integrations/registry.h"
#include "logs/logs.h"
#include "remote_write/endpoint.h"

int main(int argc, char** argv) {
  outpost::TuneMalloc();
  std::vector<std::string> args(argv + 1, argv + argc);
  return outpost::RunMain(args, outpost::integrations::Builtin(),
                          outpost::remote_write::MakeShipperFactory(),
                          outpost::logs::MakeLogsFactory(), outpost::logs::CheckPipeline);
}
