// What the dns_sd backend's calls share: owned refs that are made again after the daemon dropped
// them, the poll() loop over their sockets, address answers, and DNS name helpers.
#pragma once

#include <dns_sd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "core/discovery.hpp"
#include "core/lookup_wait.hpp"
#include "discovery/backend_util.hpp"

namespace lxhost::mdns {

struct RefDeleter {
  void operator()(DNSServiceRef ref) const { DNSServiceRefDeallocate(ref); }
};
using RefPtr = std::unique_ptr<std::remove_pointer_t<DNSServiceRef>, RefDeleter>;

constexpr uint16_t kTypeA = kDNSServiceType_A;
constexpr uint16_t kTypeAAAA = kDNSServiceType_AAAA;
constexpr uint16_t kTypePTR = kDNSServiceType_PTR;
constexpr uint16_t kClassIN = kDNSServiceClass_IN;

std::string dnssd_error(DNSServiceErrorType error);

// One outstanding request. `start` makes its ref, and makes it again after the daemon dropped
// it (a restart: the callback gets an error, or the socket hangs up); `owner` is the call's
// state for this request, which the callbacks reach through the request (their context).
struct Request {
  using Start = DNSServiceErrorType (*)(DNSServiceRef*, Request*);
  Start start = nullptr;
  void* owner = nullptr;
  bool remake = true;  // false: its owner handles a drop (an instance resolves again when seen)
  std::string what;    // "DNSServiceBrowse(_ssh._tcp)", for messages
  RefPtr ref;
  bool broken = false;
  Clock::time_point retry_at{};
  Clock::time_point started{};  // when the current ref was made
};

// The requests of one call and the poll() loop over their sockets.
class Requests {
 public:
  explicit Requests(const Log& log) : log_(log) {}

  // Starts a request. The daemon being away at the first request is MdnsUnavailable; later
  // (it is restarting) the request is kept and made again like a dropped one. Any other
  // refusal (a bad service type, say) is returned, with no request kept.
  DNSServiceErrorType add(Request::Start start, void* owner, std::string what,
                          Request** added = nullptr, bool remake = true);
  void remove(Request* request);

  // Waits for the sockets until `until` at most and runs the callbacks of what came. The
  // callbacks only record; the caller acts on it after this returns.
  void pump(Clock::time_point until);

  // Called from a callback that reported an error: the daemon dropped the request.
  static void broke(Request* request) { request->broken = true; }

 private:
  void restart_broken();

  const Log& log_;
  bool connected_ = false;  // a request was accepted once: later refusals are not "not running"
  std::vector<std::unique_ptr<Request>> requests_;
};

// Addresses from A / AAAA answers. Settled when at least one came, no new one for kAnswerSettle,
// and the families asked for had their wait (families_done, core/lookup_wait.hpp).
struct AddressAnswers {
  std::vector<std::string> addresses;
  IpFamily family = IpFamily::any;
  Clock::time_point started{};
  Clock::time_point last{};
  FamilyAnswers heard;

  void begin(IpFamily wanted);
  void add(uint16_t type, uint16_t size, const void* data, uint32_t interface);
  bool settled(Clock::time_point now) const;
  Clock::time_point settles_at() const;
};

// The record types of a family ({A}, {AAAA}, {A, AAAA}) and their names, for messages.
std::vector<uint16_t> address_types(IpFamily family);
const char* type_name(uint16_t type);

}  // namespace lxhost::mdns
