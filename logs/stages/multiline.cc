// `multiline`: joins the lines of a block (a stack trace) into one entry
// (Promtail stages/multiline.go). A line matching `firstline` starts a
// block and sends the previous one on; other lines join the block of their
// source, with "\n" between lines. A block also goes on after `max_lines`
// lines (128) or `max_wait_time` (3s) without a new line of its source.
// Until a source had a first line, its lines pass through unchanged.
//
// The joined entry is its first line's entry (labels, extracted,
// timestamp) with the block as its line, and covers the bytes of all its
// lines, so the reader acknowledges them only once the block was sent: a
// crash while a block is held re-reads it. Blocks are kept per source (a
// file generation), where Promtail keeps them per label set; a line after
// a timed-out block starts the next block from its own entry (Promtail
// reuses the timed-out block's first entry).
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "logs/stages/stage.h"
#include "re2/re2.h"

namespace outpost::logs::stages {
namespace {

class MultilineStage final : public Stage {
 public:
  MultilineStage(std::unique_ptr<RE2> firstline, absl::Duration max_wait, uint64_t max_lines)
      : firstline_(std::move(firstline)), max_wait_(max_wait), max_lines_(max_lines) {}

  Result Process(Entry& e, Output& out) override {
    const bool first = RE2::PartialMatch(re2::StringPiece(e.line.data(), e.line.size()), *firstline_);
    auto it = blocks_.find(e.src.source);
    if (it == blocks_.end()) {
      if (!first) return Result::kContinue;
      it = blocks_.try_emplace(e.src.source).first;
    }
    Block& b = it->second;
    if (first) Send(b, out);
    if (b.lines == 0) {
      b.start = e;
      b.start.line.clear();
    } else {
      b.start.line.push_back('\n');
    }
    b.start.line.append(e.line);
    b.start.src.end = e.src.end;
    b.last = e.read_at;
    if (++b.lines >= max_lines_) Send(b, out);
    return Result::kTaken;
  }

  void Tick(absl::Time now, Output& out) override {
    for (auto& [source, b] : blocks_) {
      if (b.lines > 0 && b.last + max_wait_ <= now) Send(b, out);
    }
  }

  absl::Time NextDeadline() const override {
    absl::Time t = absl::InfiniteFuture();
    for (const auto& [source, b] : blocks_) {
      if (b.lines > 0) t = std::min(t, b.last + max_wait_);
    }
    return t;
  }

  void Forget(uint64_t source) override { blocks_.erase(source); }

  void Flush(Output& out) override {
    for (auto& [source, b] : blocks_) Send(b, out);
  }

 private:
  struct Block {
    Entry start;  // the first line's entry; its line is the block so far
    uint64_t lines = 0;
    absl::Time last;
  };

  void Send(Block& b, Output& out) {
    if (b.lines == 0) return;
    b.lines = 0;
    out.Emit(b.start);
  }

  std::unique_ptr<RE2> firstline_;
  absl::Duration max_wait_;
  uint64_t max_lines_;
  absl::flat_hash_map<uint64_t, Block> blocks_;
};

}  // namespace

std::unique_ptr<Stage> NewMultilineStage(const config::PipelineStage& spec, const StageContext&,
                                         config::Errors* errors) {
  std::string expr;
  absl::Duration max_wait = absl::Seconds(3);
  uint64_t max_lines = 128;
  const size_t before = errors->errors.size();
  if (spec.body.IsMap()) {
    config::MapReader r = BodyReader(spec, errors);
    r.String("firstline", &expr);
    r.Duration("max_wait_time", &max_wait);
    r.Uint64("max_lines", &max_lines);
  }
  if (expr.empty()) {
    StageError(spec, spec.body["firstline"], "firstline",
               "multiline stage config must define `firstline` regular expression", errors);
    return nullptr;
  }
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(expr, o);
  if (!re->ok()) {
    StageError(spec, spec.body["firstline"], "firstline",
               absl::StrCat("multiline stage first line regex compilation error: ", re->error()),
               errors);
    return nullptr;
  }
  if (errors->errors.size() != before) return nullptr;
  // Promtail emits on the max_lines-th line; 0 would never: one line a block.
  return std::make_unique<MultilineStage>(std::move(re), max_wait, std::max<uint64_t>(1, max_lines));
}

}  // namespace outpost::logs::stages
