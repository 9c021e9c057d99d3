// A free TCP port on 127.0.0.1 for a test server that cannot bind port 0
// itself (Prometheus, node_exporter). The port is released before return,
// so another process could take it first: acceptable on a test machine.
#ifndef OUTPOST_TESTS_SUPPORT_FREE_PORT_H_
#define OUTPOST_TESTS_SUPPORT_FREE_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace outpost::testing {

// -1 when no port could be had. `type`: SOCK_STREAM (TCP) or SOCK_DGRAM
// (UDP).
inline int FreePort(int type = SOCK_STREAM) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A free UDP port on 127.0.0.1 (an SNMP or DNS server of a test).
inline int FreeUdpPort() { return FreePort(SOCK_DGRAM); }

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_FREE_PORT_H_
