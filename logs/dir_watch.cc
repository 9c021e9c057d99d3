#include "logs/dir_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace outpost::logs {

DirWatch::DirWatch() {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

DirWatch::~DirWatch() {
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool DirWatch::watching(const std::string& dir) const {
  return std::any_of(dirs_.begin(), dirs_.end(), [&](const auto& d) { return d.second == dir; });
}

bool DirWatch::Watch(const std::string& dir) {
  if (inotify_fd_ < 0) return false;
  if (watching(dir)) return true;
  const int wd = inotify_add_watch(inotify_fd_, dir.c_str(),
                                   IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
  if (wd < 0) return false;
  dirs_[wd] = dir;
  return true;
}

void DirWatch::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

std::vector<DirEvent> DirWatch::Wait(absl::Duration timeout) {
  std::vector<DirEvent> out;
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int ms = static_cast<int>(std::clamp<int64_t>(
      absl::ToInt64Milliseconds(timeout + absl::Microseconds(999)), 0, 3600 * 1000));
  if (poll(fds, 2, ms) <= 0) return out;
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    [[maybe_unused]] ssize_t n = read(wake_fd_, &v, sizeof(v));
  }
  if (!(fds[0].revents & POLLIN)) return out;
  alignas(inotify_event) char buf[16384];
  while (true) {
    const ssize_t n = read(inotify_fd_, buf, sizeof(buf));
    if (n <= 0) break;
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) continue;  // the periodic sync covers it
      auto dir = dirs_.find(e->wd);
      if (dir == dirs_.end() || e->len == 0) continue;
      std::string path = dir->second + (dir->second == "/" ? "" : "/") + e->name;
      if (e->mask & IN_MOVED_FROM) {
        if (moved_from_.size() > 1024) moved_from_.clear();  // unpaired: moved out of sight
        moved_from_[e->cookie] = std::move(path);
      } else if (e->mask & IN_MOVED_TO) {
        DirEvent ev{std::move(path), ""};
        if (auto from = moved_from_.find(e->cookie); from != moved_from_.end()) {
          ev.from_path = std::move(from->second);
          moved_from_.erase(from);
        }
        out.push_back(std::move(ev));
      } else if (e->mask & IN_CREATE) {
        out.push_back(DirEvent{std::move(path), ""});
      }
    }
  }
  return out;
}

}  // namespace outpost::logs
