#include "core/wal/mem_env.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace outpost::wal {

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::shared_ptr<MemEnv::File> file, MemEnv* env, std::string path)
      : file_(std::move(file)), env_(env), path_(std::move(path)) {}
  absl::Status Append(std::string_view data) override {
    if (closed_) return absl::FailedPreconditionError("append to closed file");
    absl::MutexLock l(&env_->mu_);
    if (env_->capacity_ > 0) {
      const uint64_t used = env_->UsedLocked();
      const uint64_t room = env_->capacity_ > used ? env_->capacity_ - used : 0;
      if (data.size() > room) {
        file_->data.append(data.substr(0, room));
        return absl::ResourceExhaustedError(
            absl::StrCat("write ", path_, ": No space left on device"));
      }
    }
    file_->data.append(data);
    return absl::OkStatus();
  }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Sync() override {
    absl::MutexLock l(&env_->mu_);
    ++*env_->syncs_;
    return absl::OkStatus();
  }
  absl::Status Close() override {
    closed_ = true;
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<MemEnv::File> file_;
  MemEnv* const env_;
  const std::string path_;
  bool closed_ = false;
};

class MemSequentialFile final : public SequentialFile {
 public:
  MemSequentialFile(std::shared_ptr<MemEnv::File> file, absl::Mutex* mu)
      : file_(std::move(file)), mu_(mu) {}
  absl::StatusOr<size_t> Read(size_t n, char* scratch) override {
    absl::MutexLock l(mu_);
    const std::string& d = file_->data;
    if (pos_ >= d.size()) return size_t{0};
    size_t k = std::min(n, d.size() - pos_);
    std::memcpy(scratch, d.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::shared_ptr<MemEnv::File> file_;
  absl::Mutex* mu_;
  size_t pos_ = 0;
};

namespace {
std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}
}  // namespace

absl::StatusOr<std::unique_ptr<SequentialFile>> MemEnv::NewSequentialFile(
    const std::string& path) {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("open ", path));
  return std::make_unique<MemSequentialFile>(it->second, &mu_);
}

absl::StatusOr<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(
    const std::string& path) {
  absl::MutexLock l(&mu_);
  if (dirs_.count(path)) return absl::InternalError(absl::StrCat(path, " is a directory"));
  auto file = std::make_shared<File>();
  files_[path] = file;
  return std::make_unique<MemWritableFile>(file, this, path);
}

absl::StatusOr<std::vector<std::string>> MemEnv::GetChildren(
    const std::string& dir) {
  absl::MutexLock l(&mu_);
  if (!dirs_.count(dir)) return absl::NotFoundError(absl::StrCat("opendir ", dir));
  std::string prefix = dir + "/";
  std::set<std::string> names;
  auto add = [&](const std::string& p) {
    if (!absl::StartsWith(p, prefix)) return;
    std::string rest = p.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  };
  for (const auto& [p, f] : files_) add(p);
  for (const auto& d : dirs_) add(d);
  names.erase("");
  return std::vector<std::string>(names.begin(), names.end());
}

absl::StatusOr<uint64_t> MemEnv::GetFileSize(const std::string& path) {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("stat ", path));
  return it->second->data.size();
}

bool MemEnv::FileExists(const std::string& path) {
  absl::MutexLock l(&mu_);
  return files_.count(path) > 0 || dirs_.count(path) > 0;
}

absl::Status MemEnv::RenameFile(const std::string& from, const std::string& to) {
  absl::MutexLock l(&mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(from);
    return absl::OkStatus();
  }
  if (!dirs_.count(from)) return absl::NotFoundError(absl::StrCat("rename ", from));
  // Directory rename: move every path under it.
  std::string prefix = from + "/";
  std::map<std::string, std::shared_ptr<File>> moved;
  for (auto f = files_.begin(); f != files_.end();) {
    if (absl::StartsWith(f->first, prefix)) {
      moved[to + "/" + f->first.substr(prefix.size())] = f->second;
      f = files_.erase(f);
    } else {
      ++f;
    }
  }
  files_.merge(moved);
  std::set<std::string> dirs;
  for (auto d = dirs_.begin(); d != dirs_.end();) {
    if (*d == from || absl::StartsWith(*d, prefix)) {
      dirs.insert(to + d->substr(from.size()));
      d = dirs_.erase(d);
    } else {
      ++d;
    }
  }
  dirs_.merge(dirs);
  return absl::OkStatus();
}

absl::Status MemEnv::RemoveFile(const std::string& path) {
  absl::MutexLock l(&mu_);
  if (files_.erase(path) == 0) return absl::NotFoundError(absl::StrCat("unlink ", path));
  return absl::OkStatus();
}

absl::Status MemEnv::TruncateFile(const std::string& path, uint64_t size) {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("truncate ", path));
  it->second->data.resize(size, '\0');
  ++*syncs_;
  return absl::OkStatus();
}

absl::Status MemEnv::RemoveAll(const std::string& path) {
  absl::MutexLock l(&mu_);
  std::string prefix = path + "/";
  std::erase_if(files_, [&](const auto& kv) {
    return kv.first == path || absl::StartsWith(kv.first, prefix);
  });
  std::erase_if(dirs_, [&](const std::string& d) {
    return d == path || absl::StartsWith(d, prefix);
  });
  return absl::OkStatus();
}

absl::Status MemEnv::CreateDirs(const std::string& dir) {
  absl::MutexLock l(&mu_);
  for (std::string d = dir; !d.empty(); d = Parent(d)) dirs_.insert(d);
  return absl::OkStatus();
}

absl::Status MemEnv::SyncDir(const std::string& dir) {
  absl::MutexLock l(&mu_);
  if (!dirs_.count(dir)) return absl::NotFoundError(absl::StrCat("open ", dir));
  ++*syncs_;
  return absl::OkStatus();
}

std::string MemEnv::Contents(const std::string& path) const {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? std::string() : it->second->data;
}

void MemEnv::SetContents(const std::string& path, std::string data) {
  absl::MutexLock l(&mu_);
  auto& f = files_[path];
  if (!f) f = std::make_shared<File>();
  f->data = std::move(data);
}

void MemEnv::SetCapacity(uint64_t bytes) {
  absl::MutexLock l(&mu_);
  capacity_ = bytes;
}

uint64_t MemEnv::UsedLocked() const {
  uint64_t n = 0;
  for (const auto& [path, f] : files_) n += f->data.size();
  return n;
}

uint64_t MemEnv::used_bytes() const {
  absl::MutexLock l(&mu_);
  return UsedLocked();
}

int MemEnv::syncs() const {
  absl::MutexLock l(&mu_);
  return *syncs_;
}

}  // namespace outpost::wal
