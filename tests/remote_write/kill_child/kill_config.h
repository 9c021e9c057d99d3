// The remote-write endpoint settings shared by kill_test and the child it
// kills (tests/remote_write/kill_child/main.cc), so both ship the same way.
#ifndef OUTPOST_TESTS_REMOTE_WRITE_KILL_CHILD_KILL_CONFIG_H_
#define OUTPOST_TESTS_REMOTE_WRITE_KILL_CHILD_KILL_CONFIG_H_

#include <string>

#include "core/config/config.h"
#include "remote_write/endpoint.h"

namespace outpost::remote_write::testing {

inline config::RemoteWriteConfig KillConfig(const std::string& url) {
  config::RemoteWriteConfig c;
  c.url = url;
  c.name = "kill";
  c.queue_config.max_samples_per_send = 500;
  c.queue_config.min_shards = c.queue_config.max_shards = 2;
  c.queue_config.batch_send_deadline = absl::Milliseconds(20);
  c.metadata_config.send = false;
  return c;
}

inline EndpointOptions KillOptions() {
  EndpointOptions o;
  o.progress_interval = absl::Milliseconds(50);
  o.poll_interval = absl::Milliseconds(50);
  return o;
}

}  // namespace outpost::remote_write::testing

#endif  // OUTPOST_TESTS_REMOTE_WRITE_KILL_CHILD_KILL_CONFIG_H_
