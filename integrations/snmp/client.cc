#include "integrations/snmp/client.h"

// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
// clang-format on
// net-snmp's names for a GETBULK's errstat/errindex would rename
// WalkParams' member.
#undef non_repeaters
#undef max_repetitions
#include <poll.h>

#include <algorithm>
#include <clocale>
#include <cmath>
#include <map>
#include <mutex>
#include <utility>

#include "core/base/absl_compat.h"
#include "integrations/common/lazy_libraries.h"
#include "integrations/common/text.h"

namespace outpost::integrations::snmp {
namespace {

// Guards every net-snmp call (see client.h).
std::mutex& LibraryMutex() {
  static auto* mu = new std::mutex;
  return *mu;
}

// One of net-snmp's exported OID arrays by name ("usmHMACMD5AuthProtocol"):
// data, for which netsnmp_lazy.cc has no forwarding function.
const oid* NetSnmpOid(const char* name) { return static_cast<const oid*>(LibNetSnmp().Symbol(name)); }

struct Protocol {
  std::string_view name;
  const char* symbol;  // net-snmp's OID array, found in the library when used
  size_t len;
  const oid* id() const { return NetSnmpOid(symbol); }
};
// OID_LENGTH is a sizeof of the header's array: nothing is read here.
#define OUTPOST_SNMP_PROTOCOL(name, array) {name, #array, OID_LENGTH(array)}

const Protocol kAuthProtocols[] = {
    OUTPOST_SNMP_PROTOCOL("MD5", usmHMACMD5AuthProtocol),
    OUTPOST_SNMP_PROTOCOL("SHA", usmHMACSHA1AuthProtocol),
    OUTPOST_SNMP_PROTOCOL("SHA224", usmHMAC128SHA224AuthProtocol),
    OUTPOST_SNMP_PROTOCOL("SHA256", usmHMAC192SHA256AuthProtocol),
    OUTPOST_SNMP_PROTOCOL("SHA384", usmHMAC256SHA384AuthProtocol),
    OUTPOST_SNMP_PROTOCOL("SHA512", usmHMAC384SHA512AuthProtocol),
};

// gosnmp's AES192/AES256 extend the key as Blumenthal's draft, AES192C/
// AES256C as Reeder's (Cisco): net-snmp's usmAES*PrivProtocol and
// usmAES*CiscoPrivProtocol.
const Protocol kPrivProtocols[] = {
    OUTPOST_SNMP_PROTOCOL("DES", usmDESPrivProtocol),
    OUTPOST_SNMP_PROTOCOL("AES", usmAESPrivProtocol),
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
    OUTPOST_SNMP_PROTOCOL("AES192", usmAES192PrivProtocol),
    OUTPOST_SNMP_PROTOCOL("AES256", usmAES256PrivProtocol),
    OUTPOST_SNMP_PROTOCOL("AES192C", usmAES192CiscoPrivProtocol),
    OUTPOST_SNMP_PROTOCOL("AES256C", usmAES256CiscoPrivProtocol),
#endif
};

template <size_t N>
const Protocol* FindProtocol(const Protocol (&table)[N], std::string_view name) {
  for (const Protocol& p : table) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

int SecurityLevel(std::string_view level) {
  if (level == "authPriv") return SNMP_SEC_LEVEL_AUTHPRIV;
  if (level == "authNoPriv") return SNMP_SEC_LEVEL_AUTHNOPRIV;
  return SNMP_SEC_LEVEL_NOAUTH;
}

// "[transport://]host[:port]" -> net-snmp's "transport:host:port".
absl::StatusOr<std::string> PeerName(std::string_view target) {
  std::string transport = "udp";
  if (size_t p = target.find("://"); p != std::string_view::npos) {
    transport = std::string(target.substr(0, p));
    target = target.substr(p + 3);
  }
  if (transport != "udp" && transport != "udp6" && transport != "tcp" && transport != "tcp6")
    return absl::InvalidArgumentError(Cat("unsupported transport \"", transport, "\" in target ", target));
  std::string_view host = target, port = "161";
  // Go's net.SplitHostPort: "[v6]:port", "host:port"; otherwise the
  // whole target is the host.
  if (!target.empty() && target.front() == '[') {
    const size_t close = target.find(']');
    if (close != std::string_view::npos && close + 1 < target.size() && target[close + 1] == ':') {
      host = target.substr(1, close - 1);
      port = target.substr(close + 2);
    }
  } else if (size_t colon = target.rfind(':');
             colon != std::string_view::npos && target.find(':') == colon) {
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  uint64_t p = 0;
  if (!ParseUint(port, &p) || p > 65535)
    return absl::InvalidArgumentError(
        Cat("error converting port number to int for target \"", target, "\""));
  const bool v6 = host.find(':') != std::string_view::npos;
  if (v6 && transport.back() != '6') transport += '6';
  return v6 ? Cat(transport, ":[", host, "]:", p) : Cat(transport, ":", host, ":", p);
}

Pdu ToPdu(const netsnmp_variable_list* v) {
  Pdu p;
  p.oid.assign(v->name, v->name + v->name_length);
  p.type = static_cast<PduType>(v->type);
  switch (v->type) {
    case ASN_INTEGER:
      p.integer = *v->val.integer;
      break;
    case ASN_OCTET_STR:
    case ASN_OPAQUE:
    case ASN_IPADDRESS:
      if (v->val.string != nullptr)
        p.bytes.assign(reinterpret_cast<const char*>(v->val.string), v->val_len);
      break;
    case ASN_COUNTER:
    case ASN_GAUGE:
    case ASN_TIMETICKS:
      p.counter = static_cast<uint32_t>(*v->val.integer);
      break;
    case ASN_COUNTER64:
      p.counter = (static_cast<uint64_t>(v->val.counter64->high) << 32) |
                  static_cast<uint32_t>(v->val.counter64->low);
      break;
    case ASN_OBJECT_ID:
      p.oid_value.assign(v->val.objid, v->val.objid + v->val_len / sizeof(oid));
      break;
    case ASN_NULL:
    case SNMP_NOSUCHOBJECT:
    case SNMP_NOSUCHINSTANCE:
    case SNMP_ENDOFMIBVIEW:
      break;
    default:
      // net-snmp's decoded Opaque sub-types (float, double, ...): kept
      // as an empty Opaque.
      p.type = PduType::kOpaque;
      break;
  }
  return p;
}

bool InSubtree(const Oid& oid, const Oid& root) {
  return oid.size() > root.size() && std::equal(root.begin(), root.end(), oid.begin());
}

std::string OidString(const Oid& oid) {
  std::string s;
  for (uint32_t o : oid) s += Cat(".", o);
  return s;
}

}  // namespace

void InitNetSnmp() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::lock_guard<std::mutex> lock(LibraryMutex());
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    // init_snmp makes <persistent dir>/cert_indexes (TLS certificate
    // index) whatever the flags above: a directory that cannot be made.
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, "/dev/null/net-snmp");
    // No MIB directory: the default module list finds nothing to load.
    netsnmp_set_mib_directory("");
    // init_snmp sets LC_CTYPE from the environment; keep the process's.
    const char* cur = setlocale(LC_CTYPE, nullptr);
    const std::string ctype = cur != nullptr ? cur : "C";
    init_snmp("outpost");
    setlocale(LC_CTYPE, ctype.c_str());
  });
}

// One open net-snmp session and the reply of its pending request.
struct Client::Session {
  ~Session() { Close(); }

  void Close() {
    if (handle == nullptr) return;
    std::lock_guard<std::mutex> lock(LibraryMutex());
    ReleaseUser();
    snmp_sess_close(handle);
    handle = nullptr;
  }

  // net-snmp's USM table holds one user per (engine ID, name), shared by
  // every session: the sessions of this process that use one count their
  // references to it (under LibraryMutex), the last one removes it, so
  // that changed credentials take effect and differing ones are noticed.
  struct UserRef {
    int refs = 0;
    std::string keys;  // what the user was made from
  };
  static std::map<std::string, UserRef>& Users() {
    static auto* users = new std::map<std::string, UserRef>;
    return *users;
  }

  // Under LibraryMutex, the engine ID known.
  absl::Status AcquireUser(netsnmp_session* ss) {
    const std::string engine(reinterpret_cast<const char*>(ss->securityEngineID), ss->securityEngineIDLen);
    const std::string key = Cat(engine, std::string_view("\0", 1), username);
    auto proto = [](const oid* id, size_t len) {
      return id == nullptr ? std::string() : OidString(Oid(id, id + len));
    };
    const std::string keys =
        Cat(std::string_view(reinterpret_cast<const char*>(config.securityAuthKey), config.securityAuthKeyLen),
            "/", proto(config.securityAuthProto, config.securityAuthProtoLen), "/",
            std::string_view(reinterpret_cast<const char*>(config.securityPrivKey), config.securityPrivKeyLen),
            "/", proto(config.securityPrivProto, config.securityPrivProtoLen), "/", config.securityLevel);
    UserRef& ref = Users()[key];
    if (ref.refs > 0 && ref.keys != keys)
      return absl::FailedPreconditionError(
          Cat("SNMPv3 user ", username,
              " is in use for this device with other credentials (net-snmp keeps one per device and user)"));
    if (ref.refs == 0) {
      ref.keys = keys;
      RemoveUser(engine, username);  // not ours: a leftover
    }
    if (create_user_from_session(ss) != SNMPERR_SUCCESS) {
      if (ref.refs == 0) Users().erase(key);
      return absl::InternalError("cannot create the SNMPv3 user");
    }
    ++ref.refs;
    user_key = key;
    user_engine = engine;
    return absl::OkStatus();
  }

  void ReleaseUser() {
    if (user_key.empty()) return;
    auto it = Users().find(user_key);
    if (it != Users().end() && --it->second.refs <= 0) {
      RemoveUser(user_engine, username);
      Users().erase(it);
    }
    user_key.clear();
  }

  static void RemoveUser(const std::string& engine, const std::string& name) {
    usmUser* u = usm_get_user(reinterpret_cast<const u_char*>(engine.data()), engine.size(),
                              const_cast<char*>(name.c_str()));
    if (u == nullptr) return;
    usm_remove_user(u);
    usm_free_user(u);
  }

  // The reply the callback fills for request `pending`.
  struct Reply {
    bool done = false;
    bool received = false;
    int command = 0;
    long errstat = 0;  // NOLINT(runtime/int): net-snmp's type
    int report = 0;    // SNMPERR_* of an SNMPv3 report
    std::vector<Pdu> vars;
  };

  static int Callback(int op, netsnmp_session*, int reqid, netsnmp_pdu* pdu, void* magic) {
    auto* s = static_cast<Session*>(magic);
    // A report to a request the agent could not authenticate or decrypt
    // has no request id (net-snmp matched it by message id), as
    // snmp_synch_input accepts.
    const bool report = pdu != nullptr && pdu->command == SNMP_MSG_REPORT;
    if ((reqid != s->pending && !report) || s->pending == 0 || s->reply.done) return 1;
    // A report (an SNMPv3 error, or the answer to the engine probe) comes
    // as SEC_ERROR, then again as RECEIVED_MESSAGE.
    if ((op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || op == NETSNMP_CALLBACK_OP_SEC_ERROR) &&
        pdu != nullptr) {
      s->reply.received = true;
      s->reply.done = true;
      s->reply.command = pdu->command;
      s->reply.errstat = pdu->errstat;
      if (pdu->command == SNMP_MSG_REPORT) s->reply.report = snmpv3_get_report_type(pdu);
      for (const netsnmp_variable_list* v = pdu->variables; v != nullptr; v = v->next_variable)
        s->reply.vars.push_back(ToPdu(v));
    } else if (op != NETSNMP_CALLBACK_OP_TIMED_OUT) {
      s->reply.done = true;  // send failure
    }
    return 1;
  }

  netsnmp_session config;  // what snmp_sess_open copies
  std::string peer, community, username, context;
  void* handle = nullptr;
  int pending = 0;
  Reply reply;
  ScrapeCounts* counts = nullptr;
  std::string user_key, user_engine;  // set while holding a USM user
};

absl::StatusOr<std::unique_ptr<Client>> Client::Create(std::string_view target, const Auth& auth,
                                                       std::string_view snmp_context) {
  if (absl::Status s = LibNetSnmp().Load(); !s.ok()) return s;
  InitNetSnmp();
  absl::StatusOr<std::string> peer = PeerName(target);
  if (!peer.ok()) return peer.status();
  std::unique_ptr<Client> c(new Client);
  c->target_ = std::string(target);
  c->session_ = std::make_unique<Session>();
  c->session_->counts = &c->counts_;
  Session& s = *c->session_;
  s.peer = *std::move(peer);
  s.community = auth.community.reveal();
  s.username = auth.username;
  s.context = snmp_context.empty() ? auth.context_name : std::string(snmp_context);
  netsnmp_session& cfg = s.config;
  {
    std::lock_guard<std::mutex> lock(LibraryMutex());
    snmp_sess_init(&cfg);
  }
  cfg.peername = s.peer.data();
  cfg.retries = 0;  // resent here, counted
  cfg.version = auth.version == 1   ? SNMP_VERSION_1
                : auth.version == 3 ? SNMP_VERSION_3
                                    : SNMP_VERSION_2c;
  cfg.community = reinterpret_cast<u_char*>(s.community.data());
  cfg.community_len = s.community.size();
  if (auth.version != 3) return c;

  cfg.securityModel = SNMP_SEC_MODEL_USM;
  cfg.securityName = s.username.data();
  cfg.securityNameLen = s.username.size();
  cfg.securityLevel = SecurityLevel(auth.security_level);
  cfg.contextName = s.context.data();
  cfg.contextNameLen = s.context.size();
  if (cfg.securityLevel == SNMP_SEC_LEVEL_NOAUTH) return c;
  const Protocol* ap = FindProtocol(kAuthProtocols, auth.auth_protocol);
  if (ap == nullptr)
    return absl::InvalidArgumentError(Cat("auth protocol ", auth.auth_protocol, " is not supported"));
  cfg.securityAuthProto = const_cast<oid*>(ap->id());
  cfg.securityAuthProtoLen = ap->len;
  std::lock_guard<std::mutex> lock(LibraryMutex());
  const std::string& pw = auth.password.reveal();
  cfg.securityAuthKeyLen = USM_AUTH_KU_LEN;
  if (generate_Ku(ap->id(), ap->len, reinterpret_cast<const u_char*>(pw.data()), pw.size(),
                  cfg.securityAuthKey, &cfg.securityAuthKeyLen) != SNMPERR_SUCCESS)
    return absl::InvalidArgumentError("cannot derive the SNMPv3 auth key (password too short?)");
  if (cfg.securityLevel != SNMP_SEC_LEVEL_AUTHPRIV) return c;
  const Protocol* pp = FindProtocol(kPrivProtocols, auth.priv_protocol);
  if (pp == nullptr)
    return absl::InvalidArgumentError(
        Cat("priv protocol ", auth.priv_protocol, " is not supported by this net-snmp library"));
  cfg.securityPrivProto = const_cast<oid*>(pp->id());
  cfg.securityPrivProtoLen = pp->len;
  const std::string& ppw = auth.priv_password.reveal();
  cfg.securityPrivKeyLen = USM_PRIV_KU_LEN;
  if (generate_Ku(ap->id(), ap->len, reinterpret_cast<const u_char*>(ppw.data()), ppw.size(),
                  cfg.securityPrivKey, &cfg.securityPrivKeyLen) != SNMPERR_SUCCESS)
    return absl::InvalidArgumentError("cannot derive the SNMPv3 priv key (password too short?)");
  return c;
}

Client::~Client() = default;

namespace {

using Session = Client::Session;

struct PduDeleter {
  void operator()(netsnmp_pdu* p) const {
    if (p != nullptr) snmp_free_pdu(p);
  }
};
using PduPtr = std::unique_ptr<netsnmp_pdu, PduDeleter>;

std::string SessionError(void* handle) {
  int liberr = 0, syserr = 0;
  char* msg = nullptr;
  snmp_sess_error(handle, &liberr, &syserr, &msg);
  std::string out = msg != nullptr ? msg : "unknown net-snmp error";
  free(msg);
  return out;
}

// Sends `req` (a template, cloned per attempt) and waits for its reply in
// s->reply, resending after each timeout up to params.retries times.
absl::Status Exchange(Session* s, const netsnmp_pdu* req, const WalkParams& params,
                      absl::Time deadline) {
  for (int attempt = 0;; ++attempt) {
    absl::Time now = absl::Now();
    if (now >= deadline) return absl::DeadlineExceededError("scrape deadline reached");
    const absl::Time until = std::min(now + params.timeout, deadline);
    s->reply = Session::Reply{};
    int fd = -1;
    {
      std::lock_guard<std::mutex> lock(LibraryMutex());
      netsnmp_pdu* pdu = snmp_clone_pdu(const_cast<netsnmp_pdu*>(req));
      if (pdu == nullptr) return absl::ResourceExhaustedError("cannot copy an SNMP PDU");
      netsnmp_session* ss = snmp_sess_session(s->handle);
      ss->timeout = std::max<long>(1, absl::ToInt64Microseconds(until - now));  // NOLINT
      s->pending = snmp_sess_async_send(s->handle, pdu, &Session::Callback, s);
      if (s->pending == 0) {
        snmp_free_pdu(pdu);
        return absl::UnavailableError(SessionError(s->handle));
      }
      fd = snmp_sess_transport(s->handle)->sock;
    }
    ++s->counts->packets_sent;
    if (attempt > 0) ++s->counts->packets_retried;
    while (!s->reply.done) {
      now = absl::Now();
      if (now >= until) break;
      pollfd p{fd, POLLIN, 0};
      const int ms = static_cast<int>(std::ceil(absl::ToDoubleMilliseconds(until - now)));
      const int r = poll(&p, 1, std::max(ms, 1));
      if (r <= 0) continue;  // timeout (checked above) or EINTR
      std::lock_guard<std::mutex> lock(LibraryMutex());
      netsnmp_large_fd_set fds;
      netsnmp_large_fd_set_init(&fds, fd + 1);
      NETSNMP_LARGE_FD_SET(fd, &fds);
      snmp_sess_read2(s->handle, &fds);
      netsnmp_large_fd_set_cleanup(&fds);
    }
    if (s->reply.done) {
      s->pending = 0;
      if (s->reply.received && s->reply.command != SNMP_MSG_REPORT) return absl::OkStatus();
      if (s->reply.report != 0)
        return absl::PermissionDeniedError(snmp_api_errstring(s->reply.report));
      if (s->reply.received) return absl::OkStatus();  // a report: the caller decides
      return absl::UnavailableError(SessionError(s->handle));
    }
    s->pending = 0;
    if (attempt >= params.retries)
      return absl::DeadlineExceededError(Cat("request timeout (after ", attempt, " retries)"));
  }
}

// SNMPv3 engine discovery as net-snmp's own probe (snmpusm.c
// usm_discover_engineid), but through Exchange: a GET with no variables
// from the empty user, whose report carries the engine ID; then the
// session's user is localised for it.
absl::Status DiscoverEngine(Session* s, const WalkParams& params, absl::Time deadline) {
  PduPtr probe;
  {
    std::lock_guard<std::mutex> lock(LibraryMutex());
    if (usm_get_user(nullptr, 0, const_cast<char*>("")) == nullptr) {
      auto* user = static_cast<usmUser*>(calloc(1, sizeof(usmUser)));
      if (user == nullptr) return absl::ResourceExhaustedError("out of memory");
      user->name = strdup("");
      user->secName = strdup("");
      user->authProtocolLen = OID_LENGTH(usmNoAuthProtocol);
      user->authProtocol = snmp_duplicate_objid(NetSnmpOid("usmNoAuthProtocol"), user->authProtocolLen);
      user->privProtocolLen = OID_LENGTH(usmNoPrivProtocol);
      user->privProtocol = snmp_duplicate_objid(NetSnmpOid("usmNoPrivProtocol"), user->privProtocolLen);
      usm_add_user(user);
    }
    probe.reset(snmp_pdu_create(SNMP_MSG_GET));
    probe->version = SNMP_VERSION_3;
    probe->securityName = strdup("");
    probe->securityNameLen = 0;
    probe->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    probe->securityModel = SNMP_SEC_MODEL_USM;
  }
  absl::Status st = Exchange(s, probe.get(), params, deadline);
  if (!st.ok() && !absl::IsPermissionDenied(st)) return st;
  std::lock_guard<std::mutex> lock(LibraryMutex());
  netsnmp_session* ss = snmp_sess_session(s->handle);
  if (ss->securityEngineIDLen == 0)
    return absl::UnavailableError("unable to determine the remote SNMPv3 engine ID");
  return s->AcquireUser(ss);
}

absl::Status Open(Session* s, const WalkParams& params, absl::Time deadline) {
  {
    std::lock_guard<std::mutex> lock(LibraryMutex());
    netsnmp_session cfg = s->config;
    // The v3 probe is done below, without blocking the library.
    cfg.flags |= SNMP_FLAGS_DONT_PROBE;
    s->handle = snmp_sess_open(&cfg);
    if (s->handle == nullptr)
      return absl::UnavailableError(Cat("cannot open ", s->peer, ": ", snmp_api_errstring(cfg.s_snmp_errno)));
    snmp_sess_session(s->handle)->flags |= SNMP_FLAGS_DONT_PROBE;
  }
  if (s->config.version != SNMP_VERSION_3) return absl::OkStatus();
  absl::Status st = DiscoverEngine(s, params, deadline);
  if (!st.ok()) s->Close();
  return st;
}

PduPtr NewPdu(int command, const std::vector<Oid>& oids, size_t from, size_t n) {
  std::lock_guard<std::mutex> lock(LibraryMutex());
  PduPtr pdu(snmp_pdu_create(command));
  std::vector<oid> buf;
  for (size_t i = from; i < from + n; ++i) {
    buf.assign(oids[i].begin(), oids[i].end());
    snmp_add_null_var(pdu.get(), buf.data(), buf.size());
  }
  return pdu;
}

// collector.go ScrapeTarget's GET loop.
absl::Status Get(Session* s, const std::vector<Oid>& oids, const WalkParams& params,
                 absl::Time deadline, std::vector<Pdu>* out) {
  const bool v1 = s->config.version == SNMP_VERSION_1;
  size_t max = params.max_repetitions;
  if (max == 0 || v1) max = 1;
  for (size_t i = 0; i < oids.size(); i += max) {
    const size_t n = std::min(max, oids.size() - i);
    PduPtr req = NewPdu(SNMP_MSG_GET, oids, i, n);
    absl::Status st = Exchange(s, req.get(), params, deadline);
    if (!st.ok()) return absl::Status(st.code(), Cat("error getting target ", ToStd(st.message())));
    if (v1 && s->reply.errstat == SNMP_ERR_NOSUCHNAME) continue;
    if (s->reply.errstat != SNMP_ERR_NOERROR)
      return absl::UnavailableError(Cat("error reported by target: Error Status ", s->reply.errstat));
    for (Pdu& p : s->reply.vars) {
      if (p.type == PduType::kNoSuchObject || p.type == PduType::kNoSuchInstance) continue;
      out->push_back(std::move(p));
    }
  }
  return absl::OkStatus();
}

// gosnmp walk.go walk(): GETBULK (v2c, v3) or GETNEXT (v1) from `root`.
absl::Status Walk(Session* s, const Oid& root, const WalkParams& params, absl::Time deadline,
                  std::vector<Pdu>* out) {
  const bool v1 = s->config.version == SNMP_VERSION_1;
  int command = v1 ? SNMP_MSG_GETNEXT : SNMP_MSG_GETBULK;
  const long reps = params.max_repetitions == 0 ? 50 : params.max_repetitions;  // NOLINT
  std::vector<Oid> next{root};
  for (int requests = 1;; ++requests) {
    PduPtr req = NewPdu(command, next, 0, 1);
    if (command == SNMP_MSG_GETBULK) {
      req->errstat = 0;      // non-repeaters
      req->errindex = reps;  // max-repetitions
    }
    absl::Status st = Exchange(s, req.get(), params, deadline);
    if (!st.ok()) return absl::Status(st.code(), Cat("error walking target ", ToStd(st.message())));
    std::vector<Pdu>& vars = s->reply.vars;
    if (vars.empty() || s->reply.errstat != SNMP_ERR_NOERROR) return absl::OkStatus();
    for (size_t i = 0; i < vars.size(); ++i) {
      Pdu& p = vars[i];
      if (p.type == PduType::kEndOfMibView || p.type == PduType::kNoSuchObject ||
          p.type == PduType::kNoSuchInstance)
        return absl::OkStatus();
      if (!InSubtree(p.oid, root)) {
        if (requests == 1 && i == 0 && command != SNMP_MSG_GET) {
          command = SNMP_MSG_GET;  // a leaf OID: GET it
          break;
        }
        if (p.oid == root) out->push_back(std::move(p));
        return absl::OkStatus();
      }
      if (!params.allow_nonincreasing_oids && p.oid == next[0])
        return absl::UnavailableError(Cat("error walking target: OID not increasing: ", OidString(p.oid)));
      out->push_back(p);
    }
    if (command != SNMP_MSG_GET) next[0] = vars.back().oid;
  }
}

}  // namespace

absl::Status Client::Scrape(const std::vector<Oid>& get, const std::vector<Oid>& walk,
                            const WalkParams& params, absl::Time deadline, std::vector<Pdu>* out) {
  counts_ = ScrapeCounts{};
  Session* s = session_.get();
  absl::Status st;
  if (s->handle == nullptr) st = Open(s, params, deadline);
  if (st.ok()) st = Get(s, get, params, deadline, out);
  for (size_t i = 0; st.ok() && i < walk.size(); ++i) st = Walk(s, walk[i], params, deadline, out);
  if (!st.ok()) s->Close();
  return st;
}

}  // namespace outpost::integrations::snmp
