#include "integrations/process/procfs.h"

#include <limits>

#include "integrations/common/text.h"

namespace outpost::integrations::process {
namespace {

// "key:  value kB" -> key, value without the unit (procfs trims " kB").
bool KeyValue(std::string_view line, std::string_view* key, std::string_view* value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  *key = Trim(line.substr(0, colon));
  std::string_view v = Trim(line.substr(colon + 1));
  while (!v.empty() && (v.back() == ' ' || v.back() == 'k' || v.back() == 'B')) v.remove_suffix(1);
  *value = v;
  return true;
}

}  // namespace

void Counts::Add(const Counts& d) {
  cpu_user += d.cpu_user;
  cpu_system += d.cpu_system;
  read_bytes += d.read_bytes;
  write_bytes += d.write_bytes;
  major_faults += d.major_faults;
  minor_faults += d.minor_faults;
  ctx_voluntary += d.ctx_voluntary;
  ctx_nonvoluntary += d.ctx_nonvoluntary;
}

Counts Counts::Sub(const Counts& c) const {
  Counts d = *this;
  d.cpu_user -= c.cpu_user;
  d.cpu_system -= c.cpu_system;
  d.read_bytes -= c.read_bytes;
  d.write_bytes -= c.write_bytes;
  d.major_faults -= c.major_faults;
  d.minor_faults -= c.minor_faults;
  d.ctx_voluntary -= c.ctx_voluntary;
  d.ctx_nonvoluntary -= c.ctx_nonvoluntary;
  return d;
}

void States::Add(const States& s) {
  running += s.running;
  sleeping += s.sleeping;
  waiting += s.waiting;
  zombie += s.zombie;
  other += s.other;
}

void States::AddState(char state) {
  switch (state) {
    case 'R': ++running; break;
    case 'S': ++sleeping; break;
    case 'D': ++waiting; break;
    case 'Z': ++zombie; break;
    default: ++other; break;
  }
}

bool ParseStat(std::string_view text, Stat* out) {
  // procfs: the comm is between the first '(' and the last ')'.
  const size_t l = text.find('(');
  const size_t r = text.rfind(')');
  if (l == std::string_view::npos || r == std::string_view::npos || r < l || r + 2 > text.size())
    return false;
  out->comm = text.substr(l + 1, r - l - 1);
  std::string_view f[22];
  if (SplitFields(Trim(text.substr(r + 2)), f, 22) < 22) return false;
  if (f[0].size() != 1) return false;
  out->state = f[0][0];
  int64_t ignored;
  uint64_t uignored;
  return ParseInt(f[1], &out->ppid) && ParseInt(f[2], &ignored) && ParseInt(f[3], &ignored) &&
         ParseInt(f[4], &ignored) && ParseInt(f[5], &ignored) && ParseUint(f[6], &uignored) &&
         ParseUint(f[7], &out->minflt) && ParseUint(f[8], &uignored) && ParseUint(f[9], &out->majflt) &&
         ParseUint(f[10], &uignored) && ParseUint(f[11], &out->utime) && ParseUint(f[12], &out->stime) &&
         ParseInt(f[13], &ignored) && ParseInt(f[14], &ignored) && ParseInt(f[15], &ignored) &&
         ParseInt(f[16], &ignored) && ParseInt(f[17], &out->num_threads) && ParseInt(f[18], &ignored) &&
         ParseUint(f[19], &out->starttime) && ParseUint(f[20], &out->vsize) && ParseInt(f[21], &out->rss);
}

bool ParseStatus(std::string_view text, Status* out) {
  *out = Status{};
  std::string_view line, key, value;
  while (NextLine(&text, &line)) {
    if (!KeyValue(line, &key, &value)) continue;
    // procfs ignores values that do not parse (they read as 0).
    uint64_t v = 0;
    if (key == "Uid") {
      std::string_view ids[4];
      if (SplitFields(value, ids, 4) >= 2) out->has_uid = ParseInt(ids[1], &out->effective_uid);
    } else if (key == "VmSwap") {
      if (ParseUint(value, &v)) out->vm_swap_bytes = v * 1024;
    } else if (key == "voluntary_ctxt_switches") {
      if (ParseUint(value, &v)) out->ctx_voluntary = v;
    } else if (key == "nonvoluntary_ctxt_switches") {
      if (ParseUint(value, &v)) out->ctx_nonvoluntary = v;
    }
  }
  return out->has_uid;
}

bool ParseIo(std::string_view text, uint64_t* read_bytes, uint64_t* write_bytes) {
  bool has_read = false, has_write = false;
  std::string_view line, key, value;
  while (NextLine(&text, &line)) {
    if (!KeyValue(line, &key, &value)) continue;
    if (key == "read_bytes") has_read = ParseUint(value, read_bytes);
    if (key == "write_bytes") has_write = ParseUint(value, write_bytes);
  }
  return has_read && has_write;
}

bool ParseOpenFilesLimit(std::string_view text, uint64_t* out) {
  constexpr std::string_view kKey = "Max open files";
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.substr(0, kKey.size()) != kKey) continue;
    std::string_view f[2];
    if (SplitFields(line.substr(kKey.size()), f, 2) < 1) return false;
    if (f[0] == "unlimited") {
      *out = std::numeric_limits<uint64_t>::max();
      return true;
    }
    return ParseUint(f[0], out);
  }
  return false;
}

bool ParseSmapsRollup(std::string_view text, uint64_t* pss, uint64_t* swap_pss) {
  *pss = *swap_pss = 0;
  std::string_view line, key, value;
  NextLine(&text, &line);  // the "[rollup]" header
  while (NextLine(&text, &line)) {
    if (line.empty()) continue;
    if (!KeyValue(line, &key, &value)) return false;
    if (key == "VmFlags") continue;
    uint64_t kb = 0;
    if (!ParseUint(value, &kb)) return false;
    if (key == "Pss") *pss += kb * 1024;
    if (key == "SwapPss") *swap_pss += kb * 1024;
  }
  return true;
}

void ParseCmdline(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  if (text.empty()) return;
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  for (;;) {
    const size_t nul = text.find('\0');
    out->emplace_back(text.substr(0, nul));
    if (nul == std::string_view::npos) break;
    text.remove_prefix(nul + 1);
  }
}

bool ParseCgroups(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  std::string_view line;
  while (NextLine(&text, &line)) {
    const size_t a = line.find(':');
    const size_t b = a == std::string_view::npos ? a : line.find(':', a + 1);
    if (b == std::string_view::npos) {
      out->clear();
      return false;
    }
    out->emplace_back(line.substr(b + 1));
  }
  return true;
}

std::string_view ParseWchan(std::string_view text) { return text == "0" ? std::string_view{} : text; }

bool ParseBootTime(std::string_view text, uint64_t* out) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.substr(0, 6) == "btime ") return ParseUint(Trim(line.substr(6)), out);
  }
  return false;
}

}  // namespace outpost::integrations::process
