// dns_sd requests and their poll() loop (see dnssd_requests.hpp).
#include "discovery/dnssd_requests.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "discovery/dnssd_platform.hpp"

namespace lxhost::mdns {

namespace {

// How soon a request the daemon dropped (it restarted) is made again while it stays away.
constexpr auto kRestartRetry = std::chrono::milliseconds(100);
// Apple's value; Avahi's older dns_sd.h does not define it, and says kDNSServiceErr_Unknown.
constexpr DNSServiceErrorType kServiceNotRunning = -65563;

// What a request to the daemon that is not there returns: Apple says so, Avahi's compat layer
// can only say kDNSServiceErr_Unknown (avahi_client_new failed).
bool daemon_missing(DNSServiceErrorType error) {
  return error == kServiceNotRunning || error == kDNSServiceErr_Unknown;
}

}  // namespace

std::string dnssd_error(DNSServiceErrorType error) {
  switch (error) {
    case kDNSServiceErr_Unknown: return "kDNSServiceErr_Unknown";
    case kServiceNotRunning: return "kDNSServiceErr_ServiceNotRunning";
    case kDNSServiceErr_BadParam: return "kDNSServiceErr_BadParam";
    case kDNSServiceErr_Unsupported: return "kDNSServiceErr_Unsupported";
    case kDNSServiceErr_NoSuchName: return "kDNSServiceErr_NoSuchName";
    default: return fmt::format("error {}", error);
  }
}

DNSServiceErrorType Requests::add(Request::Start start, void* owner, std::string what,
                                  Request** added, bool remake) {
  auto request = std::make_unique<Request>();
  request->start = start;
  request->owner = owner;
  request->remake = remake;
  request->what = std::move(what);
  DNSServiceRef ref = nullptr;
  const DNSServiceErrorType error = start(&ref, request.get());
  if (error != kDNSServiceErr_NoError && !(daemon_missing(error) && connected_)) {
    if (daemon_missing(error)) {
      throw MdnsUnavailable(fmt::format("mDNS: {} is not running ({}: {})", dnssd_daemon(),
                                        request->what, dnssd_error(error)));
    }
    log_.debug("mdns: {}: {}", printable(request->what), dnssd_error(error));
    return error;
  }
  if (error == kDNSServiceErr_NoError) {
    connected_ = true;
    request->ref.reset(ref);
    request->started = Clock::now();
  } else {
    request->broken = true;
    request->retry_at = Clock::now() + kRestartRetry;
  }
  if (added != nullptr) *added = request.get();
  requests_.push_back(std::move(request));
  return kDNSServiceErr_NoError;
}

void Requests::remove(Request* request) {
  std::erase_if(requests_, [&](const auto& kept) { return kept.get() == request; });
}

void Requests::pump(Clock::time_point until) {
  std::vector<pollfd> fds;
  std::vector<Request*> polled;
  for (const auto& request : requests_) {
    if (request->broken) {
      if (request->remake) until = std::min(until, request->retry_at);
      continue;
    }
    fds.push_back({DNSServiceRefSockFD(request->ref.get()), POLLIN, 0});
    polled.push_back(request.get());
  }
  const int ready = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), wait_ms(until));
  if (ready < 0 && errno != EINTR) {
    throw Failure(fmt::format("mDNS: poll: {}", std::strerror(errno)));
  }
  for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
    Request* request = polled[i];
    if ((fds[i].revents & POLLIN) != 0) {
      const DNSServiceErrorType error = DNSServiceProcessResult(request->ref.get());
      if (error != kDNSServiceErr_NoError) {
        log_.debug("mdns: {}: DNSServiceProcessResult: {}", printable(request->what),
                   dnssd_error(error));
        request->broken = true;
      }
    } else if ((fds[i].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
      log_.debug("mdns: {}: the daemon closed the connection", printable(request->what));
      request->broken = true;
    }
  }
  restart_broken();
}

void Requests::restart_broken() {
  const auto now = Clock::now();
  for (auto& request : requests_) {
    if (!request->broken) continue;
    request->ref.reset();
    if (!request->remake || now < request->retry_at) continue;
    DNSServiceRef ref = nullptr;
    const DNSServiceErrorType error = request->start(&ref, request.get());
    if (error == kDNSServiceErr_NoError) {
      log_.debug("mdns: {}: made again", printable(request->what));
      request->ref.reset(ref);
      request->broken = false;
      request->started = now;
    } else {
      request->retry_at = now + kRestartRetry;
    }
  }
}

void AddressAnswers::begin(IpFamily wanted) {
  *this = AddressAnswers{};
  family = wanted;
  started = Clock::now();
}

void AddressAnswers::add(uint16_t type, uint16_t size, const void* data, uint32_t interface) {
  std::string text;
  if (type == kTypeA && size == 4) text = address_text(AF_INET, data, interface);
  if (type == kTypeAAAA && size == 16) text = address_text(AF_INET6, data, interface);
  if (text.empty()) return;
  (type == kTypeA ? heard.ipv4 : heard.ipv6) = true;
  if (std::find(addresses.begin(), addresses.end(), text) != addresses.end()) return;
  addresses.push_back(std::move(text));
  last = Clock::now();
}

bool AddressAnswers::settled(Clock::time_point now) const {
  return !addresses.empty() && now >= last + kAnswerSettle &&
         families_done(family, heard, std::chrono::duration_cast<std::chrono::milliseconds>(now - started));
}

Clock::time_point AddressAnswers::settles_at() const {
  if (addresses.empty()) return Clock::time_point::max();
  const auto after = families_done_after(family, heard);
  if (after == std::chrono::milliseconds::max()) return Clock::time_point::max();
  return std::max(last + kAnswerSettle, started + after);
}

const char* type_name(uint16_t type) { return type == kTypeA ? "A" : "AAAA"; }

std::vector<uint16_t> address_types(IpFamily family) {
  switch (family) {
    case IpFamily::v4: return {kTypeA};
    case IpFamily::v6: return {kTypeAAAA};
    case IpFamily::any:
    case IpFamily::both: break;
  }
  return {kTypeA, kTypeAAAA};
}

}  // namespace lxhost::mdns
