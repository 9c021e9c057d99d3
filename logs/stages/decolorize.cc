// `decolorize`: strips ANSI escape sequences (colours, cursor movement)
// from the line. Loki's pkg/logql/log/fmt.go Decolorizer does it with the
// stripansi pattern: ESC or CSI (U+009B), then either an OSC-style string
// ended by BEL or a CSI parameter list and final byte. The same language
// written for RE2; the line is rewritten in place when it has one.
#include <memory>
#include <string>

#include "core/base/absl_compat.h"
#include "logs/stages/stage.h"
#include "re2/re2.h"

namespace outpost::logs::stages {
namespace {

constexpr const char kAnsi[] =
    "(?:\x1b|\xc2\x9b)[\\[\\]()#;?]*"
    "(?:(?:(?:[a-zA-Z0-9]*(?:;[a-zA-Z0-9]*)*)?\x07)"
    "|(?:(?:[0-9]{1,4}(?:;[0-9]{0,4})*)?[0-9A-PRZcf-ntqry=><~]))";

class DecolorizeStage final : public Stage {
 public:
  DecolorizeStage() : re_(kAnsi) {}
  Result Process(Entry& e, Output&) override {
    // Fast path: no ESC and no CSI lead byte.
    if (e.line.find('\x1b') == std::string::npos && e.line.find("\xc2\x9b") == std::string::npos) {
      return Result::kContinue;
    }
    RE2::GlobalReplace(&e.line, re_, "");
    return Result::kContinue;
  }

 private:
  RE2 re_;
};

}  // namespace

std::unique_ptr<Stage> NewDecolorizeStage(const config::PipelineStage&, const StageContext&,
                                          config::Errors*) {
  return std::make_unique<DecolorizeStage>();
}

}  // namespace outpost::logs::stages
