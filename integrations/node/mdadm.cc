// mdadm: /proc/mdstat (node_exporter 1.5.0 collector/mdadm_linux.go with
// prometheus/procfs v0.8.0 mdstat.go): per md device, disks by state,
// required disks, blocks, synced blocks and a state indicator. Any
// malformed device entry fails the collection (upstream's parser returns
// no devices then).
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

bool Contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

size_t Count(std::string_view s, std::string_view what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string_view::npos; p = s.find(what, p + what.size())) {
    ++n;
  }
  return n;
}

// strconv.ParseInt(s, 10, 64).
bool GoParseInt10(std::string_view s, int64_t* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (!s.empty() && s[0] == '+') return false;
  return ParseInt(s, out);
}

re2::StringPiece SP(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }
std::string_view SV(re2::StringPiece s) { return std::string_view(s.data(), s.size()); }

bool GoParseFloat(std::string_view s, double* out) { return ParseDouble(s, out); }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// strings.Fields (ASCII whitespace).
void Fields(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t b = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > b) out->push_back(s.substr(b, i - b));
  }
}

}  // namespace

absl::Status ParseMdstat(std::string_view text, std::vector<MdStat>* out) {
  static const RE2 kStatus(R"((\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\])");
  static const RE2 kBlocks(R"(\((\d+)/\d+\))");
  static const RE2 kPct(R"(= (.+)%)");
  static const RE2 kFinish(R"(finish=(.+)min)");
  static const RE2 kSpeed(R"(speed=(.+)[A-Z])");
  out->clear();
  std::vector<std::string_view> lines;  // strings.Split(text, "\n")
  for (size_t p = 0;;) {
    size_t nl = text.find('\n', p);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(p));
      break;
    }
    lines.push_back(text.substr(p, nl - p));
    p = nl + 1;
  }
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (Trim(line).empty() || line[0] == ' ' || line.substr(0, 13) == "Personalities" ||
        line.substr(0, 6) == "unused") {
      continue;
    }
    Fields(line, &fields);
    if (fields.size() < 3) {
      return absl::InvalidArgumentError(Cat("not enough fields in mdline: ", line));
    }
    MdStat md;
    md.name = std::string(fields[0]);
    md.state = std::string(fields[2]);
    if (lines.size() <= i + 3) {
      return absl::InvalidArgumentError(Cat("too few lines for md device ", md.name));
    }
    md.disks_failed = static_cast<int64_t>(Count(line, "(F)"));
    md.disks_spare = static_cast<int64_t>(Count(line, "(S)"));
    // evalStatusLine
    std::string_view status = lines[i + 1];
    Fields(status, &fields);
    if (fields.empty() || !GoParseInt10(fields[0], &md.blocks_total)) {
      return absl::InvalidArgumentError(Cat("unexpected statusLine: ", status));
    }
    if (Contains(line, "raid0") || Contains(line, "linear")) {
      md.disks_total = md.disks_active = static_cast<int64_t>(Count(line, "["));
    } else if (Contains(line, "inactive")) {
      md.disks_total = md.disks_active = 0;
    } else {
      re2::StringPiece m1, m2, m3, m4;
      if (!RE2::PartialMatch(SP(status), kStatus, &m1, &m2, &m3, &m4) ||
          !GoParseInt10(SV(m2), &md.disks_total) ||
          !GoParseInt10(SV(m3), &md.disks_active)) {
        return absl::InvalidArgumentError(Cat("unexpected statusLine: ", status));
      }
    }
    size_t sync_idx = i + 2;
    if (Contains(lines[i + 2], "bitmap")) ++sync_idx;
    std::string_view sync = lines[sync_idx];
    md.blocks_synced = md.blocks_total;
    const bool recovering = Contains(sync, "recovery"), resyncing = Contains(sync, "resync"),
               checking = Contains(sync, "check");
    if (recovering || resyncing || checking) {
      md.state = recovering ? "recovering" : checking ? "checking" : "resyncing";
      if (Contains(sync, "PENDING") || Contains(sync, "DELAYED")) {
        md.blocks_synced = 0;
      } else {
        // evalRecoveryLine: all four parts must parse.
        re2::StringPiece b, pct, finish, speed;
        double unused;
        if (!RE2::PartialMatch(SP(sync), kBlocks, &b) ||
            !GoParseInt10(SV(b), &md.blocks_synced) ||
            !RE2::PartialMatch(SP(sync), kPct, &pct) ||
            !GoParseFloat(Trim(SV(pct)), &unused) ||
            !RE2::PartialMatch(SP(sync), kFinish, &finish) ||
            !GoParseFloat(SV(finish), &unused) ||
            !RE2::PartialMatch(SP(sync), kSpeed, &speed) ||
            !GoParseFloat(SV(speed), &unused)) {
          return absl::InvalidArgumentError(
              Cat("error parsing sync line in md device ", md.name, ": ", sync));
        }
      }
    }
    out->push_back(std::move(md));
  }
  return absl::OkStatus();
}

namespace {

class MdadmCollector final : public Collector {
 public:
  explicit MdadmCollector(const Paths& p) : file_(p.Proc("mdstat")) {
    state_ = {"node_md_state", MetricType::kGauge, "Indicates the state of md-device.", ""};
    disks_ = {"node_md_disks", MetricType::kGauge,
              "Number of active/failed/spare disks of device.", ""};
    required_ = {"node_md_disks_required", MetricType::kGauge, "Total number of disks of device.",
                 ""};
    blocks_ = {"node_md_blocks", MetricType::kGauge, "Total number of blocks on device.", ""};
    synced_ = {"node_md_blocks_synced", MetricType::kGauge, "Number of blocks synced on device.",
               ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) {
      return absl::IsNotFound(text.status()) ? NoData("no /proc/mdstat") : text.status();
    }
    if (absl::Status st = ParseMdstat(*text, &mds_); !st.ok()) return st;
    for (const MdStat& md : mds_) {
      const std::string& d = md.name;
      series_.Add(required_, {{"device", d}}, static_cast<double>(md.disks_total));
      series_.Add(disks_, {{"device", d}, {"state", "active"}},
                  static_cast<double>(md.disks_active));
      series_.Add(disks_, {{"device", d}, {"state", "failed"}},
                  static_cast<double>(md.disks_failed));
      series_.Add(disks_, {{"device", d}, {"state", "spare"}}, static_cast<double>(md.disks_spare));
      const struct {
        const char* label;
        const char* state;
      } kStates[] = {{"active", "active"},
                     {"inactive", "inactive"},
                     {"recovering", "recovering"},
                     {"resync", "resyncing"},
                     {"check", "checking"}};
      for (const auto& s : kStates) {
        series_.Add(state_, {{"device", d}, {"state", s.label}}, md.state == s.state ? 1.0 : 0.0);
      }
      series_.Add(blocks_, {{"device", d}}, static_cast<double>(md.blocks_total));
      series_.Add(synced_, {{"device", d}}, static_cast<double>(md.blocks_synced));
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  std::vector<MdStat> mds_;
  MetricFamily state_, disks_, required_, blocks_, synced_;
};

}  // namespace

CollectorOr NewMdadmCollector(const Options&, const Paths& p) {
  return std::make_unique<MdadmCollector>(p);
}

}  // namespace outpost::integrations::node
