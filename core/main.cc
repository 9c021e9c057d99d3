// outpost: the composition root. It hands the built-in integrations to
// RunMain (core/agent/cli.cc), which loads the config and runs the agent.
#include <string>
#include <vector>

#include "core/agent/cli.h"
#include "integrations/registry.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return outpost::RunMain(args, outpost::integrations::Builtin());
}
