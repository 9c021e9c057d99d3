#include "integrations/node/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "core/base/absl_compat.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

ProcFile& ProcFileSet::Get(std::string_view path) {
  auto it = files_.find(ToAbsl(path));
  if (it == files_.end()) {
    it =
        files_
            .emplace(std::string(path), Entry{std::make_unique<ProcFile>(std::string(path)), false})
            .first;
  }
  it->second.used = true;
  return *it->second.file;
}

void ProcFileSet::Sweep() {
  absl::erase_if(files_, [](const auto& kv) { return !kv.second.used; });
  for (auto& [path, e] : files_) e.used = false;
}

bool MatchCache::Matches(std::string_view name) {
  if (re_ == nullptr) return false;
  auto it = results_.find(ToAbsl(name));
  if (it != results_.end()) return it->second;
  if (results_.size() >= kMaxEntries) results_.clear();
  const bool m = RE2::PartialMatch(name, *re_);
  results_.emplace(std::string(name), m);
  return m;
}

DeviceFilter::DeviceFilter(const std::string& include, const std::string& exclude)
    : include_(include.empty() ? nullptr : std::make_unique<RE2>(include)),
      exclude_(exclude.empty() ? nullptr : std::make_unique<RE2>(exclude)),
      include_cache_(include_.get()),
      exclude_cache_(exclude_.get()) {}

absl::Status DeviceFilter::status() const {
  for (const RE2* re : {include_.get(), exclude_.get()}) {
    if (re != nullptr && !re->ok()) {
      return absl::InvalidArgumentError(
          Cat("invalid regex \"", re->pattern(), "\": ", re->error()));
    }
  }
  return absl::OkStatus();
}

bool DeviceFilter::Ignored(std::string_view name) {
  if (include_ != nullptr && !include_cache_.Matches(name)) return true;
  return exclude_ != nullptr && exclude_cache_.Matches(name);
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  ProcFile f(path);
  absl::StatusOr<std::string_view> r = f.Read();
  if (!r.ok()) return r.status();
  return std::string(*r);
}

absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path, bool skip_regular_files) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return ErrnoToStatus(errno, "opendir", path);
  std::vector<std::string> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (skip_regular_files) {
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode)) {
          type = DT_REG;
        }
      }
      if (type == DT_REG) continue;
    }
    out.emplace_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Entries of `path` whose type (lstat when d_type is unknown) is `want`.
absl::StatusOr<std::vector<std::string>> ListOfType(const std::string& path, unsigned char want) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return ErrnoToStatus(errno, "opendir", path);
  std::vector<std::string> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_UNKNOWN;
      }
    }
    if (type == want) out.emplace_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool PathExists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  return errno != ENOENT && errno != ENOTDIR;
}

absl::StatusOr<std::vector<std::string>> ListRegularFiles(const std::string& path) {
  return ListOfType(path, DT_REG);
}

absl::StatusOr<std::vector<std::string>> ListSubdirs(const std::string& path) {
  return ListOfType(path, DT_DIR);
}

int SysReadFile(ProcFileSet& files, std::string_view path, std::string_view* out) {
  int err = files.Get(path).ReadErrno(out);
  if (err != 0) return err;
  if (out->size() > 128) *out = out->substr(0, 128);
  *out = Trim(*out);
  return 0;
}

absl::Status SysReadFileStatus(ProcFileSet& files, std::string_view path, std::string_view* out) {
  int err = SysReadFile(files, path, out);
  return err == 0 ? absl::OkStatus() : ErrnoToStatus(err, "read", path);
}


std::string JoinPath(std::string_view root, std::string_view rel) {
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  return Cat(root, "/", rel);
}

}  // namespace outpost::integrations::node
