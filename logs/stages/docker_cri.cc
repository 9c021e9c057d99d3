// `docker` and `cri`: Promtail's container log format stages
// (stages/extensions.go NewDocker, NewCRI). Each is a fixed nested pipeline
// of ordinary stages, built from stage specs made here (their errors, which
// a fixed config never has, would point at the docker/cri stage itself).
//
// docker: json {output: log, stream: stream, timestamp: time}, labels
// {stream}, timestamp {source: timestamp, format: RFC3339Nano}, output
// {source: output}. A line that is not JSON passes unchanged.
//
// cri: regex `^(?s)(?P<time>\S+?) (?P<stream>stdout|stderr) (?P<flags>\S+?)
// (?P<content>.*)$`, labels {stream}, timestamp {source: time, format:
// RFC3339Nano}, output {source: content}, output {source: tags}; then the
// partial lines of CRI's log format: an entry whose extracted `flags` is "P"
// is held, its line appended to what its stream holds; the next other entry
// of that stream goes on with the held text before its own line.
//
// Partial lines are held per (source, label set), where Promtail keys them
// by the label set alone: a file generation's partials join only with its
// own lines. A joined entry covers the bytes from its first held line's
// start to its last line's end, so the reader acknowledges them only once it
// is sent. Held entries never time out (as upstream); at most
// max_partial_lines (100) streams are held: a "P" entry arriving when that
// many are held sends every held one on as it is, then is held itself.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "logs/stages/byte_size.h"
#include "logs/stages/pipeline.h"
#include "logs/stages/stage.h"
#include "yaml-cpp/yaml.h"

namespace outpost::logs::stages {
namespace {

// A spec for stage `name` with `body`, placed at the outer stage's position.
config::PipelineStage Nested(const config::PipelineStage& outer, std::string name,
                             YAML::Node body) {
  return config::PipelineStage{std::move(name), std::move(body), outer.where, outer.file,
                               outer.path};
}

YAML::Node OutputBody(const char* source) {
  YAML::Node n;
  n["source"] = source;
  return n;
}

YAML::Node StreamLabelBody() {
  YAML::Node n;
  n["stream"] = YAML::Node(YAML::NodeType::Null);
  return n;
}

YAML::Node TimestampBody(const char* source) {
  YAML::Node n;
  n["source"] = source;
  n["format"] = "RFC3339Nano";
  return n;
}

// Runs a nested pipeline in place of the stage; what it emits goes on
// through the outer pipeline's rest.
class NestedStage : public Stage {
 public:
  explicit NestedStage(std::unique_ptr<Pipeline> base) : base_(std::move(base)) {}

  Result Process(Entry& e, Output& out) override {
    base_->Process(e, out);
    return Result::kTaken;
  }
  void Tick(absl::Time now, Output& out) override { base_->Tick(now, out); }
  absl::Time NextDeadline() const override { return base_->NextDeadline(); }
  void Forget(uint64_t source) override { base_->Forget(source); }
  void Flush(Output& out) override { base_->Flush(out); }

 protected:
  std::unique_ptr<Pipeline> base_;
};

struct CriConfig {
  int max_partial_lines = 100;  // Promtail's MaxPartialLinesSize
  uint64_t max_partial_line_size = 0;
  bool truncate = false;
};

class CriStage final : public NestedStage {
 public:
  CriStage(std::unique_ptr<Pipeline> base, CriConfig cfg)
      : NestedStage(std::move(base)), cfg_(cfg) {}

  Result Process(Entry& e, Output& out) override {
    Partials after(this, &out);
    base_->Process(e, after);
    return Result::kTaken;
  }

  void Forget(uint64_t source) override {
    for (size_t i = 0; i < held_;) {
      if (slots_[i].src.source == source) {
        Remove(i);
      } else {
        ++i;
      }
    }
    base_->Forget(source);
  }

  void Flush(Output& out) override {
    base_->Flush(out);
    SendAll(out);
  }

 private:
  // What the base pipeline emits goes through Partial.
  class Partials final : public Output {
   public:
    Partials(CriStage* stage, Output* out) : stage_(stage), out_(out) {}
    void Emit(Entry& e) override { stage_->Partial(e, *out_); }
    void Dropped(const Entry& e) override { out_->Dropped(e); }

   private:
    CriStage* stage_;
    Output* out_;
  };

  void Partial(Entry& e, Output& out) {
    const Value* flags = e.extracted.Find("flags");
    const bool partial =
        flags != nullptr && flags->kind == Value::Kind::kString && flags->text == "P";
    size_t i = Find(e);
    if (partial) {
      // Upstream checks the bound before looking for the stream's partial.
      if (static_cast<int64_t>(held_) >= cfg_.max_partial_lines) {
        SendAll(out);
        i = held_;
      }
      if (i == held_) {
        if (slots_.size() == held_) slots_.emplace_back();
        ++held_;
        slots_[i] = e;
      } else {
        // slot = e with the held text before e's line.
        Entry& slot = slots_[i];
        const int64_t start = slot.src.start;
        slot.line.append(e.line);
        std::swap(slot.line, e.line);
        slot = e;
        slot.src.start = start;
      }
      Truncate(slots_[i].line);
      return;
    }
    if (i != held_) {
      e.line.insert(0, slots_[i].line);
      e.src.start = slots_[i].src.start;
      Truncate(e.line);
      Remove(i);
    }
    out.Emit(e);
  }

  // The held slot of e's stream; held_ when none.
  size_t Find(const Entry& e) const {
    for (size_t i = 0; i < held_; ++i) {
      if (slots_[i].src.source == e.src.source && slots_[i].labels == e.labels) return i;
    }
    return held_;
  }

  // Keeps slots_[0, held_) the held ones; a removed slot's buffers are kept
  // for reuse.
  void Remove(size_t i) {
    --held_;
    if (i != held_) std::swap(slots_[i], slots_[held_]);
  }

  void SendAll(Output& out) {
    const size_t n = held_;
    held_ = 0;
    for (size_t i = 0; i < n; ++i) out.Emit(slots_[i]);
  }

  void Truncate(std::string& line) const {
    // As upstream, a truncating stage with no size set truncates to "".
    if (cfg_.truncate && line.size() > cfg_.max_partial_line_size) {
      line.resize(cfg_.max_partial_line_size);
    }
  }

  CriConfig cfg_;
  std::vector<Entry> slots_;
  size_t held_ = 0;
};

}  // namespace

std::unique_ptr<Stage> NewDockerStage(const config::PipelineStage& spec, const StageContext& ctx,
                                      config::Errors* errors) {
  YAML::Node json;
  json["expressions"]["output"] = "log";
  json["expressions"]["stream"] = "stream";
  json["expressions"]["timestamp"] = "time";
  std::vector<config::PipelineStage> specs = {
      Nested(spec, "json", json),
      Nested(spec, "labels", StreamLabelBody()),
      Nested(spec, "timestamp", TimestampBody("timestamp")),
      Nested(spec, "output", OutputBody("output")),
  };
  std::unique_ptr<Pipeline> base = Pipeline::Build(specs, ctx, errors);
  if (base == nullptr) return nullptr;
  return std::make_unique<NestedStage>(std::move(base));
}

std::unique_ptr<Stage> NewCriStage(const config::PipelineStage& spec, const StageContext& ctx,
                                   config::Errors* errors) {
  const size_t before = errors->errors.size();
  CriConfig cfg;
  if (spec.body.IsMap()) {
    config::MapReader r = BodyReader(spec, errors);
    r.Int("max_partial_lines", &cfg.max_partial_lines);
    r.Bool("max_partial_line_size_truncate", &cfg.truncate);
    // An integer (mapstructure's weak decode) or flagext.ByteSize text.
    std::string size;
    r.String("max_partial_line_size", &size);
    std::string err;
    if (!size.empty() && !ParseByteSize(size, &cfg.max_partial_line_size, &err)) {
      StageError(spec, spec.body["max_partial_line_size"], "max_partial_line_size", err, errors);
    }
  }
  if (errors->errors.size() != before) return nullptr;
  if (cfg.max_partial_lines == 0) cfg.max_partial_lines = 100;
  YAML::Node regex;
  regex["expression"] =
      "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$";
  std::vector<config::PipelineStage> specs = {
      Nested(spec, "regex", regex),
      Nested(spec, "labels", StreamLabelBody()),
      Nested(spec, "timestamp", TimestampBody("time")),
      Nested(spec, "output", OutputBody("content")),
      Nested(spec, "output", OutputBody("tags")),
  };
  std::unique_ptr<Pipeline> base = Pipeline::Build(specs, ctx, errors);
  if (base == nullptr) return nullptr;
  return std::make_unique<CriStage>(std::move(base), cfg);
}

}  // namespace outpost::logs::stages
