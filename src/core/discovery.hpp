// mDNS discovery: browse services and resolve `.local` host names, always within a bound.
// The interface and the pure helpers both backends share; the backends (Avahi's client library,
// Bonjour's dns_sd.h) and the factory that picks one are in src/discovery/ (discovery/make.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/log.hpp"

namespace lxhost {

// Which addresses a lookup of a name wants. `any` is what a connection needs: the first answers
// decide (IPv4 is waited for a moment when only IPv6 came; IPv6 is not waited for once IPv4
// came). `both` waits for each family (discover -6, resolve --all).
enum class IpFamily { v4, v6, any, both };

// One DNS-SD service instance as seen on the network, after duplicates were merged.
struct ServiceInstance {
  std::string name;    // instance name, as received (may hold any bytes)
  std::string type;    // "_ssh._tcp"
  std::string domain;  // "local"
  std::string host;    // target host name, "containers.local"; empty when not resolved
  uint16_t port = 0;
  std::vector<std::string> addresses;  // textual, IPv4 before IPv6, no duplicates
  // TXT strings split at the first '=': {"path", "/x"}; a bare key has no value (nullopt-like:
  // `has_value` false), as DNS-SD distinguishes "key" (boolean) from "key=" (empty value).
  struct Txt {
    std::string key;
    std::string value;
    bool has_value = true;
  };
  std::vector<Txt> txt;
  std::string interface;  // interface name ("hostonly0"), or its index when it has no name
  bool resolved = false;  // false: browsed but its resolve failed or timed out (stale entry)
};

struct BrowseRequest {
  std::vector<std::string> types;             // "_ssh._tcp", ...
  std::chrono::milliseconds timeout{2000};    // bound on the whole browse
  std::chrono::milliseconds resolve_timeout{1000};  // bound on resolving one instance
  IpFamily family = IpFamily::v4;             // which addresses to report
};

// How a batch of lookups in parallel ends (list's reverse lookups): when the first answers
// decide, or when every address has an answer (list --mdns-wait); the bound ends both.
enum class LookupWait { first_answers, every_answer };

// What reverse() asks: the name that answers for each address.
struct ReverseRequest {
  std::vector<std::string> addresses;
  // Of `addresses`, those that found no name a moment ago (list remembers them): what the
  // daemon has cached for them is taken, but the call does not wait for them.
  std::vector<std::string> remembered_misses;
  std::chrono::milliseconds timeout{1000};  // bound on the whole call
  LookupWait wait = LookupWait::first_answers;

  bool waits_for(const std::string& address) const;
};

// The mDNS daemon cannot be reached (Avahi not running, no D-Bus): callers may fall back.
struct MdnsUnavailable : Failure {
  using Failure::Failure;
};

class Discovery {
 public:
  virtual ~Discovery() = default;
  virtual std::string_view backend() const = 0;  // "avahi" | "dnssd"
  // Loads what the calls need (Linux: Avahi's libraries, loaded on first use), so that a caller
  // can have it done while it waits for something else. Never fails: a failure shows at the call.
  virtual void prepare() noexcept {}

  // Browses the types until every browser said "all for now" with no resolver pending (Avahi),
  // or 250 ms passed without a new result (dns_sd, which has no "all for now"), or the timeout.
  // A daemon restart during the browse reconnects and goes on within the same deadline.
  virtual std::vector<ServiceInstance> browse(const BrowseRequest& request) = 0;

  // The addresses of a host name, IPv4 before IPv6, within `timeout`: what came by the time the
  // families asked for had their answers (see IpFamily); a lookup ends a moment after its last
  // new address, not at the bound. Empty when nothing answered in time. Throws MdnsUnavailable.
  virtual std::vector<std::string> resolve(std::string_view host, IpFamily family,
                                           std::chrono::milliseconds timeout) = 0;

  // The host names that answer for each address (reverse lookups in parallel, one bound for
  // all, ended as request.wait says: see lookups_over in core/lookup_wait.hpp): result[i] is
  // the name for request.addresses[i], or "" when none answered in time.
  virtual std::vector<std::string> reverse(const ReverseRequest& request) = 0;
};

// Pure helpers (src/core/service_list.cpp), unit-tested.
// Merges instances that are the same (name, type, domain): addresses are united (IPv4 first,
// no duplicates), the first non-empty host/port/txt/interface is kept, resolved if any was.
std::vector<ServiceInstance> merge_instances(std::vector<ServiceInstance> seen);
// Splits raw TXT strings at the first '='. As RFC 6763 6.4 says, a string with no key ("=x",
// "") and every repeat of a key (keys compare case-insensitively) are ignored.
std::vector<ServiceInstance::Txt> parse_txt(const std::vector<std::string>& raw);
// The strings of a TXT record in DNS wire format (each prefixed by its length byte), in order;
// a last string that claims more bytes than are left is dropped.
std::vector<std::string> split_txt_record(std::string_view wire);
// What a browse returns: merge_instances, then sorted by type and name.
std::vector<ServiceInstance> finish_browse(std::vector<ServiceInstance> seen);
// Addresses in a stable order whatever order the answers came in: IPv4 first, then by number
// ("fe80::1%eth0" by its address); duplicates dropped.
std::vector<std::string> order_addresses(std::vector<std::string> addresses);
// "fe80::1%eth0" -> {"fe80::1", "eth0"}; an address without a zone -> {address, ""}.
std::pair<std::string, std::string> split_zone(std::string_view address);
// Text that is safe on a terminal: printable UTF-8 stays, every control character and invalid
// byte becomes a visible escape (\n, \t, \x1b, \xff); a backslash becomes "\\". Valid UTF-8
// that still acts on a terminal or on reading order (C1 controls, bidi overrides, U+2028/9)
// becomes \uXXXX.
std::string printable(std::string_view bytes);
// Whether NAME is an mDNS name: `X.local`, any case, a final dot allowed.
bool is_local_name(std::string_view name);
// NAME without its `.local` (and final dot): "Web.local." -> "Web"; other names as they are.
std::string without_local(std::string_view name);
// Why NAME cannot be a DNS host name (an empty label, a label over 63 bytes, a name over 255
// bytes, a control character), or nullopt when it can be asked for.
std::optional<std::string> host_name_problem(std::string_view name);

}  // namespace lxhost
