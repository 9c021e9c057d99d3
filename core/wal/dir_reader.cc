// Reader over a directory of segments, segment listing and repair
// (declared in core/wal/reader.h).
#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/wal/format.h"
#include "core/wal/reader.h"

namespace outpost::wal {

absl::StatusOr<std::vector<uint64_t>> ListSegments(Env* env,
                                                   const std::string& dir) {
  absl::StatusOr<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> out;
  for (const std::string& n : *names) {
    if (auto i = ParseSegmentName(n)) out.push_back(*i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<uint64_t>> ListCheckpoints(Env* env,
                                                      const std::string& dir) {
  absl::StatusOr<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> out;
  for (const std::string& n : *names) {
    if (auto i = ParseCheckpointName(n)) out.push_back(*i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status TruncateSegment(Env* env, const std::string& dir, uint64_t segment,
                             uint64_t keep) {
  const std::string path = JoinPath(dir, SegmentName(segment));
  const std::string tmp = path + ".tmp";
  absl::StatusOr<std::unique_ptr<SequentialFile>> in = env->NewSequentialFile(path);
  if (!in.ok()) return in.status();
  absl::StatusOr<std::unique_ptr<WritableFile>> out = env->NewWritableFile(tmp);
  if (!out.ok()) return out.status();
  std::string buf(kPageSize, '\0');
  uint64_t copied = 0;
  while (copied < keep) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kPageSize, keep - copied));
    absl::StatusOr<size_t> n = (*in)->Read(want, buf.data());
    if (!n.ok()) return n.status();
    if (*n == 0) break;  // shorter than `keep`: pad from here
    if (absl::Status s = (*out)->Append(std::string_view(buf.data(), *n)); !s.ok()) {
      return s;
    }
    copied += *n;
  }
  if (uint64_t rem = copied % kPageSize; rem != 0) {
    std::memset(buf.data(), 0, kPageSize);
    if (absl::Status s = (*out)->Append(std::string_view(buf.data(), kPageSize - rem));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = (*out)->Sync(); !s.ok()) return s;
  if (absl::Status s = (*out)->Close(); !s.ok()) return s;
  if (absl::Status s = env->RenameFile(tmp, path); !s.ok()) return s;
  return env->SyncDir(dir);
}

Reader::Reader(Env* env, std::string dir, Reporter* reporter,
               std::vector<uint64_t> segments)
    : env_(env),
      dir_(std::move(dir)),
      reporter_(reporter),
      segments_(std::move(segments)) {}

absl::StatusOr<std::unique_ptr<Reader>> Reader::Open(Env* env,
                                                     const std::string& dir,
                                                     Reporter* reporter,
                                                     uint64_t first_segment) {
  absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env, dir);
  if (!segs.ok()) return segs.status();
  std::erase_if(*segs, [&](uint64_t i) { return i < first_segment; });
  return std::unique_ptr<Reader>(new Reader(env, dir, reporter, std::move(*segs)));
}

bool Reader::ReadRecord(std::string_view* record) {
  while (status_.ok()) {
    if (current_ != nullptr) {
      if (current_->ReadRecord(record)) return true;
      status_ = current_->status();
      // Keep the last segment's reader: its counts and position stay visible.
      if (!status_.ok() || next_ >= segments_.size()) return false;
      done_corruptions_ += current_->corruptions();
      current_.reset();
      file_.reset();
    }
    if (next_ >= segments_.size()) return false;
    const uint64_t seg = segments_[next_++];
    absl::StatusOr<std::unique_ptr<SequentialFile>> f =
        env_->NewSequentialFile(JoinPath(dir_, SegmentName(seg)));
    if (!f.ok()) {
      status_ = f.status();
      return false;
    }
    file_ = std::move(*f);
    current_ = std::make_unique<SegmentReader>(file_.get(), seg,
                                               next_ == segments_.size(), reporter_);
  }
  return false;
}

uint64_t Reader::segment() const { return current_ ? current_->segment() : 0; }
uint64_t Reader::record_offset() const {
  return current_ ? current_->record_offset() : 0;
}
uint64_t Reader::end_offset() const { return current_ ? current_->end_offset() : 0; }
uint64_t Reader::corruptions() const {
  return done_corruptions_ + (current_ ? current_->corruptions() : 0);
}
bool Reader::torn_tail() const { return current_ && current_->torn_tail(); }

}  // namespace outpost::wal
