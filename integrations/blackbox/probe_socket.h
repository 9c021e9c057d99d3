// The tcp prober's connection: a TCP socket (optionally bound to a source
// address) that may turn TLS at connect or later (STARTTLS), read line by
// line as Go's bufio.Scanner with ScanLines does, every operation bounded
// by the probe's deadline.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_PROBE_SOCKET_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_PROBE_SOCKET_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "integrations/blackbox/prober.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace outpost::integrations::blackbox {

class ProbeSocket {
 public:
  ProbeSocket() = default;
  ~ProbeSocket();
  ProbeSocket(const ProbeSocket&) = delete;
  ProbeSocket& operator=(const ProbeSocket&) = delete;

  // Connects to ip:port by `deadline`, from `source_ip` when not empty.
  absl::Status Connect(const IpAddress& ip, int port, const std::string& source_ip,
                       absl::Time deadline);
  // TLS handshake over the connection (SNI unless `server_name` is an IP;
  // the certificate is checked against it unless `verify` is false).
  // Bytes read but not yet returned as lines are dropped, as upstream's
  // new Scanner does.
  absl::Status StartTls(SSL_CTX* ctx, const std::string& server_name, bool verify,
                        absl::Time deadline);
  // The next line without its "\n" (and a "\r" before it). NotFound at the
  // end of the stream; other errors for a failed read, a timeout or a line
  // over 64 KiB (bufio.MaxScanTokenSize).
  absl::Status ReadLine(absl::Time deadline, std::string* line);
  absl::Status WriteAll(std::string_view data, absl::Time deadline);

  SSL* ssl() const { return ssl_; }

 private:
  absl::Status Wait(short events, absl::Time deadline);
  // Reads more bytes into buf_; false at EOF.
  absl::StatusOr<bool> Fill(absl::Time deadline);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string buf_;
  bool eof_ = false;
};

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_PROBE_SOCKET_H_
