// The `source` key shared by the parsing stages (json, logfmt): an optional
// extracted key to parse instead of the line (Promtail stages/json.go,
// logfmt.go).
#ifndef OUTPOST_LOGS_STAGES_SOURCE_H_
#define OUTPOST_LOGS_STAGES_SOURCE_H_

#include <optional>
#include <string>
#include <string_view>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {

// Reads `source` from the body: absent or null is none; "" is Promtail's
// "empty source" error.
std::optional<std::string> ReadSource(const config::PipelineStage& spec, config::MapReader& m,
                                      config::Errors* errors);

// The text a parsing stage works on: the line, or the source's value.
// False when the source is missing from extracted or null (Promtail leaves
// the entry alone then).
bool SourceText(const Entry& e, const std::optional<std::string>& source, std::string_view* text);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_SOURCE_H_
