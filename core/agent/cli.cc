#include "core/agent/cli.h"

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/agent/agent.h"
#include "core/base/build_info.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/config/dump.h"
#include "core/config/loader.h"

namespace outpost {
namespace {

struct FlagDef {
  const char* name;
  bool is_bool;
  const char* help;
};

// Flags of Grafana Agent that outpost accepts. Those marked "no effect"
// exist so that existing unit files keep working.
constexpr FlagDef kFlags[] = {
    {"config.file", false, "configuration file to load (required)"},
    {"config.expand-env", true, "expand ${VAR} and ${VAR:-default} in the config file"},
    {"server.http.address", false, "HTTP listen address (default 127.0.0.1:12345)"},
    {"metrics.wal-directory", false, "WAL directory; overrides metrics.wal_directory"},
    {"config.enable-read-api", true, "no effect: /-/config is always served, secrets masked"},
    {"disable-reporting", true, "no effect: outpost reports no usage"},
    {"disable-support-bundle", true, "no effect: outpost has no support bundle"},
    {"version", true, "print the version and exit"},
    {"help", true, "print this help and exit"},
    {"h", true, "print this help and exit"},
};

const FlagDef* FindFlag(absl::string_view name) {
  for (const FlagDef& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool ParseBool(absl::string_view v, bool* out) {
  // Go's strconv.ParseBool.
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") {
    *out = true;
  } else if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string UsageText() {
  std::string out =
      "Usage:\n"
      "  outpost -config.file=FILE [flags]     run the agent\n"
      "  outpost check-config [-config.expand-env] FILE\n"
      "                                        print the effective config, or every error\n"
      "Flags:\n";
  for (const FlagDef& f : kFlags) absl::StrAppend(&out, "  -", f.name, f.is_bool ? "" : " value", "\n      ", f.help, "\n");
  return out;
}

std::string VersionText() {
  const BuildInfo& b = GetBuildInfo();
  return absl::StrCat("outpost, version ", ToAbsl(b.version), " (branch: ", ToAbsl(b.branch),
                      ", revision: ", ToAbsl(b.revision), ")\n");
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  std::vector<std::string> positional;
  size_t i = 0;
  if (!args.empty() && args[0] == "check-config") {
    cl.command = CommandLine::Command::kCheckConfig;
    i = 1;
  }
  for (; i < args.size(); ++i) {
    absl::string_view a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i) positional.push_back(args[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional.push_back(std::string(a));
      continue;
    }
    a.remove_prefix(a.size() > 2 && a[1] == '-' ? 2 : 1);
    absl::string_view name = a, value;
    bool has_value = false;
    if (size_t eq = a.find('='); eq != std::string_view::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    const FlagDef* def = FindFlag(name);
    if (def == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("flag provided but not defined: -", name));
    }
    bool b = true;
    if (def->is_bool) {
      if (has_value && !ParseBool(value, &b)) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid boolean value \"", value, "\" for -", name));
      }
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("flag needs an argument: -", name));
      }
      value = args[++i];
    }
    if (name == "config.file") cl.config_file = std::string(value);
    else if (name == "config.expand-env") cl.expand_env = b;
    else if (name == "server.http.address") {
      cl.http_address = std::string(value);
      cl.http_address_given = true;
    }
    else if (name == "metrics.wal-directory") cl.wal_directory = std::string(value);
    else if (name == "version" && b) cl.command = CommandLine::Command::kVersion;
    else if ((name == "help" || name == "h") && b) cl.command = CommandLine::Command::kHelp;
  }
  if (cl.command == CommandLine::Command::kCheckConfig) {
    if (positional.size() == 1 && cl.config_file.empty()) {
      cl.config_file = positional[0];
    } else if (!(positional.empty() && !cl.config_file.empty())) {
      return absl::InvalidArgumentError("check-config takes exactly one config file");
    }
    return cl;
  }
  if (!positional.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument: ", positional[0]));
  }
  if (cl.command == CommandLine::Command::kRun && cl.config_file.empty()) {
    return absl::InvalidArgumentError("-config.file flag required");
  }
  return cl;
}

namespace {

int CheckConfig(const CommandLine& cl, const config::IntegrationRegistry& registry,
                config::PipelineChecker check_pipeline) {
  config::LoadOptions lo;
  lo.check_pipeline = std::move(check_pipeline);
  lo.path = cl.config_file;
  lo.expand_env = cl.expand_env;
  lo.registry = &registry;
  config::LoadResult r = config::LoadFull(lo);
  auto print_warnings = [&] {
    for (const std::string& w : r.errors.warnings) std::cerr << "warning: " << w << "\n";
  };
  if (!r.errors.ok() || !r.config) {
    print_warnings();
    for (const std::string& e : r.errors.errors) std::cerr << e << "\n";
    return 1;
  }
  // The effective config, what it will run, then the warnings last: what
  // changed for a user migrating from Grafana Agent.
  std::cout << config::Dump(*r.config, registry) << "\n" << config::Summary(*r.config)
            << std::flush;
  print_warnings();
  return 0;
}

int Run(const CommandLine& cl, const config::IntegrationRegistry& registry,
        ShipperFactory shipper_factory, LogsFactory logs_factory,
        config::PipelineChecker check_pipeline) {
  // Signals are taken synchronously by this thread: block them before any
  // other thread exists so every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Tailed log files each hold a descriptor: raise the soft limit to the
  // hard one, as the Go runtime does for Grafana Agent and Promtail (Go
  // 1.19, os/rlimit.go), so 1000 files do not hit the usual 1024.
  if (rlimit nofile; getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  AgentOptions opts;
  opts.config_file = cl.config_file;
  opts.expand_env = cl.expand_env;
  opts.http_address = cl.http_address;
  opts.http_address_given = cl.http_address_given;
  opts.wal_directory = cl.wal_directory;
  opts.registry = &registry;
  opts.shipper_factory = std::move(shipper_factory);
  opts.logs_factory = std::move(logs_factory);
  opts.check_pipeline = std::move(check_pipeline);
  Agent agent(std::move(opts));
  if (absl::Status st = agent.Start(); !st.ok()) {
    log::Error("error starting outpost", {{"err", ToStd(st.message())}});
    return 1;
  }
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      log::Info("received SIGHUP, reloading config");
      agent.Reload().IgnoreError();  // logged by Reload
      continue;
    }
    log::Info("received signal, shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  agent.Stop();
  log::Info("outpost stopped");
  return 0;
}

}  // namespace

int RunMain(const std::vector<std::string>& args, const config::IntegrationRegistry& registry,
            ShipperFactory shipper_factory, LogsFactory logs_factory,
            config::PipelineChecker check_pipeline) {
  absl::StatusOr<CommandLine> cl = ParseCommandLine(args);
  if (!cl.ok()) {
    std::cerr << "outpost: " << cl.status().message() << "\n"
              << "Run 'outpost -help' for usage.\n";
    return 2;  // Go's flag package exits 2 on a usage error
  }
  switch (cl->command) {
    case CommandLine::Command::kHelp:
      std::cout << UsageText();
      return 0;
    case CommandLine::Command::kVersion:
      std::cout << VersionText();
      return 0;
    case CommandLine::Command::kCheckConfig:
      return CheckConfig(*cl, registry, std::move(check_pipeline));
    case CommandLine::Command::kRun:
      break;
  }
  return Run(*cl, registry, std::move(shipper_factory), std::move(logs_factory),
             std::move(check_pipeline));
}

}  // namespace outpost
