// The logs side's entry point for the composition root: a LogsFactory
// (core/agent/logs_runner.h) whose runner keeps one LogsInstance per
// logs.configs[] entry and applies reloads instance by instance.
#ifndef OUTPOST_LOGS_LOGS_H_
#define OUTPOST_LOGS_LOGS_H_

#include "core/agent/logs_runner.h"
#include "core/config/logs_config.h"
#include "core/config/map_reader.h"

namespace outpost::logs {

LogsFactory MakeLogsFactory();

// config::PipelineChecker: builds each pipeline stage of `sc` (no metrics
// registered), adding one error per problem.
void CheckPipeline(const config::LogsScrapeConfig& sc, config::Errors* errors);

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_LOGS_H_
