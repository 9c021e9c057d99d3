// The logs side's entry point for the composition root: a LogsFactory
// (core/agent/logs_runner.h) whose runner keeps one LogsInstance per
// logs.configs[] entry and applies reloads instance by instance.
#ifndef OUTPOST_LOGS_LOGS_H_
#define OUTPOST_LOGS_LOGS_H_

#include "core/agent/logs_runner.h"

namespace outpost::logs {

LogsFactory MakeLogsFactory();

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_LOGS_H_
