// Positions file: strict parse first, line salvage when damaged (see
// positions.h), atomic writes.
#include "logs/positions.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/base/utf8.h"
#include "yaml-cpp/yaml.h"

namespace outpost::logs {
namespace {

constexpr absl::string_view kIdPrefix = "outpost-id:";

bool IsCursorKey(std::string_view key) {
  // Promtail keeps these through its sync (positions.go): journal and
  // docker targets store cursors under them.
  return absl::StartsWith(ToAbsl(key), "cursor-") || absl::StartsWith(ToAbsl(key), "journal-");
}

std::string FormatId(const FileIdentity& id) {
  std::string s = absl::StrFormat("%d:%d:%d:%08x", id.dev, id.ino, id.fp_len, id.fp_crc);
  if (!id.origin.empty() && IsValidUtf8(id.origin)) absl::StrAppend(&s, ":", id.origin);
  return s;
}

bool ParseId(absl::string_view s, FileIdentity* id) {
  // The origin, last, may itself hold ':'.
  const std::vector<absl::string_view> f = absl::StrSplit(s, absl::MaxSplits(':', 4));
  if (f.size() == 5) {
    if (f[4].empty()) return false;
    id->origin = std::string(f[4]);
  }
  return (f.size() == 4 || f.size() == 5) && absl::SimpleAtoi(f[0], &id->dev) &&
         absl::SimpleAtoi(f[1], &id->ino) && absl::SimpleAtoi(f[2], &id->fp_len) &&
         !f[3].empty() && f[3].size() <= 8 && absl::SimpleHexAtoi(f[3], &id->fp_crc);
}

// `s` cut to 64 bytes for a log line.
std::string Short(const std::string& s) {
  return s.size() <= 64 ? s : s.substr(0, 64) + "...";
}

absl::Status Errno(std::string_view what, const std::string& path) {
  const int e = errno;
  std::string msg = absl::StrCat(ToAbsl(what), " ", path, ": ", std::strerror(e));
  if (e == ENOSPC || e == EDQUOT) return absl::ResourceExhaustedError(msg);
  return absl::InternalError(msg);
}

// The directory a positions file is in.
std::string DirOf(const std::string& filename) {
  const size_t slash = filename.rfind('/');
  return slash == std::string::npos ? "." : filename.substr(0, slash);
}

// mkdir -p with mode 0775 (Grafana Agent creates positions_directory so).
absl::Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (dir.empty() || ::stat(dir.c_str(), &st) == 0) return absl::OkStatus();
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0775) != 0 && errno != EEXIST) return Errno("mkdir", part);
  }
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// One `key: value` mapping line of the file (indentation stripped), read
// with yaml-cpp so quoting and escapes are YAML's. False when the line is
// anything else.
bool ParseLine(absl::string_view line, std::string* key, std::string* value) {
  try {
    const YAML::Node n = YAML::Load(std::string(line));
    if (!n.IsMap() || n.size() != 1) return false;
    const auto it = n.begin();
    if (!it->first.IsScalar() || !it->second.IsScalar()) return false;
    *key = it->first.Scalar();
    *value = it->second.Scalar();
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace

std::unique_ptr<Positions> Positions::Open(std::string filename, bool ignore_invalid_yaml) {
  std::unique_ptr<Positions> p(new Positions(std::move(filename)));
  const std::string& name = p->filename_;
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    struct stat st;
    if (::stat(name.c_str(), &st) == 0) {
      log::Warn("cannot read positions file; starting without positions",
                {{"file", name}, {"err", std::strerror(errno)}});
    }
    return p;  // missing: a first start
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    log::Info("positions file is empty; starting without positions", {{"file", name}});
    return p;
  }
  const std::string problem = p->Parse(text);
  if (problem.empty()) return p;

  // Damaged: keep the original for inspection, write the salvage back now
  // (so a crash before the next sync does not lose it).
  const std::string corrupt = name + ".corrupt";
  std::string moved = corrupt;
  if (::rename(name.c_str(), corrupt.c_str()) != 0) {
    moved = absl::StrCat("(not moved: ", std::strerror(errno), ")");
  }
  absl::Status w = p->Write(true);
  size_t kept;
  {
    absl::MutexLock l(&p->mu_);
    kept = p->files_.size() + p->cursors_.size();
  }
  const std::string kept_s = absl::StrCat(kept);
  const std::string w_s = w.ok() ? "ok" : std::string(w.message());
  log::Log(ignore_invalid_yaml ? log::Level::kInfo : log::Level::kWarn,
           "positions file damaged; kept its valid entries, files without one are read from "
           "their start",
           {{"file", name}, {"kept", kept_s}, {"problem", problem}, {"moved_to", moved},
            {"rewrite", w_s}});
  return p;
}

std::string Positions::Parse(std::string_view text) {
  absl::MutexLock l(&mu_);
  std::map<std::string, FileIdentity, std::less<>> ids;
  // Adds one entry; returns the problem with it ("" when fine).
  auto accept = [&](const std::string& key, const std::string& value) -> std::string {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return "an entry is not valid UTF-8";  // YAML holds Unicode text only
    }
    if (IsCursorKey(key)) {
      cursors_[key] = value;
    } else if (absl::StartsWith(key, kIdPrefix)) {
      FileIdentity id;
      if (!ParseId(value, &id)) {
        return absl::StrCat("identity '", Short(value), "' of ", Short(key), " is malformed");
      }
      ids[key.substr(kIdPrefix.size())] = id;
    } else {
      int64_t off;
      if (!absl::SimpleAtoi(value, &off) || off < 0) {
        return absl::StrCat("offset '", Short(value), "' of ", Short(key), " is not a number");
      }
      files_[key].offset = off;
    }
    return {};
  };
  auto attach_ids = [&] {
    for (auto& [path, id] : ids) {
      auto it = files_.find(path);
      if (it != files_.end()) it->second.id = id;  // an identity alone is dropped
    }
  };

  std::string problem;
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    problem = absl::StrCat("NUL bytes at offset ", nul);
  } else if (text.back() != '\n') {
    problem = "truncated last line (no newline at the end)";
  } else {
    // Strict reading, as Promtail's yaml.UnmarshalStrict into
    // struct{Positions map[string]string}.
    try {
      const YAML::Node root = YAML::Load(std::string(text));
      if (!root.IsMap()) {
        problem = "not a YAML mapping";
      } else {
        for (const auto& kv : root) {
          const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
          if (key != "positions") {
            problem = absl::StrCat("unknown top-level key '", Short(key), "' (only positions:)");
          } else if (!kv.second.IsMap() && !kv.second.IsNull()) {
            problem = "positions: is not a mapping";
          } else if (kv.second.IsMap()) {
            for (const auto& e : kv.second) {
              if (!e.first.IsScalar() || !e.second.IsScalar()) {
                problem = "an entry of positions: is not a string: string pair";
              } else {
                problem = accept(e.first.Scalar(), e.second.Scalar());
              }
              if (!problem.empty()) break;
            }
          }
          if (!problem.empty()) break;
        }
      }
    } catch (const YAML::Exception& e) {
      problem = absl::StrCat("not YAML: ", e.what());
    }
  }
  if (problem.empty()) {
    attach_ids();
    return {};
  }

  // Salvage: every complete, indented `key: value` line.
  files_.clear();
  cursors_.clear();
  ids.clear();
  std::vector<absl::string_view> lines = absl::StrSplit(ToAbsl(text), '\n');
  lines.pop_back();  // after the last '\n': empty, or a truncated line
  std::string key, value;
  for (absl::string_view line : lines) {
    if (line.empty() || (line[0] != ' ' && line[0] != '\t')) continue;
    if (line.find('\0') != absl::string_view::npos) continue;
    if (!ParseLine(absl::StripLeadingAsciiWhitespace(line), &key, &value)) continue;
    accept(key, value);  // a bad value is skipped; the first problem is reported
  }
  attach_ids();
  ++generation_;  // the salvage differs from the file: write it
  return problem;
}

std::optional<FilePosition> Positions::Get(std::string_view path) const {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return FilePosition{it->first, it->second.offset, it->second.id};
}

std::optional<FilePosition> Positions::FindByInode(uint64_t dev, uint64_t ino) const {
  absl::MutexLock l(&mu_);
  for (const auto& [path, e] : files_) {
    if (e.id && e.id->dev == dev && e.id->ino == ino) return FilePosition{path, e.offset, e.id};
  }
  return std::nullopt;
}

void Positions::Put(const FilePosition& p) {
  absl::MutexLock l(&mu_);
  auto [it, added] = files_.try_emplace(p.path);
  if (!added && it->second.offset == p.offset && it->second.id == p.id) return;
  it->second.offset = p.offset;
  it->second.id = p.id;
  ++generation_;
}

void Positions::Remove(std::string_view path) {
  absl::MutexLock l(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  files_.erase(it);
  ++generation_;
}

std::optional<std::string> Positions::GetCursor(std::string_view key) const {
  absl::MutexLock l(&mu_);
  auto it = cursors_.find(key);
  if (it == cursors_.end()) return std::nullopt;
  return it->second;
}

void Positions::PutCursor(std::string_view key, std::string_view value) {
  absl::MutexLock l(&mu_);
  auto it = cursors_.find(key);
  if (it != cursors_.end() && it->second == value) return;
  cursors_[std::string(key)] = std::string(value);
  ++generation_;
}

std::vector<FilePosition> Positions::All() const {
  absl::MutexLock l(&mu_);
  std::vector<FilePosition> out;
  out.reserve(files_.size());
  for (const auto& [path, e] : files_) out.push_back(FilePosition{path, e.offset, e.id});
  return out;
}

std::string Positions::Serialize() const {
  absl::MutexLock l(&mu_);
  // yaml.v2 (Promtail) sorts keys and quotes every value; so do we.
  std::map<std::string, std::string> all;
  for (const auto& [k, v] : cursors_) {
    if (IsValidUtf8(k) && IsValidUtf8(v)) all[k] = v;
  }
  for (const auto& [path, e] : files_) {
    if (!IsValidUtf8(path)) continue;  // not storable in YAML: memory only
    all[path] = absl::StrCat(e.offset);
    if (e.id) all[absl::StrCat(kIdPrefix, path)] = FormatId(*e.id);
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "positions" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : all) out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  out << YAML::EndMap << YAML::EndMap;
  return absl::StrCat(out.c_str(), "\n");
}

absl::Status Positions::MakeDirectory(const std::string& filename) {
  return MakeDirs(DirOf(filename));
}

absl::Status Positions::Write(bool durable) {
  absl::MutexLock wl(&write_mu_);
  uint64_t gen;
  {
    absl::MutexLock l(&mu_);
    if (generation_ == written_) return absl::OkStatus();
    gen = generation_;
  }
  const std::string text = Serialize();
  const std::string dir = DirOf(filename_);
  if (absl::Status s = MakeDirs(dir); !s.ok()) return s;
  const std::string tmp = filename_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", tmp);
  absl::Status s = WriteAll(fd, text, tmp);
  if (s.ok() && ::fchmod(fd, 0600) != 0) s = Errno("chmod", tmp);
  if (s.ok() && durable && ::fsync(fd) != 0) s = Errno("fsync", tmp);
  if (::close(fd) != 0 && s.ok()) s = Errno("close", tmp);
  if (s.ok() && ::rename(tmp.c_str(), filename_.c_str()) != 0) s = Errno("rename to", filename_);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (durable) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Errno("open", dir);
    absl::Status d = ::fsync(dfd) == 0 ? absl::OkStatus() : Errno("fsync", dir);
    ::close(dfd);
    if (!d.ok()) return d;
  }
  absl::MutexLock l(&mu_);
  if (gen > written_) written_ = gen;
  return absl::OkStatus();
}

}  // namespace outpost::logs
