// A minimal blocking HTTP/1.1 client for tests (loopback only). Chunked
// replies (Prometheus sends big ones that way) are decoded.
#ifndef OUTPOST_TESTS_CORE_AGENT_HTTP_GET_H_
#define OUTPOST_TESTS_CORE_AGENT_HTTP_GET_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace outpost::testing {

struct HttpResult {
  int status = 0;  // 0: no connection
  std::string body;
};

// Transfer-Encoding: chunked ("<hex size>\r\n<data>\r\n" ... "0\r\n\r\n");
// *ok is false (and the result partial) when the body is malformed.
inline std::string Dechunk(const std::string& body, bool* ok) {
  std::string out;
  size_t pos = 0;
  *ok = false;
  while (pos < body.size()) {
    const size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos || eol == pos) return out;
    size_t size = 0;
    for (size_t i = pos; i < eol && body[i] != ';'; ++i) {
      const int c = std::tolower(static_cast<unsigned char>(body[i]));
      if (!std::isxdigit(c)) return out;
      size = size * 16 + static_cast<size_t>(std::isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    if (size == 0) {
      *ok = true;
      return out;
    }
    if (eol + 2 + size > body.size()) return out;
    out.append(body, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return out;
}

// Percent-encoding for a query parameter.
inline std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// A TCP connection to 127.0.0.1:port whose reads time out after 10 s;
// -1 when it fails.
inline int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline HttpResult HttpRequestTo(int port, const std::string& method, const std::string& path) {
  HttpResult out;
  const int fd = ConnectLoopback(port);
  if (fd < 0) return out;
  const std::string req = method + " " + path +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return out;
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t sp = raw.find(' ');
  const size_t hdr_end = raw.find("\r\n\r\n");
  if (sp == std::string::npos || hdr_end == std::string::npos) return out;
  out.status = std::atoi(raw.c_str() + sp + 1);
  out.body = raw.substr(hdr_end + 4);
  std::string headers = raw.substr(0, hdr_end);
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (headers.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    bool ok = false;
    std::string body = Dechunk(out.body, &ok);
    if (ok) out.body = std::move(body);
  }
  return out;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_CORE_AGENT_HTTP_GET_H_
