// A byte stream to a server: TCP, unix socket, or TLS over TCP (OpenSSL),
// with a deadline on every operation (non-blocking sockets and poll). One
// code path for plain and TLS, so the protocol client on top (redis's RESP
// client, memcached's text protocol) does not care which it has.
//
// Errors: Unavailable for connect/refused/reset/closed, DeadlineExceeded on
// a timeout, InvalidArgument/FailedPrecondition for TLS setup (bad CA or
// key file). After any error the connection is unusable; open a new one.
// Thread-safety: none; one user at a time.
#ifndef OUTPOST_INTEGRATIONS_COMMON_STREAM_CONNECTION_H_
#define OUTPOST_INTEGRATIONS_COMMON_STREAM_CONNECTION_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace outpost::integrations {

// Where to connect: a TCP host and port, or a unix socket path.
struct StreamEndpoint {
  bool unix_socket = false;
  std::string host;  // TCP host (IPv6 without brackets)
  int port = 0;
  std::string path;  // unix socket path
};

struct TlsSettings {
  std::string ca_file;    // empty: the system's default CA paths
  std::string cert_file;  // client certificate (with key_file), optional
  std::string key_file;
  bool skip_verify = false;
  std::string server_name;  // SNI and the name verified; empty: the host
  int min_version = 0;      // OpenSSL's TLS1_x_VERSION; 0: TLS 1.2
};

// An OpenSSL client context built once from TlsSettings (files are read at
// construction). Shared by the successive connections of one integration.
class TlsContext {
 public:
  static absl::StatusOr<std::shared_ptr<TlsContext>> Create(const TlsSettings& s);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL_CTX* get() const { return ctx_; }
  bool skip_verify() const { return skip_verify_; }
  const std::string& server_name() const { return server_name_; }

 private:
  TlsContext(SSL_CTX* ctx, const TlsSettings& s)
      : ctx_(ctx), skip_verify_(s.skip_verify), server_name_(s.server_name) {}
  SSL_CTX* ctx_;
  bool skip_verify_;
  std::string server_name_;
};

class Connection {
 public:
  // Connects to `ep` (TLS when `tls` is non-null, with SNI and host name
  // verification against the settings' server_name, else ep.host) by
  // `deadline`.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const StreamEndpoint& ep,
                                                          std::shared_ptr<TlsContext> tls,
                                                          absl::Time deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status WriteAll(std::string_view data, absl::Time deadline);
  // Reads at least one byte (up to `cap`) into `buf`; returns the count.
  // Unavailable when the peer closed the connection.
  absl::StatusOr<size_t> ReadSome(char* buf, size_t cap, absl::Time deadline);

 private:
  Connection(int fd, std::shared_ptr<TlsContext> tls, SSL* ssl)
      : fd_(fd), tls_(std::move(tls)), ssl_(ssl) {}
  // Waits until the socket is readable (`events` POLLIN) or writable.
  absl::Status Wait(short events, absl::Time deadline);
  absl::Status Handshake(const std::string& host, absl::Time deadline);

  int fd_;
  std::shared_ptr<TlsContext> tls_;
  SSL* ssl_;
};

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_STREAM_CONNECTION_H_
