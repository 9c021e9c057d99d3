// Command line of the outpost binary. Flags follow Grafana Agent static
// mode (static/server/flags.go, cmd/grafana-agent): Go's flag syntax, one or
// two dashes, "-name=value" or "-name value", bools as "-name" or
// "-name=false".
//
//   outpost -config.file=agent.yaml [-config.expand-env]
//           [-server.http.address=127.0.0.1:12345] [-metrics.wal-directory=DIR]
//   outpost check-config [-config.expand-env] FILE
//   outpost -version | -help
#ifndef OUTPOST_CORE_AGENT_CLI_H_
#define OUTPOST_CORE_AGENT_CLI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/agent/logs_runner.h"
#include "core/agent/shipper.h"
#include "core/config/integration_spec.h"
#include "core/config/loader.h"

namespace outpost {

struct CommandLine {
  enum class Command { kRun, kCheckConfig, kVersion, kHelp };
  Command command = Command::kRun;
  std::string config_file;
  bool expand_env = false;
  std::string http_address = "127.0.0.1:12345";
  bool http_address_given = false;  // -server.http.address was on the command line
  std::string wal_directory;  // empty: the file's metrics.wal_directory
};

// Parses argv[1..]. Errors are one line, e.g.
// "flag provided but not defined: -foo".
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

std::string UsageText();
std::string VersionText();

// Runs the whole program with the integrations of `registry`, shipping
// the WAL through `shipper_factory` and logs through `logs_factory` (either
// may be empty); returns the process exit code. `args` excludes argv[0].
int RunMain(const std::vector<std::string>& args, const config::IntegrationRegistry& registry,
            ShipperFactory shipper_factory, LogsFactory logs_factory = nullptr,
            config::PipelineChecker check_pipeline = nullptr);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_CLI_H_
