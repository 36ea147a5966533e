// The Avahi session loop and the address collector (see avahi_session.hpp).
#include "discovery/avahi_session.hpp"

#include <avahi-common/defs.h>
#include <avahi-common/error.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace lxhost::mdns {

namespace {

// How soon to try again when even a AVAHI_CLIENT_NO_FAIL client could not be made (no D-Bus).
constexpr auto kReconnectRetry = std::chrono::milliseconds(100);

}  // namespace

std::string address_text(const AvahiAddress& address, AvahiIfIndex interface) {
  if (address.proto == AVAHI_PROTO_INET) {
    return address_text(AF_INET, &address.data.ipv4.address, interface_index(interface));
  }
  return address_text(AF_INET6, address.data.ipv6.address, interface_index(interface));
}

std::string avahi_error(int error) { return avahi_strerror(error); }

// Avahi's TXT list holds the strings in reverse; its serialisation is the record as sent.
std::vector<std::string> txt_strings(AvahiStringList* txt) {
  std::string wire(avahi_string_list_serialize(txt, nullptr, 0), '\0');
  wire.resize(avahi_string_list_serialize(txt, wire.data(), wire.size()));
  return split_txt_record(wire);
}

AddressCollector::AddressCollector(AvahiClient* client, const std::string& host,
                                   AvahiIfIndex interface, IpFamily family, const Log& log)
    : log_(log), host_(host), family_(family), started_(Clock::now()) {
  if (family != IpFamily::v6) open(client, interface, AVAHI_DNS_TYPE_A);
  if (family != IpFamily::v4) open(client, interface, AVAHI_DNS_TYPE_AAAA);
}

void AddressCollector::add(std::string address, bool cached) {
  if (address.empty()) return;
  only_cached_ = only_cached_ && cached;
  (address.find(':') == std::string::npos ? ipv4_answered_ : ipv6_answered_) = true;
  if (std::find(addresses_.begin(), addresses_.end(), address) != addresses_.end()) return;
  log_.debug("mdns: {} has address {} ({} ms)", printable(host_), address, elapsed_ms(started_));
  addresses_.push_back(std::move(address));
  last_answer_ = Clock::now();
}

FamilyAnswers AddressCollector::heard() const {
  FamilyAnswers heard{.ipv4 = ipv4_answered_, .ipv6 = ipv6_answered_};
  for (const auto& browser : browsers_) {
    if (browser->all_for_now) (browser->type == AVAHI_DNS_TYPE_A ? heard.ipv4_given_up : heard.ipv6_given_up) = true;
  }
  return heard;
}

bool AddressCollector::settled(Clock::time_point now) const {
  if (!has_answer()) return false;
  const bool cache_read = std::all_of(browsers_.begin(), browsers_.end(),
                                      [](const auto& browser) { return browser->cache_read; });
  if (!(cache_read && only_cached_) && now < last_answer_ + kAnswerSettle) return false;
  return cache_read &&
         families_done(family_, heard(), std::chrono::duration_cast<std::chrono::milliseconds>(now - started_));
}

Clock::time_point AddressCollector::settles_at() const {
  const auto after = families_done_after(family_, heard());
  if (after == std::chrono::milliseconds::max()) return Clock::time_point::max();
  const bool cache_read = std::all_of(browsers_.begin(), browsers_.end(),
                                      [](const auto& browser) { return browser->cache_read; });
  if (cache_read && only_cached_) return started_ + after;
  return std::max(last_answer_ + kAnswerSettle, started_ + after);
}

void AddressCollector::open(AvahiClient* client, AvahiIfIndex interface, uint16_t type) {
  auto browser = std::make_unique<Browser>();
  browser->owner = this;
  browser->type = type;
  browser->handle.reset(avahi_record_browser_new(
      client, interface, AVAHI_PROTO_UNSPEC, host_.c_str(), AVAHI_DNS_CLASS_IN, type,
      static_cast<AvahiLookupFlags>(0), on_record, browser.get()));
  if (!browser->handle) {
    log_.debug("mdns: avahi_record_browser_new({}): {}", printable(host_),
               avahi_error(avahi_client_errno(client)));
    browser->cache_read = browser->all_for_now = true;
  }
  browsers_.push_back(std::move(browser));
}

void AddressCollector::on_record(AvahiRecordBrowser*, AvahiIfIndex interface, AvahiProtocol,
                                 AvahiBrowserEvent event, const char*, uint16_t clazz,
                                 uint16_t type, const void* rdata, size_t size,
                                 AvahiLookupResultFlags, void* userdata) {
  auto* browser = static_cast<Browser*>(userdata);
  switch (event) {
    case AVAHI_BROWSER_NEW:
      if (clazz != AVAHI_DNS_CLASS_IN) break;
      if (type == AVAHI_DNS_TYPE_A && size == 4) {
        browser->owner->add(address_text(AF_INET, rdata, interface_index(interface)), !browser->cache_read);
      } else if (type == AVAHI_DNS_TYPE_AAAA && size == 16) {
        browser->owner->add(address_text(AF_INET6, rdata, interface_index(interface)), !browser->cache_read);
      }
      break;
    case AVAHI_BROWSER_CACHE_EXHAUSTED: browser->cache_read = true; break;
    case AVAHI_BROWSER_ALL_FOR_NOW:
    case AVAHI_BROWSER_FAILURE: browser->cache_read = browser->all_for_now = true; break;
    case AVAHI_BROWSER_REMOVE: break;
  }
}

AvahiSession::AvahiSession(const Log& log) : log_(log), poll_(avahi_simple_poll_new()) {
  if (!poll_) throw Failure("mDNS: out of memory (avahi_simple_poll_new)");
}

void AvahiSession::run_until(Clock::time_point deadline) {
  connect();
  for (;;) {
    const auto now = Clock::now();
    if (lost_ && now >= retry_at_) reconnect(now);
    if (!running_ && client_ && avahi_client_get_state(client_.get()) == AVAHI_CLIENT_S_RUNNING) {
      if (reconnected_) log_.debug("mdns: the Avahi daemon is back; starting again");
      running_ = true;
      start_lookups(client_.get());
    }
    if (running_) advance(now);
    if ((running_ && finished(now)) || now >= deadline) return;
    auto until = deadline;
    if (running_) until = std::min(until, next_wakeup());
    if (lost_) until = std::min(until, retry_at_);
    if (avahi_simple_poll_iterate(poll_.get(), wait_ms(until)) < 0 && errno != EINTR) {
      throw Failure(fmt::format("mDNS: the Avahi event loop failed: {}", std::strerror(errno)));
    }
  }
}

void AvahiSession::connect() {
  int error = 0;
  client_.reset(avahi_client_new(avahi_simple_poll_get(poll_.get()),
                                 static_cast<AvahiClientFlags>(0), on_client_state, this, &error));
  if (client_) return;
  if (error == AVAHI_ERR_NO_DAEMON) {
    throw MdnsUnavailable(fmt::format(
        "mDNS: the Avahi daemon is not running (avahi_client_new: {})", avahi_error(error)));
  }
  throw MdnsUnavailable(fmt::format("mDNS: cannot reach the Avahi daemon (avahi_client_new: {})",
                                    avahi_error(error)));
}

void AvahiSession::reconnect(Clock::time_point now) {
  if (running_) stop_lookups();
  running_ = false;
  client_.reset();
  int error = 0;
  client_.reset(avahi_client_new(avahi_simple_poll_get(poll_.get()), AVAHI_CLIENT_NO_FAIL,
                                 on_client_state, this, &error));
  reconnected_ = true;
  lost_ = !client_;
  if (lost_) {
    log_.debug("mdns: avahi_client_new: {}; trying again", avahi_error(error));
    retry_at_ = now + kReconnectRetry;
  }
}

void AvahiSession::on_client_state(AvahiClient* client, AvahiClientState state, void* userdata) {
  auto* session = static_cast<AvahiSession*>(userdata);
  if (state == AVAHI_CLIENT_FAILURE) {
    session->log_.debug("mdns: Avahi client failed ({}); reconnecting",
                        avahi_error(avahi_client_errno(client)));
    session->lost_ = true;
    session->retry_at_ = Clock::now();
  }
}

}  // namespace lxhost::mdns
