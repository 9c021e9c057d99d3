#include "logs/journal_target.h"

#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/base/utf8.h"
#include "core/relabel/relabel.h"
#include "logs/sd_journal_lazy.h"

namespace outpost::logs {
namespace {

absl::Status Errno(int r, std::string_view what) {
  return absl::Status(absl::ErrnoToStatusCode(-r),
                      absl::StrCat(ToAbsl(what), ": ", std::strerror(-r)));
}

// Promtail's makeJournalPriority (journaltarget.go): the code's words, not
// the docs' ("error", not "err").
std::string_view PriorityKeyword(std::string_view p) {
  static constexpr std::string_view kWords[] = {"emerg",  "alert", "crit", "error",
                                                "warning", "notice", "info", "debug"};
  if (p.size() == 1 && p[0] >= '0' && p[0] <= '7') return kWords[p[0] - '0'];
  return p;
}

// A JSON string as jsoniter's ConfigCompatibleWithStandardLibrary writes it
// (HTML-safe escaping; Promtail marshals the fields with it).
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0, len; i < s.size(); i += len) {
    bool valid;
    const uint32_t r = DecodeRune(s, i, &len, &valid);
    if (!valid) {
      out += "\\ufffd";
    } else if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (r == '\n') {
      out += "\\n";
    } else if (r == '\r') {
      out += "\\r";
    } else if (r == '\t') {
      out += "\\t";
    } else if (r < 0x20 || r == '<' || r == '>' || r == '&') {
      out += "\\u00";
      out += kHex[r >> 4];
      out += kHex[r & 0xf];
    } else if (r == 0x2028 || r == 0x2029) {
      out += "\\u202";
      out += kHex[r & 0xf];
    } else {
      out.append(s.substr(i, len));
    }
  }
  out += '"';
}

}  // namespace

JournalMetrics::JournalMetrics(prometheus::Registry& registry, const std::string& logs_config)
    : lines_family_(prometheus::BuildCounter()
                        .Name("promtail_journal_target_lines_total")
                        .Help("Total number of successful journal lines read")
                        .Register(registry)),
      errors_family_(prometheus::BuildCounter()
                         .Name("promtail_journal_target_parsing_errors_total")
                         .Help("Total number of parsing errors while reading journal messages")
                         .Register(registry)),
      lines(lines_family_.Add({{"logs_config", logs_config}})),
      no_message(errors_family_.Add({{"logs_config", logs_config}, {"error", "no_message"}})),
      empty_labels(errors_family_.Add({{"logs_config", logs_config}, {"error", "empty_labels"}})) {}

JournalMetrics::~JournalMetrics() {
  lines_family_.Remove(&lines);
  errors_family_.Remove(&no_message);
  errors_family_.Remove(&empty_labels);
}

absl::StatusOr<std::unique_ptr<JournalTarget>> JournalTarget::Open(
    const config::LogsScrapeConfig& sc, std::optional<std::string> saved_cursor, absl::Time now,
    JournalMetrics* metrics) {
  if (!sc.journal) return absl::InvalidArgumentError("not a journal scrape config");
  const config::LogsJournalConfig& cfg = *sc.journal;
  std::unique_ptr<JournalTarget> t(new JournalTarget());
  t->job_ = sc.job_name;
  t->json_ = cfg.json;
  t->relabel_ = sc.relabel_configs;
  t->static_labels_.assign(cfg.labels.begin(), cfg.labels.end());
  t->metrics_ = metrics;
  const std::string where = cfg.path.empty() ? "the system journal" : cfg.path;
  if (absl::Status s = LibSystemd().Load(); !s.ok())
    return absl::FailedPreconditionError(absl::StrCat("journal: ", s.message()));
  int r = cfg.path.empty() ? sd_journal_open(&t->j_, SD_JOURNAL_LOCAL_ONLY)
                           : sd_journal_open_directory(&t->j_, cfg.path.c_str(), 0);
  if (r < 0) {
    t->j_ = nullptr;
    return Errno(r, absl::StrCat("journal: cannot open ", where));
  }
  if (cfg.path.empty() && sd_journal_has_persistent_files(t->j_) <= 0 &&
      sd_journal_has_runtime_files(t->j_) <= 0) {
    // Opening succeeds without any readable file (e.g. not in the
    // systemd-journal group): say so once rather than read nothing quietly.
    log::Warn("logs: no system journal file is readable (/var/log/journal, /run/log/journal)",
              {{"job", t->job_}});
  }
  // Allocates sd-journal's inotify watches: without them sd_journal_process
  // sees no new, rotated or deleted file.
  t->fd_ = sd_journal_get_fd(t->j_);
  if (t->fd_ < 0) return Errno(t->fd_, absl::StrCat("journal: cannot watch ", where));
  for (const auto& [field, value] : cfg.matches) {
    const std::string m = absl::StrCat(field, "=", value);
    r = sd_journal_add_match(t->j_, m.data(), m.size());
    if (r < 0) return Errno(r, absl::StrCat("journal: match \"", m, "\""));
  }

  const uint64_t since = static_cast<uint64_t>(
      std::max<int64_t>(0, absl::ToUnixMicros(now - cfg.max_age)));
  if (saved_cursor && !saved_cursor->empty()) {
    // Promtail's generateJournalConfig: the saved cursor, unless its entry
    // is older than max_age.
    absl::StatusOr<uint64_t> at = t->SeekCursor(*saved_cursor);
    if (!at.ok()) {
      t->start_ = absl::StrCat("max_age (saved cursor unusable: ", at.status().message(), ")");
    } else if (*at != 0 && *at < since) {
      t->start_ = "max_age (saved cursor older than max_age)";
    } else {
      t->start_ = "cursor";
      return t;
    }
  } else {
    t->start_ = "max_age (no saved cursor)";
  }
  t->pending_ = false;
  r = sd_journal_seek_realtime_usec(t->j_, since);
  if (r < 0) return Errno(r, "journal: cannot seek to now - max_age");
  return t;
}

JournalTarget::~JournalTarget() {
  if (j_ != nullptr) sd_journal_close(j_);
}

std::string JournalTarget::PositionKey() const { return "cursor-" + job_; }

absl::StatusOr<uint64_t> JournalTarget::SeekCursor(const std::string& cursor) {
  pending_ = false;
  int r = sd_journal_seek_cursor(j_, cursor.c_str());
  if (r < 0) return Errno(r, "seek to cursor");
  r = sd_journal_next(j_);
  if (r < 0) return Errno(r, "read at cursor");
  if (r == 0) return 0;  // nothing at or after it yet: reading goes on from there
  uint64_t usec = 0;
  r = sd_journal_get_realtime_usec(j_, &usec);
  if (r < 0) return Errno(r, "read at cursor");
  // On the cursor's entry: consumed. On the first entry after it (the
  // cursor's entry is gone): not consumed yet.
  pending_ = sd_journal_test_cursor(j_, cursor.c_str()) <= 0;
  return usec;
}

absl::Status JournalTarget::SeekAfter(std::string_view cursor) {
  absl::StatusOr<uint64_t> at = SeekCursor(std::string(cursor));
  return at.status();
}

bool JournalTarget::LoadEntry() {
  if (sd_journal_get_realtime_usec(j_, &realtime_usec_) < 0) return false;
  char* c = nullptr;
  if (sd_journal_get_cursor(j_, &c) < 0) return false;
  cursor_.assign(c);
  std::free(c);
  nfields_ = 0;
  const void* data;
  size_t size;
  sd_journal_restart_data(j_);
  while (sd_journal_enumerate_data(j_, &data, &size) > 0) {
    const std::string_view d(static_cast<const char*>(data), size);
    const size_t eq = d.find('=');
    if (eq == std::string_view::npos) continue;
    if (nfields_ == fields_.size()) fields_.emplace_back();
    fields_[nfields_].first.assign(d.substr(0, eq));
    fields_[nfields_].second.assign(d.substr(eq + 1));
    ++nfields_;
  }
  return true;
}

void JournalTarget::BuildJson() {
  // Keys sorted; of a field given twice, the later value (a Go map).
  order_.resize(nfields_);
  for (size_t i = 0; i < nfields_; ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(),
                   [&](size_t a, size_t b) { return fields_[a].first < fields_[b].first; });
  line_.assign("{");
  for (size_t k = 0; k < order_.size(); ++k) {
    const auto& [name, value] = fields_[order_[k]];
    if (k + 1 < order_.size() && fields_[order_[k + 1]].first == name) continue;
    if (line_.size() > 1) line_ += ',';
    AppendJsonString(line_, name);
    line_ += ':';
    AppendJsonString(line_, value);
  }
  line_ += '}';
}

bool JournalTarget::Build() {
  const std::pair<std::string, std::string>* message = nullptr;
  for (size_t i = 0; i < nfields_; ++i) {
    if (fields_[i].first == "MESSAGE") message = &fields_[i];
  }
  if (json_) {
    BuildJson();
  } else if (message == nullptr) {
    if (metrics_ != nullptr) metrics_->no_message.Increment();
    return false;
  } else {
    line_.assign(message->second);
  }
  // Promtail's makeJournalFields, then the block's labels, then relabeling.
  Labels all;
  std::string name;
  for (size_t i = 0; i < nfields_; ++i) {
    const auto& [field, value] = fields_[i];
    name.assign("__journal_");
    for (char ch : field) name += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    all.Set(name, value);
    if (field == "PRIORITY") all.Set("__journal_priority_keyword", PriorityKeyword(value));
  }
  for (const auto& [k, v] : static_labels_) all.Set(k, v);
  labels_.Clear();
  if (relabel::Process(relabel_, all)) {
    for (const Label& l : all) {
      if (l.name.rfind("__", 0) != 0) labels_.Set(l.name, l.value);
    }
  }
  if (labels_.empty()) {
    if (metrics_ != nullptr) metrics_->empty_labels.Increment();
    return false;
  }
  return true;
}

size_t JournalTarget::Read(size_t max, const std::function<bool(const JournalRecord&)>& fn) {
  // Picks up appended entries and new, rotated and deleted files.
  sd_journal_process(j_);
  size_t n = 0;
  while (n < max) {
    if (pending_ && !LoadEntry()) {
      // The pending entry's file was closed under us (deleted, or renamed by
      // a rotation and opened again under its new name): find the entry by
      // its cursor, or the first one after it when it is gone.
      pending_ = false;
      if (sd_journal_seek_cursor(j_, cursor_.c_str()) >= 0 && sd_journal_next(j_) > 0 &&
          LoadEntry()) {
        pending_ = true;
      }
    }
    if (!pending_) {
      const int r = sd_journal_next(j_);
      if (r < 0 && !read_failing_) {
        log::Error("logs: cannot read the journal",
                   {{"job", job_}, {"err", std::strerror(-r)}});
      }
      read_failing_ = r < 0;
      if (r <= 0) break;
      if (!LoadEntry()) {
        ++n;  // unreadable: skipped
        continue;
      }
    }
    pending_ = false;
    if (!Build()) {
      ++n;
      continue;
    }
    const JournalRecord rec{labels_, static_cast<int64_t>(realtime_usec_) * 1000, line_,
                            cursor_, seq_ + 1};
    if (!fn(rec)) {
      pending_ = true;
      break;
    }
    ++seq_;
    if (metrics_ != nullptr) metrics_->lines.Increment();
    ++n;
  }
  return n;
}

}  // namespace outpost::logs
